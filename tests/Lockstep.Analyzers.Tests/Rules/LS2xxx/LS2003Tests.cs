using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.DeadlockAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS2xxx;

public class LS2003Tests
{
    [Fact]
    public Task SleepInsideLock_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M()
            {
                lock (_gate)
                {
                    {|#0:Thread.Sleep(100)|};
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS2003_BlockingCallUnderLock).WithLocation(0).WithArguments("Thread.Sleep", "_gate", "'_gate'"));

    [Fact]
    public Task TaskResultAndWaitUnderLock_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            private readonly object _gate = new();

            int M(Task<int> pending, Task other)
            {
                lock (_gate)
                {
                    {|LS2003:other.Wait()|};
                    return {|LS2003:pending.Result|};
                }
            }
        }
        """);

    [Fact]
    public Task JoinAndWaitForExitUnderReaderWriterLock_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();

            void M(Thread worker, Process child)
            {
                _rw.EnterWriteLock();
                try
                {
                    {|LS2003:worker.Join()|};
                    {|LS2003:child.WaitForExit()|};
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
            }
        }
        """);

    [Fact]
    public Task LockstepQueueGetUnderLock_Reports() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.Lock _gate = new();
            private readonly Lockstep.BlockingQueue<int> _jobs = new();

            int M()
            {
                using (_gate.Acquire())
                {
                    return {|LS2003:_jobs.Get()|};
                }
            }
        }
        """);

    // ---- true negatives

    [Fact]
    public Task MonitorWaitReleasesTheLock_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private bool _ready;

            void M()
            {
                lock (_gate)
                {
                    while (!_ready)
                    {
                        Monitor.Wait(_gate);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task SleepAfterRelease_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            void M()
            {
                lock (_gate)
                {
                    _n++;
                }

                Thread.Sleep(100);
            }
        }
        """);

    [Fact]
    public Task ThrottleSemaphore_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _throttle = new(4);

            void M()
            {
                _throttle.Wait();
                try
                {
                    Thread.Sleep(100);
                }
                finally
                {
                    _throttle.Release();
                }
            }
        }
        """);

    [Fact]
    public Task TimedQueueGetAndSleepZero_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private readonly Lockstep.BlockingQueue<int> _jobs = new();

            bool M()
            {
                lock (_gate)
                {
                    Thread.Sleep(0);
                    return _jobs.TryGet(out _, TimeSpan.FromMilliseconds(1));
                }
            }
        }
        """);

    [Fact]
    public Task SleepUnderReadLock_SaysOnlyWritersWait() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();

            void Read()
            {
                _rw.EnterReadLock();
                try
                {
                    {|#0:Thread.Sleep(100)|};
                }
                finally
                {
                    _rw.ExitReadLock();
                }
            }

            void Upgradeable()
            {
                _rw.EnterUpgradeableReadLock();
                try
                {
                    {|#1:Thread.Sleep(100)|};
                }
                finally
                {
                    _rw.ExitUpgradeableReadLock();
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS2003_BlockingCallUnderLock).WithLocation(0).WithArguments("Thread.Sleep", "_rw (read)", "'_rw' for writing"),
        Verify.Diagnostic(Descriptors.LS2003_BlockingCallUnderLock).WithLocation(1).WithArguments("Thread.Sleep", "_rw (upgradeable read)", "'_rw' for writing or an upgradeable read"));
}
