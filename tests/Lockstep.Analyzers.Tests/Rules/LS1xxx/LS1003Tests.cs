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
}
