using Lockstep;

namespace Tutorial;

/// <summary>
/// Four producers and four consumers share one bounded queue. The queue is closed once every producer has
/// finished (not before: a closed queue refuses puts), and every item is consumed exactly once.
/// </summary>
internal static class ManyProducersConsumers
{
    public static void Run()
    {
        const int Producers = 4;
        const int Consumers = 4;
        const int PerProducer = 25_000;
        var queue = new BlockingQueue<int>(maxSize: 100);
        var taken = new int[Producers * PerProducer];
        var perConsumer = new int[Consumers];

        var producers = Enumerable.Range(0, Producers).Select(p => new Worker(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                queue.Put(p * PerProducer + i);
            }
        }, $"producer-{p}")).ToList();

        var consumers = Enumerable.Range(0, Consumers).Select(c => new Worker(() =>
        {
            foreach (var item in queue.Consume())
            {
                Interlocked.Increment(ref taken[item]);
                perConsumer[c]++;
            }
        }, $"consumer-{c}")).ToList();

        foreach (var worker in consumers.Concat(producers))
        {
            worker.Start();
        }

        foreach (var producer in producers)
        {
            producer.Join();
        }

        queue.Close();
        foreach (var consumer in consumers)
        {
            consumer.Join();
        }

        Console.WriteLine($"   {taken.Length:N0} items produced; consumed once: {taken.Count(n => n == 1):N0}, lost: {taken.Count(n => n == 0)}, duplicated: {taken.Count(n => n > 1)}");
        Console.WriteLine($"   per consumer: {string.Join(", ", perConsumer.Select(n => n.ToString("N0")))}");
    }
}
