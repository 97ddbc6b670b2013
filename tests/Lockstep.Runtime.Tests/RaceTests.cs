using static Lockstep.Runtime.Tests.TestUtil;

namespace Lockstep.Runtime.Tests;

/// <summary>
/// Timeouts and cancellations racing with hand-offs: a waiter that gives up at the very moment it is handed a lock or
/// an item must either keep it (and report success) or leave it for someone else, never lose or duplicate it.
/// </summary>
public class RaceTests
{
    [Fact]
    public async Task Lock_TimeoutsAndCancellations_KeepMutualExclusion()
    {
        var gate = new Lock();
        var inside = 0;
        var violations = 0;
        long entries = 0;
        void Enter()
        {
            if (Interlocked.Increment(ref inside) != 1)
            {
                Interlocked.Increment(ref violations);
            }

            Interlocked.Increment(ref entries);
            Thread.SpinWait(50);
            Interlocked.Decrement(ref inside);
        }

        var threads = Enumerable.Range(0, 4).Select(t => Spawn(() =>
        {
            var random = new Random(t);
            for (var i = 0; i < 5_000; i++)
            {
                switch (random.Next(3))
                {
                    case 0:
                        if (gate.TryAcquire(TimeSpan.FromTicks(random.Next(0, 20_000))))
                        {
                            Enter();
                            gate.Release();
                        }

                        break;
                    case 1:
                        using (var cts = new CancellationTokenSource(TimeSpan.FromTicks(random.Next(1, 20_000))))
                        {
                            try
                            {
                                using (gate.Acquire(cts.Token))
                                {
                                    Enter();
                                }
                            }
                            catch (OperationCanceledException)
                            {
                            }
                        }

                        break;
                    default:
                        using (gate.Acquire())
                        {
                            Enter();
                        }

                        break;
                }
            }
        })).ToList();
        var asyncers = Enumerable.Range(0, 2).Select(t => Task.Run(async () =>
        {
            var random = new Random(100 + t);
            for (var i = 0; i < 2_000; i++)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromTicks(random.Next(1, 20_000)));
                try
                {
                    using (await gate.AcquireAsync(cts.Token))
                    {
                        Enter();
                    }
                }
                catch (OperationCanceledException)
                {
                }

                if (await gate.TryAcquireAsync(TimeSpan.FromTicks(random.Next(0, 20_000))))
                {
                    Enter();
                    gate.Release();
                }
            }
        })).ToList();

        await Task.WhenAll(threads.Concat(asyncers)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, violations);
        Assert.True(entries > 0);
        Assert.False(gate.IsLocked);
        Assert.True(gate.TryAcquire());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public async Task Queue_TimeoutsAndCancellations_LoseAndDuplicateNothing(int maxSize)
    {
        const int Producers = 4;
        const int PerProducer = 20_000;
        var q = new BlockingQueue<int>(maxSize);
        var seen = new int[Producers * PerProducer];

        var producers = Enumerable.Range(0, Producers).Select(p => Spawn(() =>
        {
            var random = new Random(p);
            for (var i = 0; i < PerProducer; i++)
            {
                var item = p * PerProducer + i;
                while (true)
                {
                    var mode = random.Next(4);
                    if (mode == 0 && q.TryPut(item, TimeSpan.FromTicks(random.Next(0, 10_000))))
                    {
                        break;
                    }

                    if (mode == 1)
                    {
                        using var cts = new CancellationTokenSource(TimeSpan.FromTicks(random.Next(1, 10_000)));
                        try
                        {
                            q.Put(item, cts.Token);
                            break;
                        }
                        catch (OperationCanceledException)
                        {
                            continue;
                        }
                    }

                    if (mode == 2)
                    {
                        using var cts = new CancellationTokenSource(TimeSpan.FromTicks(random.Next(1, 10_000)));
                        try
                        {
                            q.PutAsync(item, cts.Token).AsTask().GetAwaiter().GetResult();
                            break;
                        }
                        catch (OperationCanceledException)
                        {
                            continue;
                        }
                    }

                    if (mode == 3)
                    {
                        q.Put(item);
                        break;
                    }
                }
            }
        })).ToList();

        var consumers = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            var random = new Random(50 + c);
            while (true)
            {
                int item;
                switch (random.Next(3))
                {
                    case 0:
                        if (!q.TryGet(out item, TimeSpan.FromTicks(random.Next(0, 10_000))))
                        {
                            if (q.IsClosed && q.IsEmpty)
                            {
                                return;
                            }

                            continue;
                        }

                        break;
                    case 1:
                        using (var cts = new CancellationTokenSource(TimeSpan.FromTicks(random.Next(1, 10_000))))
                        {
                            try
                            {
                                item = await q.GetAsync(cts.Token);
                            }
                            catch (OperationCanceledException)
                            {
                                continue;
                            }
                            catch (QueueClosedException)
                            {
                                return;
                            }
                        }

                        break;
                    default:
                        using (var cts = new CancellationTokenSource(TimeSpan.FromTicks(random.Next(1, 10_000))))
                        {
                            try
                            {
                                item = q.Get(cts.Token);
                            }
                            catch (OperationCanceledException)
                            {
                                continue;
                            }
                            catch (QueueClosedException)
                            {
                                return;
                            }
                        }

                        break;
                }

                Interlocked.Increment(ref seen[item]);
            }
        })).ToList();

        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(60));
        q.Close();
        await Task.WhenAll(consumers).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(seen, n => n != 1);
        Assert.True(q.IsEmpty);
    }
    /// <summary>
    /// A one-slot queue keeps producers waiting nearly all the time, and consumers free slots without the queue's lock:
    /// a producer calling TryPut can find the slot free while others wait, admit them first (FIFO) and be refused
    /// itself. The producers it admitted must be woken even then, or they wait forever with their item delivered.
    /// </summary>
    [Fact]
    public void Queue_OneSlot_BlockingAndTryingProducers_NobodyLeftAsleep()
    {
        const int PerProducer = 50_000;
        var q = new BlockingQueue<int>(1);
        var blocking = Enumerable.Range(0, 2).Select(p => Spawn(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                q.Put(p * PerProducer + i);
            }
        })).ToArray();
        var trying = Spawn(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                while (!q.TryPut(2 * PerProducer + i))
                {
                    Thread.Yield();
                }
            }
        });
        var seen = new int[3 * PerProducer];
        var consumers = Enumerable.Range(0, 2).Select(_ => Spawn(() =>
        {
            foreach (var item in q.Consume())
            {
                Interlocked.Increment(ref seen[item]);
            }
        })).ToArray();

        Finishes(Task.WhenAll(blocking.Append(trying)), "producers");
        q.Close();
        Finishes(Task.WhenAll(consumers), "consumers");
        Assert.DoesNotContain(seen, n => n != 1);
    }

    /// <summary>
    /// An unbounded queue's puts take no lock: a close racing with them must still deliver every item whose put
    /// succeeded (consumers end only once the puts that began before the close are in), and refuse every later one.
    /// </summary>
    [Fact]
    public void Unbounded_CloseRacingWithPuts_DeliversEverySuccessfulPutOnce()
    {
        for (var round = 0; round < 40; round++)
        {
            var q = new BlockingQueue<int>();
            var accepted = new int[4][];
            var producers = Enumerable.Range(0, 4).Select(p => Spawn(() =>
            {
                var mine = new List<int>();
                try
                {
                    for (var i = 0; ; i++)
                    {
                        var item = p * 1_000_000 + i;
                        if ((i & 1) == 0)
                        {
                            q.Put(item);
                        }
                        else
                        {
                            q.PutAsync(item).AsTask().GetAwaiter().GetResult();
                        }

                        mine.Add(item);
                    }
                }
                catch (QueueClosedException)
                {
                }

                accepted[p] = mine.ToArray();
            })).ToArray();
            var received = new List<int>[2];
            var consumers = Enumerable.Range(0, 2).Select(c => Spawn(() =>
            {
                var got = new List<int>();
                if (c == 0)
                {
                    got.AddRange(q.Consume());
                }
                else
                {
                    while (true)
                    {
                        try
                        {
                            got.Add(q.GetAsync().AsTask().GetAwaiter().GetResult());
                        }
                        catch (QueueClosedException)
                        {
                            break;
                        }
                    }
                }

                received[c] = got;
            })).ToArray();

            Thread.Sleep(round % 3);
            q.Close();
            Finishes(Task.WhenAll(producers), "producers");
            Finishes(Task.WhenAll(consumers), "consumers");
            var sent = accepted.SelectMany(a => a).OrderBy(x => x).ToArray();
            var got = received.SelectMany(r => r).OrderBy(x => x).ToArray();
            Assert.Equal(sent, got);
            Assert.Throws<QueueClosedException>(() => q.Put(-1));
        }
    }

    /// <summary>
    /// Unbounded puts look for sleeping consumers without the lock, right after enqueueing, while a consumer links
    /// itself and then looks for items: one item at a time, each must wake the consumer waiting for it.
    /// </summary>
    [Fact]
    public void Unbounded_OneItemAtATime_NoConsumerSleepsBesideAnItem()
    {
        var q = new BlockingQueue<int>();
        var back = new BlockingQueue<int>();
        const int Rounds = 20_000;
        var consumer = Spawn(() =>
        {
            for (var i = 0; i < Rounds; i++)
            {
                var item = (i % 3) switch
                {
                    0 => q.Get(Patience),
                    1 => q.GetAsync().AsTask().GetAwaiter().GetResult(),
                    _ => q.TryGet(out var x, Patience) ? x : -1,
                };
                back.Put(item);
            }
        });
        for (var i = 0; i < Rounds; i++)
        {
            q.Put(i);
            Assert.Equal(i, back.Get(Patience));
        }

        Finishes(consumer, "consumer");
    }
}

