using Microsoft.CodeAnalysis.Testing;
using SwapVerify = Lockstep.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<Lockstep.Analyzers.Rules.DeadlockAnalyzer, Lockstep.CodeFixes.Rules.LockOrderCodeFixProvider>;
using WaitVerify = Lockstep.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<Lockstep.Analyzers.Rules.DeadlockAnalyzer, Lockstep.CodeFixes.Rules.ConditionWaitCodeFixProvider>;
using RLockVerify = Lockstep.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<Lockstep.Analyzers.Rules.DeadlockAnalyzer, Lockstep.CodeFixes.Rules.ReentrantLockCodeFixProvider>;

namespace Lockstep.Analyzers.Tests.Rules.LS2xxx;

public class DeadlockCodeFixTests
{
    /// <summary>LS2001 is decided at the end of the compilation (a non-local diagnostic); its fix is still offered in the IDE.</summary>
    private static Task VerifySwapAsync(string source, string fixedSource)
    {
        var test = new SwapVerify.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        };
        return test.RunAsync();
    }

    [Fact]
    public Task NestedLocks_OneSideIsSwapped() => VerifySwapAsync("""
        class Ledger
        {
            private readonly object _accounts = new();
            private readonly object _audit = new();

            void Transfer()
            {
                lock (_accounts)
                {
                    lock ({|LS2001:_audit|})
                    {
                        System.Console.WriteLine("transfer");
                    }
                }
            }

            void Report()
            {
                lock (_audit)
                {
                    // accounts after audit
                    lock ({|LS2001:_accounts|})
                    {
                        System.Console.WriteLine("report");
                    }
                }
            }
        }
        """, """
        class Ledger
        {
            private readonly object _accounts = new();
            private readonly object _audit = new();

            void Transfer()
            {
                lock (_audit)
                {
                    lock (_accounts)
                    {
                        System.Console.WriteLine("transfer");
                    }
                }
            }

            void Report()
            {
                lock (_audit)
                {
                    // accounts after audit
                    lock (_accounts)
                    {
                        System.Console.WriteLine("report");
                    }
                }
            }
        }
        """);

    [Fact]
    public Task NestedUsingScopes_AreSwapped() => VerifySwapAsync("""
        class C
        {
            private readonly Lockstep.RLock _a = new();
            private readonly Lockstep.RLock _b = new();

            void One()
            {
                using (_a.Acquire())
                using ({|LS2001:_b.Acquire()|})
                {
                }
            }

            void Two()
            {
                using (_b.Acquire())
                {
                    using ({|LS2001:_a.Acquire()|})
                    {
                    }
                }
            }
        }
        """, """
        class C
        {
            private readonly Lockstep.RLock _a = new();
            private readonly Lockstep.RLock _b = new();

            void One()
            {
                using (_b.Acquire())
                using (_a.Acquire())
                {
                }
            }

            void Two()
            {
                using (_b.Acquire())
                {
                    using (_a.Acquire())
                    {
                    }
                }
            }
        }
        """);

    [Fact]
    public Task NestedLocksWithStatementBetween_NoFix() => VerifySwapAsync("""
        class C
        {
            private readonly object _a = new();
            private readonly object _b = new();

            void One()
            {
                lock (_a)
                {
                    System.Console.WriteLine();
                    lock ({|LS2001:_b|}) { }
                }
            }

            void Two()
            {
                lock (_b)
                {
                    System.Console.WriteLine();
                    lock ({|LS2001:_a|}) { }
                }
            }
        }
        """, """
        class C
        {
            private readonly object _a = new();
            private readonly object _b = new();

            void One()
            {
                lock (_a)
                {
                    System.Console.WriteLine();
                    lock ({|LS2001:_b|}) { }
                }
            }

            void Two()
            {
                lock (_b)
                {
                    System.Console.WriteLine();
                    lock ({|LS2001:_a|}) { }
                }
            }
        }
        """);

    [Fact]
    public Task IfGuardedMonitorWait_BecomesWhile() => WaitVerify.VerifyCodeFixAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private bool _ready;

            void M()
            {
                lock (_gate)
                {
                    if (!_ready)
                    {
                        {|LS2004:Monitor.Wait(_gate)|};
                    }
                }
            }
        }
        """, """
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
    public Task FixAll_IfToWhile_InTwoDocuments()
    {
        var test = new WaitVerify.Test();
        test.TestState.Sources.Add(("A.cs", """
            using System.Threading;

            class A
            {
                private readonly object _gate = new();
                private int _n;

                void M()
                {
                    lock (_gate)
                    {
                        if (_n == 0) {|LS2004:Monitor.Wait(_gate)|};
                    }
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", """
            using System.Threading;

            class B
            {
                private readonly object _gate = new();
                private bool _done;

                void M()
                {
                    lock (_gate)
                    {
                        if (!_done) {|LS2004:Monitor.Wait(_gate, 100)|};
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", """
            using System.Threading;

            class A
            {
                private readonly object _gate = new();
                private int _n;

                void M()
                {
                    lock (_gate)
                    {
                        while (_n == 0)
                            Monitor.Wait(_gate);
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", """
            using System.Threading;

            class B
            {
                private readonly object _gate = new();
                private bool _done;

                void M()
                {
                    lock (_gate)
                    {
                        while (!_done)
                            Monitor.Wait(_gate, 100);
                    }
                }
            }
            """));
        return test.RunAsync();
    }

    [Fact]
    public Task LockstepConditionWait_BecomesWaitFor()
    {
        var test = new WaitVerify.Test
        {
            TestCode = """
                class C
                {
                    private readonly Lockstep.Lock _gate = new();
                    private readonly Lockstep.Condition _changed;
                    private int _count;

                    C() => _changed = new Lockstep.Condition(_gate);

                    void M()
                    {
                        using (_gate.Acquire())
                        {
                            if (_count == 0)
                            {
                                {|LS2004:_changed.Wait()|};
                            }
                        }
                    }
                }
                """,
            FixedCode = """
                class C
                {
                    private readonly Lockstep.Lock _gate = new();
                    private readonly Lockstep.Condition _changed;
                    private int _count;

                    C() => _changed = new Lockstep.Condition(_gate);

                    void M()
                    {
                        using (_gate.Acquire())
                        {
                            _changed.WaitFor(() => _count != 0);
                        }
                    }
                }
                """,
            CodeActionIndex = 1,
            CodeActionEquivalenceKey = Lockstep.CodeFixes.Rules.ConditionWaitCodeFixProvider.WaitForKey,
        };
        return test.RunAsync();
    }

    [Fact]
    public Task LockTakenTwice_BecomesRLock() => RLockVerify.VerifyCodeFixAsync("""
        using Lockstep;

        class C
        {
            private readonly Lock _gate = new Lock();

            void Outer()
            {
                using (_gate.Acquire())
                {
                    using ({|LS2002:_gate.Acquire()|})
                    {
                    }
                }
            }
        }
        """, """
        using Lockstep;

        class C
        {
            private readonly RLock _gate = new RLock();

            void Outer()
            {
                using (_gate.Acquire())
                {
                    using (_gate.Acquire())
                    {
                    }
                }
            }
        }
        """);
}
