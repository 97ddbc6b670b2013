using System.Diagnostics;
using static Lockstep.Runtime.Tests.TestUtil;

namespace Lockstep.Runtime.Tests;

public class BlockingQueueTests
{
    [Fact]
    public void IsFifo_AndReportsItsSize()
    {
        var q = new BlockingQueue<int>();
        Assert.Equal(0, q.MaxSize);
        Assert.True(q.IsEmpty);
        Assert.False(q.IsFull);
        for (var i = 0; i < 100; i++)
        {
            q.Put(i);
        }

        Assert.Equal(100, q.Count);
        Assert.False(q.IsEmpty);
        Assert.False(q.IsFull);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(i, q.Get());
        }

        Assert.True(q.IsEmpty);
    }

    [Fact]
    public void RingWrapsAndGrows()
    {
        var q = new BlockingQueue<string>();
        var expected = new Queue<string>();
        var next = 0;
        for (var round = 0; round < 50; round++)
        {
            for (var i = 0; i < round; i++)
            {
                var s = (next++).ToString();
                q.Put(s);
                expected.Enqueue(s);
            }

            for (var i = 0; i < round / 2 + 1 && expected.Count > 0; i++)
            {
                Assert.Equal(expected.Dequeue(), q.Get());
            }
        }

        while (expected.Count > 0)
        {
            Assert.Equal(expected.Dequeue(), q.GetNoWait());
        }
    }

    [Fact]
    public void Bounded_NoWaitForms_ThrowWhenFullOrEmpty()
    {
        var q = new BlockingQueue<int>(2);
        Assert.Equal(2, q.MaxSize);
        Assert.Throws<QueueEmptyException>(() => q.GetNoWait());
        Assert.False(q.TryGet(out _));
        q.PutNoWait(1);
        Assert.True(q.TryPut(2));
        Assert.True(q.IsFull);
        Assert.Throws<QueueFullException>(() => q.PutNoWait(3));
        Assert.False(q.TryPut(3));
        Assert.Equal(1, q.GetNoWait());
        Assert.True(q.TryGet(out var two));
        Assert.Equal(2, two);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BlockingQueue<int>(-1));
    }

    [Fact]
    public void TimedForms_HonourTheTimeout()
    {
        var q = new BlockingQueue<int>(1);
        var clock = Stopwatch.StartNew();
        Assert.Throws<QueueEmptyException>(() => q.Get(TimeSpan.FromMilliseconds(60)));
        Assert.False(q.TryGet(out _, TimeSpan.FromMilliseconds(60)));
        q.Put(1, TimeSpan.FromMilliseconds(60));
        Assert.Throws<QueueFullException>(() => q.Put(2, TimeSpan.FromMilliseconds(60)));
        Assert.False(q.TryPut(2, TimeSpan.FromMilliseconds(60)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(220), TimeSpan.FromSeconds(10));
        Assert.Equal(1, q.Get(TimeSpan.FromMilliseconds(60)));
        Assert.True(q.TryPut(3, TimeSpan.Zero));
        Assert.True(q.TryGet(out var three, TimeSpan.Zero));
        Assert.Equal(3, three);
        Assert.Throws<ArgumentOutOfRangeException>(() => q.Get(TimeSpan.FromMilliseconds(-2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => q.TryPut(1, TimeSpan.FromMilliseconds(-2)));
    }

    [Fact]
    public void BlockedGet_ReceivesTheNextPut()
    {
        var q = new BlockingQueue<int>();
        var getter = Spawn(() => q.Get());
        var timedGetter = Spawn(() => q.Get(Timeout.InfiniteTimeSpan));
        WaitUntil(() => q.WaitingConsumers == 2, "both getters block");
        StaysBlocked(getter, "Get on an empty queue");
        q.Put(41);
        q.Put(42);
        Assert.Equal(new[] { 41, 42 }, new[] { Finishes(getter, "getter"), Finishes(timedGetter, "timed getter") }.Order());
        Assert.True(q.IsEmpty);
    }

    [Fact]
    public void BlockedPut_EntersWhenRoomAppears_InOrder()
    {
        var q = new BlockingQueue<int>(1);
        q.Put(0);
        var first = Spawn(() => q.Put(1));
        WaitUntil(() => q.WaitingProducers == 1, "the first producer blocks");
        var second = Spawn(() => q.TryPut(2, Timeout.InfiniteTimeSpan));
        WaitUntil(() => q.WaitingProducers == 2, "the second producer blocks");
        StaysBlocked(first, "Put on a full queue");
        Assert.Equal(0, q.Get());
        Finishes(first, "first producer");
        Assert.Equal(1, q.Get());
        Assert.True(Finishes(second, "second producer"));
        Assert.Equal(2, q.Get());
    }

    [Fact]
    public void Close_RefusesPuts_LetsConsumersDrain_ThenThrows()
    {
        var q = new BlockingQueue<int>();
        q.Put(1);
        q.Put(2);
        q.Close();
        q.Close();
        Assert.True(q.IsClosed);
        Assert.Throws<QueueClosedException>(() => q.Put(3));
        Assert.Throws<QueueClosedException>(() => q.PutNoWait(3));
        Assert.Throws<QueueClosedException>(() => q.TryPut(3));
        Assert.Throws<QueueClosedException>(() => q.TryPut(3, TimeSpan.FromSeconds(1)));
        Assert.True(q.PutAsync(3).IsFaulted);
        Assert.Equal(1, q.Get());
        Assert.Equal(2, q.GetNoWait());
        Assert.Throws<QueueClosedException>(() => q.Get());
        Assert.Throws<QueueClosedException>(() => q.GetNoWait());
        Assert.Throws<QueueClosedException>(() => q.Get(TimeSpan.FromSeconds(1)));
        Assert.False(q.TryGet(out _));
        Assert.False(q.TryGet(out _, TimeSpan.FromSeconds(1)));
        Assert.True(q.GetAsync().IsFaulted);
        Assert.Empty(q.Consume());
    }

    [Fact]
    public async Task Close_WakesEveryBlockedProducerAndConsumer()
    {
        var full = new BlockingQueue<int>(1);
        full.Put(0);
        var empty = new BlockingQueue<int>();
        var producers = new List<Task>
        {
            Spawn(() => full.Put(1)),
            Spawn(() => full.Put(2, CancellationToken.None)),
            Spawn(() => full.TryPut(3, Timeout.InfiniteTimeSpan)),
            full.PutAsync(4).AsTask(),
        };
        var consumers = new List<Task>
        {
            Spawn(() => empty.Get()),
            Spawn(() => empty.Get(Timeout.InfiniteTimeSpan)),
            empty.GetAsync().AsTask(),
        };
        var consuming = Spawn(() => empty.Consume().ToList());
        var consumingAsync = Task.Run(async () =>
        {
            var got = new List<int>();
            await foreach (var item in empty.ConsumeAsync())
            {
                got.Add(item);
            }

            return got;
        });
        var tryGetter = Spawn(() => empty.TryGet(out _, Timeout.InfiniteTimeSpan));
        Thread.Sleep(Settle);
        full.Close();
        empty.Close();
        foreach (var task in producers.Concat(consumers))
        {
            Assert.IsType<QueueClosedException>(Faults(task, "a blocked call on a closed queue"));
        }

        Assert.Empty(Finishes(consuming, "Consume"));
        Assert.Empty(await consumingAsync.WaitAsync(Patience));
        Assert.False(Finishes(tryGetter, "TryGet"));
        Assert.Equal(0, full.Get()); // what was in the queue stays to be drained
    }

    [Fact]
    public void Cancellation_ReleasesEveryBlockedCaller()
    {
        var full = new BlockingQueue<int>(1);
        full.Put(0);
        var empty = new BlockingQueue<int>();
        using var cts = new CancellationTokenSource();
        var blocked = new List<Task>
        {
            Spawn(() => full.Put(1, cts.Token)),
            Spawn(() => full.Put(2, Timeout.InfiniteTimeSpan, cts.Token)),
            Spawn(() => full.TryPut(3, Timeout.InfiniteTimeSpan, cts.Token)),
            full.PutAsync(4, cts.Token).AsTask(),
            Spawn(() => empty.Get(cts.Token)),
            Spawn(() => empty.Get(Timeout.InfiniteTimeSpan, cts.Token)),
            Spawn(() => empty.TryGet(out _, Timeout.InfiniteTimeSpan, cts.Token)),
            empty.GetAsync(cts.Token).AsTask(),
            Spawn(() => empty.Consume(cts.Token).ToList()),
            Task.Run(async () => { await foreach (var _ in empty.ConsumeAsync(cts.Token)) { } }),
        };
        Thread.Sleep(Settle);
        Assert.All(blocked, t => Assert.False(t.IsCompleted));
        cts.Cancel();
        foreach (var task in blocked)
        {
            Assert.IsAssignableFrom<OperationCanceledException>(Faults(task, "a cancelled queue call"));
        }

        // Nothing was lost or added by the cancelled calls, and the queues still work.
        Assert.Equal(1, full.Count);
        Assert.Equal(0, full.Get());
        Assert.True(empty.IsEmpty);
        empty.Put(5);
        Assert.Equal(5, empty.Get());
        full.Put(6);
        Assert.Equal(6, full.Get());
    }

    [Fact]
    public async Task Async_PutAndGet_HandOverItems()
    {
        var q = new BlockingQueue<int>(1);
        var put = q.PutAsync(1);
        Assert.True(put.IsCompletedSuccessfully);
        var blockedPut = q.PutAsync(2).AsTask();
        Assert.False(blockedPut.IsCompleted);
        Assert.Equal(1, await q.GetAsync());
        await blockedPut.WaitAsync(Patience);
        Assert.Equal(2, await q.GetAsync());
        var blockedGet = q.GetAsync().AsTask();
        Assert.False(blockedGet.IsCompleted);
        q.Put(3);
        Assert.Equal(3, await blockedGet.WaitAsync(Patience));
        Assert.True(q.PutAsync(0, new CancellationToken(true)).IsCanceled);
        Assert.True(q.GetAsync(new CancellationToken(true)).IsCanceled);
    }

    [Fact]
    public async Task ConsumeAsync_DeliversEverythingThenEnds()
    {
        var q = new BlockingQueue<int>(4);
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                await q.PutAsync(i);
            }

            q.Close();
        });
        var got = new List<int>();
        await foreach (var item in q.ConsumeAsync())
        {
            got.Add(item);
        }

        await producer;
        Assert.Equal(Enumerable.Range(0, 1000), got);
    }

    [Fact]
    public void PutAndGet_AreAllocationFree()
    {
        var bounded = new BlockingQueue<object>(64);
        var unbounded = new BlockingQueue<int>();
        var item = new object();
        var bytes = AllocatedBy(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                bounded.Put(item);
                bounded.TryPut(item);
                bounded.Put(item, TimeSpan.FromSeconds(1));
                _ = bounded.Get();
                _ = bounded.GetNoWait();
                bounded.TryGet(out _, TimeSpan.FromSeconds(1));
                unbounded.Put(i);
                unbounded.PutNoWait(i);
                _ = unbounded.Get(CancellationToken.None);
                unbounded.TryGet(out _);
                unbounded.PutAsync(i).GetAwaiter().GetResult();
                _ = unbounded.GetAsync().GetAwaiter().GetResult();
            }
        });
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void BlockingHandOff_IsAllocationFree()
    {
        // A consumer that has to wait parks on a reused per-thread node: steady-state waits allocate nothing.
        var q = new BlockingQueue<int>(1);
        var back = new BlockingQueue<int>(1);
        var echo = Spawn(() =>
        {
            foreach (var item in q.Consume())
            {
                back.Put(item);
            }
        });
        // Steady state: this thread's waiter has really blocked once, so the event inside it has made the lock object
        // it creates on its first blocking wait (whether the warm-up round below blocks depends on timing).
        Assert.False(back.TryGet(out _, TimeSpan.FromMilliseconds(20)));
        var bytes = AllocatedBy(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                q.Put(i);
                _ = back.Get();
            }
        });
        q.Close();
        Finishes(echo, "echo thread");
        Assert.Equal(0, bytes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(64)]
    public void Stress_EightProducersEightConsumers_NothingLostNothingDuplicated(int maxSize)
    {
        const int Producers = 8;
        const int Consumers = 8;
        const int PerProducer = 125_000; // 1,000,000 items in all
        var q = new BlockingQueue<int>(maxSize);
        var seen = new int[Producers * PerProducer];
        var producers = Enumerable.Range(0, Producers).Select(p => Spawn(() =>
        {
            var start = p * PerProducer;
            for (var i = 0; i < PerProducer; i++)
            {
                if ((i & 7) == 0)
                {
                    while (!q.TryPut(start + i))
                    {
                        Thread.Yield();
                    }
                }
                else
                {
                    q.Put(start + i);
                }
            }
        })).ToArray();
        var consumers = Enumerable.Range(0, Consumers).Select(c => Spawn(() =>
        {
            long count = 0;
            var lastFromProducer = new int[Producers];
            Array.Fill(lastFromProducer, -1);
            foreach (var item in q.Consume())
            {
                Interlocked.Increment(ref seen[item]);
                var producer = item / PerProducer;
                Assert.True(item > lastFromProducer[producer], "items of one producer arrive in FIFO order");
                lastFromProducer[producer] = item;
                count++;
            }

            return count;
        })).ToArray();

        Finishes(Task.WhenAll(producers), "producers");
        q.Close();
        var total = Finishes(Task.WhenAll(consumers), "consumers").Sum();
        Assert.Equal(Producers * PerProducer, total);
        Assert.DoesNotContain(seen, n => n != 1);
        Assert.True(q.IsEmpty);
    }
}
