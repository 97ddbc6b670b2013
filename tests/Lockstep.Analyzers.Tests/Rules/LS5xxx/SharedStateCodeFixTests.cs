using Lockstep.CodeFixes.Rules;
using Microsoft.CodeAnalysis.Testing;
using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<Lockstep.Analyzers.Rules.SharedStateAnalyzer, Lockstep.CodeFixes.Rules.SharedStateCodeFixProvider>;

namespace Lockstep.Analyzers.Tests.Rules.LS5xxx;

public class SharedStateCodeFixTests
{
    /// <summary>LS5001 on fields is decided at the end of the compilation (a non-local diagnostic); its fix is still offered in the IDE.</summary>
    private static Task VerifyEndFixAsync(string source, string fixedSource, string? key = null)
    {
        var test = new Verify.Test
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            CodeActionEquivalenceKey = key,
        };
        return test.RunAsync();
    }

    // ------------------------------------------------------------------ LS5001: Interlocked

    [Fact]
    public Task PostfixIncrement_BecomesInterlockedIncrement() => VerifyEndFixAsync("""
        using System.Threading;

        class Program
        {
            static int _count;

            static void Work()
            {
                for (var i = 0; i < 1000; i++)
                {
                    // count one
                    {|LS5001:_count++|}; // and move on
                }
            }

            static void Main()
            {
                new Thread(Work).Start();
                new Thread(Work).Start();
            }
        }
        """, """
        using System.Threading;

        class Program
        {
            static int _count;

            static void Work()
            {
                for (var i = 0; i < 1000; i++)
                {
                    // count one
                    Interlocked.Increment(ref _count); // and move on
                }
            }

            static void Main()
            {
                new Thread(Work).Start();
                new Thread(Work).Start();
            }
        }
        """, SharedStateCodeFixProvider.InterlockedKey);

    [Fact]
    public Task CapturedCompoundAdd_BecomesInterlockedAdd() => Verify.VerifyCodeFixAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class Program
        {
            static int Sum(int[] values)
            {
                var total = 0;
                Parallel.For(0, values.Length, i => {|LS5001:total += values[i]|});
                return total;
            }
        }
        """, """
        using System.Threading;
        using System.Threading.Tasks;

        class Program
        {
            static int Sum(int[] values)
            {
                var total = 0;
                Parallel.For(0, values.Length, i => Interlocked.Add(ref total, values[i]));
                return total;
            }
        }
        """);

    [Fact]
    public Task SubtractionAndSelfAssignment_BecomeInterlockedAdd() => VerifyEndFixAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class Program
        {
            static long _bytes;
            static long _pages;

            static void Main(string[] files)
            {
                Parallel.ForEach(files, file =>
                {
                    {|LS5001:_bytes -= file.Length + 1|};
                    {|LS5001:_pages = _pages + 1|};
                });
            }
        }
        """, """
        using System.Threading;
        using System.Threading.Tasks;

        class Program
        {
            static long _bytes;
            static long _pages;

            static void Main(string[] files)
            {
                Parallel.ForEach(files, file =>
                {
                    Interlocked.Add(ref _bytes, -(file.Length + 1));
                    Interlocked.Add(ref _pages, 1);
                });
            }
        }
        """);

    [Fact]
    public Task WithoutUsingDirective_QualifiesInterlocked() => VerifyEndFixAsync("""
        class Program
        {
            static int _count;

            static void Main()
            {
                System.Threading.Tasks.Parallel.For(0, 10, i =>
                {
                    {|LS5001:_count--|};
                });
            }
        }
        """, """
        class Program
        {
            static int _count;

            static void Main()
            {
                System.Threading.Tasks.Parallel.For(0, 10, i =>
                {
                    System.Threading.Interlocked.Decrement(ref _count);
                });
            }
        }
        """);

    [Fact]
    public Task FixAllAcrossTwoFiles_UsesInterlockedEverywhere()
    {
        var test = new Verify.Test
        {
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
            CodeActionEquivalenceKey = SharedStateCodeFixProvider.InterlockedKey,
        };
        test.TestState.Sources.Add(("A.cs", """
            using System.Threading;

            static class Stats
            {
                public static int Hits;
                public static long Bytes;

                public static void Record(int bytes)
                {
                    {|LS5001:Hits++|};
                    {|LS5001:Bytes += bytes|};
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", """
            using System.Threading;
            using System.Threading.Tasks;

            class Program
            {
                static int _errors;

                static void Main()
                {
                    Parallel.For(0, 100, i =>
                    {
                        Stats.Record(i);
                        if (i % 7 == 0)
                        {
                            {|LS5001:_errors++|};
                        }
                    });
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", """
            using System.Threading;

            static class Stats
            {
                public static int Hits;
                public static long Bytes;

                public static void Record(int bytes)
                {
                    Interlocked.Increment(ref Hits);
                    Interlocked.Add(ref Bytes, bytes);
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", """
            using System.Threading;
            using System.Threading.Tasks;

            class Program
            {
                static int _errors;

                static void Main()
                {
                    Parallel.For(0, 100, i =>
                    {
                        Stats.Record(i);
                        if (i % 7 == 0)
                        {
                            Interlocked.Increment(ref _errors);
                        }
                    });
                }
            }
            """));
        return test.RunAsync();
    }

    // ------------------------------------------------------------------ LS5001: the lock used elsewhere

    [Fact]
    public Task NoInterlockedForm_WrapsInTheLockUsedElsewhere() => VerifyEndFixAsync("""
        using System.Threading;

        class Clock
        {
            private readonly object _gate = new();
            private double _elapsed;

            public void Start()
            {
                new Thread(Tick).Start();
                new Thread(Adjust).Start();
            }

            private void Tick()
            {
                {|LS5001:_elapsed += 0.5|};
            }

            private void Adjust()
            {
                lock (_gate)
                {
                    _elapsed *= 0.99;
                }
            }
        }
        """, """
        using System.Threading;

        class Clock
        {
            private readonly object _gate = new();
            private double _elapsed;

            public void Start()
            {
                new Thread(Tick).Start();
                new Thread(Adjust).Start();
            }

            private void Tick()
            {
                lock (_gate)
                {
                    _elapsed += 0.5;
                }
            }

            private void Adjust()
            {
                lock (_gate)
                {
                    _elapsed *= 0.99;
                }
            }
        }
        """, SharedStateCodeFixProvider.HoldLockKey);

    [Fact]
    public Task PostfixValueUsedAndNoLockElsewhere_HasNoFix() => VerifyEndFixAsync("""
        using System.Threading.Tasks;

        class Program
        {
            static int _next;

            static void Main()
            {
                Parallel.For(0, 10, i => System.Console.WriteLine({|LS5001:_next++|}));
            }
        }
        """, """
        using System.Threading.Tasks;

        class Program
        {
            static int _next;

            static void Main()
            {
                Parallel.For(0, 10, i => System.Console.WriteLine({|LS5001:_next++|}));
            }
        }
        """);

    // ------------------------------------------------------------------ LS5002

    [Fact]
    public Task MonitorGuard_WrapsInLockStatement() => Verify.VerifyCodeFixAsync("""
        using Lockstep;

        public class Account
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private decimal _balance;

            public void Deposit(decimal amount)
            {
                // credit the account
                {|LS5002:_balance|} += amount; // no overdraft check
            }

            public void TransferTo(Account other, decimal amount)
            {
                lock (_gate)
                {
                    _balance -= amount;
                }

                {|LS5002:other._balance|} += amount;
            }
        }
        """, """
        using Lockstep;

        public class Account
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private decimal _balance;

            public void Deposit(decimal amount)
            {
                // credit the account
                lock (_gate)
                {
                    _balance += amount;
                } // no overdraft check
            }

            public void TransferTo(Account other, decimal amount)
            {
                lock (_gate)
                {
                    _balance -= amount;
                }

                lock (other._gate)
                {
                    other._balance += amount;
                }
            }
        }
        """);

    [Fact]
    public Task LockstepLockGuard_WrapsInUsingAcquire() => Verify.VerifyCodeFixAsync("""
        using Lockstep;

        public class Queue
        {
            private readonly Lock _gate = new();

            [GuardedBy(nameof(_gate))]
            private int _length;

            public int Length()
            {
                return {|LS5002:_length|};
            }
        }
        """, """
        using Lockstep;

        public class Queue
        {
            private readonly Lock _gate = new();

            [GuardedBy(nameof(_gate))]
            private int _length;

            public int Length()
            {
                using (_gate.Acquire())
                {
                    return _length;
                }
            }
        }
        """);

    [Fact]
    public Task ExpressionBodiedProperty_GetsABlockBody() => Verify.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using Lockstep;

        public class Inbox
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private readonly List<string> _messages = new();

            public int Count => {|LS5002:_messages|}.Count;

            public void Clear() => {|LS5002:_messages|}.Clear();
        }
        """, """
        using System.Collections.Generic;
        using Lockstep;

        public class Inbox
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private readonly List<string> _messages = new();

            public int Count
            {
                get
                {
                    lock (_gate)
                    {
                        return _messages.Count;
                    }
                }
            }

            public void Clear()
            {
                lock (_gate)
                {
                    _messages.Clear();
                }
            }
        }
        """);

    [Fact]
    public Task ReaderWriterAndSemaphoreGuards_UseTryFinally() => Verify.VerifyCodeFixAsync("""
        using System.Threading;
        using Lockstep;

        public class Settings
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly SemaphoreSlim _slot = new(1, 1);

            [GuardedBy(nameof(_rw))]
            private string _value = "";

            [GuardedBy(nameof(_slot))]
            private int _saves;

            public void Set(string value)
            {
                {|LS5002:_value|} = value;
                if (value.Length > 0)
                    {|LS5002:_saves|}++;
            }

            public string Get()
            {
                return {|LS5002:_value|};
            }
        }
        """, """
        using System.Threading;
        using Lockstep;

        public class Settings
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly SemaphoreSlim _slot = new(1, 1);

            [GuardedBy(nameof(_rw))]
            private string _value = "";

            [GuardedBy(nameof(_slot))]
            private int _saves;

            public void Set(string value)
            {
                _rw.EnterWriteLock();
                try
                {
                    _value = value;
                }
                finally
                {
                    _rw.ExitWriteLock();
                }
                if (value.Length > 0)
                {
                    _slot.Wait();
                    try
                    {
                        _saves++;
                    }
                    finally
                    {
                        _slot.Release();
                    }
                }
            }

            public string Get()
            {
                _rw.EnterReadLock();
                try
                {
                    return _value;
                }
                finally
                {
                    _rw.ExitReadLock();
                }
            }
        }
        """);

    [Fact]
    public Task GuardedByThis_WrapsInLockThis() => Verify.VerifyCodeFixAsync("""
        using Lockstep;

        public class Session
        {
            [GuardedBy("this")]
            private string? _user;

            public void Logout()
            {
                {|LS5002:_user|} = null;
            }
        }
        """, """
        using Lockstep;

        public class Session
        {
            [GuardedBy("this")]
            private string? _user;

            public void Logout()
            {
                lock (this)
                {
                    _user = null;
                }
            }
        }
        """);

    [Fact]
    public Task LocalUsedAfterTheStatement_HasNoFix() => Verify.VerifyCodeFixAsync("""
        using Lockstep;

        public class Meter
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private long _total;

            public string Report()
            {
                var total = {|LS5002:_total|};
                return total.ToString();
            }
        }
        """, """
        using Lockstep;

        public class Meter
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private long _total;

            public string Report()
            {
                var total = {|LS5002:_total|};
                return total.ToString();
            }
        }
        """);

    [Fact]
    public Task FixAllAcrossTwoFiles_HoldsTheLockEverywhere()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("A.cs", """
            using Lockstep;

            public partial class Account
            {
                private readonly object _gate = new();

                [GuardedBy(nameof(_gate))]
                private decimal _balance;

                public void Deposit(decimal amount)
                {
                    {|LS5002:_balance|} += amount;
                    {|LS5002:_balance|} = decimal.Round(_balance, 2);
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", """
            public partial class Account
            {
                public decimal Balance()
                {
                    return {|LS5002:_balance|};
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", """
            using Lockstep;

            public partial class Account
            {
                private readonly object _gate = new();

                [GuardedBy(nameof(_gate))]
                private decimal _balance;

                public void Deposit(decimal amount)
                {
                    lock (_gate)
                    {
                        _balance += amount;
                    }
                    lock (_gate)
                    {
                        _balance = decimal.Round(_balance, 2);
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", """
            public partial class Account
            {
                public decimal Balance()
                {
                    lock (_gate)
                    {
                        return _balance;
                    }
                }
            }
            """));
        return test.RunAsync();
    }
}
