using Lockstep;

namespace Tutorial;

/// <summary>
/// A JoinableQueue counts unfinished work: each put adds one, each <c>TaskDone()</c> removes one, and
/// <c>Join()</c> waits until everything put has been processed. The consumers are daemons: the main
/// thread does not wait for them, only for the work (Python's <c>queue.join()</c> idiom).
/// </summary>
internal static class ProducerConsumerJoinable
{
    public static void Run()
    {
        var jobs = new JoinableQueue<string>();
        var processed = 0;

        var consumers = Enumerable.Range(1, 3).Select(i => new Worker(token =>
        {
            foreach (var job in jobs.Consume(token))
            {
                try
                {
                    Thread.SpinWait(20_000); // "process" the job
                    Interlocked.Increment(ref processed);
                }
                finally
                {
                    jobs.TaskDone(); // on every path, or Join() would wait forever (rule LS3003)
                }
            }
        }, $"consumer-{i}") { IsDaemon = true }).ToList();
        foreach (var consumer in consumers)
        {
            consumer.Start();
        }

        for (var i = 0; i < 200; i++)
        {
            jobs.Put($"job-{i}");
        }

        jobs.Join();
        Console.WriteLine($"   Join() returned: {Volatile.Read(ref processed)} of 200 jobs processed, {jobs.UnfinishedTasks} unfinished");

        jobs.Close();
        foreach (var consumer in consumers)
        {
            consumer.Join();
        }

        Console.WriteLine($"   consumers stopped after Close(): {string.Join(", ", consumers.Select(c => $"{c.Name} {c.State}"))}");
    }
}
