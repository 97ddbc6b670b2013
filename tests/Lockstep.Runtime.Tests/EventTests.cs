using System.Diagnostics;
using static Lockstep.Runtime.Tests.TestUtil;

namespace Lockstep.Runtime.Tests;

public class EventTests
{
    [Fact]
    public void SetAndClear_ChangeTheFlag()
    {
        var flag = new Event();
        Assert.False(flag.IsSet);
        Assert.False(flag.Wait(TimeSpan.Zero));
        flag.Set();
        Assert.True(flag.IsSet);
        Assert.True(flag.Wait(TimeSpan.Zero));
        flag.Wait();
        flag.Set();
        flag.Clear();
        Assert.False(flag.IsSet);
        Assert.True(flag.WaitAsync(new CancellationToken(true)).IsCanceled);
    }

    [Fact]
    public void Wait_TimesOut()
    {
        var flag = new Event();
        var clock = Stopwatch.StartNew();
        Assert.False(flag.Wait(TimeSpan.FromMilliseconds(100)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(90), TimeSpan.FromSeconds(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => flag.Wait(TimeSpan.FromMilliseconds(-3)));
    }

    [Fact]
    public async Task Set_WakesEverySyncAndAsyncWaiter()
    {
        var flag = new Event();
        var waiters = new List<Task>
        {
            Spawn(flag.Wait),
            Spawn(() => Assert.True(flag.Wait(Timeout.InfiniteTimeSpan))),
            Spawn(() => flag.Wait(CancellationToken.None)),
            flag.WaitAsync(),
            flag.WaitAsync(new CancellationTokenSource().Token),
            flag.WaitAsync(Timeout.InfiniteTimeSpan),
        };
        Thread.Sleep(Settle);
        Assert.All(waiters, t => Assert.False(t.IsCompleted));
        flag.Set();
        await Task.WhenAll(waiters).WaitAsync(Patience);
        Assert.True(await flag.WaitAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task WaitAsync_TimesOutWithFalse()
    {
        var flag = new Event();
        Assert.False(await flag.WaitAsync(TimeSpan.FromMilliseconds(30)));
        Assert.False(await flag.WaitAsync(TimeSpan.Zero));
        var later = flag.WaitAsync(TimeSpan.FromSeconds(30));
        flag.Set();
        Assert.True(await later.WaitAsync(Patience));
    }

    [Fact]
    public void Cancellation_ReleasesEveryBlockedWaiter()
    {
        var flag = new Event();
        using var cts = new CancellationTokenSource();
        var waiters = new List<Task>
        {
            Spawn(() => flag.Wait(cts.Token)),
            Spawn(() => flag.Wait(Timeout.InfiniteTimeSpan, cts.Token)),
            flag.WaitAsync(cts.Token),
            flag.WaitAsync(Timeout.InfiniteTimeSpan, cts.Token),
        };
        Thread.Sleep(Settle);
        cts.Cancel();
        foreach (var task in waiters)
        {
            Assert.IsAssignableFrom<OperationCanceledException>(Faults(task, "a cancelled event wait"));
        }

        Assert.False(flag.IsSet);
    }

    [Fact]
    public async Task ClearAfterSet_NewWaitersBlockAgain()
    {
        var flag = new Event();
        flag.Set();
        await flag.WaitAsync();
        flag.Clear();
        var waiting = flag.WaitAsync();
        await Task.Delay(Settle);
        Assert.False(waiting.IsCompleted);
        flag.Set();
        await waiting.WaitAsync(Patience);
    }
}
