using System.Diagnostics;
using static Lockstep.Runtime.Tests.TestUtil;

namespace Lockstep.Runtime.Tests;

public class ConditionTests
{
    [Fact]
    public void Members_WithoutHoldingTheLock_Throw()
    {
        foreach (var cond in new[] { new Condition(new Lock()), new Condition(new RLock()) })
        {
            Assert.Throws<SynchronizationLockException>(() => cond.Wait());
            Assert.Throws<SynchronizationLockException>(() => cond.Wait(TimeSpan.Zero));
            Assert.Throws<SynchronizationLockException>(() => cond.Wait(CancellationToken.None));
            Assert.Throws<SynchronizationLockException>(() => cond.WaitFor(() => true));
            Assert.Throws<SynchronizationLockException>(() => cond.WaitFor(() => true, TimeSpan.Zero));
            Assert.Throws<SynchronizationLockException>(() => cond.Notify());
            var ex = Assert.Throws<SynchronizationLockException>(cond.NotifyAll);
            Assert.Contains("must be called while holding", ex.Message);
        }

        Assert.Throws<ArgumentNullException>(() => new Condition((Lock)null!));
        Assert.Throws<ArgumentNullException>(() => new Condition((RLock)null!));
    }

    [Fact]
    public void RLockCondition_HeldByAnotherThread_Throws()
    {
        var gate = new RLock();
        var cond = new Condition(gate);
        using (gate.Acquire())
        {
            Assert.IsType<SynchronizationLockException>(Faults(Spawn(() => cond.Notify()), "Notify from a non-owner"));
            Assert.IsType<SynchronizationLockException>(Faults(Spawn(() => cond.Wait(TimeSpan.Zero)), "Wait from a non-owner"));
        }
    }

