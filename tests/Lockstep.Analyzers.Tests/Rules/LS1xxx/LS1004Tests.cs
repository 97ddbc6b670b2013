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

    // ---- more true positives, across primitives and shapes

    [Fact]
    public Task SpinLockTakenPatternAcrossAwait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private SpinLock _spin = new(false);

            async Task M()
            {
                var taken = false;
                try
                {
                    {|#0:_spin.Enter(ref taken)|};
                    await Task.Yield();
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
        """, Verify.Diagnostic(Descriptors.LS1004_ThreadAffineLockAcrossAwait).WithLocation(0).WithArguments("_spin", "SpinLock", "14"));

    [Fact]
    public Task MonitorLockTakenPatternAcrossAwait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly object _gate = new();

            async Task M()
            {
                var taken = false;
                try
                {
                    {|LS1004:Monitor.Enter(_gate, ref taken)|};
                    await Task.Delay(1);
                }
                finally
                {
                    if (taken)
                    {
                        Monitor.Exit(_gate);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task UpgradeableReadLockAcrossAwait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;

            async Task M()
            {
                {|LS1004:_rw.EnterUpgradeableReadLock()|};
                try
                {
                    await Task.Yield();
                    _n++;
                }
                finally
                {
                    _rw.ExitUpgradeableReadLock();
                }
            }
        }
        """);

    [Fact]
    public Task MutexTimedWaitCheckedThenAwait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly Mutex _mutex = new();

            async Task<bool> M()
            {
                if ({|LS1004:_mutex.WaitOne(100)|})
                {
                    try
                    {
                        await Task.Delay(1);
                        return true;
                    }
                    finally
                    {
                        _mutex.ReleaseMutex();
                    }
                }

                return false;
            }
        }
        """);

    [Fact]
    public Task RLockUsingVarAcrossAwait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            private readonly Lockstep.RLock _gate = new();

            async Task M()
            {
                using var scope = {|#0:_gate.Acquire()|};
                await Task.Delay(1);
            }
        }
        """, Verify.Diagnostic(Descriptors.LS1004_ThreadAffineLockAcrossAwait).WithLocation(0).WithArguments("_gate", "Lockstep.RLock", "10"));

    [Fact]
    public Task MonitorAcrossAwaitForeach_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly object _gate = new();
            private int _sum;

            async Task M(IAsyncEnumerable<int> source)
            {
                {|LS1004:Monitor.Enter(_gate)|};
                try
                {
                    await foreach (var x in source)
                    {
                        _sum += x;
                    }
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }
        }
        """);

    [Fact]
    public Task WriteLockAcrossAwaitUsing_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;

            async Task M(IAsyncDisposable resource)
            {
                {|LS1004:_rw.EnterWriteLock()|};
                try
                {
                    await using (resource)
                    {
                        _n++;
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
    public Task AwaitInOneSwitchCaseWhileHolding_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            async Task M(int kind)
            {
                {|LS1004:Monitor.Enter(_gate)|};
                try
                {
                    switch (kind)
                    {
                        case 0:
                            await Task.Yield();
                            break;
                        default:
                            _n++;
                            break;
                    }
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }
        }
        """);

    [Fact]
    public Task AsyncLambdaHoldsMonitorAcrossAwait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly object _gate = new();

            Func<Task> Make() => async () =>
            {
                {|LS1004:Monitor.Enter(_gate)|};
                try
                {
                    await Task.Yield();
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            };
        }
        """);

    [Fact]
    public Task AsyncLocalFunctionHoldsSystemThreadingLock_Reports() => Verify.VerifyAnalyzerAsync("using System.Threading.Tasks;\n" + LS1001Tests.SystemLockStub + """
        class C
        {
            private readonly System.Threading.Lock _gate = new();

            Task M()
            {
                return WorkAsync();

                async Task WorkAsync()
                {
                    if ({|LS1004:_gate.TryEnter()|})
                    {
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
            }
        }
        """);

    [Fact]
    public Task RLockAcrossConfigureAwaitFalse_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            private readonly Lockstep.RLock _gate = new();
            private int _n;

            async Task M()
            {
                {|LS1004:_gate.Acquire()|};
                try
                {
                    await Task.Delay(1).ConfigureAwait(false);
                    _n++;
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """);

    [Fact]
    public Task AwaitOnlyOnSlowPathWhileHolding_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;

            async Task<int> M(bool cached)
            {
                {|LS1004:_rw.EnterReadLock()|};
                try
                {
                    if (cached)
                    {
                        return _n;
                    }

                    await Task.Delay(1);
                    return _n;
                }
                finally
                {
                    _rw.ExitReadLock();
                }
            }
        }
        """);

    [Fact]
    public Task MonitorHeldAcrossAwaitInLoopBody_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly object _gate = new();

            async Task M(int[] delays)
            {
                foreach (var delay in delays)
                {
                    {|LS1004:Monitor.Enter(_gate)|};
                    try
                    {
                        await Task.Delay(delay);
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }
            }
        }
        """);

    // ---- more true negatives: look-alike correct code

    [Fact]
    public Task SemaphoreAcrossAwait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly Semaphore _pool = new(2, 2);

            async Task M()
            {
                _pool.WaitOne();
                try
                {
                    await Task.Delay(10);
                }
                finally
                {
                    _pool.Release();
                }
            }
        }
        """);

    [Fact]
    public Task LockstepSemaphoreAcquireAsyncAcrossAwait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            private readonly Lockstep.Semaphore _permits = new(3);

            async Task M()
            {
                using (await _permits.AcquireAsync())
                {
                    await Task.Delay(10);
                }
            }
        }
        """);

    [Fact]
    public Task BoundedSemaphoreUsingVarAcrossAwait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly Lockstep.BoundedSemaphore _slots = new(4);

            async Task M(CancellationToken token)
            {
                using var slot = await _slots.AcquireAsync(token);
                await Task.Delay(10, token);
            }
        }
        """);

    [Fact]
    public Task LockstepLockPairFormAcrossAwait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            private readonly Lockstep.Lock _gate = new();

            async Task M()
            {
                await _gate.AcquireAsync();
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
    public Task SpinLockReleasedBeforeAwait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private SpinLock _spin = new(false);
            private int _n;

            async Task M()
            {
                var taken = false;
                try
                {
                    _spin.Enter(ref taken);
                    _n++;
                }
                finally
                {
                    if (taken)
                    {
                        _spin.Exit();
                    }
                }

                await Task.Yield();
            }
        }
        """);

    [Fact]
    public Task UpgradeableReadReleasedBeforeAwaitInLoop_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;

            async Task M(int[] delays)
            {
                foreach (var delay in delays)
                {
                    _rw.EnterUpgradeableReadLock();
                    try
                    {
                        _n += delay;
                    }
                    finally
                    {
                        _rw.ExitUpgradeableReadLock();
                    }

                    await Task.Delay(delay);
                }
            }
        }
        """);

    [Fact]
    public Task RLockScopeClosedBeforeAwait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            private readonly Lockstep.RLock _gate = new();
            private int _n;

            async Task<int> M()
            {
                int snapshot;
                using (_gate.Acquire())
                {
                    snapshot = ++_n;
                }

                await Task.Delay(1);
                return snapshot;
            }
        }
        """);

    [Fact]
    public Task MutexAwaitOnlyWhenWaitFailed_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly Mutex _mutex = new();
            private int _n;

            async Task<bool> M()
            {
                if (!_mutex.WaitOne(0))
                {
                    await Task.Delay(10);
                    return false;
                }

                try
                {
                    _n++;
                    return true;
                }
                finally
                {
                    _mutex.ReleaseMutex();
                }
            }
        }
        """);

    [Fact]
    public Task AsyncLambdaWithSemaphoreSlimAcrossAwait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            Func<Task> Make() => async () =>
            {
                await _gate.WaitAsync();
                try
                {
                    await Task.Yield();
                }
                finally
                {
                    _gate.Release();
                }
            };
        }
        """);

    [Fact]
    public Task SyncLocalFunctionWithSystemThreadingLockInAsyncMethod_DoesNotReport() => Verify.VerifyAnalyzerAsync("using System.Threading.Tasks;\n" + LS1001Tests.SystemLockStub + """
        class C
        {
            private readonly System.Threading.Lock _gate = new();
            private int _n;

            async Task M()
            {
                Bump();
                await Task.Yield();
                Bump();

                void Bump()
                {
                    using (_gate.EnterScope())
                    {
                        _n++;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task AsyncLambdaCreatedWhileHoldingMonitor_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly object _gate = new();
            private Func<Task>? _pending;

            void M()
            {
                Monitor.Enter(_gate);
                try
                {
                    _pending = async () => await Task.Delay(1);
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }
        }
        """);

    [Fact]
    public Task SemaphoreSlimHeldAcrossAwaitForeach_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _sum;

            async Task M(IAsyncEnumerable<int> source)
            {
                await _gate.WaitAsync();
                try
                {
                    await foreach (var x in source)
                    {
                        _sum += x;
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """);
}
