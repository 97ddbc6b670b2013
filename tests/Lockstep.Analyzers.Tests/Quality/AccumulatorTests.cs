using System.Reflection;
using Lockstep.Analyzers.Flow;
using Xunit;

namespace Lockstep.Analyzers.Tests.Quality;

/// <summary>The never-waiting collector the per-member callbacks hand their records to.</summary>
public class AccumulatorTests
{
    [Fact]
    public void Snapshot_KeepsTheOrderOfOneThreadsAdds()
    {
        var accumulator = new Accumulator<int>();
        Assert.True(accumulator.IsEmpty);
        accumulator.AddRange(new List<int> { 1, 2 });
        accumulator.AddRange(new List<int>());
        accumulator.Add(3);
        accumulator.AddRange(new List<int> { 4, 5, 6 });

        Assert.False(accumulator.IsEmpty);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, accumulator.Snapshot());
    }

    [Fact]
    public void AddedChunks_AreCopies()
    {
        var accumulator = new Accumulator<int>();
        var items = new List<int> { 1 };
        accumulator.AddRange(items);
        items.Add(2);

        Assert.Equal(new[] { 1 }, accumulator.Snapshot());
    }

    [Fact]
    public void Snapshot_IsACopy()
    {
        var accumulator = new Accumulator<int>();
        accumulator.AddRange(new List<int> { 1, 2 });
        var first = accumulator.Snapshot();
        first[0] = 99;

        Assert.Equal(new[] { 1, 2 }, accumulator.Snapshot());
    }

    [Fact]
    public void AddsWhileTheThreadsListIsBusy_GoToTheOverflow_NothingWaits()
    {
        // Synchronous on purpose: every add below must come from this one thread (an await could resume elsewhere).
        var accumulator = new Accumulator<int>();
        accumulator.Add(1); // makes this thread's list
        var stripes = (Array)typeof(Accumulator<int>).GetField("_stripes", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(accumulator)!;
        var mine = Assert.Single(stripes.Cast<object?>(), s => s is not null)!;
        var stripeType = mine.GetType();

        // As if another thread were appending to this thread's list: the adds must not wait for it.
        Assert.True((bool)stripeType.GetMethod("TryClaim")!.Invoke(mine, null)!);
        accumulator.AddRange(new List<int> { 2, 3 });
        accumulator.Add(4);
        stripeType.GetMethod("Free")!.Invoke(mine, null);
        accumulator.Add(5);

        Assert.False(accumulator.IsEmpty);
        var all = accumulator.Snapshot();
        Assert.Equal(new[] { 1, 5, 2, 3, 4 }, all);
        Array.Clear(all);
        Assert.Equal(new[] { 1, 5, 2, 3, 4 }, accumulator.Snapshot());
    }

    [Fact]
    public async Task ConcurrentAdds_LoseNothingAndDuplicateNothing()
    {
        var accumulator = new Accumulator<int>();
        const int Threads = 8;
        const int PerThread = 20_000;
        using var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            start.Wait();
            for (var i = 0; i < PerThread; i += 4)
            {
                var value = t * PerThread + i;
                accumulator.AddRange(new List<int> { value, value + 1, value + 2 });
                accumulator.Add(value + 3);
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(workers);

        var all = accumulator.Snapshot();
        Assert.Equal(Threads * PerThread, all.Length);
        Assert.Equal(Enumerable.Range(0, Threads * PerThread), all.OrderBy(v => v));
    }
}
