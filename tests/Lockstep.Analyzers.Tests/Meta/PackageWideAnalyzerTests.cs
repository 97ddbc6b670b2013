using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Abstractions;

namespace Lockstep.Analyzers.Tests.Meta;

/// <summary>
/// Every analyzer of the package, on code no rule test was written for: nothing to analyze, code being
/// typed, and a realistic file with many pitfalls at once, where all analyzers run together as in a build.
/// </summary>
public class PackageWideAnalyzerTests(ITestOutputHelper output)
{
    public static TheoryData<string> Analyzers => LockstepRules.AnalyzerData();

    public static TheoryData<string, string> AnalyzersOnBrokenCode
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var type in LockstepRules.AnalyzerTypes)
            {
                foreach (var shape in BrokenCode.Keys)
                {
                    data.Add(type.FullName!, shape);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Analyzers))]
    public async Task EmptyFile_NoDiagnosticAndNoException(string analyzer)
    {
        foreach (var source in new[] { "", "using System.Threading;\n", "namespace N;\n\nclass C\n{\n}\n" })
        {
            var run = await AnalyzerHarness.RunAsync(source, ImmutableArray.Create(LockstepRules.CreateAnalyzer(analyzer)));
            Assert.Empty(run.AnalyzerExceptions);
            Assert.Empty(run.AnalyzerDiagnostics);
        }
    }

    [Theory]
    [MemberData(nameof(AnalyzersOnBrokenCode))]
    public async Task BrokenCode_NoDiagnosticAndNoException(string analyzer, string shape)
    {
        var run = await AnalyzerHarness.RunAsync(BrokenCode[shape], ImmutableArray.Create(LockstepRules.CreateAnalyzer(analyzer)));
        Assert.NotEmpty(run.CompilerErrors);
        Assert.Empty(run.AnalyzerExceptions);
        Assert.True(run.AnalyzerDiagnostics.IsEmpty, "reported on code that does not compile:\n" + AnalysisRun.Describe(run.AnalyzerDiagnostics));
    }

    /// <summary>
    /// All analyzers together report at most one Lockstep diagnostic per line (two rules must not both
    /// claim one mistake), and every line marked <c>// LSxxxx</c> for a rule that exists gets it.
    /// </summary>
    [Fact]
    public async Task MultiPitfallFile_AtMostOneDiagnosticPerLine()
    {
        var analyzers = LockstepRules.CreateAnalyzers();
        var run = await AnalyzerHarness.RunAsync(AnalyzerHarness.Compile(MultiPitfallFile, "Shop.cs"), analyzers);
        output.WriteLine(AnalysisRun.Describe(run.AnalyzerDiagnostics));

        Assert.True(!run.CompilerErrors.Any(), "the pitfall file does not compile:\n" + AnalysisRun.Describe(run.CompilerErrors));
        Assert.Empty(run.AnalyzerExceptions);

        var crowded = run.Lockstep
            .GroupBy(d => d.Location.GetLineSpan().StartLinePosition.Line)
            .Where(g => g.Count() > 1)
            .ToList();
        Assert.True(crowded.Count == 0, "more than one diagnostic on a line:\n" + string.Join("\n", crowded.Select(g => AnalysisRun.Describe(g))));

        var supported = analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToHashSet();
        var expected = RuleDocsTests.Markers(MultiPitfallFile).Where(m => supported.Contains(m.Id)).ToList();
        Assert.NotEmpty(expected);
        var reported = run.Lockstep.Select(d => (Line: d.Location.GetLineSpan().StartLinePosition.Line, d.Id)).ToHashSet();
        var missed = expected.Where(m => !reported.Contains(m)).ToList();
        Assert.True(missed.Count == 0, "marked but not reported: " + string.Join(", ", missed.Select(m => $"{m.Id}@{m.Line + 1}")));
    }

    /// <summary>Code in the middle of being typed, around every kind of primitive the rules know.</summary>
    public static readonly IReadOnlyDictionary<string, string> BrokenCode = new Dictionary<string, string>
    {
        ["MissingClosingBrace"] = """
            using System.Threading;

            class C
            {
                private readonly object _gate = new();

                void M(bool b)
                {
                    Monitor.Enter(_gate);
                    if (b)
                    {
                        Monitor.Exit(_gate);
                }

                void N() { Monitor.Enter(_gate); }
            }
            """,
        ["StrayClosingBrace"] = """
            using System.Threading;

            class C
            {
                private readonly object _gate = new();

                void M(bool b)
                {
                    Monitor.Enter(_gate);
                    if (b)
                        Monitor.Exit(_gate);
                    }
                    Monitor.Exit(_gate);
                }

                void N() { Monitor.Enter(_gate); }
            }
            """,
        ["MissingTypes"] = """
            using System.Threading;
            using Nowhere.To.Be.Found;

            class C
            {
                private readonly Frobnicator _gate = new();
                private readonly SemaphoreSlim _sem = new(1, 1);

                void M()
                {
                    Monitor.Enter(_missing);
                    _gate.Acquire();
                    _sem.Wait();
                    Missing.Call(_sem);
                    Monitor.Exit(_gate2);
                }
            }
            """,
        ["HalfTypedLock"] = """
            using System.Threading;

            class C
            {
                private readonly object _gate = new();

                void M()
                {
                    lock (
                }

                void N()
                {
                    Monitor.Enter(_gate
                    lock (_gate
                }
            }
            """,
        ["MethodCutInHalf"] = """
            using System.Threading;

            class C
            {
                private readonly object _gate = new();
                private readonly ReaderWriterLockSlim _rw = new();

                int M(int x)
                {
                    Monitor.Enter(_gate);
                    _rw.EnterReadLock();
                    if (x > 0)
                    {
                        Monitor.Exit(_gate);
                        return
            """,
        ["HalfTypedAwait"] = """
            using System.Threading;
            using System.Threading.Tasks;

            class C
            {
                private readonly SemaphoreSlim _sem = new(1, 1);
                private readonly object _gate = new();

                async Task M()
                {
                    Monitor.Enter(_gate);
                    await _sem.WaitAsync(;
                    try
                    {
                        await
                    }
                    finally
                    {
                        _sem.Release(
                    }
                }
            }
            """,
        ["WrongArguments"] = """
            using System.Threading;

            class C
            {
                private readonly object _gate = new();
                private readonly ReaderWriterLockSlim _rw = new();
                private readonly Lockstep.Lock _lock = new();

                void M()
                {
                    Monitor.Enter();
                    Monitor.Exit(_gate, _gate);
                    _rw.EnterReadLock(42);
                    _lock.Acquire(x: 1);
                    _lock.Release(_gate);
                    using (_lock.AcquireAsync()) { }
                }
            }
            """,
        ["BrokenTopLevelStatementsAndLambdas"] = """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            var gate = new object();
            Monitor.Enter(gate);
            Action a = () => { Monitor.Enter(gate); if (
            Task.Run(() => { Monitor.Exit(gate) });
            void Local() { Monitor.Enter(gate) }
            """,
        ["QueuesWorkersAndPoolsHalfTyped"] = """
            using System.Threading.Tasks;
            using Lockstep;

            class C
            {
                private static int s_count;
                private readonly BlockingQueue<int> _queue = new();
                private readonly JoinableQueue<int> _jobs = new();

                void M(WorkerPool pool)
                {
                    if (!_queue.IsEmpty) { var item = _queue.GetNoWait(; }
                    while (!_queue.IsEmpty) _queue.Get(
                    var job = _jobs.Get();
                    var worker = new Worker(() => { s_count++ });
                    worker.Start(;
                    worker.IsDaemon = ;
                    worker.Terminate();
                    for (var i = 0; i < 3; i++) pool.Submit(() => i).Result.
                    Task.Run(() => s_count++).Wait(
                }
            }
            """,
    };

    /// <summary>
    /// A realistic service with many pitfalls at once, one per line. Lines marked <c>// LSxxxx</c> must
    /// get that diagnostic once the rule exists; the other pitfalls (deadlocks, queues, children, shared
    /// state) are here so that rules added later are checked against each other without editing this test.
    /// </summary>
    public const string MultiPitfallFile = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        namespace Shop;

        public sealed class Inventory
        {
            private readonly object _gate = new();
            private readonly object _audit = new();
            private readonly SemaphoreSlim _io = new(1, 1);
            private readonly ReaderWriterLockSlim _rw = new();
            private readonly Lockstep.Lock _orders = new();
            private readonly Dictionary<string, int> _stock = new();
            private readonly BlockingQueue<string> _inbox = new();
            private readonly JoinableQueue<string> _jobs = new();
            private static int s_requests;
            private int _version;

            public int Reserve(string sku, int count)
            {
                Monitor.Enter(_gate); // LS1001
                if (!_stock.TryGetValue(sku, out var available) || available < count)
                {
                    return 0;
                }

                _stock[sku] = available - count;
                Monitor.Exit(_gate);
                return count;
            }

            public async Task FlushAsync(string path)
            {
                Monitor.Enter(_audit); // LS1001
                await File.AppendAllTextAsync(path, "flush");
                if (_stock.Count == 0)
                {
                    return;
                }

                Monitor.Exit(_audit);
            }

            public async Task SnapshotAsync(string path)
            {
                Monitor.Enter(_audit); // LS1004
                try
                {
                    await File.WriteAllTextAsync(path, _stock.Count.ToString());
                }
                finally
                {
                    Monitor.Exit(_audit);
                }
            }

            public async Task SaveAsync(string path, CancellationToken token)
            {
                try
                {
                    await _io.WaitAsync(token);
                    await File.WriteAllTextAsync(path, "saved", token);
                }
                finally
                {
                    _io.Release(); // LS1002
                }
            }

            public void Import(string path)
            {
                _rw.EnterWriteLock(); // LS1003
                foreach (var line in File.ReadLines(path))
                {
                    _stock[line] = 1;
                }

                _rw.ExitWriteLock();
                _rw.ExitWriteLock(); // LS1002
            }

            public void Restock(string sku)
            {
                lock (_gate)
                {
                    lock (_audit)
                    {
                        _stock[sku] = 100;
                    }
                }
            }

            public void Audit()
            {
                lock (_audit)
                {
                    lock (_gate)
                    {
                        Thread.Sleep(10);
                    }
                }
            }

            public void WaitForStock(string sku)
            {
                lock (_gate)
                {
                    if (!_stock.ContainsKey(sku))
                    {
                        Monitor.Wait(_gate);
                    }
                }
            }

            public void Reorder()
            {
                using (_orders.Acquire())
                {
                    using (_orders.Acquire())
                    {
                        _version++;
                    }
                }
            }

            public string? Next()
            {
                if (!_inbox.IsEmpty)
                {
                    return _inbox.GetNoWait();
                }

                return null;
            }

            public void Drain()
            {
                while (!_inbox.IsEmpty)
                {
                    Console.WriteLine(_inbox.Get());
                }
            }

            public void Work()
            {
                var job = _jobs.Get();
                Console.WriteLine(job);
            }

            public void Spawn()
            {
                var worker = new Worker(() => Console.WriteLine("work"));
                worker.Start();
                worker.IsDaemon = true;
                worker.Terminate();
                var other = new Worker(() => Console.WriteLine("other"));
                other.Start();
                other.Start();
            }

            public void Fan(WorkerPool pool, int[] items)
            {
                foreach (var item in items)
                {
                    Console.WriteLine(pool.Submit(() => item * 2).Result);
                }

                Task.Run(() => s_requests++).Wait();
            }
        }
        """;
}
