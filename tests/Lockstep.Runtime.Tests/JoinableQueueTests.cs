using static Lockstep.Runtime.Tests.TestUtil;

namespace Lockstep.Runtime.Tests;

public class JoinableQueueTests
{
    [Fact]
    public void EveryPutCounts_EveryTaskDoneUncounts()
    {
        var q = new JoinableQueue<string>(2);
        Assert.Equal(0, q.UnfinishedTasks);
        q.Join();
        Assert.True(q.Join(TimeSpan.Zero));
        Assert.True(q.JoinAsync().IsCompletedSuccessfully);
        q.Put("a");
        q.TryPut("b");
        Assert.False(q.TryPut("c"));
        Assert.Equal(2, q.UnfinishedTasks);
        q.Get();
        Assert.Equal(2, q.UnfinishedTasks); // taking is not finishing
        q.TaskDone();
        Assert.Equal(1, q.UnfinishedTasks);
        Assert.False(q.Join(TimeSpan.FromMilliseconds(30)));
        q.Get();
        q.TaskDone();
        Assert.Equal(0, q.UnfinishedTasks);
        Assert.True(q.Join(TimeSpan.Zero));
    }

    [Fact]
    public void TaskDone_BelowZero_Throws()
    {
        var q = new JoinableQueue<int>();
        var ex = Assert.Throws<InvalidOperationException>(q.TaskDone);
        Assert.Contains("more times than there were items put", ex.Message);
        q.Put(1);
        q.Get();
        q.TaskDone();
        Assert.Throws<InvalidOperationException>(q.TaskDone);
        Assert.Equal(0, q.UnfinishedTasks);
    }

    [Fact]
    public void HandOffToWaitingConsumer_AndAdmittedProducer_AreCounted()
    {
        var q = new JoinableQueue<int>(1);
        var getter = Spawn(() => q.Get());
        Thread.Sleep(Settle);
        q.Put(1); // handed straight to the waiting getter
        Assert.Equal(1, Finishes(getter, "getter"));
        Assert.Equal(1, q.UnfinishedTasks);
        q.Put(2);
        var producer = Spawn(() => q.Put(3));
        Thread.Sleep(Settle);
        Assert.Equal(2, q.Get()); // admits the waiting producer's item
        Finishes(producer, "producer");
        Assert.Equal(3, q.UnfinishedTasks);
        Assert.Throws<QueueClosedException>(() => { q.Close(); q.Put(4); });
        Assert.Equal(3, q.UnfinishedTasks); // a refused put does not count
    }

    [Fact]
    public async Task Join_ReturnsExactlyWhenTheLastTaskIsDone()
    {
        const int Items = 20_000;
        var q = new JoinableQueue<int>();
        for (var i = 0; i < Items; i++)
        {
            q.Put(i);
        }

        // Joiners start while every item is unfinished; each records how many items were done when it returned.
        var processed = 0;
        var joiners = new List<Task<int>>
        {
            Spawn(() => { q.Join(); return Volatile.Read(ref processed); }),
            Spawn(() => q.Join(Timeout.InfiniteTimeSpan) ? Volatile.Read(ref processed) : -1),
            Spawn(() => { q.Join(CancellationToken.None); return Volatile.Read(ref processed); }),
            q.JoinAsync().ContinueWith(_ => Volatile.Read(ref processed), TaskScheduler.Default),
        };
        Thread.Sleep(Settle);
        Assert.All(joiners, j => Assert.False(j.IsCompleted));

        var consumers = Enumerable.Range(0, 4).Select(_ => Spawn(() =>
        {
            foreach (var item in q.Consume())
            {
                try
                {
                    Interlocked.Increment(ref processed);
                }
                finally
                {
                    q.TaskDone();
                }
            }
        })).ToArray();

        var results = await Task.WhenAll(joiners).WaitAsync(Patience);
        Assert.All(results, r => Assert.Equal(Items, r)); // not one returned before the last TaskDone
        Assert.Equal(0, q.UnfinishedTasks);
        q.Close();
        Finishes(Task.WhenAll(consumers), "consumers");
    }

    [Fact]
    public void Join_WithConcurrentProducersAndConsumers_WaitsForTheLastItem()
    {
        // Join may return whenever the count touches zero, so the producer here stays one item ahead:
        // it finishes putting before the consumers may finish the last item they hold.
        var q = new JoinableQueue<int>(16);
        var done = 0;
        using var lastGate = new ManualResetEventSlim();
        var consumer = Spawn(() =>
        {
            foreach (var item in q.Consume())
            {
                if (item == 0)
                {
                    lastGate.Wait(); // hold the first item until every other item is put
                }

                Interlocked.Increment(ref done);
                q.TaskDone();
            }
        });
        var producer = Spawn(() =>
        {
            for (var i = 0; i < 16; i++)
            {
                q.Put(i);
            }
        });
        Thread.Sleep(Settle);
        var joiner = Spawn(() => { q.Join(); return Volatile.Read(ref done); });
        StaysBlocked(joiner, "Join while an item is held");
        lastGate.Set();
        Finishes(producer, "producer");
        Assert.Equal(16, Finishes(joiner, "Join"));
        q.Close();
        Finishes(consumer, "consumer");
    }

    [Fact]
    public void Join_Cancelled_Throws()
    {
        var q = new JoinableQueue<int>();
        q.Put(1);
        using var cts = new CancellationTokenSource();
        var joiners = new[]
        {
            Spawn(() => q.Join(cts.Token)),
            Spawn(() => q.Join(Timeout.InfiniteTimeSpan, cts.Token)),
            q.JoinAsync(cts.Token),
        };
        Thread.Sleep(Settle);
        cts.Cancel();
        foreach (var joiner in joiners)
        {
            Assert.IsAssignableFrom<OperationCanceledException>(Faults(joiner, "a cancelled join"));
        }

        Assert.Equal(1, q.UnfinishedTasks);
    }
}
