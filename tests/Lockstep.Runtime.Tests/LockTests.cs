using System.Diagnostics;
using static Lockstep.Runtime.Tests.TestUtil;

namespace Lockstep.Runtime.Tests;

public class LockTests
{
    [Fact]
    public void Acquire_HoldsUntilScopeDisposed()
    {
        var gate = new Lock();
        using (gate.Acquire())
        {
            Assert.True(gate.IsLocked);
            Assert.False(gate.TryAcquire());
        }

        Assert.False(gate.IsLocked);
    }

    [Fact]
    public void Scope_DisposedTwice_ReleasesOnce()
    {
        var gate = new Lock();
        var first = gate.Acquire();
        first.Dispose();
        var second = gate.Acquire();
        first.Dispose(); // stale: must not release the second acquisition
        Assert.True(gate.IsLocked);
        second.Dispose();
        Assert.False(gate.IsLocked);
        second.Dispose();
        Assert.False(gate.IsLocked);
    }

    [Fact]
    public void Scope_CopyDisposedTwice_ReleasesOnce()
    {
        var gate = new Lock();
        var scope = gate.Acquire();
        var copy = scope;
        scope.Dispose();
        Assert.True(gate.TryAcquire());
        copy.Dispose();
        Assert.True(gate.IsLocked);
        gate.Release();
    }

    [Fact]
    public void DefaultScope_DisposeIsNoOp()
    {
        default(Lock.Scope).Dispose();
        var gate = new Lock();
        using (gate.Acquire())
        {
            default(Lock.Scope).Dispose();
            Assert.True(gate.IsLocked);
        }
    }

    [Fact]
    public void Release_WhenNotHeld_Throws()
    {
        var gate = new Lock();
        Assert.Throws<SynchronizationLockException>(gate.Release);
        Assert.True(gate.TryAcquire());
        gate.Release();
        var ex = Assert.Throws<SynchronizationLockException>(gate.Release);
        Assert.Contains("not held", ex.Message);
    }

    [Fact]
    public void Release_FromAnotherThread_IsAllowed()
    {
        var gate = new Lock();
        var scope = gate.Acquire();
        Finishes(Spawn(scope.Dispose), "release on another thread");
        Assert.False(gate.IsLocked);

        Assert.True(gate.TryAcquire(TimeSpan.Zero));
        Finishes(Spawn(gate.Release), "Release() on another thread");
        Assert.False(gate.IsLocked);
    }

    [Fact]
    public void Release_ThenStaleScopeDispose_DoesNotReleaseNextHolder()
    {
        var gate = new Lock();
        var scope = gate.Acquire();
        gate.Release();
        using (gate.Acquire())
        {
            scope.Dispose();
            Assert.True(gate.IsLocked);
        }
    }

    [Fact]
    public void TryAcquire_Timeout_ReturnsFalseAfterRoughlyTheTimeout()
    {
        var gate = new Lock();
        using (gate.Acquire())
        {
            var took = Finishes(Spawn(() =>
            {
                var clock = Stopwatch.StartNew();
                var acquired = gate.TryAcquire(TimeSpan.FromMilliseconds(150));
                return (acquired, clock.Elapsed);
            }), "timed TryAcquire");
            Assert.False(took.acquired);
            Assert.InRange(took.Elapsed, TimeSpan.FromMilliseconds(140), TimeSpan.FromSeconds(5));
        }

        Assert.True(gate.TryAcquire(TimeSpan.FromMilliseconds(150)));
        gate.Release();
    }

    [Fact]
    public void TryAcquire_Zero_DoesNotWait()
    {
        var gate = new Lock();
        using (gate.Acquire())
        {
            Assert.False(Finishes(Spawn(() => gate.TryAcquire(TimeSpan.Zero)), "TryAcquire(0)"));
        }
    }

