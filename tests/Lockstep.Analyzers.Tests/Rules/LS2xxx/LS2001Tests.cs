using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.DeadlockAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS2xxx;

public class LS2001Tests
{
    [Fact]
    public Task TwoLocksOppositeOrderInOneClass_Reports() => Verify.VerifyAnalyzerAsync("""
        class Ledger
        {
            private readonly object _accounts = new();
            private readonly object _audit = new();

            void Transfer()
            {
                lock (_accounts)
                {
                    lock ({|#0:_audit|})
                    {
                    }
                }
            }

            void Report()
            {
                lock (_audit)
                {
                    lock ({|#1:_accounts|})
                    {
                    }
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS2001_InconsistentLockOrder).WithLocation(0).WithLocation(1)
            .WithArguments("_audit", "_accounts", "'_accounts' is taken while holding '_audit' in Ledger.Report"),
        Verify.Diagnostic(Descriptors.LS2001_InconsistentLockOrder).WithLocation(1).WithLocation(0)
            .WithArguments("_accounts", "_audit", "'_audit' is taken while holding '_accounts' in Ledger.Transfer"));

    [Fact]
    public Task AcrossClassesWithStaticLocks_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        static class Cache
        {
            public static readonly object Gate = new();
        }

        static class Log
        {
            public static readonly object Gate = new();

            public static void Write()
            {
                lock (Gate)
                {
                    {|#0:Monitor.Enter(Cache.Gate)|};
                    Monitor.Exit(Cache.Gate);
                }
            }
        }

        class User
        {
            void M()
            {
                lock (Cache.Gate)
                {
                    lock ({|#1:Log.Gate|})
                    {
                    }
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS2001_InconsistentLockOrder).WithLocation(0).WithLocation(1)
            .WithArguments("Gate", "Gate", "'Gate' is taken while holding 'Gate' in User.M"),
        Verify.Diagnostic(Descriptors.LS2001_InconsistentLockOrder).WithLocation(1).WithLocation(0)
            .WithArguments("Gate", "Gate", "'Gate' is taken while holding 'Gate' in Log.Write"));

    [Fact]
    public Task ThroughCallsTwoLevelsDeep_Reports() => Verify.VerifyAnalyzerAsync("""
        class Service
        {
            private readonly object _a = new();
            private readonly object _b = new();

            void First()
            {
                lock (_a)
                {
                    {|#0:Middle()|};
                }
            }

            void Middle() => Inner();

            void Inner()
            {
                lock (_b)
                {
                }
            }

            void Second()
            {
                lock (_b)
                {
                    lock ({|#1:_a|})
                    {
                    }
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS2001_InconsistentLockOrder).WithLocation(0).WithLocation(1)
            .WithArguments("_b", "_a", "'_a' is taken while holding '_b' in Service.Second"),
        Verify.Diagnostic(Descriptors.LS2001_InconsistentLockOrder).WithLocation(1).WithLocation(0)
            .WithArguments("_a", "_b", "'_b' is taken while holding '_a' in Service.First (through Service.Middle)"));

    [Fact]
    public Task ThreeLockCycle_Reports() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly object _a = new();
            private readonly object _b = new();
            private readonly object _c = new();

            void AB() { lock (_a) { lock ({|LS2001:_b|}) { } } }
            void BC() { lock (_b) { lock ({|LS2001:_c|}) { } } }
            void CA() { lock (_c) { lock ({|LS2001:_a|}) { } } }
        }
        """);

    [Fact]
    public Task ThroughPropertyReturningTheLock_Reports() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly object _a = new();
            private readonly object _b = new();

            private object Gate => _a;

            void One() { lock (Gate) { lock ({|LS2001:_b|}) { } } }
            void Two() { lock (_b) { lock ({|LS2001:_a|}) { } } }
        }
        """);

    [Theory]
    [InlineData("interface IStore { void Save(); }", "class Store : IStore", "public void Save()", "IStore")]
    [InlineData("abstract class StoreBase { public abstract void Save(); }", "sealed class Store : StoreBase", "public override void Save()", "StoreBase")]
    [InlineData("interface IStore { void Save(); }", "class Store : IStore", "void IStore.Save()", "IStore")]
    public Task ThroughImplementation_Reports(string declaration, string store, string save, string calledThrough) => Verify.VerifyAnalyzerAsync($$"""
        {{declaration}}

        {{store}}
        {
            public static readonly object Disk = new();

            {{save}}
            {
                lock (Disk)
                {
                    lock ({|LS2001:Index.Gate|})
                    {
                    }
                }
            }
        }

        static class Index
        {
            public static readonly object Gate = new();

            public static void Flush({{calledThrough}} store)
            {
                lock (Gate)
                {
                    {|LS2001:store.Save()|};
                }
            }
        }
        """);

    [Fact]
    public Task SemaphoreSlimInAsyncMethods_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly SemaphoreSlim _read = new(1, 1);
            private readonly SemaphoreSlim _write = new(1, 1);

            async Task One()
            {
                await _read.WaitAsync();
                try
                {
                    await {|LS2001:_write.WaitAsync()|};
                    _write.Release();
                }
                finally
                {
                    _read.Release();
                }
            }

            async Task Two()
            {
                await _write.WaitAsync();
                try
                {
                    await {|LS2001:_read.WaitAsync()|};
                    _read.Release();
                }
                finally
                {
                    _write.Release();
                }
            }
        }
        """);

    [Fact]
    public Task DeclaredOrderViolated_ReportsWithoutCycle() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly object _first = new();

            [AcquiredAfter(nameof(_first))]
            private readonly object _second = new();

            void M()
            {
                lock (_second)
                {
                    lock ({|#0:_first|})
                    {
                    }
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS2001_DeclaredOrderViolated).WithLocation(0).WithArguments("_first", "_second", "_second"));

    // ---- true negatives

    [Fact]
    public Task ConsistentOrder_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly object _a = new();
            private readonly object _b = new();

            void One() { lock (_a) { lock (_b) { } } }
            void Two() { lock (_a) { lock (_b) { } } }
        }
        """);

    [Fact]
    public Task LocksInSequenceNotNested_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly object _a = new();
            private readonly object _b = new();

            void One() { lock (_a) { lock (_b) { } } }
            void Two()
            {
                lock (_b) { }
                lock (_a) { }
            }
        }
        """);

    [Fact]
    public Task RecursionInCallGraph_TerminatesWithoutReport() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly object _a = new();
            private readonly object _b = new();

            void Ping(int n) { lock (_a) { if (n > 0) Pong(n - 1); } }
            void Pong(int n) { if (n > 0) Ping(n - 1); }
            void Other() { lock (_a) { lock (_b) { } } }
        }
        """);

    [Fact]
    public Task GenericMethods_ConsistentOrder_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class C<T>
        {
            private static readonly object _a = new();
            private static readonly object _b = new();

            void Outer<U>() { lock (_a) { Inner<U>(); } }
            void Inner<U>() { lock (_b) { } }
            void Direct() { lock (_a) { lock (_b) { } } }
        }
        """);

    [Fact]
    public Task SameFieldOnTwoInstances_IsNotACycle() => Verify.VerifyAnalyzerAsync("""
        class Account
        {
            private readonly object _gate = new();

            void Transfer(Account to)
            {
                lock (_gate)
                {
                    lock (to._gate)
                    {
                    }
                }
            }
        }
        """);
}
