using static Lockstep.Runtime.Tests.TestUtil;

namespace Lockstep.Runtime.Tests;

public class WorkerPoolTests
{
    [Fact]
    public async Task Submit_ReturnsResultsAndExceptions()
    {
        using var pool = new WorkerPool(2);
        Assert.Equal(2, pool.WorkerCount);
        Assert.Equal(42, await pool.Submit(() => 6 * 7));
        var ran = false;
        await pool.Submit(() => { ran = true; });
        Assert.True(ran);
        var failed = pool.Submit<int>(() => throw new InvalidOperationException("nope"));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => failed);
        Assert.Equal("nope", ex.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => pool.Submit(() => throw new ArgumentException()));
    }

    [Fact]
    public void Submit_RunsOnPoolThreads_InParallel()
    {
        using var pool = new WorkerPool(3);
        using var barrier = new Barrier(3);
        var tasks = Enumerable.Range(0, 3).Select(_ => pool.Submit(() => barrier.SignalAndWait(Patience))).ToArray();
        Assert.All(Finishes(Task.WhenAll(tasks), "three items meeting at a barrier"), Assert.True);
    }

    [Fact]
    public void Map_ReturnsResultsInInputOrder()
    {
        using var pool = new WorkerPool(4);
        var inputs = Enumerable.Range(0, 200).ToList();
        var results = pool.Map(x =>
        {
            Thread.SpinWait((200 - x) * 100); // later inputs finish first
            return x * x;
        }, inputs).ToList();
        Assert.Equal(inputs.Select(x => x * x), results);
    }

    [Fact]
    public void Map_SubmitsEagerly_AndRethrowsTheFirstFailure()
    {
        using var pool = new WorkerPool(2);
        var started = 0;
        var results = pool.Map(x =>
        {
            Interlocked.Increment(ref started);
            return x == 3 ? throw new FormatException("bad input 3") : x;
        }, Enumerable.Range(0, 10));
        WaitUntil(() => Volatile.Read(ref started) == 10, "every input runs before enumeration");
        using var e = results.GetEnumerator();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(e.MoveNext());
            Assert.Equal(i, e.Current);
        }

        Assert.Equal("bad input 3", Assert.Throws<FormatException>(() => e.MoveNext()).Message);
    }

    [Fact]
    public async Task AsCompleted_YieldsInCompletionOrder()
    {
        await using var pool = new WorkerPool(3);
        using var releaseSlow = new ManualResetEventSlim();
        var slow = pool.Submit(() => { releaseSlow.Wait(); return "slow"; });
        var fast = pool.Submit(() => "fast");
        var failing = pool.Submit<string>(() => throw new InvalidOperationException());
        var order = new List<Task<string>>();
        await foreach (var done in pool.AsCompleted(new[] { slow, fast, failing }))
        {
            Assert.True(done.IsCompleted);
            order.Add(done);
            if (order.Count == 2)
            {
                releaseSlow.Set();
            }
        }

        Assert.Same(slow, order[2]);
        Assert.Contains(fast, order);
        Assert.Contains(failing, order);
    }

    [Fact]
    public void Shutdown_RefusesNewWork_ButRunsQueuedWork()
    {
        var pool = new WorkerPool(1);
        using var gate = new ManualResetEventSlim();
        var blocker = pool.Submit(() => gate.Wait());
        var queued = Enumerable.Range(0, 10).Select(i => pool.Submit(() => i)).ToList();
        pool.Shutdown(wait: false);
        Assert.True(pool.IsShutdown);
        var ex = ThrowsAtCall<InvalidOperationException>(() => pool.Submit(() => 1));
        Assert.Contains("shut down", ex.Message);
        gate.Set();
        pool.Shutdown(); // waits
        Assert.True(blocker.IsCompletedSuccessfully);
        Assert.All(queued, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(Enumerable.Range(0, 10), queued.Select(t => t.Result));
    }

    [Fact]
    public async Task Shutdown_CancelPending_CancelsQueuedTasks_NeverDropsThem()
    {
        var pool = new WorkerPool(1);
        using var gate = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var running = pool.Submit(() => { started.Set(); gate.Wait(); return -1; });
        Assert.True(started.Wait(Patience), "the first item runs");
        var queued = Enumerable.Range(0, 10).Select(i => pool.Submit(() => i)).ToList();
        var shutdown = Spawn(() => pool.Shutdown(wait: true, cancelPending: true));
        WaitUntil(() => queued.All(t => t.IsCompleted), "queued items are settled");
        gate.Set();
        Finishes(shutdown, "Shutdown(wait: true)");
        Assert.Equal(-1, await running);
        Assert.All(queued, t => Assert.True(t.IsCanceled || t.IsCompletedSuccessfully));
        Assert.Contains(queued, t => t.IsCanceled);
    }

    [Fact]
    public void Dispose_WaitsForEverySubmittedItem()
    {
        var done = 0;
        var pool = new WorkerPool(2);
        var tasks = Enumerable.Range(0, 50).Select(_ => pool.Submit(() => { Thread.Sleep(1); Interlocked.Increment(ref done); })).ToList();
        pool.Dispose();
        Assert.Equal(50, done);
        Assert.All(tasks, t => Assert.True(t.IsCompletedSuccessfully));
        pool.Dispose();
    }

    [Fact]
    public async Task DisposeAsync_WaitsForEverySubmittedItem()
    {
        var done = 0;
        var pool = new WorkerPool(2);
        var tasks = Enumerable.Range(0, 50).Select(_ => pool.Submit(() => { Thread.Sleep(1); Interlocked.Increment(ref done); })).ToList();
        await pool.DisposeAsync();
        Assert.Equal(50, done);
        Assert.All(tasks, t => Assert.True(t.IsCompletedSuccessfully));
    }

    [Fact]
    public void Dispose_FromAPoolThread_DoesNotDeadlock()
    {
        var pool = new WorkerPool(1);
        var inner = pool.Submit(pool.Dispose);
        Finishes(inner, "Dispose on a pool thread");
        Assert.True(pool.IsShutdown);
    }

    [Fact]
    public void InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPool(0));
        using var pool = new WorkerPool(1);
        ThrowsAtCall<ArgumentNullException>(() => pool.Submit((Action)null!));
        ThrowsAtCall<ArgumentNullException>(() => pool.Submit((Func<int>)null!));
        Assert.Throws<ArgumentNullException>(() => pool.Map<int, int>(null!, [1]));
        Assert.Throws<ArgumentNullException>(() => pool.Map<int, int>(x => x, null!));
    }
}
