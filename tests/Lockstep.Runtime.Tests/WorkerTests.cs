using static Lockstep.Runtime.Tests.TestUtil;

namespace Lockstep.Runtime.Tests;

public class WorkerTests
{
    [Fact]
    public void Runs_ThenCompletes()
    {
        var ran = 0;
        var worker = new Worker(() => Interlocked.Increment(ref ran), "counter");
        Assert.Equal("counter", worker.Name);
        Assert.Equal(ChildState.Created, worker.State);
        Assert.False(worker.IsAlive);
        worker.Start();
        worker.Join();
        Assert.Equal(1, ran);
        Assert.Equal(ChildState.Completed, worker.State);
        Assert.False(worker.IsAlive);
        Assert.Null(worker.Exception);
        Assert.Contains("Completed", worker.ToString());
    }

    [Fact]
    public void DefaultName_AndIds_AreUnique()
    {
        var a = new Worker(_ => { });
        var b = new Worker(_ => { });
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal($"Worker-{a.Id}", a.Name);
    }

    [Fact]
    public void IsAlive_WhileRunning()
    {
        using var release = new ManualResetEventSlim();
        var worker = new Worker(() => release.Wait());
        worker.Start();
        Assert.True(worker.IsAlive);
        Assert.Equal(ChildState.Running, worker.State);
        Assert.False(worker.Join(TimeSpan.FromMilliseconds(30)));
        release.Set();
        Assert.True(worker.Join(Patience));
        Assert.False(worker.IsAlive);
    }

    [Fact]
    public void StartTwice_Throws()
    {
        var worker = new Worker(() => { });
        worker.Start();
        var ex = Assert.Throws<InvalidOperationException>(worker.Start);
        Assert.Contains("already started", ex.Message);
        worker.Join();
        Assert.Throws<InvalidOperationException>(worker.Start);
    }

    [Fact]
    public void BeforeStart_JoinAndTerminate_Throw()
    {
        var worker = new Worker(() => { });
        Assert.Throws<InvalidOperationException>(worker.Join);
        Assert.Throws<InvalidOperationException>(() => worker.Join(TimeSpan.Zero));
        ThrowsAtCall<InvalidOperationException>(() => worker.JoinAsync());
        Assert.Throws<InvalidOperationException>(worker.Terminate);
    }

    [Fact]
    public void IsDaemon_SetAfterStart_Throws_AndMakesABackgroundThread()
    {
        bool? background = null;
        var daemon = new Worker(() => background = Thread.CurrentThread.IsBackground) { IsDaemon = true };
        Assert.True(daemon.IsDaemon);
        daemon.Start();
        var ex = Assert.Throws<InvalidOperationException>(() => daemon.IsDaemon = false);
        Assert.Contains("before Start()", ex.Message);
        daemon.Join();
        Assert.True(background);
        Assert.Throws<InvalidOperationException>(() => daemon.IsDaemon = true);

        var foreground = new Worker(() => background = Thread.CurrentThread.IsBackground);
        Assert.False(foreground.IsDaemon);
        foreground.Start();
        foreground.Join();
        Assert.False(background);
    }

    [Fact]
    public void Terminate_CancelsTheToken_ReturnsAtOnce_AndJoinSeesTerminated()
    {
        var worker = new Worker(token =>
        {
            // A slow cancellation callback must not block Terminate.
            token.Register(() => Thread.Sleep(3000));
            token.WaitHandle.WaitOne();
        });
        worker.Start();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        worker.Terminate();
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(2500), "Terminate returns without waiting for the callback");
        Assert.True(worker.CancellationToken.IsCancellationRequested);
        Assert.True(worker.Join(Patience));
        Assert.Equal(ChildState.Terminated, worker.State);
        Assert.Null(worker.Exception);
        worker.Terminate(); // finished: nothing to do
    }

    [Fact]
    public void Terminate_ObservedByThrowing_IsNotAFault()
    {
        var worker = new Worker(token =>
        {
            while (true)
            {
                token.ThrowIfCancellationRequested();
                Thread.Sleep(1);
            }
        });
        worker.Start();
        worker.Terminate();
        worker.Join();
        Assert.Equal(ChildState.Terminated, worker.State);
        Assert.Null(worker.Exception);
    }

    [Fact]
    public async Task Exception_IsCaptured_NotLost()
    {
        var boom = new InvalidOperationException("boom");
        var worker = new Worker(() => throw boom);
        worker.Start();
        await worker.JoinAsync(); // does not throw (as Python's join)
        worker.Join();
        Assert.Same(boom, worker.Exception);
        Assert.Equal(ChildState.Faulted, worker.State);

        var unrelatedCancel = new Worker(() => throw new OperationCanceledException());
        unrelatedCancel.Start();
        unrelatedCancel.Join();
        Assert.Equal(ChildState.Faulted, unrelatedCancel.State);
        Assert.IsType<OperationCanceledException>(unrelatedCancel.Exception);
    }

    [Fact]
    public async Task JoinAsync_CompletesWhenDone_AndCanBeCancelled()
    {
        using var release = new ManualResetEventSlim();
        var worker = new Worker(() => release.Wait());
        worker.Start();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => worker.JoinAsync(new CancellationTokenSource(20).Token));
        var join = worker.JoinAsync();
        Assert.False(join.IsCompleted);
        release.Set();
        await join.WaitAsync(Patience);
        Assert.Equal(ChildState.Completed, worker.State);
    }

    [Fact]
    public void Join_FromItsOwnThread_Throws()
    {
        Exception? caught = null;
        Worker? self = null;
        self = new Worker(() =>
        {
            try
            {
                self!.Join();
            }
            catch (InvalidOperationException ex)
            {
                caught = ex;
            }
        });
        self.Start();
        self.Join();
        Assert.NotNull(caught);
    }

    [Fact]
    public void InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new Worker((Action)null!));
        Assert.Throws<ArgumentNullException>(() => new Worker((Action<CancellationToken>)null!));
        var worker = new Worker(() => { });
        worker.Start();
        Assert.Throws<ArgumentOutOfRangeException>(() => worker.Join(TimeSpan.FromMilliseconds(-2)));
        worker.Join();
    }

    [Fact]
    public void IsAnIChild()
    {
        IChild child = new Worker(() => { });
        child.Start();
        child.Join();
        Assert.Equal(ChildState.Completed, child.State);
    }
}
