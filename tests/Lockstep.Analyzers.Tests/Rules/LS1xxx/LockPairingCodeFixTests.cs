using Lockstep.Analyzers.Rules;
using Lockstep.CodeFixes.Rules;
using Microsoft.CodeAnalysis.Testing;
using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<Lockstep.Analyzers.Rules.LockPairingAnalyzer, Lockstep.CodeFixes.Rules.LockPairingCodeFixProvider>;

namespace Lockstep.Analyzers.Tests.Rules.LS1xxx;

public class LockPairingCodeFixTests
{
    [Fact]
    public Task MonitorEnterExit_BecomesLockStatement() => Verify.VerifyCodeFixAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _value;

            int Next()
            {
                // Take the gate.
                {|LS1001:Monitor.Enter(_gate)|};
                if (_value == int.MaxValue)
                {
                    return -1;
                }

                _value++; // count
                Monitor.Exit(_gate);
                return _value;
            }
        }
        """, """
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _value;

            int Next()
            {
                // Take the gate.
                lock (_gate)
                {
                    if (_value == int.MaxValue)
                    {
                        return -1;
                    }

                    _value++; // count
                }
                return _value;
            }
        }
        """);

    [Fact]
    public Task StrayReleaseBeforeReturn_IsRemoved() => Verify.VerifyCodeFixAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _value;

            int Next()
            {
                {|LS1001:Monitor.Enter(_gate)|};
                if (_value < 0)
                {
                    Monitor.Exit(_gate);
                    return -1;
                }

                if (_value == 0)
                {
                    return 0;
                }

                _value++;
                Monitor.Exit(_gate);
                return _value;
            }
        }
        """, """
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private int _value;

            int Next()
            {
                lock (_gate)
                {
                    if (_value < 0)
                    {
                        return -1;
                    }

                    if (_value == 0)
                    {
                        return 0;
                    }

                    _value++;
                }
                return _value;
            }
        }
        """);

    [Fact]
    public Task SemaphoreSlim_BecomesTryFinally() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            void M()
            {
                {|LS1003:_gate.Wait()|};
                Console.WriteLine("work");
                _gate.Release();
            }
        }
        """, """
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
    public Task AwaitedSemaphoreSlimWithConfigureAwait_BecomesTryFinally() => Verify.VerifyCodeFixAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            async Task M(CancellationToken token)
            {
                await {|LS1003:_gate.WaitAsync(token)|}.ConfigureAwait(false);
                await Task.Delay(10, token).ConfigureAwait(false);
                _gate.Release();
            }
        }
        """, """
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            async Task M(CancellationToken token)
            {
                await _gate.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    await Task.Delay(10, token).ConfigureAwait(false);
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """);

    [Fact]
    public Task ReaderWriterWithoutRelease_GetsSynthesizedExit() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();

            void M()
            {
                {|LS1001:_rw.EnterWriteLock()|};
                Console.WriteLine("work");
            }
        }
        """, """
        using System;
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new();

            void M()
            {
                _rw.EnterWriteLock();
                try
                {
                    Console.WriteLine("work");
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
            }
        }
        """);

    [Fact]
    public Task LockstepLock_BecomesUsingScope() => Verify.VerifyCodeFixAsync("""
        using System;

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

                Console.WriteLine();
                _gate.Release();
            }
        }
        """, """
        using System;

        class C
        {
            private readonly Lockstep.Lock _gate = new();

            void M(bool done)
            {
                using (_gate.Acquire())
                {
                    if (done)
                    {
                        return;
                    }

                    Console.WriteLine();
                }
            }
        }
        """);

    [Fact]
    public Task LocalUsedAfterRegion_NoFixOffered() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            string? M()
            {
                {|LS1003:Monitor.Enter(_gate)|};
                var value = Environment.GetEnvironmentVariable("N");
                Monitor.Exit(_gate);
                return value;
            }
        }
        """, """
        using System;
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            string? M()
            {
                {|LS1003:Monitor.Enter(_gate)|};
                var value = Environment.GetEnvironmentVariable("N");
                Monitor.Exit(_gate);
                return value;
            }
        }
        """);

    [Fact]
    public Task FixAll_InTwoDocuments()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("A.cs", """
            using System;
            using System.Threading;

            class A
            {
                private readonly object _gate = new();

                void M()
                {
                    {|LS1003:Monitor.Enter(_gate)|};
                    Console.WriteLine("a");
                    Monitor.Exit(_gate);
                }

                void N()
                {
                    {|LS1003:Monitor.Enter(_gate)|};
                    Console.WriteLine("n");
                    Monitor.Exit(_gate);
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", """
            using System;
            using System.Threading;

            class B
            {
                private readonly SemaphoreSlim _gate = new(1, 1);

                void M()
                {
                    {|LS1003:_gate.Wait()|};
                    Console.WriteLine("b");
                    _gate.Release();
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", """
            using System;
            using System.Threading;

            class A
            {
                private readonly object _gate = new();

                void M()
                {
                    lock (_gate)
                    {
                        Console.WriteLine("a");
                    }
                }

                void N()
                {
                    lock (_gate)
                    {
                        Console.WriteLine("n");
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", """
            using System;
            using System.Threading;

            class B
            {
                private readonly SemaphoreSlim _gate = new(1, 1);

                void M()
                {
                    _gate.Wait();
                    try
                    {
                        Console.WriteLine("b");
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
            }
            """));
        return test.RunAsync();
    }

    [Fact]
    public Task FixAll_NestedRegionsInOneBlock()
    {
        var test = new Verify.Test
        {
            TestCode = """
                using System;
                using System.Threading;

                class C
                {
                    private readonly object _a = new();
                    private readonly object _b = new();

                    void M()
                    {
                        {|LS1003:Monitor.Enter(_a)|};
                        {|LS1003:Monitor.Enter(_b)|};
                        Console.WriteLine();
                        Monitor.Exit(_b);
                        Monitor.Exit(_a);
                    }
                }
                """,
            FixedCode = """
                using System;
                using System.Threading;

                class C
                {
                    private readonly object _a = new();
                    private readonly object _b = new();

                    void M()
                    {
                        lock (_a)
                        {
                            lock (_b)
                            {
                                Console.WriteLine();
                            }
                        }
                    }
                }
                """,
            NumberOfFixAllIterations = 1,
            NumberOfIncrementalIterations = 2,
        };
        return test.RunAsync();
    }
}
