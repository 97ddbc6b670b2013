using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.LockPairingAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS1xxx;

public class LS1004Tests
{
    [Fact]
    public Task MonitorHeldAcrossAwait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly object _gate = new();

            async Task M()
            {
                {|#0:Monitor.Enter(_gate)|};
                try
                {
                    await Task.Delay(10);
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS1004_ThreadAffineLockAcrossAwait).WithLocation(0).WithArguments("_gate", "Monitor", "13"));

    [Fact]
    public Task ReaderWriterLockAcrossAwait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();

            async Task<int> M()
            {
                {|LS1004:_rw.EnterReadLock()|};
                try
                {
                    await Task.Yield();
                    return 1;
                }
                finally
                {
                    _rw.ExitReadLock();
                }
            }
        }
        """);

    [Fact]
    public Task MutexAcrossAwait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly Mutex _mutex = new();

            async Task M()
            {
                {|LS1004:_mutex.WaitOne()|};
                try
                {
                    await Task.Delay(1);
                }
                finally
                {
                    _mutex.ReleaseMutex();
                }
            }
        }
        """);

    // ---- true negatives

    [Fact]
    public Task SemaphoreSlimAcrossAwait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            async Task M()
            {
                await _gate.WaitAsync();
                try
                {
                    await Task.Delay(10);
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """);

    [Fact]
    public Task LockstepLockAcrossAwait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            private readonly Lockstep.Lock _gate = new();

            async Task M()
            {
                using (await _gate.AcquireAsync())
                {
                    await Task.Delay(10);
                }
            }
        }
        """);

    [Fact]
    public Task MonitorReleasedBeforeAwait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            async Task M()
            {
                lock (_gate)
                {
                    _n++;
                }

                await Task.Delay(10);
            }
        }
        """);

    [Fact]
    public Task SystemThreadingLockAcrossAwait_Reports() => Verify.VerifyAnalyzerAsync("using System.Threading.Tasks;\n" + LS1001Tests.SystemLockStub + """
        class C
        {
            private readonly System.Threading.Lock _gate = new();

            async Task M()
            {
                {|LS1004:_gate.Enter()|};
                try
                {
                    await Task.Yield();
                }
                finally
                {
                    _gate.Exit();
                }
            }
        }
        """);

    [Fact]
    public Task TryEnterTrueBranchAcrossAwait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly object _gate = new();

            async Task M()
            {
                if ({|LS1004:Monitor.TryEnter(_gate)|})
                {
                    try
                    {
                        await Task.Delay(1);
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task AwaitInLoopWhileHolding_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();

            async Task M(int[] ids)
            {
                {|LS1004:_rw.EnterWriteLock()|};
                try
                {
                    foreach (var id in ids)
                    {
                        await Task.Delay(id);
                    }
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
            }
        }
        """);

    [Fact]
    public Task RLockAcrossAwait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            private readonly Lockstep.RLock _gate = new();

            async Task M()
            {
                using ({|LS1004:_gate.Acquire()|})
                {
                    await Task.Yield();
                }
            }
        }
        """);

    [Fact]
    public Task SyncLambdaInsideAsyncMethod_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            async Task M()
            {
                Action bump = () =>
                {
                    Monitor.Enter(_gate);
                    try { _n++; } finally { Monitor.Exit(_gate); }
                };
                bump();
                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task AwaitOnlyOnPathWithoutLock_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            async Task M(bool slow)
            {
                if (slow)
                {
                    await Task.Delay(10);
                    return;
                }

                Monitor.Enter(_gate);
                try { _n++; } finally { Monitor.Exit(_gate); }
            }
        }
        """);

    [Fact]
    public Task SemaphoreSlimTimedWaitAcrossAwait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            async Task<bool> M()
            {
                if (!await _gate.WaitAsync(TimeSpan.FromSeconds(1)))
                {
                    return false;
                }

                try
                {
                    await Task.Delay(10);
                    return true;
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """);
}
