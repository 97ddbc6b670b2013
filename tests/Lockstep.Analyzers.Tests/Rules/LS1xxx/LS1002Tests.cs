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
}
