using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.LockPairingAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS1xxx;

public class LS1002Tests
{
    [Fact]
    public Task DoubleRelease_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M()
            {
                Monitor.Enter(_gate);
                Monitor.Exit(_gate);
                {|#0:Monitor.Exit(_gate)|};
            }
        }
        """, Verify.Diagnostic(Descriptors.LS1002_ReleaseWithoutAcquire).WithLocation(0).WithArguments("_gate", "on some path it was never acquired, or was already released"));

    [Fact]
    public Task ReleaseAfterAcquireInOneBranch_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _n;

            void M(int value)
            {
                if (value > 0)
                {
                    _gate.Wait();
                }

                _n = value;
                {|LS1002:_gate.Release()|};
            }
        }
        """);

    [Fact]
    public Task IgnoredTryEnterResult_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            void M()
            {
                Monitor.TryEnter(_gate);
                _n++;
                {|LS1002:Monitor.Exit(_gate)|};
            }
        }
        """);

    [Fact]
    public Task WaitAsyncInsideTry_ReportsExceptionalVariant() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            async Task M(CancellationToken token)
            {
                try
                {
                    await _gate.WaitAsync(token);
                    await Task.Delay(10, token);
                }
                finally
                {
                    {|#0:_gate.Release()|};
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS1002_ReleaseWithoutAcquireOnException).WithLocation(0).WithArguments("_gate"));

    [Fact]
    public Task ReleaseOfWrongReaderWriterMode_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;

            int M()
            {
                _rw.EnterReadLock();
                var n = _n;
                {|LS1002:_rw.ExitWriteLock()|};
                _rw.ExitReadLock();
                return n;
            }
        }
        """);

    [Fact]
    public Task ExitWhenTryEnterFailed_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            void M()
            {
                if (!Monitor.TryEnter(_gate, TimeSpan.FromMilliseconds(10)))
                {
                    _n = -1;
                }

                _n++;
                {|LS1002:Monitor.Exit(_gate)|};
            }
        }
        """);

    // ---- true negatives

    [Fact]
    public Task ReleaseOnlyMethod_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _signal = new(0);

            public void Notify() => _signal.Release();

            public void Finish()
            {
                _signal.Release();
                _signal.Release();
            }
        }
        """);

    [Fact]
    public Task WaitAsyncBeforeTry_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            async Task M(CancellationToken token)
            {
                await _gate.WaitAsync(token);
                try
                {
                    await Task.Delay(10, token);
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """);

    [Fact]
    public Task ReentrantMonitorReleasedTwice_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            void M()
            {
                Monitor.Enter(_gate);
                Monitor.Enter(_gate);
                _n++;
                Monitor.Exit(_gate);
                Monitor.Exit(_gate);
            }
        }
        """);

    [Fact]
    public Task TryEnterWithLockTakenInFinally_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M()
            {
                var lockTaken = false;
                try
                {
                    Monitor.TryEnter(_gate, TimeSpan.FromSeconds(1), ref lockTaken);
                    if (lockTaken)
                    {
                        Console.WriteLine();
                    }
                }
                finally
                {
                    if (lockTaken)
                    {
                        Monitor.Exit(_gate);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task DifferentInstancesOfSameField_DoNotMix() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class Account
        {
            private readonly object _gate = new();
            private int _balance;

            void Transfer(Account other, int amount)
            {
                Monitor.Enter(_gate);
                try
                {
                    Monitor.Enter(other._gate);
                    try
                    {
                        _balance -= amount;
                        other._balance += amount;
                    }
                    finally
                    {
                        Monitor.Exit(other._gate);
                    }
                }
                finally
                {
                    Monitor.Exit(this._gate);
                }
            }
        }
        """);

    [Fact]
    public Task ReleaseInCatchAfterAcquireBeforeTry_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly Mutex _mutex = new();

            void M()
            {
                _mutex.WaitOne();
                try
                {
                    Console.WriteLine();
                }
                catch
                {
                    _mutex.ReleaseMutex();
                    throw;
                }

                _mutex.ReleaseMutex();
            }
        }
        """);

    [Fact]
    public Task ReleaseInCatchWhenAcquireCameAfterRiskyCall_ReportsExceptionalVariant() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M()
            {
                try
                {
                    Console.WriteLine("prepare");
                    Monitor.Enter(_gate);
                    Console.WriteLine("work");
                    Monitor.Exit(_gate);
                }
                catch (Exception)
                {
                    {|#0:Monitor.Exit(_gate)|};
                    throw;
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS1002_ReleaseWithoutAcquireOnException).WithLocation(0).WithArguments("_gate"));

    [Fact]
    public Task ReleaseInsideLoopAfterSingleAcquire_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            void M(int n)
            {
                // Also LS1001: when n is 0 nothing releases the lock.
                {|LS1001:Monitor.Enter(_gate)|};
                for (var i = 0; i < n; i++)
                {
                    _n++;
                    {|LS1002:Monitor.Exit(_gate)|};
                }
            }
        }
        """);

    [Fact]
    public Task SpinLockExitWithoutTakenCheck_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private SpinLock _spin = new(false);
            private int _n;

            void M()
            {
                var taken = false;
                _spin.TryEnter(ref taken);
                _n++;
                {|LS1002:_spin.Exit()|};
            }
        }
        """);

    [Fact]
    public Task MutexTimedWaitIgnored_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly Mutex _mutex = new();
            private int _n;

            void M()
            {
                _mutex.WaitOne(TimeSpan.FromSeconds(1));
                _n++;
                {|LS1002:_mutex.ReleaseMutex()|};
            }
        }
        """);

    [Fact]
    public Task DoubleExitWriteLockInFinallyAndBody_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;

            void M()
            {
                _rw.EnterWriteLock();
                try
                {
                    _n++;
                    _rw.ExitWriteLock();
                }
                finally
                {
                    {|LS1002:_rw.ExitWriteLock()|};
                }
            }
        }
        """);

    [Fact]
    public Task LockstepReleaseTwice_Reports() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.Lock _gate = new();
            private int _n;

            void M()
            {
                _gate.Acquire();
                _n++;
                _gate.Release();
                {|LS1002:_gate.Release()|};
            }
        }
        """);

    [Fact]
    public Task ReleaseGuardedByIsHeldCheck_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly object _gate = new();

            void M()
            {
                try
                {
                    Console.WriteLine("prepare");
                    _rw.EnterReadLock();
                    Monitor.Enter(_gate);
                    Console.WriteLine("work");
                }
                finally
                {
                    if (Monitor.IsEntered(_gate))
                    {
                        Monitor.Exit(_gate);
                    }

                    if (_rw.IsReadLockHeld)
                    {
                        _rw.ExitReadLock();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task ReleaseInDisposeOfRaiiType_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        sealed class ReadScope : IDisposable
        {
            private readonly ReaderWriterLockSlim _rw;

            public ReadScope(ReaderWriterLockSlim rw)
            {
                _rw = rw;
                _rw.EnterReadLock();
            }

            public void Dispose() => _rw.ExitReadLock();
        }
        """);

    [Fact]
    public Task AcquireInLoopHeaderThenRelease_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            void M()
            {
                while (!_gate.Wait(TimeSpan.FromMilliseconds(100)))
                {
                    Console.WriteLine("still waiting");
                }

                try
                {
                    Console.WriteLine("work");
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """);

    [Fact]
    public Task AcquireInsideTryThatCannotFail_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M()
            {
                try
                {
                    Monitor.Enter(_gate);
                    Console.WriteLine("work");
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }
        }
        """);

    [Fact]
    public Task WorkBetweenExitAndReenterCanThrow_ReportsExceptionalVariant() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M(int n)
            {
                Monitor.Enter(_gate);
                try
                {
                    for (var i = 0; i < n; i++)
                    {
                        Monitor.Exit(_gate);
                        Console.WriteLine("outside the lock");
                        Monitor.Enter(_gate);
                    }
                }
                finally
                {
                    {|#0:Monitor.Exit(_gate)|};
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS1002_ReleaseWithoutAcquireOnException).WithLocation(0).WithArguments("_gate"));

    [Fact]
    public Task ReleaseThenReacquireInLoop_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            void M(int n)
            {
                Monitor.Enter(_gate);
                try
                {
                    for (var i = 0; i < n; i++)
                    {
                        _n++;
                        Monitor.Exit(_gate);
                        Thread.Yield();
                        Monitor.Enter(_gate);
                    }
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }
        }
        """);

    // ---- more true positives, across primitives and shapes

    [Fact]
    public Task BoundedSemaphoreReleasedTwiceWhenCancelled_Reports() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.BoundedSemaphore _slots = new(4);
            private int _started;

            void Track(bool cancelled)
            {
                _slots.Acquire();
                if (cancelled)
                {
                    _slots.Release();
                }

                _started++;
                {|LS1002:_slots.Release()|};
            }
        }
        """);

    [Fact]
    public Task SystemThreadingLockExitInBranchThenAgain_Reports() => Verify.VerifyAnalyzerAsync(LS1001Tests.SystemLockStub + """
        class C
        {
            private readonly System.Threading.Lock _gate = new();
            private int _n;

            void Set(int value)
            {
                _gate.Enter();
                if (value < 0)
                {
                    _gate.Exit();
                    value = 0;
                }

                _n = value;
                {|LS1002:_gate.Exit()|};
            }
        }
        """);

    [Fact]
    public Task SystemThreadingLockTryEnterCheckedButExitOutsideIf_Reports() => Verify.VerifyAnalyzerAsync(LS1001Tests.SystemLockStub + """
        class C
        {
            private readonly System.Threading.Lock _gate = new();
            private int _n;

            void Poll()
            {
                if (_gate.TryEnter())
                {
                    _n++;
                }

                {|LS1002:_gate.Exit()|};
            }
        }
        """);

    [Fact]
    public Task SemaphoreReleasedInSwitchCaseThenAfterSwitch_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly Semaphore _pool = new(2, 2);
            private int _n;

            void M(int kind)
            {
                _pool.WaitOne();
                switch (kind)
                {
                    case 0:
                        _pool.Release();
                        break;
                    default:
                        _n = kind;
                        break;
                }

                {|LS1002:_pool.Release()|};
            }
        }
        """);

    [Fact]
    public Task UpgradeableReadReleasedInBranchWithoutContinue_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;

            void M(int[] values)
            {
                foreach (var v in values)
                {
                    _rw.EnterUpgradeableReadLock();
                    if (v == 0)
                    {
                        // Meant to 'continue' here.
                        _rw.ExitUpgradeableReadLock();
                    }

                    _n += v;
                    {|LS1002:_rw.ExitUpgradeableReadLock()|};
                }
            }
        }
        """);

    [Fact]
    public Task UpgradeableReadExitedAsReadLock_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;

            int M()
            {
                _rw.EnterUpgradeableReadLock();
                var n = _n;
                {|LS1002:_rw.ExitReadLock()|};
                _rw.ExitUpgradeableReadLock();
                return n;
            }
        }
        """);

    [Fact]
    public Task ReaderWriterTryEnterReadResultInLocal_ExitOutsideIf_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;

            int M()
            {
                var ok = _rw.TryEnterReadLock(100);
                var n = 0;
                if (ok)
                {
                    n = _n;
                }

                {|LS1002:_rw.ExitReadLock()|};
                return n;
            }
        }
        """);

    [Fact]
    public Task RLockReleasedMoreOftenThanAcquired_Reports() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.RLock _gate = new();
            private int _n;

            void M()
            {
                _gate.Acquire();
                _gate.Acquire();
                _n++;
                _gate.Release();
                _gate.Release();
                {|LS1002:_gate.Release()|};
            }
        }
        """);

    [Fact]
    public Task LockstepSemaphoreTryAcquireIgnored_Reports() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.Semaphore _permits = new(2);
            private int _n;

            void M()
            {
                _permits.TryAcquire();
                _n++;
                {|LS1002:_permits.Release()|};
            }
        }
        """);

    [Fact]
    public Task SemaphoreSlimTimedWaitIgnoredInLambda_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _n;

            Action Make() => () =>
            {
                _gate.Wait(100);
                _n++;
                {|LS1002:_gate.Release()|};
            };
        }
        """);

    [Fact]
    public Task SpinLockExitInFinallyWithoutTakenCheckAfterRiskyCall_InLocalFunction_ReportsExceptionalVariant() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private SpinLock _spin = new(false);

            void M()
            {
                Work();

                void Work()
                {
                    var taken = false;
                    try
                    {
                        Console.WriteLine("prepare");
                        _spin.Enter(ref taken);
                        Console.WriteLine("work");
                    }
                    finally
                    {
                        {|#0:_spin.Exit()|};
                    }
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS1002_ReleaseWithoutAcquireOnException).WithLocation(0).WithArguments("_spin"));

    [Fact]
    public Task MutexReleasedOnEarlyReturnAndInFinally_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly Mutex _mutex = new();
            private int _n;

            void M(bool done)
            {
                _mutex.WaitOne();
                try
                {
                    if (done)
                    {
                        _mutex.ReleaseMutex();
                        return;
                    }

                    Console.WriteLine(_n);
                }
                finally
                {
                    {|LS1002:_mutex.ReleaseMutex()|};
                }
            }
        }
        """);

    // ---- more true negatives: look-alike correct code

    [Fact]
    public Task BoundedSemaphoreUsingScopeWithEarlyReturn_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.BoundedSemaphore _slots = new(4);
            private int _started;

            void Track(bool cancelled)
            {
                using (_slots.Acquire())
                {
                    if (cancelled)
                    {
                        return;
                    }

                    _started++;
                }
            }
        }
        """);

    [Fact]
    public Task BoundedSemaphoreTimedTryAcquireReleasedOnlyIfAcquired_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;

        class C
        {
            private readonly Lockstep.BoundedSemaphore _slots = new(4);
            private int _n;

            void M()
            {
                var acquired = _slots.TryAcquire(TimeSpan.FromMilliseconds(10));
                _n++;
                if (acquired)
                {
                    _slots.Release();
                }
            }
        }
        """);

    [Fact]
    public Task SystemThreadingLockTryEnterReleasedInsideIf_DoesNotReport() => Verify.VerifyAnalyzerAsync(LS1001Tests.SystemLockStub + """
        class C
        {
            private readonly System.Threading.Lock _gate = new();
            private int _n;

            void Poll()
            {
                if (_gate.TryEnter())
                {
                    try
                    {
                        _n++;
                    }
                    finally
                    {
                        _gate.Exit();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task SemaphoreReleasedInSwitchCaseThatReturns_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly Semaphore _pool = new(2, 2);
            private int _n;

            void M(int kind)
            {
                _pool.WaitOne();
                switch (kind)
                {
                    case 0:
                        _pool.Release();
                        return;
                    default:
                        _n = kind;
                        break;
                }

                _pool.Release();
            }
        }
        """);

    [Fact]
    public Task UpgradeableReadUpgradedAndReleasedInOrder_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;

            void Normalize()
            {
                _rw.EnterUpgradeableReadLock();
                try
                {
                    if (_n < 0)
                    {
                        _rw.EnterWriteLock();
                        try
                        {
                            _n = 0;
                        }
                        finally
                        {
                            _rw.ExitWriteLock();
                        }
                    }
                }
                finally
                {
                    _rw.ExitUpgradeableReadLock();
                }
            }
        }
        """);

    [Fact]
    public Task RLockAcquiredTwiceReleasedTwice_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.RLock _gate = new();
            private int _n;

            void M()
            {
                _gate.Acquire();
                _gate.Acquire();
                _n++;
                _gate.Release();
                _gate.Release();
            }
        }
        """);

    [Fact]
    public Task LockstepSemaphoreTryAcquireChecked_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.Semaphore _permits = new(2);
            private int _n;

            bool M()
            {
                if (!_permits.TryAcquire())
                {
                    return false;
                }

                _n++;
                _permits.Release();
                return true;
            }
        }
        """);

    [Fact]
    public Task MutexReleasedBeforeContinue_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly Mutex _mutex = new();
            private int _n;

            void M(int[] values)
            {
                foreach (var v in values)
                {
                    _mutex.WaitOne();
                    if (v == 0)
                    {
                        _mutex.ReleaseMutex();
                        continue;
                    }

                    _n += v;
                    _mutex.ReleaseMutex();
                }
            }
        }
        """);

    [Fact]
    public Task SpinLockTakenCheckedInLocalFunction_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private SpinLock _spin = new(false);

            void M()
            {
                Work();

                void Work()
                {
                    var taken = false;
                    try
                    {
                        _spin.Enter(ref taken);
                        Console.WriteLine();
                    }
                    finally
                    {
                        if (taken)
                        {
                            _spin.Exit();
                        }
                    }
                }
            }
        }
        """);

    [Fact]
    public Task SemaphoreSlimTimedWaitCheckedInLambda_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _n;

            Func<bool> Make() => () =>
            {
                if (!_gate.Wait(100))
                {
                    return false;
                }

                _n++;
                _gate.Release();
                return true;
            };
        }
        """);

    [Fact]
    public Task TryEnterInLoopUntilTakenThenExitAfterLoop_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            void M()
            {
                for (;;)
                {
                    if (Monitor.TryEnter(_gate, 10))
                    {
                        break;
                    }

                    Thread.Yield();
                }

                _n++;
                Monitor.Exit(_gate);
            }
        }
        """);

    [Fact]
    public Task ExplicitInterfaceReleaseMethod_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        interface ICrossProcessSemaphore
        {
            void Release();
            Task WaitAsync(CancellationToken token);
        }

        sealed class FileSemaphore : ICrossProcessSemaphore
        {
            private readonly SemaphoreSlim _local = new(1, 1);
            private object? _fileLock;

            void ICrossProcessSemaphore.Release()
            {
                lock (_local)
                {
                    _fileLock = null;
                }

                _local.Release();
            }

            async Task ICrossProcessSemaphore.WaitAsync(CancellationToken token)
            {
                await _local.WaitAsync(token).ConfigureAwait(false);
                _fileLock = new object();
            }
        }
        """);

    [Fact]
    public Task ReleasedInTheTryThenAgainInTheFinallyOnTheThrowingPath_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class LockService
        {
            private readonly ReaderWriterLockSlim _transaction = new();
            private readonly ReaderWriterLockSlim _reserved = new();
            private readonly TimeSpan _timeout = TimeSpan.FromSeconds(1);

            public void EnterReserved(bool exclusive)
            {
                if (_transaction.TryEnterWriteLock(_timeout) == false) throw new TimeoutException();

                try
                {
                    if (_reserved.TryEnterWriteLock(_timeout) == false)
                    {
                        _transaction.ExitWriteLock();
                        throw new TimeoutException();
                    }
                }
                finally
                {
                    if (exclusive == false)
                    {
                        {|#0:_transaction.ExitWriteLock()|};
                    }
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS1002_ReleaseWithoutAcquireOnException).WithLocation(0).WithArguments("_transaction (write)"));

    [Fact]
    public Task LockOnTheSemaphoreObjectThenReleaseOfTheSemaphore_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        sealed class FileSemaphore
        {
            private readonly SemaphoreSlim _local = new(1, 1);
            private IDisposable? _fileLock;

            public void Unlock()
            {
                lock (_local)
                {
                    _fileLock?.Dispose();
                    _fileLock = null;
                }

                _local.Release();
            }

            public void Signal()
            {
                lock (_local)
                {
                    _fileLock = null;
                }

                _local.Release();
            }
        }
        """);

    [Fact]
    public Task MonitorExitTwiceAfterALockOfTheSameObject_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            void M()
            {
                Monitor.Enter(_gate);
                _n++;
                Monitor.Exit(_gate);
                {|LS1002:Monitor.Exit(_gate)|};
            }
        }
        """);

    [Fact]
    public Task MonitorExitAfterALockStatementOfTheSameObject_Reports() => Verify.VerifyAnalyzerAsync("""
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

                {|LS1002:Monitor.Exit(_gate)|};
            }
        }
        """);
}
