using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers.Flow;

/// <summary>A function the concurrency graph knows: a method (by symbol) or a lambda or local function (by syntax).</summary>
internal readonly struct FunctionId : IEquatable<FunctionId>
{
    // Computed once: the end of the compilation keys several dictionaries by function, over and over.
    private readonly int _hash;

    private FunctionId(object value)
    {
        Value = value;
        _hash = value is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : RuntimeHelpers.GetHashCode(value);
    }

    /// <summary>An <see cref="ISymbol"/> for methods and initializers, a <see cref="SyntaxNode"/> for lambdas and local functions.</summary>
    public object Value { get; }

    public bool IsNone => Value is null;

    public static FunctionId ForSymbol(ISymbol symbol) => new(Normalize(symbol));

    public static FunctionId ForSyntax(SyntaxNode node) => new(node);

    /// <summary>The node of a called or referenced method: local functions by their declaration, methods by symbol.</summary>
    public static FunctionId? ForMethod(IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (method.MethodKind == MethodKind.LocalFunction)
        {
            var syntax = method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
            return syntax is null ? null : ForSyntax(syntax);
        }

        return ForSymbol(method);
    }

    private static ISymbol Normalize(ISymbol symbol)
    {
        if (symbol is IMethodSymbol method)
        {
            method = method.ReducedFrom ?? method;
            method = method.PartialDefinitionPart ?? method;
            return method.OriginalDefinition;
        }

        return symbol.OriginalDefinition;
    }

    public bool Equals(FunctionId other) => ReferenceEquals(Value, other.Value)
        || (_hash == other._hash && Value is ISymbol a && other.Value is ISymbol b && SymbolEqualityComparer.Default.Equals(a, b));

    public override bool Equals(object? obj) => obj is FunctionId other && Equals(other);

    public override int GetHashCode() => _hash;
}

/// <summary>What the object a call, a start or a field access works on is, seen from the function that makes it.</summary>
internal enum ReceiverKind : byte
{
    /// <summary>No object: a static method or field.</summary>
    None,
    /// <summary>The function's own instance (<c>this</c>, explicit or implicit).</summary>
    This,
    /// <summary>An object held in an instance field of <c>this</c> (<c>_counter.Increment()</c>).</summary>
    FieldOfThis,
    /// <summary>An object held in a static field (<c>Stats.Shared.Add()</c>).</summary>
    StaticField,
    /// <summary>An object held in a local or parameter that the threads share (captured by the lambdas, or the receiver of a started method group).</summary>
    Variable,
    /// <summary>An object the call made or cannot name (a local of its own, a call result, a <c>new</c>): not shared as far as we know.</summary>
    Fresh,
}

internal readonly struct Receiver
{
    public Receiver(ReceiverKind kind, ISymbol? symbol = null)
    {
        Kind = kind;
        Symbol = symbol;
    }

    public ReceiverKind Kind { get; }

    /// <summary>The field (for <see cref="ReceiverKind.FieldOfThis"/>, <see cref="ReceiverKind.StaticField"/>) or variable.</summary>
    public ISymbol? Symbol { get; }

    public static Receiver None => new(ReceiverKind.None);

    public static Receiver This => new(ReceiverKind.This);

    public static Receiver Fresh => new(ReceiverKind.Fresh);
}

/// <summary>
/// The identity of one object across the compilation, as far as the graph can name it: the instance a
/// type's threads were started on, the object in a field of such an instance, the object in a static
/// field, the object in a shared local. Two accesses race only if they reach the same key.
/// </summary>
internal sealed class InstanceKey : IEquatable<InstanceKey>
{
    private const int MaxDepth = 3;

    private readonly int _hash;

    private InstanceKey(ReceiverKind kind, ISymbol symbol, InstanceKey? parent)
    {
        Kind = kind;
        Symbol = symbol;
        Parent = parent;
        Depth = parent is null ? 0 : parent.Depth + 1;
        unchecked
        {
            var hash = (int)kind * 397 ^ SymbolEqualityComparer.Default.GetHashCode(symbol);
            _hash = parent is null ? hash : (hash * 397) ^ parent._hash;
        }
    }

    public ReceiverKind Kind { get; }
    public ISymbol Symbol { get; }
    public InstanceKey? Parent { get; }
    public int Depth { get; }

