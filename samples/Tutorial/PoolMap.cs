using Lockstep;

namespace Tutorial;

/// <summary>
/// A pool of four workers maps a function over twenty inputs; the results come back in input order however the
/// work was scheduled. Then a few submissions are awaited as they complete.
/// </summary>
internal static class PoolMap
{
    public static void Run()
    {
        using var pool = new WorkerPool(4);
        var squares = pool.Map(n =>
        {
            Thread.Sleep((20 - n) % 5); // uneven work: later inputs may finish first
            return n * n;
        }, Enumerable.Range(1, 20)).ToList();
        Console.WriteLine($"   squares (input order): {string.Join(" ", squares)}");

        var tasks = new[] { 120, 30, 90, 60 }.Select(ms => pool.Submit(() => { Thread.Sleep(ms); return ms; })).ToList();
        var order = new List<int>();
        foreach (var done in WaitAll(pool, tasks))
        {
            order.Add(done);
        }

        Console.WriteLine($"   submitted 120,30,90,60 ms sleeps; completed in order: {string.Join(",", order)}");
    }

    private static List<int> WaitAll(WorkerPool pool, List<Task<int>> tasks)
    {
        return Collect().GetAwaiter().GetResult();

        async Task<List<int>> Collect()
        {
            var results = new List<int>();
            await foreach (var done in pool.AsCompleted(tasks))
            {
                results.Add(await done);
            }

            return results;
        }
    }
}