    [Fact]
    public void TryAcquire_InvalidTimeout_Throws()
    {
        var gate = new Lock();
        Assert.Throws<ArgumentOutOfRangeException>(() => gate.TryAcquire(TimeSpan.FromMilliseconds(-2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => gate.TryAcquire(TimeSpan.FromDays(30)));
        Assert.True(gate.TryAcquire(Timeout.InfiniteTimeSpan));
        gate.Release();
    }

    [Fact]
    public void Acquire_WaitsForRelease_AndIsHandedOver()
    {
        var gate = new Lock();
        var scope = gate.Acquire();
        var entered = new ManualResetEventSlim();
        var waiter = Spawn(() =>
        {
            using (gate.Acquire())
            {
                entered.Set();
            }
        });
        StaysBlocked(waiter, "the second acquirer");
        scope.Dispose();
        Finishes(waiter, "the second acquirer");
        Assert.True(entered.IsSet);
        Assert.False(gate.IsLocked);
    }

    [Fact]
    public void Acquire_Cancelled_ReleasesEveryBlockedCaller()
    {
        var gate = new Lock();
        using var cts = new CancellationTokenSource();
        var holder = gate.Acquire();
        var waiters = Enumerable.Range(0, 6).Select(_ => Spawn(() => { using (gate.Acquire(cts.Token)) { } })).ToList();
        var asyncWaiters = Enumerable.Range(0, 3).Select(_ => gate.AcquireAsync(cts.Token).AsTask()).ToList();
        var timed = Enumerable.Range(0, 2).Select(_ => Spawn(() => gate.TryAcquire(Timeout.InfiniteTimeSpan, cts.Token))).ToList();
        Thread.Sleep(Settle);
        Assert.All(waiters.Concat<Task>(asyncWaiters).Concat(timed), t => Assert.False(t.IsCompleted));

        cts.Cancel();
        foreach (var task in waiters.Concat<Task>(asyncWaiters).Concat(timed))
        {
            Assert.IsAssignableFrom<OperationCanceledException>(Faults(task, "a cancelled acquire"));
        }

        Assert.True(gate.IsLocked);
        holder.Dispose();
        Assert.False(gate.IsLocked);
        Assert.True(gate.TryAcquire());
        gate.Release();
    }

    [Fact]
    public void Acquire_AlreadyCancelled_Throws_EvenWhenFree()
    {
        var gate = new Lock();
        Assert.Throws<OperationCanceledException>(() => gate.Acquire(new CancellationToken(true)));
        Assert.Throws<OperationCanceledException>(() => gate.TryAcquire(TimeSpan.FromSeconds(1), new CancellationToken(true)));
        Assert.True(gate.AcquireAsync(new CancellationToken(true)).IsCanceled);
        Assert.False(gate.IsLocked);
    }

    [Fact]
    public async Task AcquireAsync_Free_CompletesSynchronously()
    {
        var gate = new Lock();
        var pending = gate.AcquireAsync();
        Assert.True(pending.IsCompletedSuccessfully);
        using (await pending)
        {
            Assert.True(gate.IsLocked);
        }

        Assert.False(gate.IsLocked);
    }

    [Fact]
    public async Task AcquireAsync_HeldAcrossAwait_ReleasedOnAnotherThread()
    {
        var gate = new Lock();
        using (await gate.AcquireAsync())
        {
            await Task.Yield();
            await Task.Delay(1);
            Assert.True(gate.IsLocked);
        }

        Assert.False(gate.IsLocked);
    }

    [Fact]
    public async Task AcquireAsync_Contended_CompletesInOrderOfRelease()
    {
        var gate = new Lock();
        var holder = gate.Acquire();
        var first = gate.AcquireAsync();
        var second = gate.AcquireAsync();
        Assert.False(first.IsCompleted);
        holder.Dispose();
        var firstScope = await first.AsTask().WaitAsync(Patience);
        Assert.False(second.IsCompleted);
        firstScope.Dispose();
        (await second.AsTask().WaitAsync(Patience)).Dispose();
        Assert.False(gate.IsLocked);
    }

    [Fact]
    public async Task TryAcquireAsync_TimesOutThenSucceeds()
    {
        var gate = new Lock();
        var holder = gate.Acquire();
        Assert.False(await gate.TryAcquireAsync(TimeSpan.FromMilliseconds(50)));
        Assert.False(await gate.TryAcquireAsync(TimeSpan.Zero));
        var later = gate.TryAcquireAsync(Timeout.InfiniteTimeSpan).AsTask();
        holder.Dispose();
        Assert.True(await later.WaitAsync(Patience));
        Assert.True(gate.IsLocked);
        gate.Release();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gate.TryAcquireAsync(TimeSpan.FromSeconds(1), new CancellationToken(true)).AsTask());
    }

    [Fact]
    public void Scope_IsAllocationFree()
    {
        var gate = new Lock();
        var bytes = AllocatedBy(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                using (gate.Acquire())
                {
                }

                using var scope = gate.AcquireAsync().Result;
            }
        });
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Contended_CounterIsExact()
    {
        var gate = new Lock();
        const int Threads = 4;
        const int PerThread = 100_000;
        long counter = 0;
        var workers = Enumerable.Range(0, Threads).Select(t => Spawn(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                if (t % 2 == 0)
                {
                    using (gate.Acquire())
                    {
                        counter++;
                    }
                }
                else
                {
                    while (!gate.TryAcquire(TimeSpan.FromMilliseconds(1)))
                    {
                    }

                    counter++;
                    gate.Release();
                }
            }
        })).ToArray();
        Finishes(Task.WhenAll(workers), "the counting threads");
        Assert.Equal(Threads * PerThread, counter);
        Assert.False(gate.IsLocked);
    }

    [Fact]
    public async Task Contended_AsyncAndSync_CounterIsExact()
    {
        var gate = new Lock();
        long counter = 0;
        var inside = 0;
        var maxInside = 0;
        async Task AsyncWorker()
        {
            for (var i = 0; i < 5_000; i++)
            {
                using (await gate.AcquireAsync())
                {
                    var now = Interlocked.Increment(ref inside);
                    InterlockedMax(ref maxInside, now);
                    counter++;
                    if (i % 100 == 0)
                    {
                        await Task.Yield();
                    }

                    Interlocked.Decrement(ref inside);
                }
            }
        }

        void SyncWorker()
        {
            for (var i = 0; i < 20_000; i++)
            {
                using (gate.Acquire())
                {
                    var now = Interlocked.Increment(ref inside);
                    InterlockedMax(ref maxInside, now);
                    counter++;
                    Interlocked.Decrement(ref inside);
                }
            }
        }

        var all = new[] { Task.Run(AsyncWorker), Task.Run(AsyncWorker), Spawn(SyncWorker), Spawn(SyncWorker) };
        await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2 * 5_000 + 2 * 20_000, counter);
        Assert.Equal(1, maxInside);
    }

    internal static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
