using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers.Catalog;

/// <summary>What an analyzer needs to see named somewhere in the compilation before it has anything to look at.</summary>
[Flags]
internal enum Concern
{
    None = 0,

    /// <summary>An acquire or release: the <c>lock</c> keyword, <c>Monitor</c>, <c>Enter</c>/<c>Exit</c>, <c>Wait</c>/<c>Release</c>, <c>Acquire</c>…</summary>
    Locks = 1,

    /// <summary>A producer/consumer queue or one of its acts and probes.</summary>
    Queues = 2,

    /// <summary>A child (thread, worker, process) or a call that starts, stops or submits one.</summary>
    Children = 4,

    /// <summary>An API that runs a delegate on another thread (<c>new Thread</c>, <c>Task.Run</c>, <c>Parallel</c>…).</summary>
    Concurrency = 8,

    /// <summary>A <c>[GuardedBy]</c> annotation.</summary>
    Guarded = 16,

    /// <summary>
    /// Member level only: the queue probes and acts whose names are too common to open the compilation gate
    /// (<c>Count</c>, <c>Add</c>…). A member that probes a queue held in a field need not name the queue's type.
    /// </summary>
    QueueActs = 32,

    /// <summary>Lockstep's annotations are named: a method of any name may acquire or release, so no member is skipped.</summary>
    Annotated = 64,

    /// <summary>The concerns an analyzer's compilation-wide gate asks about (the rest are for members).</summary>
    Gates = Locks | Queues | Children | Concurrency | Guarded,

    All = Gates | QueueActs | Annotated,
}

/// <summary>
/// The cheapest possible "nothing to do here": which of the rules' concerns a compilation's source text names at all.
/// Every diagnostic of a rule needs a call, a creation or a member access of a primitive, and C# cannot call a member
/// without writing its name (or, for <c>lock</c>, the keyword), so a compilation whose source spells none of a rule's
/// names cannot produce that rule's diagnostics, and its analyzer registers nothing. One pass over the characters of
/// each syntax tree, remembered per tree (the IDE keeps the trees of unchanged documents across compilations), costs a
/// fraction of parsing. The names are matched as whole identifiers, in code, comments and strings alike: a mention too
/// many only turns an analyzer on.
/// </summary>
/// <remarks>
/// Annotations can give a lock to a method of any name (<c>[Acquires] void Open()</c>); a compilation that can see such
/// an attribute outside the Lockstep runtime itself (declared in its source, or in a referenced library that declares or
/// references them) is therefore analyzed by every rule, whatever its text says.
/// </remarks>
internal static class SourceVocabulary
{
    private const int TableSize = 512;

    private static readonly string[] LockWords =
    {
        "lock", "Monitor", "Enter", "TryEnter", "EnterScope", "Exit", "Wait", "WaitAsync", "WaitOne", "Release",
        "ReleaseMutex", "EnterReadLock", "EnterWriteLock", "EnterUpgradeableReadLock", "TryEnterReadLock",
        "TryEnterWriteLock", "TryEnterUpgradeableReadLock", "ExitReadLock", "ExitWriteLock", "ExitUpgradeableReadLock",
        "Acquire", "AcquireAsync", "TryAcquire", "TryAcquireAsync", "WaitFor", "Notify", "NotifyAll", "SignalAndWait",
    };

    private static readonly string[] QueueWords =
    {
        "BlockingQueue", "JoinableQueue", "BlockingCollection", "ConcurrentQueue", "ConcurrentStack", "ConcurrentBag",
        "Channel", "ChannelReader", "ChannelWriter", "Get", "GetNoWait", "GetAsync", "TryGet", "Put", "PutNoWait",
        "PutAsync", "TryPut", "Take", "TryTake", "TryAdd", "TryDequeue", "TryPop", "TryRead", "ReadAsync", "ReadAllAsync",
        "TaskDone", "Consume", "ConsumeAsync", "GetConsumingEnumerable", "IsEmpty", "IsFull", "MaxSize",
        "BoundedCapacity", "Empty", "Full",
    };

    private static readonly string[] ChildWords =
    {
        "Thread", "Worker", "ChildProcess", "Process", "IChild", "WorkerPool", "Start", "UnsafeStart", "Terminate", "Kill",
        "IsDaemon", "IsBackground", "Submit", "Run", "StartNew",
    };

