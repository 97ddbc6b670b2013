using static Lockstep.Runtime.Tests.TestUtil;

namespace Lockstep.Runtime.Tests;

public class SemaphoreTests
{
    [Fact]
    public void Counts_AcquireAndRelease()
    {
        var sem = new Semaphore(2);
        Assert.Equal(2, sem.CurrentCount);
        using (sem.Acquire())
        {
            Assert.Equal(1, sem.CurrentCount);
            Assert.True(sem.TryAcquire());
            Assert.False(sem.TryAcquire());
            Assert.False(sem.TryAcquire(TimeSpan.FromMilliseconds(10)));
            sem.Release();
        }

        Assert.Equal(2, sem.CurrentCount);
        sem.Release(3); // an unbounded semaphore may grow
        Assert.Equal(5, sem.CurrentCount);
        default(Semaphore.Scope).Dispose();
        Assert.Equal(5, sem.CurrentCount);
    }

    [Fact]
    public void InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Semaphore(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedSemaphore(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Semaphore(1).Release(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BoundedSemaphore(1).Release(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Semaphore(1).TryAcquire(TimeSpan.FromMilliseconds(-5)));
    }

    [Fact]
    public void Bounded_OverRelease_Throws()
    {
        var sem = new BoundedSemaphore(2);
        Assert.Equal(2, sem.MaxCount);
        var ex = Assert.Throws<SemaphoreFullException>(sem.Release);
        Assert.Contains("released more times than it was acquired", ex.Message);
        using (sem.Acquire())
        {
            Assert.Throws<SemaphoreFullException>(() => sem.Release(2));
            Assert.Equal(1, sem.CurrentCount);
        }

        Assert.Equal(2, sem.CurrentCount);
        Assert.Throws<SemaphoreFullException>(new BoundedSemaphore(0).Release);
    }

    [Fact]
    public void Bounded_ScopeDisposedTwice_ThrowsInsteadOfGrowing()
    {
        var sem = new BoundedSemaphore(1);
        var scope = sem.Acquire();
        scope.Dispose();
        Assert.Throws<SemaphoreFullException>(scope.Dispose);
        Assert.Equal(1, sem.CurrentCount);
    }

    [Fact]
    public async Task AcquireAsync_WaitsForRelease()
    {
        var sem = new Semaphore(1);
        var bounded = new BoundedSemaphore(1);
        var first = sem.AcquireAsync();
        Assert.True(first.IsCompletedSuccessfully);
        var second = sem.AcquireAsync().AsTask();
        Assert.False(second.IsCompleted);
        (await first).Dispose();
        (await second.WaitAsync(Patience)).Dispose();
        Assert.Equal(1, sem.CurrentCount);

        var b1 = await bounded.AcquireAsync();
        var b2 = bounded.AcquireAsync().AsTask();
        Assert.False(await bounded.TryAcquireAsync(TimeSpan.FromMilliseconds(10)));
        b1.Dispose();
        (await b2.WaitAsync(Patience)).Dispose();
        Assert.True(await bounded.TryAcquireAsync(TimeSpan.Zero));
        bounded.Release();
        Assert.True(await sem.TryAcquireAsync(TimeSpan.Zero));
        sem.Release();
    }

    [Fact]
    public void Cancellation_ReleasesEveryBlockedCaller()
    {
        var sem = new Semaphore(0);
        var bounded = new BoundedSemaphore(0);
        using var cts = new CancellationTokenSource();
        var tasks = new List<Task>
        {
            Spawn(() => sem.Acquire(cts.Token)),
            Spawn(() => bounded.Acquire(cts.Token)),
            Spawn(() => sem.TryAcquire(Timeout.InfiniteTimeSpan, cts.Token)),
            Spawn(() => bounded.TryAcquire(Timeout.InfiniteTimeSpan, cts.Token)),
            sem.AcquireAsync(cts.Token).AsTask(),
            bounded.AcquireAsync(cts.Token).AsTask(),
        };
        Thread.Sleep(Settle);
        cts.Cancel();
        foreach (var task in tasks)
        {
            Assert.IsAssignableFrom<OperationCanceledException>(Faults(task, "a cancelled semaphore acquire"));
        }

        Assert.Equal(0, sem.CurrentCount);
        Assert.Equal(0, bounded.CurrentCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NeverAdmitsMoreThanItsCount(bool bounded)
    {
        const int Count = 3;
        var plain = new Semaphore(Count);
        var limited = new BoundedSemaphore(Count);
        var inside = 0;
        var maxInside = 0;
        var entries = 0;
        var workers = Enumerable.Range(0, 8).Select(_ => Spawn(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                using (bounded ? default : plain.Acquire())
                using (bounded ? limited.Acquire() : default)
                {
                    var now = Interlocked.Increment(ref inside);
                    LockTests.InterlockedMax(ref maxInside, now);
                    Interlocked.Increment(ref entries);
                    if (i % 50 == 0)
                    {
                        Thread.Yield();
                    }

                    Interlocked.Decrement(ref inside);
                }
            }
        })).ToArray();
        Finishes(Task.WhenAll(workers), "the semaphore workers");
        Assert.Equal(8 * 2_000, entries);
        Assert.InRange(maxInside, 1, Count);
        Assert.Equal(Count, bounded ? limited.CurrentCount : plain.CurrentCount);
    }

    [Fact]
    public void Scopes_AreAllocationFree()
    {
        var sem = new Semaphore(1);
        var bounded = new BoundedSemaphore(1);
        var bytes = AllocatedBy(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                using (sem.Acquire())
                using (bounded.Acquire())
                {
                }

                using var a = sem.AcquireAsync().Result;
                using var b = bounded.AcquireAsync().Result;
            }
        });
        Assert.Equal(0, bytes);
    }
}