public class InterruptTests
{
    [Fact]
    public void InterruptedWaits_LeaveEveryPrimitiveUsable()
    {
        var gate = new Lock();
        var cond = new Condition(gate);
        var q = new BlockingQueue<int>(1);
        var holder = gate.Acquire();

        Exception? lockFailure = null;
        var lockWaiter = new Thread(() =>
        {
            try
            {
                using (gate.Acquire())
                {
                }
            }
            catch (ThreadInterruptedException ex)
            {
                lockFailure = ex;
            }
        });
        Exception? getFailure = null;
        var getter = new Thread(() =>
        {
            try
            {
                q.Get();
            }
            catch (ThreadInterruptedException ex)
            {
                getFailure = ex;
            }
        });
        lockWaiter.Start();
        getter.Start();
        Thread.Sleep(TestUtil.Settle);
        lockWaiter.Interrupt();
        getter.Interrupt();
        Assert.True(lockWaiter.Join(TestUtil.Patience));
        Assert.True(getter.Join(TestUtil.Patience));
        Assert.IsType<ThreadInterruptedException>(lockFailure);
        Assert.IsType<ThreadInterruptedException>(getFailure);

        // The interrupted waiters left nothing behind: the lock goes to the next acquirer, the item to the next getter.
        holder.Dispose();
        Assert.True(gate.TryAcquire());
        gate.Release();
        q.Put(1);
        Assert.Equal(1, q.Get());
        q.Put(2);
        Assert.Equal(2, TestUtil.Finishes(TestUtil.Spawn(() => q.Get(TimeSpan.FromSeconds(5))), "a later getter"));

        Exception? condFailure = null;
        var condWaiter = new Thread(() =>
        {
            using (gate.Acquire())
            {
                try
                {
                    cond.Wait();
                }
                catch (ThreadInterruptedException ex)
                {
                    condFailure = ex;
                    Assert.True(gate.IsLocked); // re-acquired before throwing
                }
            }
        });
        condWaiter.Start();
        Thread.Sleep(TestUtil.Settle);
        condWaiter.Interrupt();
        Assert.True(condWaiter.Join(TestUtil.Patience));
        Assert.IsType<ThreadInterruptedException>(condFailure);
        Assert.False(gate.IsLocked);
        using (gate.Acquire())
        {
            Assert.False(cond.Wait(TimeSpan.FromMilliseconds(10)));
        }
    }
}