    private static readonly string[] ConcurrencyWords =
    {
        "Thread", "Worker", "WorkerPool", "Submit", "Map", "Run", "StartNew", "Parallel", "ThreadPool",
        "QueueUserWorkItem", "UnsafeQueueUserWorkItem",
    };

    /// <summary>Every name the queue rules classify (<see cref="QueueCatalog"/>), for the member gate.</summary>
    private static readonly string[] QueueActWords =
    {
        "Add", "Any", "Count", "Enqueue", "Push", "PushRange", "TryPeek", "Map", "QueueUserWorkItem", "UnsafeQueueUserWorkItem",
        "Run", "StartNew", "Submit",
    };

    /// <summary>
    /// Lockstep's annotations by full name, with the concern each one brings. Source names them by the simple name with
    /// or without the <c>Attribute</c> suffix; both count for that concern and for <see cref="Concern.Annotated"/>.
    /// </summary>
    private static readonly (string Type, Concern Concern)[] Annotations =
    {
        (GuardedMembers.GuardedByAttribute, Concern.Guarded),
        (Flow.HandOff.AcquiresAttribute, Concern.Locks),
        (Flow.HandOff.ReleasesAttribute, Concern.Locks),
        (Rules.DeadlockAnalyzer.AcquiredBeforeAttribute, Concern.Locks),
        (Rules.DeadlockAnalyzer.AcquiredAfterAttribute, Concern.Locks),
    };

    private static readonly (string Word, Concern Concern)[][] Table = BuildTable();
    private static readonly int MaxWordLength = Table.SelectMany(b => b ?? Array.Empty<(string, Concern)>()).Max(e => e.Word.Length);
    private static readonly ConditionalWeakTable<SyntaxTree, TreeWords> TreeCache = new();
    private static readonly ConditionalWeakTable<Compilation, StrongBox<Concern>> CompilationCache = new();
    private static readonly ConditionalWeakTable<IAssemblySymbol, StrongBox<bool>> AssemblyCache = new();

    /// <summary>Whether the compilation names anything of <paramref name="concerns"/> (any one of them is enough).</summary>
    public static bool Mentions(Compilation compilation, Concern concerns, CancellationToken cancellationToken)
        => (Of(compilation, cancellationToken) & concerns) != 0;

