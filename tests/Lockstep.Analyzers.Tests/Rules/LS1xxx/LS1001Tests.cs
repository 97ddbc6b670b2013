using Lockstep.Analyzers.Rules;
using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.LockPairingAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS1xxx;

public class LS1001Tests
{
    [Fact]
    public Task MonitorEnterWithoutExit_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M()
            {
                {|#0:Monitor.Enter(_gate)|};
            }
        }
        """, Verify.Diagnostic(Descriptors.LS1001_LockNotReleased).WithLocation(0).WithArguments("_gate", "the end of the method"));

    [Fact]
    public Task EarlyReturnInOneBranch_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _value;

            int Next()
            {
                {|#0:Monitor.Enter(_gate)|};
                if (_value == int.MaxValue)
                {
                    return -1;
                }

                _value++;
                Monitor.Exit(_gate);
                return _value;
            }
        }
        """, Verify.Diagnostic(Descriptors.LS1001_LockNotReleased).WithLocation(0).WithArguments("_gate", "the 'return' at line 13"));

    [Fact]
    public Task BreakInLoop_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            void M(int[] items)
            {
                foreach (var item in items)
                {
                    {|LS1001:_gate.Wait()|};
                    if (item < 0)
                    {
                        break;
                    }

                    _gate.Release();
                }
            }
        }
        """);

    [Fact]
    public Task LockstepLockAcquireWithoutRelease_Reports() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.Lock _gate = new();

            void M(bool done)
            {
                {|LS1001:_gate.Acquire()|};
                if (done)
                {
                    return;
                }

                _gate.Release();
            }
        }
        """);

    [Fact]
    public Task ReaderWriterReadLockLeakedOnContinue_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();

            int Sum(int[] values)
            {
                var sum = 0;
                foreach (var v in values)
                {
                    {|LS1001:_rw.EnterReadLock()|};
                    if (v == 0)
                    {
                        continue;
                    }

                    sum += v;
                    _rw.ExitReadLock();
                }

                return sum;
            }
        }
        """);

    [Fact]
    public Task AcquireInLoopReleasedAfterLoop_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M(int n)
            {
                for (var i = 0; i < n; i++)
                {
                    {|LS1001:Monitor.Enter(_gate)|};
                }

                // When n is 0 this releases a lock that was never taken.
                {|LS1002:Monitor.Exit(_gate)|};
            }
        }
        """);

    [Fact]
    public Task SwitchCaseReturnsHoldingLock_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly Mutex _mutex = new();

            string Describe(int kind)
            {
                {|LS1001:_mutex.WaitOne()|};
                switch (kind)
                {
                    case 0:
                        return "zero";
                    default:
                        _mutex.ReleaseMutex();
                        return "other";
                }
            }
        }
        """);

    [Fact]
    public Task LambdaLeaks_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            Action Make() => () =>
            {
                {|LS1001:Monitor.Enter(_gate)|};
                Console.WriteLine();
            };
        }
        """);

    [Fact]
    public Task LocalFunctionLeaks_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly SpinLock _spin = new();

            void M(bool early)
            {
                Work();

                void Work()
                {
                    var taken = false;
                    {|LS1001:_spin.Enter(ref taken)|};
                    if (early)
                    {
                        return;
                    }

                    if (taken)
                    {
                        _spin.Exit();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task TryEnterCheckedThenReturnWithoutExit_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            bool Poll(bool stop)
            {
                if ({|LS1001:Monitor.TryEnter(_gate)|})
                {
                    if (stop)
                    {
                        return false;
                    }

                    Monitor.Exit(_gate);
                }

                return true;
            }
        }
        """);

    [Fact]
    public Task LockstepScopeInLocalNeverDisposed_Reports() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.Lock _gate = new();

            void M()
            {
                var scope = {|LS1001:_gate.Acquire()|};
                System.Console.WriteLine();
            }
        }
        """);

    // ---- true negatives

    [Fact]
    public Task LockStatement_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly object _gate = new();
            private int _value;

            int Next()
            {
                lock (_gate)
                {
                    if (_value == int.MaxValue)
                    {
                        return -1;
                    }

                    return ++_value;
                }
            }
        }
        """);

    [Fact]
    public Task TryFinallyRelease_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M(bool early)
            {
                Monitor.Enter(_gate);
                try
                {
                    if (early)
                    {
                        return;
                    }

                    Console.WriteLine();
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }
        }
        """);

    [Fact]
    public Task LockTakenPattern_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M()
            {
                var taken = false;
                try
                {
                    Monitor.Enter(_gate, ref taken);
                    Console.WriteLine();
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
    public Task SpinLockTakenPattern_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private SpinLock _spin = new(false);

            void M()
            {
                bool lockTaken = false;
                try
                {
                    _spin.Enter(ref lockTaken);
                    Console.WriteLine();
                }
                finally
                {
                    if (lockTaken) _spin.Exit(false);
                }
            }
        }
        """);

    [Fact]
    public Task UsingLockstepScope_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.Lock _gate = new();

            int M(bool early)
            {
                using (_gate.Acquire())
                {
                    if (early)
                    {
                        return 1;
                    }
                }

                using var _ = _gate.Acquire();
                return 2;
            }
        }
        """);

    [Fact]
    public Task TryEnterFalseBranchNotHeld_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            bool Poll()
            {
                if (!Monitor.TryEnter(_gate, TimeSpan.FromSeconds(1)))
                {
                    return false;
                }

                try
                {
                    Console.WriteLine();
                    return true;
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }
        }
        """);

    [Fact]
    public Task TryAcquireResultInLocal_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            void M()
            {
                var acquired = _gate.Wait(TimeSpan.FromSeconds(1));
                try
                {
                    if (!acquired)
                    {
                        return;
                    }

                    Console.WriteLine();
                }
                finally
                {
                    if (acquired)
                    {
                        _gate.Release();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task ConditionalAcquireWithMatchingConditionalRelease_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            private int _count;

            void M(bool synchronized)
            {
                if (synchronized)
                {
                    Monitor.Enter(_gate);
                }

                _count++;
                if (synchronized)
                {
                    Monitor.Exit(_gate);
                }
            }
        }
        """);

    [Fact]
    public Task HandOffMethodNamedAcquire_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class Resource
        {
            private readonly object _gate = new();

            public void EnterWrite() => Monitor.Enter(_gate);

            public void ExitWrite() => Monitor.Exit(_gate);
        }
        """);

    [Fact]
    public Task ReleaseOnlyTwinInType_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class Batch
        {
            private readonly ReaderWriterLockSlim _rw = new();

            public void Begin() => _rw.EnterWriteLock();

            public void Commit() => _rw.ExitWriteLock();
        }
        """);

    [Fact]
    public Task SemaphoreUsedAsSignal_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using System.Threading;

        class Inbox
        {
            private readonly SemaphoreSlim _items = new(0);
            private readonly ConcurrentQueue<string> _queue = new();

            public void Post(string s)
            {
                _queue.Enqueue(s);
                _items.Release();
            }

            public string Take()
            {
                _items.Wait();
                _queue.TryDequeue(out var s);
                return s!;
            }
        }
        """);

    [Fact]
    public Task DisposableReleaserReturned_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class Gate
        {
            private readonly SemaphoreSlim _sem = new(1, 1);

            public IDisposable Hold()
            {
                _sem.Wait();
                return new Releaser(_sem);
            }

            private sealed class Releaser : IDisposable
            {
                private readonly SemaphoreSlim _sem;
                public Releaser(SemaphoreSlim sem) => _sem = sem;
                public void Dispose() => _sem.Release();
            }
        }
        """);

    [Fact]
    public Task ScopeReturnedToCaller_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.Lock _gate = new();

            public Lockstep.Lock.Scope Hold() => _gate.Acquire();
        }
        """);

    [Fact]
    public Task BrokenCode_DoesNotReportOrThrow() => Verify.VerifyNoDiagnosticOnBrokenCodeAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M()
            {
                Monitor.Enter(_missing);
                Monitor.Enter(_gate
                if (x) return
                Foo(
        }
        """);

    [Fact]
    public Task GotoPastRelease_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            void M(bool skip)
            {
                {|LS1001:Monitor.Enter(_gate)|};
                if (skip)
                {
                    goto done;
                }

                _n++;
                Monitor.Exit(_gate);
            done:
                _n--;
            }
        }
        """);

    [Fact]
    public Task ReturnFromCatch_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            bool M()
            {
                {|LS1001:Monitor.Enter(_gate)|};
                try
                {
                    Console.WriteLine();
                }
                catch (Exception)
                {
                    return false;
                }

                Monitor.Exit(_gate);
                return true;
            }
        }
        """);

    [Fact]
    public Task SemaphoreWaitOneEarlyReturn_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly Semaphore _pool = new(2, 2);
            private int _n;

            void M(int value)
            {
                {|LS1001:_pool.WaitOne()|};
                if (value < 0)
                {
                    return;
                }

                _n = value;
                _pool.Release();
            }
        }
        """);

    [Fact]
    public Task SystemThreadingLockEnterWithoutExit_Reports() => Verify.VerifyAnalyzerAsync(SystemLockStub + """
        class C
        {
            private readonly System.Threading.Lock _gate = new();
            private int _n;

            void M(bool early)
            {
                {|LS1001:_gate.Enter()|};
                if (early)
                {
                    return;
                }

                _n++;
                _gate.Exit();
            }
        }
        """);

    [Fact]
    public Task IteratorYieldBreakHoldingLock_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            IEnumerable<int> Items(int n)
            {
                {|LS1001:Monitor.Enter(_gate)|};
                if (n == 0)
                {
                    yield break;
                }

                yield return n;
                Monitor.Exit(_gate);
            }
        }
        """);

    [Fact]
    public Task ReleaseInBothBranches_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            int M(bool flag)
            {
                Monitor.Enter(_gate);
                if (flag)
                {
                    _n++;
                    Monitor.Exit(_gate);
                    return 1;
                }
                else
                {
                    _n--;
                    Monitor.Exit(_gate);
                    return 0;
                }
            }
        }
        """);

    [Fact]
    public Task SpinUntilTryEnterThenFinally_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M()
            {
                while (!Monitor.TryEnter(_gate, 10))
                {
                    Thread.Yield();
                }

                try
                {
                    Console.WriteLine();
                }
                finally
                {
                    Monitor.Exit(_gate);
                }
            }
        }
        """);

    [Fact]
    public Task SwitchReleasesInEveryCase_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _n;

            int M(int kind)
            {
                _rw.EnterWriteLock();
                switch (kind)
                {
                    case 0:
                        _n = 0;
                        _rw.ExitWriteLock();
                        return 0;
                    case 1:
                        _n = 1;
                        break;
                    default:
                        _n = kind;
                        break;
                }

                _rw.ExitWriteLock();
                return _n;
            }
        }
        """);

    [Fact]
    public Task AnnotatedAcquireMethod_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class Table
        {
            private readonly ReaderWriterLockSlim _rw = new();

            [Lockstep.Acquires]
            public void BeginWrite() => _rw.EnterWriteLock();
        }
        """);

    [Fact]
    public Task LockStatementInLoopWithBreakAndContinue_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly object _gate = new();
            private int _n;

            void M(int[] items)
            {
                foreach (var item in items)
                {
                    lock (_gate)
                    {
                        if (item == 0) continue;
                        if (item < 0) break;
                        _n += item;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task LockOnLocalCallResult_IsNotFollowed() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object[] _stripes = { new(), new() };

            void M(int i)
            {
                Monitor.Enter(_stripes[i % 2]);
                System.Console.WriteLine();
            }
        }
        """);

    internal const string SystemLockStub = """
        namespace System.Threading
        {
            public sealed class Lock
            {
                public void Enter() { }
                public bool TryEnter() => true;
                public void Exit() { }
                public Scope EnterScope() => default;
                public bool IsHeldByCurrentThread => false;
                public ref struct Scope { public void Dispose() { } }
            }
        }

        """;

    [Fact]
    public Task AwaitedAcquireWithConfigureAwaitThenEarlyReturn_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);
            private int _n;

            async Task M(bool skip)
            {
                await {|LS1001:_gate.WaitAsync()|}.ConfigureAwait(false);
                if (skip)
                {
                    return;
                }

                _n++;
                _gate.Release();
            }
        }
        """);

    // ---- acquire helpers and lock holders in library code (found by a run on open-source code)

    [Fact]
    public Task RetryHelperThatEntersTheCallersLock_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        static class UninterruptibleMonitor
        {
            public static void Enter(object obj)
            {
                try
                {
                    Monitor.Enter(obj);
                }
                catch (ThreadInterruptedException)
                {
                    RetryEnter(obj);
                    Thread.CurrentThread.Interrupt();
                }
            }

            private static void RetryEnter(object obj)
            {
                try
                {
                    Monitor.Enter(obj);
                }
                catch (ThreadInterruptedException)
                {
                    RetryEnter(obj);
                }
            }

            public static void Exit(object obj) => Monitor.Exit(obj);
        }
        """);

    [Fact]
    public Task LockOfAParameterNeverReleasedInTheMethod_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        static class Gates
        {
            public static void WaitTurn(ReaderWriterLockSlim turn, int spins)
            {
                for (var i = 0; i < spins; i++)
                {
                    Thread.SpinWait(10);
                }

                turn.EnterWriteLock();
            }
        }
        """);

    [Fact]
    public Task LockOfAParameterReleasedOnSomePaths_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        static class Gates
        {
            public static int Read(object gate, int[] values, int i)
            {
                {|LS1001:Monitor.Enter(gate)|};
                if (i < 0)
                {
                    return -1;
                }

                var value = values[i];
                Monitor.Exit(gate);
                return value;
            }
        }
        """);

    [Fact]
    public Task LockHolderWhoseInterfaceDoesNotBind_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        internal class UpgradeableReadLockHolder : {|CS0246:ILockHolder|}
        {
            private readonly ReaderWriterLockSlim _locker;
            private bool _acquired;

            public UpgradeableReadLockHolder(ReaderWriterLockSlim locker, bool waitForLock)
            {
                _locker = locker;
                if (waitForLock)
                {
                    locker.EnterUpgradeableReadLock();
                    _acquired = true;
                    return;
                }

                _acquired = locker.TryEnterUpgradeableReadLock(0);
            }

            public void Dispose()
            {
                if (_acquired)
                {
                    _locker.ExitUpgradeableReadLock();
                    _acquired = false;
                }
            }
        }
        """);

    [Fact]
    public Task WorkUnderALockNamedForIt_StillReports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _n;

            public void UpdateUnderLock(bool skip)
            {
                {|LS1001:Monitor.Enter(_gate)|};
                if (skip)
                {
                    return;
                }

                _n++;
                Monitor.Exit(_gate);
            }
        }
        """);
}
