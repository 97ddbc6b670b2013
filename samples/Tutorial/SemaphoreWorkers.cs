using Lockstep;

namespace Tutorial;

/// <summary>
/// Ten workers want a scarce resource (think: three database connections). A bounded semaphore of three lets
/// at most three in at a time; a release without an acquire would throw instead of silently adding a fourth slot.
/// </summary>
internal static class SemaphoreWorkers
{
    public static void Run()
    {
        var connections = new BoundedSemaphore(3);
        var inside = 0;
        var mostInside = 0;
        var record = new Lock();

        var workers = Enumerable.Range(1, 10).Select(i => new Worker(() =>
        {
            using (connections.Acquire())
            {
                var now = Interlocked.Increment(ref inside);
                using (record.Acquire())
                {
                    mostInside = Math.Max(mostInside, now);
                }

                Thread.Sleep(20); // use the connection
                Interlocked.Decrement(ref inside);
            }
        }, $"worker-{i}")).ToList();

        foreach (var worker in workers)
        {
            worker.Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        Console.WriteLine($"   10 workers done; at most {mostInside} held a connection at once (limit 3); {connections.CurrentCount} free now");
    }
}