    public static InstanceKey This(ITypeSymbol type) => new(ReceiverKind.This, type.OriginalDefinition, null);

    public static InstanceKey Static(ISymbol field) => new(ReceiverKind.StaticField, field.OriginalDefinition, null);

    public static InstanceKey Variable(ISymbol variable) => new(ReceiverKind.Variable, variable, null);

    /// <summary>The object in <paramref name="field"/> of the object <paramref name="parent"/>; null past a few levels (not followed).</summary>
    public static InstanceKey? Field(ISymbol field, InstanceKey parent)
        => parent.Depth + 1 > MaxDepth ? null : new InstanceKey(ReceiverKind.FieldOfThis, field.OriginalDefinition, parent);

    public bool Equals(InstanceKey? other) => ReferenceEquals(other, this) || (other is not null
        && other._hash == _hash
        && other.Kind == Kind
        && SymbolEqualityComparer.Default.Equals(other.Symbol, Symbol)
        && Equals(other.Parent, Parent));

    public override bool Equals(object? obj) => Equals(obj as InstanceKey);

    public override int GetHashCode() => _hash;
}

/// <summary>One place that starts a body on another thread (<c>Task.Run(Work)</c>), as the graph sees it.</summary>
internal sealed class ConcurrencySource
{
    public ConcurrencySource(
        FunctionId target,
        Receiver receiver,
        ITypeSymbol? thisType,
        int localMultiplier,
        FunctionId enclosing,
        bool enclosingIsPlainLambda,
        bool waitedAtOnce,
        string description,
        object start)
    {
        Start = start;
        Target = target;
        Receiver = receiver;
        ThisType = thisType;
        LocalMultiplier = localMultiplier;
        Enclosing = enclosing;
        EnclosingIsPlainLambda = enclosingIsPlainLambda;
        WaitedAtOnce = waitedAtOnce;
        Description = description;
    }

    /// <summary>The body that runs on the new thread.</summary>
    public FunctionId Target { get; }

    /// <summary>The object the body runs on (the receiver of a method group; <c>this</c> for a lambda in an instance member).</summary>
    public Receiver Receiver { get; }

    /// <summary>The type of <c>this</c> where the start is written.</summary>
    public ITypeSymbol? ThisType { get; }

    /// <summary>2 when one pass of the starting function already runs the body several times at once (a loop, <c>Parallel.For</c>), else 1.</summary>
    public int LocalMultiplier { get; }

    /// <summary>The function that contains the start.</summary>
    public FunctionId Enclosing { get; }

    /// <summary>The start is inside a lambda that is not itself a thread body (an event handler, a LINQ selector): it may run any number of times.</summary>
    public bool EnclosingIsPlainLambda { get; }

    /// <summary>Awaited or waited for right away: starts of the same function with this flag run one after the other.</summary>
    public bool WaitedAtOnce { get; }

    /// <summary>How a message names the start: <c>Parallel.For in Program.Main</c>.</summary>
    public string Description { get; }

    /// <summary>The start call itself (its syntax): the bodies of one <c>Parallel.Invoke</c> run together.</summary>
    public object Start { get; }

    /// <summary>
    /// For each local or parameter the threads share: how many of the threads this start makes share the
    /// one instance of that variable (the loops that count are those inside the variable's scope).
    /// </summary>
    public Dictionary<ISymbol, int> VariableMultipliers { get; } = new(SymbolEqualityComparer.Default);

    public int VariableMultiplier(ISymbol variable) => VariableMultipliers.TryGetValue(variable, out var value) ? value : 1;
}

/// <summary>A call (or a synchronous use of a lambda) from one function of the compilation to another.</summary>
internal sealed class CallEdge
{
    public CallEdge(FunctionId caller, FunctionId callee, Receiver receiver, bool locked)
    {
        Caller = caller;
        Callee = callee;
        Receiver = receiver;
        Locked = locked;
    }

    public FunctionId Caller { get; }
    public FunctionId Callee { get; }

    /// <summary>What the callee's <c>this</c> is, seen from the caller.</summary>
    public Receiver Receiver { get; }

