using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.LockPairingAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS1xxx;

public class LS1003Tests
{
    [Fact]
    public Task ReleaseNotInFinally_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M()
            {
                {|#0:Monitor.Enter(_gate)|};
                Console.WriteLine("work");
                Monitor.Exit(_gate);
            }
        }
        """, Verify.Diagnostic(Descriptors.LS1003_LockNotReleasedOnException).WithLocation(0).WithArguments("_gate", "the call to 'WriteLine' at line 11"));

    [Fact]
    public Task SemaphoreSlimReleaseAfterAwait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            async Task M()
            {
                await {|LS1003:_gate.WaitAsync()|};
                await Task.Delay(10);
                _gate.Release();
            }
        }
        """);

    [Fact]
    public Task CatchOfSpecificExceptionOnly_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.IO;
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();

            void M(string path)
            {
                {|LS1003:_rw.EnterWriteLock()|};
                try
                {
                    File.WriteAllText(path, "x");
                }
                catch (IOException)
                {
                    _rw.ExitWriteLock();
                    throw;
                }

                _rw.ExitWriteLock();
            }
        }
        """);

    [Fact]
    public Task LockstepScopeDisposedWithoutFinally_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;

        class C
        {
            private readonly Lockstep.Lock _gate = new();

            void M()
            {
                var scope = {|LS1003:_gate.Acquire()|};
                Console.WriteLine();
                scope.Dispose();
            }
        }
        """);

    [Fact]
    public Task ThrowStatementWhileHolding_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            void M(int value)
            {
                {|LS1003:Monitor.Enter(_gate)|};
                if (value < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(value));
                }

                _n = value;
                Monitor.Exit(_gate);
            }
        }
        """);

    // ---- true negatives

    [Fact]
    public Task ReleaseInFinally_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M()
            {
                Monitor.Enter(_gate);
                try
                {
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
    public Task NothingBetweenThatCanThrow_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            void M()
            {
                Monitor.Enter(_gate);
                _n++;
                Interlocked.Increment(ref _n);
                Monitor.Exit(_gate);
            }
        }
        """);

    [Fact]
    public Task CatchAllReleasesAndRethrows_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            void M()
            {
                _gate.Wait();
                try
                {
                    Console.WriteLine();
                }
                catch (Exception)
                {
                    _gate.Release();
                    throw;
                }

                _gate.Release();
            }
        }
        """);

    [Fact]
    public Task NestedTryFinally_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _a = new();
            private readonly object _b = new();

            void M()
            {
                Monitor.Enter(_a);
                try
                {
                    Monitor.Enter(_b);
                    try
                    {
                        Console.WriteLine();
                    }
                    finally
                    {
                        Monitor.Exit(_b);
                    }
                }
                finally
                {
                    Monitor.Exit(_a);
                }
            }
        }
        """);

    [Fact]
    public Task UsingDeclarationScope_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;

        class C
        {
            private readonly Lockstep.Lock _gate = new();

            void M()
            {
                using var scope = _gate.Acquire();
                Console.WriteLine();
            }
        }
        """);

    [Fact]
    public Task CallInsideLoopRegion_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M(string[] lines)
            {
                foreach (var line in lines)
                {
                    {|LS1003:Monitor.Enter(_gate)|};
                    Console.WriteLine(line);
                    Monitor.Exit(_gate);
                }
            }
        }
        """);

    [Fact]
    public Task MutexWithCallBetween_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.IO;
        using System.Threading;

        class C
        {
            private readonly Mutex _mutex = new();

            void M(string path)
            {
                {|LS1003:_mutex.WaitOne()|};
                File.AppendAllText(path, "x");
                _mutex.ReleaseMutex();
            }
        }
        """);

    [Fact]
    public Task SystemThreadingLockWithCallBetween_Reports() => Verify.VerifyAnalyzerAsync(LS1001Tests.SystemLockStub + """
        class C
        {
            private readonly System.Threading.Lock _gate = new();

            void M()
            {
                {|LS1003:_gate.Enter()|};
                System.Console.WriteLine();
                _gate.Exit();
            }
        }
        """);

    [Fact]
    public Task ObjectCreationBetween_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private List<int>? _items;

            void M()
            {
                {|LS1003:_gate.Wait()|};
                _items = new List<int>(1024);
                _gate.Release();
            }
        }
        """);

    [Fact]
    public Task LockstepPairFormWithCallBetween_Reports() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.Lock _gate = new();

            void M()
            {
                {|LS1003:_gate.Acquire()|};
                System.Console.WriteLine();
                _gate.Release();
            }
        }
        """);

    [Fact]
    public Task CatchAllSwallowsThenReleases_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private Exception? _last;

            void M()
            {
                Monitor.Enter(_gate);
                try
                {
                    Console.WriteLine();
                }
                catch (Exception e)
                {
                    _last = e;
                }

                Monitor.Exit(_gate);
            }
        }
        """);

    [Fact]
    public Task LockStatementWithCalls_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;

        class C
        {
            private readonly object _gate = new();

            void M()
            {
                lock (_gate)
                {
                    Console.WriteLine();
                    throw new InvalidOperationException();
                }
            }
        }
        """);

    [Fact]
    public Task ThrowAfterRelease_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            void M()
            {
                Monitor.Enter(_gate);
                var n = ++_n;
                Monitor.Exit(_gate);
                if (n > 10)
                {
                    throw new InvalidOperationException();
                }
            }
        }
        """);

    [Fact]
    public Task HandOffMethodReturningReleaser_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            public void LockAndLog()
            {
                Monitor.Enter(_gate);
                Console.WriteLine("locked");
            }

            public void UnlockAndLog()
            {
                Console.WriteLine("unlocking");
                Monitor.Exit(_gate);
            }
        }
        """);

    [Fact]
    public Task CountingSemaphoreSignal_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _items = new(0);

            void Consume()
            {
                _items.Wait();
                Console.WriteLine("took one");
            }
        }
        """);

    // ---- more true positives, across primitives and shapes

    [Fact]
    public Task SemaphoreWaitOneWithCallBetween_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly Semaphore _pool = new(2, 2);

            void M(string line)
            {
                {|LS1003:_pool.WaitOne()|};
                Console.WriteLine(line);
                _pool.Release();
            }
        }
        """);

    [Fact]
    public Task UpgradeableReadWithIndexerBetween_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly Dictionary<string, int> _map = new();

            int Get(string key)
            {
                {|LS1003:_rw.EnterUpgradeableReadLock()|};
                var value = _map[key];
                _rw.ExitUpgradeableReadLock();
                return value;
            }
        }
        """);

    [Fact]
    public Task CatchWithExceptionFilterReleases_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.IO;
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();

            string Read(string path)
            {
                {|LS1003:_rw.EnterReadLock()|};
                string text;
                try
                {
                    text = File.ReadAllText(path);
                }
                catch (Exception e) when (e is IOException)
                {
                    _rw.ExitReadLock();
                    throw;
                }

                _rw.ExitReadLock();
                return text;
            }
        }
        """);

    [Fact]
    public Task SpinLockTakenFlagButExitNotInFinally_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private SpinLock _spin = new(false);

            void M()
            {
                var taken = false;
                {|LS1003:_spin.Enter(ref taken)|};
                Console.WriteLine();
                if (taken)
                {
                    _spin.Exit();
                }
            }
        }
        """);

    [Fact]
    public Task RLockPairFormWithArrayAccessBetween_Reports() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.RLock _gate = new();
            private readonly int[] _items = new int[8];
            private int _last;

            void M(int i)
            {
                {|LS1003:_gate.Acquire()|};
                _last = _items[i];
                _gate.Release();
            }
        }
        """);

    [Fact]
    public Task LockstepSemaphoreWithDelegateCallBetween_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;

        class C
        {
            private readonly Lockstep.Semaphore _slots = new(2);

            void Use(Action work)
            {
                {|LS1003:_slots.Acquire()|};
                work();
                _slots.Release();
            }
        }
        """);

    [Fact]
    public Task BoundedSemaphoreInLoopAfterContinue_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;

        class C
        {
            private readonly Lockstep.BoundedSemaphore _slots = new(4);

            void M(string?[] items)
            {
                foreach (var item in items)
                {
                    if (item is null)
                    {
                        continue;
                    }

                    {|LS1003:_slots.Acquire()|};
                    Console.WriteLine(item);
                    _slots.Release();
                }
            }
        }
        """);

    [Fact]
    public Task ReleaseBeforeBreakAndAtEndOfLoopBody_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            void M()
            {
                while (true)
                {
                    {|LS1003:Monitor.Enter(_gate)|};
                    var line = Console.ReadLine();
                    if (line is null)
                    {
                        Monitor.Exit(_gate);
                        break;
                    }

                    _n += line.Length;
                    Monitor.Exit(_gate);
                }
            }
        }
        """);

    [Fact]
    public Task SwitchReleasesInEveryCaseAfterRiskyCall_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.IO;
        using System.Threading;

        class C
        {
            private readonly Mutex _mutex = new();

            string Describe(int kind, string path)
            {
                {|LS1003:_mutex.WaitOne()|};
                switch (kind)
                {
                    case 0:
                        _mutex.ReleaseMutex();
                        return "zero";
                    default:
                        var text = File.ReadAllText(path);
                        _mutex.ReleaseMutex();
                        return text;
                }
            }
        }
        """);

    [Fact]
    public Task RiskyCallBetweenAcquireAndTry_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M()
            {
                {|LS1003:Monitor.Enter(_gate)|};
                Console.WriteLine("before the try");
                try
                {
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
    public Task SemaphoreSlimInLambda_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            Action Make() => () =>
            {
                {|LS1003:_gate.Wait()|};
                Console.WriteLine();
                _gate.Release();
            };
        }
        """);

    [Fact]
    public Task SystemThreadingLockTryEnterInLocalFunction_Reports() => Verify.VerifyAnalyzerAsync(LS1001Tests.SystemLockStub + """
        class C
        {
            private readonly System.Threading.Lock _gate = new();

            void M()
            {
                Work();

                void Work()
                {
                    if ({|LS1003:_gate.TryEnter()|})
                    {
                        System.Console.WriteLine();
                        _gate.Exit();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task LockstepLockAcquireAsyncPairFormWithAwaitBetween_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly Lockstep.Lock _gate = new();

            async Task M(CancellationToken token)
            {
                await {|LS1003:_gate.AcquireAsync()|};
                await Task.Delay(10, token);
                _gate.Release();
            }
        }
        """);

    // ---- more true negatives: look-alike correct code

    [Fact]
    public Task SemaphoreWaitOneReleasedInFinally_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly Semaphore _pool = new(2, 2);

            void M(string line)
            {
                _pool.WaitOne();
                try
                {
                    Console.WriteLine(line);
                }
                finally
                {
                    _pool.Release();
                }
            }
        }
        """);

    [Fact]
    public Task UpgradeableReadWithIndexerInsideTryFinally_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly Dictionary<string, int> _map = new();

            int Get(string key)
            {
                _rw.EnterUpgradeableReadLock();
                try
                {
                    return _map[key];
                }
                finally
                {
                    _rw.ExitUpgradeableReadLock();
                }
            }
        }
        """);

    [Fact]
    public Task SpinLockTimedTryEnterWithTakenFlagInFinally_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private SpinLock _spin = new(false);

            void M()
            {
                var taken = false;
                try
                {
                    _spin.TryEnter(100, ref taken);
                    if (taken)
                    {
                        Console.WriteLine();
                    }
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
        """);

    [Fact]
    public Task RLockUsingScopeWithArrayAccess_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.RLock _gate = new();
            private readonly int[] _items = new int[8];
            private int _last;

            void M(int i)
            {
                using (_gate.Acquire())
                {
                    _last = _items[i];
                }
            }
        }
        """);

    [Fact]
    public Task BoundedSemaphoreUsingVarInLoopWithContinue_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;

        class C
        {
            private readonly Lockstep.BoundedSemaphore _slots = new(4);

            void M(string?[] items)
            {
                foreach (var item in items)
                {
                    if (item is null)
                    {
                        continue;
                    }

                    using var slot = _slots.Acquire();
                    Console.WriteLine(item);
                }
            }
        }
        """);

    [Fact]
    public Task TryFinallyInsideLoopWithBreak_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            void M()
            {
                while (true)
                {
                    Monitor.Enter(_gate);
                    try
                    {
                        var line = Console.ReadLine();
                        if (line is null)
                        {
                            break;
                        }

                        _n += line.Length;
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
    public Task BareCatchReleasesAndRethrows_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;

        class C
        {
            private readonly Lockstep.Semaphore _slots = new(2);

            void Use(Action work)
            {
                _slots.Acquire();
                try
                {
                    work();
                }
                catch
                {
                    _slots.Release();
                    throw;
                }

                _slots.Release();
            }
        }
        """);

    [Fact]
    public Task SystemThreadingLockEnterScopeInLambda_DoesNotReport() => Verify.VerifyAnalyzerAsync(LS1001Tests.SystemLockStub + """
        class C
        {
            private readonly System.Threading.Lock _gate = new();

            System.Action Make() => () =>
            {
                using (_gate.EnterScope())
                {
                    System.Console.WriteLine();
                }
            };
        }
        """);

    [Fact]
    public Task SystemThreadingLockTryEnterWithFinallyInLocalFunction_DoesNotReport() => Verify.VerifyAnalyzerAsync(LS1001Tests.SystemLockStub + """
        class C
        {
            private readonly System.Threading.Lock _gate = new();

            void M()
            {
                Work();

                void Work()
                {
                    if (_gate.TryEnter())
                    {
                        try
                        {
                            System.Console.WriteLine();
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
    public Task OnlyMathAndVolatileBetween_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _max;
            private bool _dirty;

            void Observe(int value)
            {
                _rw.EnterWriteLock();
                _max = Math.Max(_max, value);
                Volatile.Write(ref _dirty, true);
                _rw.ExitWriteLock();
            }
        }
        """);

    [Fact]
    public Task OnlyTheAwaitedAcquireItselfBeforeRelease_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _n;

            async Task M()
            {
                await _gate.WaitAsync();
                _n++;
                _gate.Release();
            }
        }
        """);

    [Fact]
    public Task ThrowBeforeAcquire_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            void Set(int value)
            {
                if (value < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(value));
                }

                Monitor.Enter(_gate);
                _n = value;
                Monitor.Exit(_gate);
            }
        }
        """);

    [Fact]
    public Task SwitchReleasesBeforeRiskyCallInEveryCase_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.IO;
        using System.Threading;

        class C
        {
            private readonly Mutex _mutex = new();
            private int _n;

            string Describe(int kind, string path)
            {
                _mutex.WaitOne();
                var n = ++_n;
                switch (kind)
                {
                    case 0:
                        _mutex.ReleaseMutex();
                        return "zero";
                    default:
                        _mutex.ReleaseMutex();
                        return File.ReadAllText(path) + n;
                }
            }
        }
        """);

    // ---- an awaited acquire behind ConfigureAwait (the usual form in libraries; found by a run on open-source code)

    [Fact]
    public Task AwaitedAcquireWithConfigureAwaitThenTryFinally_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _n;

            async Task M(CancellationToken token)
            {
                await _gate.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    await Task.Delay(10, token).ConfigureAwait(false);
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
    public Task TwoSemaphoresOneTriedWithConfigureAwait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class Bulkhead
        {
            public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> action, SemaphoreSlim parallel, SemaphoreSlim queued, bool captureContext, CancellationToken token)
            {
                if (!await queued.WaitAsync(TimeSpan.Zero, token).ConfigureAwait(captureContext))
                {
                    throw new InvalidOperationException("rejected");
                }

                try
                {
                    await parallel.WaitAsync(token).ConfigureAwait(captureContext);
                    try
                    {
                        return await action(token).ConfigureAwait(captureContext);
                    }
                    finally
                    {
                        parallel.Release();
                    }
                }
                finally
                {
                    queued.Release();
                }
            }
        }
        """);

    [Fact]
    public Task TriedAcquireWithConfigureAwaitOptionsThenTryFinally_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _n;

            async Task<bool> M()
            {
                if (await _gate.WaitAsync(100).ConfigureAwait(ConfigureAwaitOptions.None))
                {
                    try
                    {
                        _n++;
                        await Task.Yield();
                    }
                    finally
                    {
                        _gate.Release();
                    }

                    return true;
                }

                return false;
            }
        }
        """);

    [Fact]
    public Task ScopedLockstepAcquireWithConfigureAwait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly Lockstep.Lock _gate = new();
            private int _n;

            async Task M(CancellationToken token)
            {
                using (await _gate.AcquireAsync(token).ConfigureAwait(false))
                {
                    await Task.Delay(10, token).ConfigureAwait(false);
                    _n++;
                }
            }
        }
        """);

    [Fact]
    public Task AwaitedAcquireWithConfigureAwaitReleasedAfterAnAwait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            async Task M()
            {
                await {|LS1003:_gate.WaitAsync()|}.ConfigureAwait(false);
                await Task.Delay(10).ConfigureAwait(false);
                _gate.Release();
            }
        }
        """);

    [Fact]
    public Task TriedAcquireWithConfigureAwaitReleasedOutsideFinally_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            async Task M(string path)
            {
                if (!await {|LS1003:_gate.WaitAsync(100)|}.ConfigureAwait(false))
                {
                    return;
                }

                File.WriteAllText(path, "x");
                _gate.Release();
            }
        }
        """);

    [Fact]
    public Task RegionInsideAUsing_NamesTheCallThatThrowsFirst() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            static void Main()
            {
                using (var mutex = new Mutex(false, "app"))
                {
                    {|#0:mutex.WaitOne()|};
                    Console.WriteLine("acquired");
                    mutex.ReleaseMutex();
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS1003_LockNotReleasedOnException).WithLocation(0).WithArguments("mutex", "the call to 'WriteLine' at line 11"));

    [Fact]
    public Task ThrowInsideTheRegion_NamesTheThrow() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _counter;

            void M()
            {
                {|#0:Monitor.Enter(_gate)|};
                if (_counter == 5)
                {
                    throw new InvalidOperationException("race");
                }

                _counter = 5;
                Monitor.Exit(_gate);
            }
        }
        """, Verify.Diagnostic(Descriptors.LS1003_LockNotReleasedOnException).WithLocation(0).WithArguments("_gate", "the 'throw' at line 14"));

    [Fact]
    public Task ArrayStoreInsideTheRegion_NamesTheArrayAccess() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void Fill(int[] values, int value)
            {
                {|#0:Monitor.Enter(_gate)|};
                values[0] = value;
                Monitor.Exit(_gate);
            }
        }
        """, Verify.Diagnostic(Descriptors.LS1003_LockNotReleasedOnException).WithLocation(0).WithArguments("_gate", "the array element access at line 10"));
}
