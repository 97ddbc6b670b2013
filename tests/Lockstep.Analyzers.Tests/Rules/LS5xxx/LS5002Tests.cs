using Microsoft.CodeAnalysis.Testing;
using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.SharedStateAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS5xxx;

public class LS5002Tests
{
    /// <summary>The annotations pasted as source, the way a project that only references the analyzer package declares them.</summary>
    internal const string SourceOnlyAnnotations = """

        namespace Lockstep
        {
            [System.AttributeUsage(System.AttributeTargets.Field | System.AttributeTargets.Property)]
            internal sealed class GuardedByAttribute : System.Attribute
            {
                public GuardedByAttribute(string lockMember) => LockMember = lockMember;

                public string LockMember { get; }
            }

            [System.AttributeUsage(System.AttributeTargets.Method, AllowMultiple = true)]
            internal sealed class AcquiresAttribute : System.Attribute
            {
                public AcquiresAttribute() { }

                public AcquiresAttribute(string lockMember) => LockMember = lockMember;

                public string? LockMember { get; }
            }

            [System.AttributeUsage(System.AttributeTargets.Method, AllowMultiple = true)]
            internal sealed class ReleasesAttribute : System.Attribute
            {
                public ReleasesAttribute() { }

                public ReleasesAttribute(string lockMember) => LockMember = lockMember;

                public string? LockMember { get; }
            }
        }
        """;

    /// <summary>Compiles without the Lockstep runtime: the annotations come from <see cref="SourceOnlyAnnotations"/>.</summary>
    private static Task VerifySourceOnlyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new Verify.Test { TestCode = source + SourceOnlyAnnotations };
        test.TestState.AdditionalReferences.Clear();
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    // ------------------------------------------------------------------ true positives

    [Fact]
    public Task WriteWithoutLock_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        public class Account
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private decimal _balance;