    /// <summary>The caller holds a lock at the call (or the engine could not tell): the callee's updates are not unprotected through it.</summary>
    public bool Locked { get; }
}

/// <summary>
/// How an update reads in a message and how the fix makes it atomic, kept compact on every recorded site: the message
/// parts and the fix's properties are spelled out only for the sites that are reported.
/// </summary>
internal readonly struct UpdateForm
{
    public UpdateForm(string verb, string? interlockedMethod, bool negate)
    {
        Verb = verb;
        InterlockedMethod = interlockedMethod;
        Negate = negate;
    }

    /// <summary>"incremented", "decremented", "updated".</summary>
    public string Verb { get; }

    /// <summary>The <c>Interlocked</c> method that does the same update atomically, if there is one.</summary>
    public string? InterlockedMethod { get; }

    /// <summary>The amount is negated for <see cref="InterlockedMethod"/> (<c>x -= n</c> is <c>Add(ref x, -n)</c>).</summary>
    public bool Negate { get; }

    /// <summary>What to use instead: "Interlocked.Increment or a lock", "a lock".</summary>
    public string Advice => InterlockedMethod is null ? "a lock" : "Interlocked." + InterlockedMethod + " or a lock";
}

/// <summary>A read-modify-write of a field (<c>_count++</c>, <c>Total += n</c>, <c>_x = _x * 2</c>).</summary>
internal sealed class FieldUpdateSite
{
    public FieldUpdateSite(FunctionId function, IFieldSymbol field, Receiver receiver, bool isProtected, Location location, UpdateForm form)
    {
        Function = function;
        Field = field;
        Receiver = receiver;
        IsProtected = isProtected;
        Location = location;
        Form = form;
    }

    public FunctionId Function { get; }
    public IFieldSymbol Field { get; }

    /// <summary>The object whose field is updated (<see cref="ReceiverKind.None"/> for a static field).</summary>
    public Receiver Receiver { get; }

    /// <summary>A lock is held here on every path the engine follows (or the engine could not tell).</summary>
    public bool IsProtected { get; }
    public Location Location { get; }

    /// <summary>What the message and the code fix say about the update.</summary>
    public UpdateForm Form { get; }
}

/// <summary>A lock held where a field is touched: if one lock guards a field everywhere else, the fix uses it.</summary>
internal readonly struct LockHint
{
    public LockHint(LockKey key, LockFamily family)
    {
        Key = key;
        Family = family;
    }

    public LockKey Key { get; }
    public LockFamily Family { get; }
}

/// <summary>
/// LS5001 across the compilation. Operation blocks add the starts of concurrent work (sources), the
/// calls between functions (edges, with whether a lock is held) and the read-modify-writes of fields;
/// at the end of the compilation each source is followed through the calls, carrying the identity of
/// the object it works on, and an unprotected update is reported when the threads that reach the same
/// field of the same object add up to two or more. Counts are 0, 1 or 2 ("several").
/// </summary>
internal sealed class ConcurrencyGraph
{
    private const int Several = 2;

    private readonly Accumulator<ConcurrencySource> _sources = new();
    private readonly Accumulator<CallEdge> _edges = new();
    private readonly Accumulator<FieldUpdateSite> _sites = new();
    // Handed over one member at a time and folded per field on first use at the end (see Accumulator).
    private readonly Accumulator<(IFieldSymbol Field, LockHint Hint)> _hints = new();
    private Dictionary<IFieldSymbol, GuardSummary>? _guards;

    public void AddSources(List<ConcurrencySource> sources) => _sources.AddRange(sources);

    public void AddEdges(List<CallEdge> edges) => _edges.AddRange(edges);

    public void AddSites(List<FieldUpdateSite> sites) => _sites.AddRange(sites);

    /// <summary>Locks seen held around field accesses in one member.</summary>
    public void AddLockHints(List<(IFieldSymbol Field, LockHint Hint)> hints) => _hints.AddRange(hints);

