using static Lockstep.Runtime.Tests.TestUtil;

namespace Lockstep.Runtime.Tests;

public class RLockTests
{
    [Fact]
    public void Acquire_IsReentrant_AndCountsLevels()
    {
        var gate = new RLock();
        using (gate.Acquire())
        {
            using (gate.Acquire())
            {
                Assert.Equal(2, gate.RecursionCount);
                Assert.True(gate.TryAcquire());
                Assert.Equal(3, gate.RecursionCount);
                gate.Release();
            }

            Assert.True(gate.IsLocked);
            Assert.True(gate.IsHeldByCurrentThread);
            Assert.Equal(1, gate.RecursionCount);
        }

        Assert.False(gate.IsLocked);
        Assert.False(gate.IsHeldByCurrentThread);
        Assert.Equal(0, gate.RecursionCount);
    }

    [Fact]
    public void HeldByOneThread_OtherThreadCannotAcquire()
    {
        var gate = new RLock();
        using (gate.Acquire())
        {
            Assert.False(Finishes(Spawn(() => gate.TryAcquire(TimeSpan.FromMilliseconds(20))), "TryAcquire on another thread"));
            Assert.False(Finishes(Spawn(() => gate.IsHeldByCurrentThread), "IsHeldByCurrentThread on another thread"));
            Assert.Equal(0, Finishes(Spawn(() => gate.RecursionCount), "RecursionCount on another thread"));
        }

        Assert.True(Finishes(Spawn(() =>
        {
            var ok = gate.TryAcquire(TimeSpan.FromMilliseconds(20));
            gate.Release();
            return ok;
        }), "TryAcquire after release"));
    }

    [Fact]
    public void Release_ByNonOwner_Throws()
    {
        var gate = new RLock();
        using (gate.Acquire())
        {
            var ex = Faults(Spawn(gate.Release), "Release() on a non-owner thread");
            Assert.IsType<SynchronizationLockException>(ex);
            Assert.Contains("owned by thread", ex.Message);
            Assert.True(gate.IsHeldByCurrentThread);
        }
    }

    [Fact]
    public void Release_WhenNotHeld_Throws()
    {
        var gate = new RLock();
        var ex = Assert.Throws<SynchronizationLockException>(gate.Release);
        Assert.Contains("not held", ex.Message);
    }

    [Fact]
    public void ScopeDispose_OnAnotherThread_Throws()
    {
        var gate = new RLock();
        var scope = gate.Acquire();
        Assert.IsType<SynchronizationLockException>(Faults(Spawn(scope.Dispose), "Dispose on another thread"));
        Assert.True(gate.IsHeldByCurrentThread);
        scope.Dispose();
        Assert.False(gate.IsLocked);
    }

    [Fact]
    public void Scope_DisposedTwice_ReleasesOnce()
    {
        var gate = new RLock();
        var outer = gate.Acquire();
        var inner = gate.Acquire();
        inner.Dispose();
        inner.Dispose();
        Assert.Equal(1, gate.RecursionCount);
        outer.Dispose();
        Assert.False(gate.IsLocked);
        outer.Dispose(); // stale and unowned: nothing happens
        default(RLock.Scope).Dispose();
    }

    [Fact]
    public void Scopes_DisposedOutOfOrder_ReleaseTheirOwnLevels()
    {
        var gate = new RLock();
        var a = gate.Acquire();
        var b = gate.Acquire();
        a.Dispose();
        Assert.Equal(1, gate.RecursionCount);
        a.Dispose();
        Assert.Equal(1, gate.RecursionCount);
        b.Dispose();
        Assert.False(gate.IsLocked);
    }

    [Fact]
    public void Acquire_Cancelled_ReleasesBlockedCallers()
    {
        var gate = new RLock();
        using var cts = new CancellationTokenSource();
        using (gate.Acquire())
        {
            var waiters = Enumerable.Range(0, 4).Select(_ => Spawn(() => { using (gate.Acquire(cts.Token)) { } })).ToList();
            var timed = Spawn(() => gate.TryAcquire(Timeout.InfiniteTimeSpan, cts.Token));
            Thread.Sleep(Settle);
            cts.Cancel();
            foreach (var task in waiters.Append(timed))
            {
                Assert.IsAssignableFrom<OperationCanceledException>(Faults(task, "a cancelled RLock acquire"));
            }
        }

        Assert.False(gate.IsLocked);
    }

    [Fact]
    public void Scope_IsAllocationFree()
    {
        var gate = new RLock();
        var bytes = AllocatedBy(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                using (gate.Acquire())
                using (gate.Acquire())
                {
                }
            }
        });
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void DeepRecursion_Works()
    {
        var gate = new RLock();
        var scopes = Enumerable.Range(0, 100).Select(_ => gate.Acquire()).ToList();
        Assert.Equal(100, gate.RecursionCount);
        foreach (var scope in Enumerable.Reverse(scopes))
        {
            scope.Dispose();
        }

        Assert.False(gate.IsLocked);
    }

    [Fact]
    public void Contended_CounterIsExact()
    {
        var gate = new RLock();
        long counter = 0;
        var workers = Enumerable.Range(0, 4).Select(_ => Spawn(() =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                using (gate.Acquire())
                using (gate.Acquire())
                {
                    counter++;
                }
            }
        })).ToArray();
        Finishes(Task.WhenAll(workers), "the counting threads");
        Assert.Equal(200_000, counter);
        Assert.False(gate.IsLocked);
    }
}