    /// <summary>The concerns the compilation's source names, or all of them when annotations may be in play.</summary>
    public static Concern Of(Compilation compilation, CancellationToken cancellationToken)
    {
        if (CompilationCache.TryGetValue(compilation, out var known))
        {
            return known.Value;
        }

        var concerns = Concern.None;
        try
        {
            if (AnnotationsFromElsewhere(compilation))
            {
                concerns = Concern.All;
            }
            else
            {
                foreach (var tree in compilation.SyntaxTrees)
                {
                    concerns |= Of(tree, cancellationToken);
                    if (concerns == Concern.All)
                    {
                        break;
                    }
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            concerns = Concern.All; // when in doubt, analyze
        }

        return CompilationCache.GetValue(compilation, _ => new StrongBox<Concern>(concerns)).Value;
    }

    /// <summary>The concerns one tree's text names.</summary>
    public static Concern Of(SyntaxTree tree, CancellationToken cancellationToken) => WordsOf(tree, cancellationToken).Concerns;

    /// <summary>
    /// Whether members of the compilation may be skipped by <see cref="MemberMentions"/>: not when Lockstep's
    /// annotations are named anywhere (an annotated method of any name may acquire or release, so a call to it is a
    /// lock operation whatever the caller's text says).
    /// </summary>
    public static bool MembersGated(Compilation compilation, CancellationToken cancellationToken)
        => (Of(compilation, cancellationToken) & Concern.Annotated) == 0;

    /// <summary>
    /// The member gate of a rule whose every diagnostic in a member comes from a call, creation or member access written
    /// in that member: <see cref="MemberGate.Skips"/> is true for a member that names none of <paramref name="concerns"/>.
    /// Open (skips nothing) where <see cref="MembersGated"/> is false.
    /// </summary>
    public static MemberGate MemberGateFor(Compilation compilation, Concern concerns, CancellationToken cancellationToken)
        => new(MembersGated(compilation, cancellationToken) ? concerns : Concern.None);

    /// <summary>Whether the source of one member (the spans of its operation blocks) names anything of <paramref name="concerns"/>.</summary>
    public static bool MemberMentions(ImmutableArray<IOperation> blocks, Concern concerns, CancellationToken cancellationToken)
    {
        foreach (var block in blocks)
        {
            if (block.Syntax is not { } syntax || WordsOf(syntax.SyntaxTree, cancellationToken).Names(syntax.Span, concerns))
            {
                return true;
            }
        }

        return false;
    }

    internal static TreeWords WordsOf(SyntaxTree tree, CancellationToken cancellationToken)
        => TreeCache.TryGetValue(tree, out var known) ? known : ScanAndRemember(tree, cancellationToken);

    // Apart from WordsOf: the lambda below captures a local, and a method with such a closure allocates it on every
    // call, cache hits included (every member of the compilation asks).
    private static TreeWords ScanAndRemember(SyntaxTree tree, CancellationToken cancellationToken)
    {
        TreeWords words;
        try
        {
            words = Scan(tree.GetText(cancellationToken), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            words = TreeWords.Everything; // when in doubt, analyze
        }

        return TreeCache.GetValue(tree, _ => words);
    }

    /// <summary>Finds the words in <paramref name="text"/>, chunk by chunk, without allocating per identifier.</summary>
    internal static TreeWords Scan(Microsoft.CodeAnalysis.Text.SourceText text, CancellationToken cancellationToken)
    {
        var words = new TreeWords();
        var chunk = new char[4096];
        var word = new char[MaxWordLength];
        var length = 0; // of the identifier being read; counts past MaxWordLength, which then cannot match
        var hash = 0u;
        var inIdentifier = false;
        var afterDigitOrOther = false; // an identifier part glued to a number ("0x1F") is not a word start
        for (var position = 0; position < text.Length; position += chunk.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(chunk.Length, text.Length - position);
            text.CopyTo(position, chunk, 0, count);
            for (var i = 0; i < count; i++)
            {
                var c = chunk[i];
                if (c < 128 ? IsAsciiIdentifierPart(c) : char.IsLetterOrDigit(c))
                {
                    if (!inIdentifier)
                    {
                        inIdentifier = true;
                        afterDigitOrOther = c is >= '0' and <= '9';
                        length = 0;
                        hash = 2166136261u;
                    }

                    if (length < word.Length)
                    {
                        word[length] = c;
                    }

                    length++;
                    hash = (hash ^ c) * 16777619u;
                    continue;
                }

                if (inIdentifier)
                {
                    inIdentifier = false;
                    if (!afterDigitOrOther && length <= word.Length && Lookup(word, length, hash) is var found && found != Concern.None)
                    {
                        words.Add(position + i - length, found);
                    }
                }
            }
        }

        if (inIdentifier && !afterDigitOrOther && length <= word.Length && Lookup(word, length, hash) is var last && last != Concern.None)
        {
            words.Add(text.Length - length, last);
        }

        return words;
    }

    private static bool IsAsciiIdentifierPart(char c)
        => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';

    private static Concern Lookup(char[] word, int length, uint hash)
    {
        var bucket = Table[hash % TableSize];
        if (bucket is null)
        {
            return Concern.None;
        }

        var found = Concern.None;
        foreach (var (candidate, concern) in bucket)
        {
            if (candidate.Length == length && Same(candidate, word))
            {
                found |= concern;
            }
        }

        return found;
    }

    private static bool Same(string candidate, char[] word)
    {
        for (var i = 0; i < candidate.Length; i++)
        {
            if (candidate[i] != word[i])
            {
                return false;
            }
        }

        return true;
    }

    private static uint Hash(string word)
    {
        var hash = 2166136261u;
        foreach (var c in word)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    private static (string, Concern)[][] BuildTable()
    {
        var concerns = new Dictionary<string, Concern>(StringComparer.Ordinal);
        void Add(string[] words, Concern concern)
        {
            foreach (var w in words)
            {
                concerns[w] = concerns.TryGetValue(w, out var existing) ? existing | concern : concern;
            }
        }

        Add(LockWords, Concern.Locks);
        Add(QueueWords, Concern.Queues);
        Add(ChildWords, Concern.Children);
        Add(ConcurrencyWords, Concern.Concurrency);
        foreach (var (type, concern) in Annotations)
        {
            var name = type.Substring(type.LastIndexOf('.') + 1);
            Add(new[] { name, name.Substring(0, name.Length - "Attribute".Length) }, concern | Concern.Annotated);
        }
        Add(QueueActWords, Concern.QueueActs);

        var buckets = new List<(string, Concern)>?[TableSize];
        foreach (var pair in concerns)
        {
            var index = Hash(pair.Key) % TableSize;
            (buckets[index] ??= new List<(string, Concern)>()).Add((pair.Key, pair.Value));
        }

        return buckets.Select(b => b?.ToArray()!).ToArray();
    }

    /// <summary>
    /// Lockstep's annotation attributes are visible somewhere other than the Lockstep runtime: declared in this
    /// compilation's source, or in (or used by) a referenced library whose annotated methods this code may call.
    /// </summary>
    private static bool AnnotationsFromElsewhere(Compilation compilation)
    {
        foreach (var reference in compilation.References)
        {
            if (compilation.GetAssemblyOrModuleSymbol(reference) is IAssemblySymbol assembly && UsesAnnotations(assembly))
            {
                return true;
            }
        }

        return false;
    }

    private static bool UsesAnnotations(IAssemblySymbol assembly)
    {
        if (AssemblyCache.TryGetValue(assembly, out var known))
        {
            return known.Value;
        }

        var uses = false;
        if (assembly.Identity.Name != "Lockstep")
        {
            foreach (var module in assembly.Modules)
            {
                if (module.ReferencedAssemblies.Any(a => a.Name == "Lockstep"))
                {
                    uses = true;
                    break;
                }
            }

            uses = uses || Annotations.Any(annotation => assembly.GetTypeByMetadataName(annotation.Type) is not null);
        }

        return AssemblyCache.GetValue(assembly, _ => new StrongBox<bool>(uses)).Value;
    }
}

/// <summary>The gate words of one syntax tree: which concerns it names, and where (in text order).</summary>
internal sealed class TreeWords
{
    public static readonly TreeWords Everything = new() { Concerns = Concern.All, _everywhere = true };

    private int[] _positions = Array.Empty<int>();
    private Concern[] _kinds = Array.Empty<Concern>();
    private int _count;
    private bool _everywhere;

    /// <summary>Every concern named anywhere in the tree.</summary>
    public Concern Concerns { get; private set; }

    public void Add(int position, Concern concerns)
    {
        if (_count == _positions.Length)
        {
            var size = Math.Max(16, _count * 2);
            Array.Resize(ref _positions, size);
            Array.Resize(ref _kinds, size);
        }

        _positions[_count] = position;
        _kinds[_count] = concerns;
        _count++;
        Concerns |= concerns;
    }

    /// <summary>Whether a word of <paramref name="concerns"/> starts inside <paramref name="span"/>.</summary>
    public bool Names(Microsoft.CodeAnalysis.Text.TextSpan span, Concern concerns)
    {
        if (_everywhere)
        {
            return true;
        }

        if ((Concerns & concerns) == 0)
        {
            return false;
        }

        // The first word at or after the span's start, then on while inside it.
        int low = 0, high = _count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_positions[middle] < span.Start)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        for (var i = low; i < _count && _positions[i] < span.End; i++)
        {
            if ((_kinds[i] & concerns) != 0)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A rule's member gate (<see cref="SourceVocabulary.MemberGateFor"/>).</summary>
internal readonly struct MemberGate
{
    private readonly Concern _concerns; // None: the gate is open

    public MemberGate(Concern concerns) => _concerns = concerns;

    /// <summary>The member's own text names nothing the rule looks at: it has nothing for the rule.</summary>
    public bool Skips(ImmutableArray<IOperation> blocks, CancellationToken cancellationToken)
        => _concerns != Concern.None && !SourceVocabulary.MemberMentions(blocks, _concerns, cancellationToken);
}