    /// <summary>The unprotected updates that several threads reach, with the starts that make them several.</summary>
    [MethodImpl(Jit.OncePerCompilation)]
    public List<(FieldUpdateSite Site, IReadOnlyList<ConcurrencySource> Sources)> Resolve(CancellationToken cancellationToken)
    {
        var reports = new List<(FieldUpdateSite, IReadOnlyList<ConcurrencySource>)>();
        if (_sites.IsEmpty || _sources.IsEmpty)
        {
            return reports;
        }

        var sources = _sources.Snapshot();
        // Grouped in one array rather than a list per caller: every call of the compilation's members is an edge.
        var edges = new Grouped<FunctionId, CallEdge>(_edges.Snapshot(), static edge => edge.Caller);

        // Concurrency of the functions that start work feeds the multiplicity of what they start: iterate to a fixpoint.
        // Each round's tables are cleared and refilled, not made anew (each holds every function a start reaches).
        var threads = new Dictionary<FunctionId, int>();
        var sharing = new Dictionary<FunctionId, int>();
        var newThreads = new Dictionary<FunctionId, int>();
        var newSharing = new Dictionary<FunctionId, int>();
        var threadsPerFunction = new Dictionary<FunctionId, SourceCounts>();
        var sharingPerState = new Dictionary<State, SourceCounts>();
        var reachAll = new Dictionary<ConcurrencySource, (State State, int Count)[]>();
        // One table and queue for every walk of the reach (each source's result is copied out as an array).
        var visited = new Dictionary<State, int>();
        var queue = new Queue<State>();
        var multiplicity = new Dictionary<ConcurrencySource, int>();
        var sharedThis = new Dictionary<ConcurrencySource, int>();
        var reachInputs = new Dictionary<ConcurrencySource, (int, int)>();
        for (var iteration = 0; iteration < 8; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var source in sources)
            {
                multiplicity[source] = Multiplicity(source, threads);
                sharedThis[source] = source.EnclosingIsPlainLambda
                    ? Several
                    : Cap(source.LocalMultiplier * Math.Max(1, Get(sharing, source.Enclosing)));
            }

            var reachChanged = false;
            foreach (var source in sources)
            {
                // What a source reaches depends only on its own multiplicity and how shared its receiver is: reuse it while they hold.
                var inputs = (multiplicity[source], sharedThis[source]);
                if (!reachInputs.TryGetValue(source, out var previous) || previous != inputs)
                {
                    Reach(source, edges, multiplicity, sharedThis, unlockedOnly: false, visited, queue);
                    reachAll[source] = ToArray(visited);
                    reachInputs[source] = inputs;
                    reachChanged = true;
                }
            }

            if (!reachChanged)
            {
                // The tables below are made from the reaches and multiplicities alone, and neither changed: this round would
                // rebuild the last round's tables and find them equal (the usual second round). Nothing after the loop reads them.
                break;
            }

            newThreads.Clear();
            newSharing.Clear();
            threadsPerFunction.Clear();
            sharingPerState.Clear();
            foreach (var source in sources)
            {
                foreach (var (state, count) in reachAll[source])
                {
                    Add(threadsPerFunction, state.Function, source, multiplicity[source]);
                    if (state.Key is not null)
                    {
                        Add(sharingPerState, state, source, count);
                    }
                }
            }

            foreach (var pair in threadsPerFunction)
            {
                newThreads[pair.Key] = pair.Value.GroupedSum();
            }

            foreach (var pair in sharingPerState)
            {
                // Sharing is per object: the function's sharing is its best-shared object.
                newSharing[pair.Key.Function] = Math.Max(Get(newSharing, pair.Key.Function), pair.Value.GroupedSum());
            }

            if (SameCounts(threads, newThreads) && SameCounts(sharing, newSharing))
            {
                break;
            }

            (threads, newThreads) = (newThreads, threads);
            (sharing, newSharing) = (newSharing, sharing);
        }

        // Every object a site updates, per source: (field, object) -> source -> count.
        var allSites = _sites.Snapshot();
        var sitesByFunction = new Grouped<FunctionId, FieldUpdateSite>(allSites, static site => site.Function);

        var totals = new Dictionary<(ISymbol Field, InstanceKey Object), SourceCounts>(new FieldObjectComparer());
        foreach (var source in sources)
        {
            foreach (var (state, count) in reachAll[source])
            {
                if (!sitesByFunction.TryGetRange(state.Function, out var first, out var end))
                {
                    continue;
                }

                for (var i = first; i < end; i++)
                {
                    var site = sitesByFunction.Items[i];
                    if (ObjectOf(site, state.Key, count, source, multiplicity) is not (InstanceKey obj, int objectCount))
                    {
                        continue;
                    }

                    Add(totals, ((ISymbol)site.Field.OriginalDefinition, obj), source, objectCount);
                }
            }
        }