            public void Deposit(decimal amount)
            {
                {|#0:_balance|} += amount;
            }

            public void Withdraw(decimal amount)
            {
                lock (_gate)
                {
                    _balance -= amount;
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldWrittenWithoutLock).WithLocation(0).WithArguments("_balance", "_gate"));

    [Fact]
    public Task ReadWithoutLock_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using Lockstep;

        public class Inbox
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private readonly List<string> _messages = new();

            public int Count => {|#0:_messages|}.Count;

            public void Add(string message)
            {
                lock (_gate)
                {
                    _messages.Add(message);
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldReadWithoutLock).WithLocation(0).WithArguments("_messages", "_gate"));

    [Fact]
    public Task OnlyOneBranchHoldsTheLock_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        public class Cache
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private int _hits;

            public void Hit(bool fast)
            {
                if (!fast)
                {
                    Monitor.Enter(_gate);
                }

                {|#0:_hits|}++;

                if (!fast)
                {
                    Monitor.Exit(_gate);
                }
            }

            public void Miss(bool fast)
            {
                if (fast)
                {
                    {|#1:_hits|} = 0;
                }
                else
                {
                    lock (_gate)
                    {
                        _hits = 0;
                    }
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldWrittenWithoutLock).WithLocation(0).WithArguments("_hits", "_gate"),
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldWrittenWithoutLock).WithLocation(1).WithArguments("_hits", "_gate"));

    [Fact]
    public Task AfterTheScopeEnds_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        public class Queue
        {
            private readonly Lock _gate = new();

            [GuardedBy(nameof(_gate))]
            private int _length;

            public int Push()
            {
                using (_gate.Acquire())
                {
                    _length++;
                }

                return {|#0:_length|};
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldReadWithoutLock).WithLocation(0).WithArguments("_length", "_gate"));

    [Fact]
    public Task OtherInstanceNeedsItsOwnLock_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        public class Account
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private decimal _balance;

            public void TransferTo(Account other, decimal amount)
            {
                lock (_gate)
                {
                    _balance -= amount;
                    {|#0:other._balance|} += amount;
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldWrittenWithoutLock).WithLocation(0).WithArguments("other._balance", "other._gate"));

    [Fact]
    public Task WriteUnderReadLock_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading;
        using Lockstep;

        public class Registry
        {
            private readonly ReaderWriterLockSlim _rw = new();

            [GuardedBy(nameof(_rw))]
            private int _version;

            public int Bump()
            {
                _rw.EnterReadLock();
                try
                {
                    {|#0:_version|}++;
                    return _version;
                }
                finally
                {
                    _rw.ExitReadLock();
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldWrittenWithoutLock).WithLocation(0).WithArguments("_version", "_rw"));

    [Fact]
    public Task LambdaStartedOnAnotherThread_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        public class Uploader
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private int _inFlight;

            public Task Upload() => Task.Run(() =>
            {
                {|#0:_inFlight|}++;
            });
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldWrittenWithoutLock).WithLocation(0).WithArguments("_inFlight", "_gate"));

    [Fact]
    public Task SourceOnlyAnnotationsWithoutTheRuntime_Reports() => VerifySourceOnlyAsync("""
        using Lockstep;

        public class Meter
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private long _total;

            public void Add(long n) => {|#0:_total|} += n;

            public long Read()
            {
                lock (_gate)
                {
                    return _total;
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldWrittenWithoutLock).WithLocation(0).WithArguments("_total", "_gate"));

    [Fact]
    public Task PrivateHelperCalledWithoutTheLock_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using Lockstep;

        public class Basket
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private readonly List<string> _items = new();

            public void Add(string item)
            {
                lock (_gate)
                {
                    AddCore(item);
                }
            }

            public void AddUnsafe(string item) => AddCore(item);

            private void AddCore(string item) => {|#0:_items|}.Add(item);
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldReadInHelperWithoutLock).WithLocation(0)
            .WithArguments("_items", "_gate", "'Basket.AddUnsafe' calls 'AddCore' without holding it"));

    [Fact]
    public Task PrivateMethodRunAsThreadBody_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        public class Ticker
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private int _ticks;

            public void Start() => new Thread(Loop).Start();

            private void Loop()
            {
                {|#0:_ticks|}++;
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldWrittenInHelperWithoutLock).WithLocation(0)
            .WithArguments("_ticks", "_gate", "'Loop' is passed as a delegate in 'Ticker.Start'"));

    [Fact]
    public Task GuardedByThis_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        public class Session
        {
            [GuardedBy("this")]
            private string? _user;

            public void Login(string user)
            {
                lock (this)
                {
                    _user = user;
                }
            }

            public void Logout() => {|#0:_user|} = null;
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldWrittenWithoutLock).WithLocation(0).WithArguments("_user", "this"));

    [Fact]
    public Task GuardedAutoProperty_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        public class Job
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            public string State { get; private set; } = "new";

            public void Finish() => {|#0:State|} = "done";
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldWrittenWithoutLock).WithLocation(0).WithArguments("State", "_gate"));

    [Fact]
    public Task StaticFieldWithStaticLock_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        public static class Ids
        {
            private static readonly SemaphoreSlim Gate = new(1, 1);

            [GuardedBy(nameof(Gate))]
            private static int s_next;

            public static int Next()
            {
                Gate.Wait();
                Gate.Release();
                return {|#0:s_next|}++;
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldWrittenWithoutLock).WithLocation(0).WithArguments("s_next", "Gate"));

    [Fact]
    public Task TryEnterFailedPath_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using Lockstep;

        public class Sampler
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private int _samples;

            public void Sample()
            {
                if (Monitor.TryEnter(_gate, TimeSpan.FromMilliseconds(10)))
                {
                    try
                    {
                        _samples++;
                    }
                    finally
                    {
                        Monitor.Exit(_gate);
                    }
                }
                else
                {
                    Console.WriteLine({|#0:_samples|});
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldReadWithoutLock).WithLocation(0).WithArguments("_samples", "_gate"));

    [Fact]
    public Task ReadAndWriteInOneStatement_ReportsTheWriteOnce() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        public class Counter
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private int _value;

            public void Double() => {|#0:_value|} = _value * 2;
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldWrittenWithoutLock).WithLocation(0).WithArguments("_value", "_gate"));

    [Fact]
    public Task InLambdaWithTryFinallyInsideMethodWithTryFinally_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.IO;
        using Lockstep;

        public class Copier
        {
            private readonly Lock _gate = new();

            [GuardedBy(nameof(_gate))]
            private int _errors;

            public void Run()
            {
                try
                {
                    var worker = new Worker(() =>
                    {
                        try
                        {
                            File.Copy("a", "b");
                        }
                        catch (IOException)
                        {
                            using (_gate.Acquire())
                            {
                                _errors++;
                            }
                        }
                        finally
                        {
                            Console.WriteLine({|#0:_errors|});
                        }
                    });
                    worker.Start();
                    worker.Join();
                }
                finally
                {
                    Console.WriteLine("done");
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldReadWithoutLock).WithLocation(0).WithArguments("_errors", "_gate"));

    [Fact]
    public Task ThreadBodyCreatedUnderTheLock_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        public class Flusher
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private int _pending;

            public Task Flush()
            {
                lock (_gate)
                {
                    return StartFlush();
                }
            }

            private Task StartFlush() => Task.Run(() => { {|#0:_pending|} = 0; });
        }
        """,
        Verify.Diagnostic(Descriptors.LS5002_GuardedFieldWrittenWithoutLock).WithLocation(0).WithArguments("_pending", "_gate"));

    // ------------------------------------------------------------------ true negatives

    [Fact]
    public Task InsideLock_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        public class Account
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private decimal _balance;

            public decimal Deposit(decimal amount)
            {
                lock (_gate)
                {
                    _balance += amount;
                    return _balance;
                }
            }
        }
        """);

    [Fact]
    public Task InsideUsingAcquire_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        public class Queue
        {
            private readonly Lock _gate = new();

            [GuardedBy(nameof(_gate))]
            private int _length;

            public int Push()
            {
                using (_gate.Acquire())
                {
                    return ++_length;
                }
            }

            public int Pop()
            {
                using var scope = _gate.Acquire();
                return --_length;
            }
        }
        """);

    [Fact]
    public Task InsideRegionOfAnnotatedHelpers_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        public class Ledger
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private int _entries;

            [Acquires(nameof(_gate))]
            private void Enter() => Monitor.Enter(_gate);

            [Releases(nameof(_gate))]
            private void Exit() => Monitor.Exit(_gate);

            public void Append()
            {
                Enter();
                try
                {
                    _entries++;
                }
                finally
                {
                    Exit();
                }
            }
        }
        """);

    [Fact]
    public Task InsideRegionOfAnnotatedHelpersFromSource_DoesNotReport() => VerifySourceOnlyAsync("""
        using System.Threading;
        using Lockstep;

        public sealed class SpinGate
        {
            private int _state;

            [Acquires]
            public void Enter() { while (Interlocked.CompareExchange(ref _state, 1, 0) != 0) { } }

            [Releases]
            public void Exit() => Volatile.Write(ref _state, 0);
        }

        public class Table
        {
            private readonly SpinGate _gate = new();

            [GuardedBy(nameof(_gate))]
            private int _rows;

            public void Insert()
            {
                _gate.Enter();
                try
                {
                    _rows++;
                }
                finally
                {
                    _gate.Exit();
                }
            }
        }
        """);

    [Fact]
    public Task ConstructorFinalizerDisposeAndInitializers_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Collections.Generic;
        using Lockstep;

        public class Pool : IDisposable
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private readonly List<int> _free = new() { 1, 2, 3 };

            [GuardedBy(nameof(_gate))]
            private int _size;

            public Pool(int size)
            {
                _size = size;
                _free.Add(size);
            }

            ~Pool() => _free.Clear();

            public void Dispose() => _free.Clear();
        }
        """);

    [Fact]
    public Task NameOfAndUnannotatedFields_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        public class Probe
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private int _guarded;

            private int _free;

            public string Name() => nameof(_guarded);

            public void Touch() => _free++;
        }
        """);

    [Fact]
    public Task LambdaRunSynchronouslyUnderTheLock_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using Lockstep;

        public class Catalog
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private readonly List<int> _ids = new();

            [GuardedBy(nameof(_gate))]
            private int _current;

            public void Prune()
            {
                lock (_gate)
                {
                    _ids.RemoveAll(id => id == _current);
                    Local();
                }

                void Local() => _current = 0;
            }
        }
        """);