    [Fact]
    public void Wait_TimesOut_AndStillHoldsTheLock()
    {
        var gate = new Lock();
        var cond = new Condition(gate);
        var clock = Stopwatch.StartNew();
        using (gate.Acquire())
        {
            Assert.False(cond.Wait(TimeSpan.FromMilliseconds(100)));
            Assert.True(gate.IsLocked);
            Assert.False(cond.WaitFor(() => false, TimeSpan.FromMilliseconds(50)));
            Assert.True(cond.WaitFor(() => true, TimeSpan.Zero));
        }

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(140), TimeSpan.FromSeconds(10));
        Assert.False(gate.IsLocked); // the scope taken before the wait still releases the lock
    }

    [Fact]
    public void Wait_ReleasesTheLockWhileWaiting()
    {
        var gate = new Lock();
        var cond = new Condition(gate);
        var ready = false;
        var waiter = Spawn(() =>
        {
            using (gate.Acquire())
            {
                cond.WaitFor(() => ready);
                Assert.True(gate.IsLocked);
            }
        });

        WaitUntil(() => !gate.IsLocked && !waiter.IsCompleted, "the waiter sleeps without the lock");
        Thread.Sleep(20);
        using (gate.Acquire())
        {
            ready = true;
            cond.Notify();
        }

        Finishes(waiter, "the waiter");
        Assert.False(gate.IsLocked);
    }

    [Fact]
    public void RLock_WaitReleasesAllLevels_AndRestoresThem()
    {
        var gate = new RLock();
        var cond = new Condition(gate);
        var ready = false;
        var depthAfter = 0;
        var waiter = Spawn(() =>
        {
            using (gate.Acquire())
            using (gate.Acquire())
            using (gate.Acquire())
            {
                cond.WaitFor(() => ready);
                depthAfter = gate.RecursionCount;
            }

            Assert.False(gate.IsHeldByCurrentThread);
        });

        WaitUntil(() => !gate.IsLocked, "the waiter gives up every level");
        using (gate.Acquire())
        {
            ready = true;
            cond.NotifyAll();
        }

        Finishes(waiter, "the waiter");
        Assert.Equal(3, depthAfter);
        Assert.False(gate.IsLocked);
    }

    [Fact]
    public void Notify_WakesExactlyN_AndNotifyAllWakesTheRest()
    {
        var gate = new Lock();
        var cond = new Condition(gate);
        var woken = 0;
        var waiting = 0;
        var waiters = Enumerable.Range(0, 5).Select(_ => Spawn(() =>
        {
            using (gate.Acquire())
            {
                waiting++;
                cond.Wait();
                woken++;
            }
        })).ToArray();

        WaitUntil(() => { using (gate.Acquire()) { return waiting == 5; } }, "five waiters");
        using (gate.Acquire())
        {
            cond.Notify(2);
            cond.Notify(0);
        }

        WaitUntil(() => { using (gate.Acquire()) { return woken == 2; } }, "two woken");
        Thread.Sleep(Settle);
        using (gate.Acquire())
        {
            Assert.Equal(2, woken);
            Assert.Throws<ArgumentOutOfRangeException>(() => cond.Notify(-1));
            cond.NotifyAll();
        }

        Finishes(Task.WhenAll(waiters), "every waiter");
        Assert.Equal(5, woken);
    }

    [Fact]
    public void Notify_WithNoWaiters_IsNotRemembered()
    {
        var gate = new Lock();
        var cond = new Condition(gate);
        using (gate.Acquire())
        {
            cond.Notify();
            cond.NotifyAll();
            Assert.False(cond.Wait(TimeSpan.FromMilliseconds(20)));
        }
    }

    [Fact]
    public void Cancellation_ReleasesWaiters_WhichReacquireTheLockBeforeThrowing()
    {
        var gate = new Lock();
        var rgate = new RLock();
        var cond = new Condition(gate);
        var rcond = new Condition(rgate);
        using var cts = new CancellationTokenSource();
        var heldWhenThrown = 0;
        Task Waiter(bool reentrant) => Spawn(() =>
        {
            if (reentrant)
            {
                using (rgate.Acquire())
                {
                    try
                    {
                        rcond.WaitFor(() => false, cts.Token);
                    }
                    finally
                    {
                        if (rgate.IsHeldByCurrentThread)
                        {
                            Interlocked.Increment(ref heldWhenThrown);
                        }
                    }
                }
            }
            else
            {
                using (gate.Acquire())
                {
                    try
                    {
                        cond.Wait(Timeout.InfiniteTimeSpan, cts.Token);
                    }
                    finally
                    {
                        if (gate.IsLocked)
                        {
                            Interlocked.Increment(ref heldWhenThrown);
                        }
                    }
                }
            }
        });

        var waiters = new[] { Waiter(false), Waiter(false), Waiter(true), Waiter(true) };
        Thread.Sleep(Settle);
        cts.Cancel();
        foreach (var waiter in waiters)
        {
            Assert.IsAssignableFrom<OperationCanceledException>(Faults(waiter, "a cancelled condition wait"));
        }

        Assert.Equal(4, heldWhenThrown);
        Assert.False(gate.IsLocked);
        Assert.False(rgate.IsLocked);
    }

    [Fact]
    public void BoundedBuffer_ProducerConsumer_MovesEveryItem()
    {
        var gate = new Lock();
        var notEmpty = new Condition(gate);
        var notFull = new Condition(gate);
        var buffer = new Queue<int>();
        const int Items = 20_000;
        long sum = 0;
        var producer = Spawn(() =>
        {
            for (var i = 1; i <= Items; i++)
            {
                using (gate.Acquire())
                {
                    notFull.WaitFor(() => buffer.Count < 8);
                    buffer.Enqueue(i);
                    notEmpty.Notify();
                }
            }
        });
        var consumer = Spawn(() =>
        {
            for (var i = 0; i < Items; i++)
            {
                using (gate.Acquire())
                {
                    while (buffer.Count == 0)
                    {
                        notEmpty.Wait();
                    }

                    sum += buffer.Dequeue();
                    notFull.Notify();
                }
            }
        });
        Finishes(Task.WhenAll(producer, consumer), "producer and consumer");
        Assert.Equal((long)Items * (Items + 1) / 2, sum);
        Assert.False(gate.IsLocked);
    }
}