        // What reaches each function without a lock, in source order: a site looks up its own function only.
        var unlockedStates = new List<(ConcurrencySource Source, State State, int Count)>();
        foreach (var source in sources)
        {
            Reach(source, edges, multiplicity, sharedThis, unlockedOnly: true, visited, queue);
            foreach (var pair in visited)
            {
                unlockedStates.Add((source, pair.Key, pair.Value));
            }
        }

        var unlockedByFunction = new Grouped<FunctionId, (ConcurrencySource Source, State State, int Count)>(unlockedStates, static reach => reach.State.Function);

        // Only unprotected sites that something reaches without a lock can be reported: sort just those into source order.
        // Found from the functions reached (a few) rather than by looking up the function of every site of the compilation.
        var candidates = new List<(FieldUpdateSite Site, int First, int End)>();
        foreach (var (function, first, end) in unlockedByFunction.Groups)
        {
            if (!sitesByFunction.TryGetRange(function, out var firstSite, out var endSite))
            {
                continue;
            }

            for (var i = firstSite; i < endSite; i++)
            {
                if (!sitesByFunction.Items[i].IsProtected)
                {
                    candidates.Add((sitesByFunction.Items[i], first, end));
                }
            }
        }

        foreach (var (site, first, end) in candidates.OrderBy(c => c.Site.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(c => c.Site.Location.SourceSpan.Start))
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Every object the site may update without a lock that several threads update: the message names all their starts
            // (a union, so the report does not depend on the order the compilation was analyzed in).
            HashSet<ConcurrencySource>? racing = null;
            for (var i = first; i < end; i++)
            {
                var (source, state, count) = unlockedByFunction.Items[i];
                if (ObjectOf(site, state.Key, count, source, multiplicity) is not (InstanceKey obj, _)
                    || !totals.TryGetValue(((ISymbol)site.Field.OriginalDefinition, obj), out var perSource)
                    || perSource.GroupedSum() < Several)
                {
                    continue;
                }

                racing ??= new HashSet<ConcurrencySource>();
                perSource.AddSourcesTo(racing);
            }

            if (racing is not null)
            {
                reports.Add((site, racing.ToList()));
            }
        }

