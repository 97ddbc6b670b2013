using System.Collections.Immutable;
using System.Text;
using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Lockstep.Analyzers.Tests.Quality;

/// <summary>
/// The compilation-wide gate: an analyzer whose names the source never spells registers nothing. These tests pin
/// what counts as a mention, and that the gate never hides a diagnostic (annotated wrappers from another assembly).
/// </summary>
public class SourceVocabularyTests
{
    /// <summary>Every Lockstep analyzer on <paramref name="compilation"/>; none of them may throw.</summary>
    private static async Task<ImmutableArray<Diagnostic>> AnalyzeCleanlyAsync(Compilation compilation)
    {
        var (diagnostics, exceptions) = await AnalyzerHarness.AnalyzeAsync(compilation, CancellationToken.None);
        Assert.Empty(exceptions);
        return diagnostics;
    }

    /// <summary>Every Lockstep analyzer on one source file compiled with the runtime; none of them may throw.</summary>
    private static async Task<ImmutableArray<Diagnostic>> AnalyzeCleanlyAsync(string source)
        => await AnalyzeCleanlyAsync(await AnalyzerHarness.CompileAsync(source));

    /// <summary>What the compilation-wide gates see in <paramref name="text"/> (the member-level concerns are tested apart).</summary>
    private static Concern Scan(string text) => SourceVocabulary.Scan(SourceText.From(text), CancellationToken.None).Concerns & Concern.Gates;

    [Theory]
    [InlineData("lock (_gate) { }", (int)(Concern.Locks))]
    [InlineData("Monitor.Enter(_o);", (int)(Concern.Locks))]
    [InlineData("await _io.WaitAsync(token);", (int)(Concern.Locks))]
    [InlineData("using (_l.Acquire()) { }", (int)(Concern.Locks))]
    [InlineData("var x = q.TryDequeue(out var v);", (int)(Concern.Queues))]
    [InlineData("foreach (var job in jobs.Consume()) { }", (int)(Concern.Queues))]
    [InlineData("p.Kill();", (int)(Concern.Children))]
    [InlineData("t.IsBackground = true;", (int)(Concern.Children))]
    [InlineData("Parallel.For(0, 10, i => { });", (int)(Concern.Concurrency))]
    [InlineData("ThreadPool.QueueUserWorkItem(_ => { });", (int)(Concern.Concurrency))]
    [InlineData("[GuardedBy(nameof(_gate))] int _n;", (int)(Concern.Guarded))]
    [InlineData("[Lockstep.AcquiresAttribute] void Open() { }", (int)(Concern.Locks))] // the attribute's long name
    [InlineData("[ReleasesAttribute] void Close() { }", (int)(Concern.Locks))]
    [InlineData("[GuardedByAttribute(\"_g\")] int _n;", (int)(Concern.Guarded))]
    [InlineData("_ = Task.Run(() => { });", (int)(Concern.Children | Concern.Concurrency))]
    [InlineData("new Thread(Work).Start();", (int)(Concern.Children | Concern.Concurrency))]
    public void Names_AreFound(string text, int expected) => Assert.Equal((Concern)expected, Scan(text));

    [Theory]
    [InlineData("var block = new Block(); var clock = Clock.Now; Locker locker;")] // "lock" only as a whole word
    [InlineData("var total = _items.Where(x => x > 0).Sum() + _items.Count; _items.Add(1);")]
    [InlineData("string.Join(\",\", items); var threads = 2; var Runner = 1; var Tasks = 0;")]
    [InlineData("var x = 0x1F + 1Enter;")] // not an identifier: a number's suffix
    [InlineData("var élock = 1; var lockÉ = 2;")] // letters outside ASCII are identifier parts too
    [InlineData("")]
    public void LookAlikes_AreNot(string text) => Assert.Equal(Concern.None, Scan(text));

    [Fact]
    public void Comments_AndStrings_Count() => Assert.Equal(Concern.Locks, Scan("// we lock here\nvar s = \"Monitor\";"));