    [Fact]
    public Task PrivateHelperCalledOnlyUnderTheLock_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using Lockstep;

        public class Basket
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private readonly List<string> _items = new();

            public void Add(string item)
            {
                lock (_gate)
                {
                    AddCore(item);
                }
            }

            public void AddTwice(string item)
            {
                lock (_gate)
                {
                    AddTwiceCore(item);
                }
            }

            private void AddTwiceCore(string item)
            {
                AddCore(item);
                AddCore(item);
            }

            private void AddCore(string item) => _items.Add(item);
        }
        """);

    [Fact]
    public Task HelperCalledFromConstructorAndUnderLock_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        public class Grid
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private int[] _cells = new int[0];

            public Grid(int size) => Resize(size);

            public void Grow()
            {
                lock (_gate)
                {
                    Resize(_cells.Length * 2);
                }
            }

            private void Resize(int size) => _cells = new int[size];
        }
        """);

    [Fact]
    public Task ReaderWriterModes_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        public class Settings
        {
            private readonly ReaderWriterLockSlim _rw = new();

            [GuardedBy(nameof(_rw))]
            private string _value = "";

            public string Get()
            {
                _rw.EnterReadLock();
                try { return _value; } finally { _rw.ExitReadLock(); }
            }

            public void Set(string value)
            {
                _rw.EnterWriteLock();
                try { _value = value; } finally { _rw.ExitWriteLock(); }
            }
        }
        """);

    [Fact]
    public Task TryEnterSucceededPath_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        public class Sampler
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private int _samples;

            public bool TrySample()
            {
                var taken = false;
                try
                {
                    Monitor.TryEnter(_gate, ref taken);
                    if (!taken)
                    {
                        return false;
                    }

                    _samples++;
                    return true;
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
    public Task StaticFieldNamingAnInstanceLock_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        public class Odd
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private static int s_count;

            [GuardedBy("_missing")]
            private int _other;

            public void Touch()
            {
                s_count++;
                _other++;
            }
        }
        """);

    [Fact]
    public Task OtherInstanceUnderItsOwnLock_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        public class Account
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private decimal _balance;

            public static void Move(Account from, Account to, decimal amount)
            {
                lock (from._gate)
                {
                    from._balance -= amount;
                }

                lock (to._gate)
                {
                    to._balance += amount;
                }
            }
        }
        """);

    [Fact]
    public Task BrokenCode_DoesNotReport() => Verify.VerifyNoDiagnosticOnBrokenCodeAsync("""
        using Lockstep;

        public class Account
        {
            private readonly object _gate = new();

            [GuardedBy(nameof(_gate))]
            private decimal _balance;

            public void Deposit(decimal amount)
            {
                _balance += amount +;
                _missing = 1;
            }
        }
        """);
}