        return reports;
    }

    /// <summary>The lock that every protected access of <paramref name="field"/> holds, if there is exactly one.</summary>
    /// <remarks>Read by the compilation-end action alone, once every member has added its hints.</remarks>
    public LockHint? SingleGuard(IFieldSymbol field)
        => (_guards ??= FoldHints()).TryGetValue(field.OriginalDefinition, out var summary) ? summary.Single : null;

    [MethodImpl(Jit.OncePerCompilation)]
    private Dictionary<IFieldSymbol, GuardSummary> FoldHints()
    {
        var guards = new Dictionary<IFieldSymbol, GuardSummary>(SymbolEqualityComparer.Default);
        foreach (var (field, hint) in _hints.Snapshot())
        {
            MultiMap.GetOrAdd(guards, field.OriginalDefinition).Add(hint);
        }

        return guards;
    }

    /// <summary>
    /// The locks seen held around one field's accesses, folded: the first one, whether another object was ever seen,
    /// and a write-mode hint for the same object (a reader-writer lock's fix takes the write side).
    /// </summary>
    private sealed class GuardSummary
    {
        private LockHint? _first;
        private LockHint? _write;
        private bool _conflict;

        public LockHint? Single => _conflict ? null : _write ?? _first;

        public void Add(LockHint hint)
        {
            if (_conflict)
            {
                return;
            }

            if (_first is not { } first)
            {
                _first = hint;
            }
            else if (!first.Key.IsSameObject(hint.Key))
            {
                _conflict = true;
                return;
            }

            if (hint.Key.Mode == LockMode.Write)
            {
                _write = hint;
            }
        }
    }

    private static int Multiplicity(ConcurrencySource source, Dictionary<FunctionId, int> threads)
        => source.EnclosingIsPlainLambda ? Several : Cap(source.LocalMultiplier * Math.Max(1, Get(threads, source.Enclosing)));

    /// <summary>The object a site updates, seen from a state a source reached, and how many of the source's threads update it.</summary>
    [MethodImpl(Jit.OncePerCompilation)]
    private static (InstanceKey, int)? ObjectOf(FieldUpdateSite site, InstanceKey? stateKey, int stateCount, ConcurrencySource source, Dictionary<ConcurrencySource, int> multiplicity)
    {
        if (site.Field.IsStatic)
        {
            return (InstanceKey.Static(site.Field), multiplicity[source]);
        }

        var (key, count) = Transform(site.Receiver, stateKey, stateCount, source, multiplicity);
        return key is null ? null : (key, count);
    }

    /// <summary>The callee's (or the accessed) object, seen from the caller's object.</summary>
    private static (InstanceKey? Key, int Count) Transform(Receiver receiver, InstanceKey? key, int count, ConcurrencySource source, Dictionary<ConcurrencySource, int> multiplicity)
        => receiver.Kind switch
        {
            ReceiverKind.This => (key, count),
            ReceiverKind.FieldOfThis => (key is null ? null : InstanceKey.Field(receiver.Symbol!, key), count),
            ReceiverKind.StaticField => (InstanceKey.Static(receiver.Symbol!), multiplicity[source]),
            ReceiverKind.Variable => (InstanceKey.Variable(receiver.Symbol!), source.VariableMultiplier(receiver.Symbol!)),
            _ => (null, count),
        };

    /// <summary>Fills <paramref name="visited"/> (cleared first) with the states <paramref name="source"/> reaches and the most threads it brings to each, in the order first reached.</summary>
    [MethodImpl(Jit.OncePerCompilation)]
    private static void Reach(ConcurrencySource source, Grouped<FunctionId, CallEdge> edges, Dictionary<ConcurrencySource, int> multiplicity, Dictionary<ConcurrencySource, int> sharedThis, bool unlockedOnly, Dictionary<State, int> visited, Queue<State> queue)
    {
        visited.Clear();
        queue.Clear();

        void Visit(State state, int count)
        {
            if (count <= 0)
            {
                return;
            }

            if (visited.TryGetValue(state, out var known) && known >= count)
            {
                return;
            }

            visited[state] = Cap(count);
            queue.Enqueue(state);
        }

        var start = source.Receiver.Kind switch
        {
            ReceiverKind.This when source.ThisType is not null => (InstanceKey.This(source.ThisType), sharedThis[source]),
            ReceiverKind.FieldOfThis when source.ThisType is not null => (InstanceKey.Field(source.Receiver.Symbol!, InstanceKey.This(source.ThisType)), sharedThis[source]),
            ReceiverKind.StaticField => (InstanceKey.Static(source.Receiver.Symbol!), multiplicity[source]),
            ReceiverKind.Variable => (InstanceKey.Variable(source.Receiver.Symbol!), source.VariableMultiplier(source.Receiver.Symbol!)),
            _ => ((InstanceKey?)null, multiplicity[source]),
        };
        Visit(new State(source.Target, start.Item1), start.Item2);

        while (queue.Count > 0)
        {
            var state = queue.Dequeue();
            var count = visited[state];
            if (!edges.TryGetRange(state.Function, out var first, out var end))
            {
                continue;
            }

            for (var i = first; i < end; i++)
            {
                var edge = edges.Items[i];
                if (unlockedOnly && edge.Locked)
                {
                    continue;
                }

                var (key, next) = Transform(edge.Receiver, state.Key, count, source, multiplicity);
                Visit(new State(edge.Callee, key), next);
            }
        }
    }

    private static (State State, int Count)[] ToArray(Dictionary<State, int> reached)
    {
        var result = new (State, int)[reached.Count];
        var i = 0;
        foreach (var pair in reached)
        {
            result[i++] = (pair.Key, pair.Value);
        }

        return result;
    }

    private static void Add<TKey>(Dictionary<TKey, SourceCounts> map, TKey key, ConcurrencySource source, int count)
        where TKey : notnull
        => MultiMap.GetOrAdd(map, key).Max(source, count);

    /// <summary>
    /// The most threads each source brings to one function, object or field: nearly always one source, so that one is
    /// kept inline and a dictionary made only for a second (the end pass builds one of these per function and object).
    /// </summary>
    private sealed class SourceCounts
    {
        private ConcurrencySource? _single;
        private int _singleCount;
        private Dictionary<ConcurrencySource, int>? _many;

        [MethodImpl(Jit.OncePerCompilation)]
        public void Max(ConcurrencySource source, int count)
        {
            if (_many is not null)
            {
                _many[source] = Math.Max(_many.TryGetValue(source, out var known) ? known : 0, count);
            }
            else if (_single is null)
            {
                _single = source;
                _singleCount = count;
            }
            else if (ReferenceEquals(_single, source))
            {
                _singleCount = Math.Max(_singleCount, count);
            }
            else
            {
                _many = new Dictionary<ConcurrencySource, int> { [_single] = _singleCount, [source] = count };
                _single = null;
            }
        }

        public int GroupedSum() => _many is not null ? ConcurrencyGraph.GroupedSum(_many) : _single is null ? 0 : Cap(_singleCount);

        [MethodImpl(Jit.OncePerCompilation)]
        public void AddSourcesTo(HashSet<ConcurrencySource> sources)
        {
            if (_many is not null)
            {
                sources.UnionWith(_many.Keys);
            }
            else if (_single is not null)
            {
                sources.Add(_single);
            }
        }
    }

    /// <summary>
    /// The threads several sources add up to: independent starts add; starts waited for in sequence in one
    /// function count as the largest of them (the bodies of one such start, like <c>Parallel.Invoke(a, b)</c>, add).
    /// </summary>
    [MethodImpl(Jit.OncePerCompilation)]
    public static int GroupedSum(Dictionary<ConcurrencySource, int> perSource)
    {
        if (perSource.Count == 1)
        {
            foreach (var pair in perSource)
            {
                return Cap(pair.Value);
            }
        }

        var total = 0;
        Dictionary<FunctionId, Dictionary<object, int>>? sequential = null;
        foreach (var pair in perSource)
        {
            if (!pair.Key.WaitedAtOnce)
            {
                total += pair.Value;
                continue;
            }

            sequential ??= new Dictionary<FunctionId, Dictionary<object, int>>();
            var starts = MultiMap.GetOrAdd(sequential, pair.Key.Enclosing);
            starts[pair.Key.Start] = (starts.TryGetValue(pair.Key.Start, out var sum) ? sum : 0) + pair.Value;
        }

        if (sequential is not null)
        {
            foreach (var starts in sequential.Values)
            {
                total += starts.Values.Max();
            }
        }

        return Cap(total);
    }

    [MethodImpl(Jit.OncePerCompilation)]
    private static bool SameCounts<TKey>(Dictionary<TKey, int> a, Dictionary<TKey, int> b)
        where TKey : notnull
        => a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value);

    private static int Get<TKey>(Dictionary<TKey, int> map, TKey key)
        where TKey : notnull
        => map.TryGetValue(key, out var value) ? value : 0;

    public static int Cap(int value) => value > Several ? Several : value;

    private readonly struct State : IEquatable<State>
    {
        public State(FunctionId function, InstanceKey? key)
        {
            Function = function;
            Key = key;
        }

        public FunctionId Function { get; }
        public InstanceKey? Key { get; }

        public bool Equals(State other) => Function.Equals(other.Function) && Equals(Key, other.Key);

        public override bool Equals(object? obj) => obj is State other && Equals(other);

        public override int GetHashCode() => (Function.GetHashCode() * 397) ^ (Key?.GetHashCode() ?? 0);
    }

    private sealed class FieldObjectComparer : IEqualityComparer<(ISymbol Field, InstanceKey Object)>
    {
        public bool Equals((ISymbol Field, InstanceKey Object) x, (ISymbol Field, InstanceKey Object) y)
            => SymbolEqualityComparer.Default.Equals(x.Field, y.Field) && x.Object.Equals(y.Object);

        public int GetHashCode((ISymbol Field, InstanceKey Object) obj)
            => (SymbolEqualityComparer.Default.GetHashCode(obj.Field) * 397) ^ obj.Object.GetHashCode();
    }
}