    [Theory]
    [InlineData(4096 - 2)] // "lock" split 2 + 2 over the chunk boundary
    [InlineData(4096 - 4)] // ends exactly at the boundary
    [InlineData(4096)] // starts exactly at the boundary
    [InlineData(8192 - 1)]
    public void WordsAcrossChunkBoundaries_AreFound(int at)
    {
        var text = new StringBuilder().Append(' ', at).Append("lock").Append(' ', 10).ToString();
        Assert.Equal(Concern.Locks, Scan(text));
        Assert.Equal(Concern.Locks, Scan(text.TrimEnd())); // and as the very last characters
    }

    [Fact]
    public void IdentifierLongerThanAnyWord_StraddlingABoundary_IsNotAMatch()
    {
        var text = new string(' ', 4090) + "lockAndMoreThanAnyWordIsLongHereReallyLongIdentifierName";
        Assert.Equal(Concern.None, Scan(text));
    }

    [Fact]
    public async Task PlainCompilation_MentionsNothing_AndGetsNoDiagnostics()
    {
        var compilation = await AnalyzerHarness.CompileAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class Plain
            {
                private readonly List<int> _items = new();
                private int _total;

                public int Add(int value)
                {
                    _items.Add(value);
                    _total += value;
                    return _items.Count;
                }

                public string Describe() => string.Join(",", _items.Where(x => x % 2 == 0));
            }
            """);

        Assert.Equal(Concern.None, SourceVocabulary.Of(compilation, CancellationToken.None) & Concern.Gates);
        var diagnostics = await AnalyzeCleanlyAsync(compilation);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task OneTreeNamingAPrimitive_TurnsTheGateOnForTheWholeCompilation()
    {
        // The lock-order graph and the concurrency reachability cross files: a mention in any tree counts for all.
        var compilation = await AnalyzerHarness.CompileAsync(
            "public class A { public void Touch() { } }",
            "public class B { private readonly object _g = new(); public void M(A a) { lock (_g) { a.Touch(); } } }");

        Assert.Equal(Concern.Locks, SourceVocabulary.Of(compilation, CancellationToken.None) & Concern.Gates);
    }

    [Theory]
    [InlineData(true)] // the library uses the runtime's attributes
    [InlineData(false)] // the library declares its own copy of them, and the application does not reference the runtime
    public async Task AnnotatedWrapperFromAnotherAssembly_IsStillAnalyzed(bool libraryUsesRuntime)
    {
        const string Attributes = """
            namespace Lockstep
            {
                [System.AttributeUsage(System.AttributeTargets.Method)] public sealed class AcquiresAttribute : System.Attribute { }
                [System.AttributeUsage(System.AttributeTargets.Method)] public sealed class ReleasesAttribute : System.Attribute { }
            }
            """;
        const string Gate = """
            namespace Lib
            {
                public sealed class Gate
                {
                    private readonly System.Threading.SemaphoreSlim _s = new(1, 1);

                    [Lockstep.Acquires]
                    public void Open() => _s.Wait();

                    [Lockstep.Releases]
                    public void Close() => _s.Release();
                }
            }
            """;
        var library = libraryUsesRuntime
            ? await AnalyzerHarness.CompileAsync(Gate)
            : await AnalyzerHarness.CompileAsync(new CSharpParseOptions(LanguageVersion.CSharp12), includeRuntime: false, Gate, Attributes);
        library = library.WithAssemblyName("Lib");
        using var image = new MemoryStream();
        Assert.True(library.Emit(image).Success);
        var libraryReference = MetadataReference.CreateFromImage(image.ToArray());

        // Not one lock word in the application: only the wrapper's own names.
        var application = (await AnalyzerHarness.CompileAsync(new CSharpParseOptions(LanguageVersion.CSharp12), includeRuntime: libraryUsesRuntime, """
            public class App
            {
                private readonly Lib.Gate _gate = new();

                public void Update(bool skip)
                {
                    _gate.Open();
                    if (skip)
                    {
                        return;
                    }

                    _gate.Close();
                }
            }
            """)).AddReferences(libraryReference);
        Assert.Empty(application.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        Assert.Equal(Concern.All, SourceVocabulary.Of(application, CancellationToken.None));
        var diagnostics = await AnalyzeCleanlyAsync(application);
        Assert.Contains(diagnostics, d => d.Id == "LS1001");
    }

    [Fact]
    public async Task RuntimeReference_AloneDoesNotTurnTheGateOn()
    {
        // Referencing the Lockstep runtime is not using it: its own attributes are not "annotations from elsewhere".
        var compilation = await AnalyzerHarness.CompileAsync("public class C { public int M(int x) => x + 1; }");
        Assert.Equal(Concern.None, SourceVocabulary.Of(compilation, CancellationToken.None) & Concern.Gates);
    }

    // ------------------------------------------------------------------ the member gate

    [Theory]
    [InlineData("_items.Add(1); var n = _items.Count;", (int)Concern.QueueActs)] // too common for the compilation gate
    [InlineData("[Acquires] void Open() { }", (int)(Concern.Locks | Concern.Annotated))]
    [InlineData("[GuardedBy(\"_g\")] int _n;", (int)(Concern.Guarded | Concern.Annotated))]
    public void MemberLevelWords_AreRecorded(string text, int expected)
        => Assert.Equal((Concern)expected, SourceVocabulary.Scan(SourceText.From(text), CancellationToken.None).Concerns);

    [Fact]
    public void Words_AreFoundInTheMemberThatSpellsThem()
    {
        const string Text = "class C { void A() { lock (_g) { Touch(); } } void B() { Touch(); } void D() { Monitor.Exit(_g); } }";
        var words = SourceVocabulary.Scan(SourceText.From(Text), CancellationToken.None);
        Microsoft.CodeAnalysis.Text.TextSpan Member(string start, string next)
        {
            var from = Text.IndexOf(start, StringComparison.Ordinal);
            var to = next.Length == 0 ? Text.Length : Text.IndexOf(next, StringComparison.Ordinal);
            return Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(from, to);
        }

        Assert.True(words.Names(Member("void A", "void B"), Concern.Locks));
        Assert.False(words.Names(Member("void B", "void D"), Concern.Locks));
        Assert.True(words.Names(Member("void D", string.Empty), Concern.Locks)); // "Exit", the member's last words
        Assert.False(words.Names(Member("void A", "void B"), Concern.Queues));
    }

    [Fact]
    public async Task LockOrder_ThroughAMemberThatNamesNoLock_IsStillFound()
    {
        // Audit names no lock, so the deadlock rules only record its calls; the cycle _a -> _b -> _a runs through it.
        var diagnostics = await AnalyzeCleanlyAsync("""
            public class Accounts
            {
                private readonly object _a = new();
                private readonly object _b = new();

                public void Transfer() { lock (_a) { Audit(); } }

                private void Audit() { Write(); }

                private void Write() { lock (_b) { } }

                public void Report() { lock (_b) { lock (_a) { } } }
            }
            """);
        Assert.Contains(diagnostics, d => d.Id == "LS2001");
    }

    [Fact]
    public async Task QueueProbe_InAMemberThatDoesNotNameTheQueueType_IsStillFound()
    {
        // The member never names the queue's type (the field declaration does), only its members.
        var diagnostics = await AnalyzeCleanlyAsync("""
            using System.Collections.Concurrent;

            public class Buffer
            {
                private readonly BlockingCollection<int> _items = new(100);

                public void Offer(int value)
                {
                    if (_items.Count < _items.BoundedCapacity)
                    {
                        _items.Add(value);
                    }
                }
            }
            """);
        Assert.Contains(diagnostics, d => d.Id == "LS3001");
    }

    [Fact]
    public async Task SourceAnnotations_TurnTheMemberGateOff()
    {
        // Use() names no lock word, but Open() is annotated as an acquire: the member must still be analyzed.
        var compilation = await AnalyzerHarness.CompileAsync("""
            public class Gate
            {
                private readonly System.Threading.SemaphoreSlim _s = new(1, 1);

                [Lockstep.Acquires]
                public void Open() => _s.Wait();

                [Lockstep.Releases]
                public void Close() => _s.Release();
            }

            public class App
            {
                private readonly Gate _gate = new();

                public void Use(bool skip)
                {
                    _gate.Open();
                    if (skip)
                    {
                        return;
                    }

                    _gate.Close();
                }
            }
            """);

        Assert.False(SourceVocabulary.MembersGated(compilation, CancellationToken.None));
        var diagnostics = await AnalyzeCleanlyAsync(compilation);
        Assert.Contains(diagnostics, d => d.Id == "LS1001");
    }

    [Fact]
    public async Task SharedState_ThroughMembersThatNameNothing_IsStillFound()
    {
        // Hit, Bump and Apply name no start, lock or child, so no member gate may skip them: the start reaches the update
        // through two calls and a lambda run by the callee.
        var diagnostics = await AnalyzeCleanlyAsync("""
            public class Counter
            {
                private int _hits;

                public void Hit() => Bump();

                private void Bump() { Apply(() => _hits++); }

                private static void Apply(System.Action action) => action();
            }

            public class Crawler
            {
                private readonly Counter _counter = new();

                public void CrawlAll(int[] pages) => System.Threading.Tasks.Parallel.ForEach(pages, _ => _counter.Hit());
            }
            """);
        Assert.Contains(diagnostics, d => d.Id == "LS5001" && d.GetMessage().Contains("_hits", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SharedState_MembersThatNoStartReaches_AreNotReported()
    {
        // The same counter, called from a plain loop: nothing starts concurrent work that reaches it.
        var diagnostics = await AnalyzeCleanlyAsync("""
            public class Counter
            {
                private int _hits;

                public void Hit() => _hits++;
            }

            public class Crawler
            {
                private readonly Counter _counter = new();

                public void CrawlAll(int[] pages) { foreach (var _ in pages) { _counter.Hit(); } }

                public void Elsewhere() => System.Threading.Tasks.Task.Run(() => System.Console.WriteLine("unrelated"));
            }
            """);
        Assert.DoesNotContain(diagnostics, d => d.Id == "LS5001");
    }

    [Fact]
    public async Task LockOrder_ThroughAnInterfaceImplementationThatNamesNoLock_IsStillFound()
    {
        // Audit.Write names no lock: its calls are recorded only when a summary needs them, and the call under _a goes
        // through the interface, so the implementation must be known before its calls are.
        var diagnostics = await AnalyzeCleanlyAsync("""
            public interface IAudit { void Write(); }

            public sealed class Audit : IAudit
            {
                private readonly Ledger _ledger;

                public Audit(Ledger ledger) => _ledger = ledger;

                public void Write() => _ledger.Flush();
            }

            public sealed class Ledger
            {
                internal static readonly object A = new();
                internal static readonly object B = new();

                public void Flush() { lock (B) { } }

                public void Report() { lock (B) { lock (A) { } } }
            }

            public sealed class Teller
            {
                private readonly IAudit _audit;

                public Teller(IAudit audit) => _audit = audit;

                public void Transfer() { lock (Ledger.A) { _audit.Write(); } }
            }
            """);
        Assert.Contains(diagnostics, d => d.Id == "LS2001");
    }

    [Fact]
    public async Task QueueProbe_NamedOnlyByCommonWords_IsStillFound()
    {
        // Count and TryPeek are both too common for the compilation gate: the member gate must still let this through.
        var diagnostics = await AnalyzeCleanlyAsync("""
            using System.Collections.Concurrent;

            public class Inbox
            {
                private readonly ConcurrentQueue<int> _items = new();

                public int Peek()
                {
                    if (_items.Count > 0)
                    {
                        _items.TryPeek(out var head);
                        return head;
                    }

                    return -1;
                }
            }
            """);
        Assert.Contains(diagnostics, d => d.Id == "LS3001");
    }
}
