using Lockstep;

namespace Tutorial;

/// <summary>
/// A producer puts numbers into a bounded queue and closes it when done; the consumer takes them with
/// <c>Consume()</c>, which ends once the queue is closed and drained. Nobody polls <c>IsEmpty</c> (rules LS3001, LS3002).
/// </summary>
internal static class ProducerConsumerClose
{
    public static void Run()
    {
        var queue = new BlockingQueue<int>(maxSize: 5);
        long sum = 0;
        var consumed = 0;

        var producer = new Worker(() =>
        {
            try
            {
                for (var i = 1; i <= 1000; i++)
                {
                    queue.Put(i);
                }
            }
            finally
            {
                queue.Close(); // even if producing fails, the consumer is not left waiting forever
            }
        }, "producer");

        var consumer = new Worker(() =>
        {
            foreach (var item in queue.Consume())
            {
                sum += item;
                consumed++;
            }
        }, "consumer");

        consumer.Start();
        producer.Start();
        producer.Join();
        consumer.Join();
        Console.WriteLine($"   consumed {consumed} items, sum {sum} (expected 1000 items, sum 500500)");
    }
}
