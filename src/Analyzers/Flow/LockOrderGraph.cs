using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers.Flow;

/// <summary>An observed "took <see cref="To"/> while holding <see cref="From"/>".</summary>
internal readonly struct OrderEdge
{
    public OrderEdge(ISymbol from, ISymbol to, Location location, IMethodSymbol? method, IMethodSymbol? via)
    {
        From = from;
        To = to;
        Location = location;
        Method = method;
        Via = via;
    }

    public ISymbol From { get; }
    public ISymbol To { get; }
    public Location Location { get; }

    /// <summary>The method the edge was seen in.</summary>
    public IMethodSymbol? Method { get; }

    /// <summary>For an edge through a call: the callee that takes <see cref="To"/>.</summary>
    public IMethodSymbol? Via { get; }
}

/// <summary>A call made while holding locks: the callee's locks come after them.</summary>
internal readonly struct HeldCall
{
    public HeldCall(ImmutableArray<(ISymbol Node, LockKey Key, LockFamily Family)> held, IMethodSymbol callee, bool onThis, Location location, IMethodSymbol? caller)
    {
        Held = held;
        Callee = callee;
        OnThis = onThis;
        Location = location;
        Caller = caller;
    }

    public ImmutableArray<(ISymbol Node, LockKey Key, LockFamily Family)> Held { get; }
    public IMethodSymbol Callee { get; }

    /// <summary>The call is made on <c>this</c> (or is static): the callee's own-instance locks are the caller's.</summary>
    public bool OnThis { get; }
    public Location Location { get; }
    public IMethodSymbol? Caller { get; }
}

/// <summary>
/// The lock-order graph of one compilation, gathered body by body while the compilation is analyzed
/// (thread-safe) and decided once at its end: direct edges from the flow engine's held sets, edges
/// through calls from per-method summaries (computed once, memoized, recursion-safe, through overrides
/// and interface implementations in the compilation), cycles by strongly connected components.
/// Locks are the field or property they are read from: the same field on two objects is one lock
/// for ordering, as in every lock-order checker.
/// </summary>
internal sealed class LockOrderGraph
{
    private readonly Accumulator<OrderEdge> _edges = new();
    private readonly Accumulator<HeldCall> _heldCalls = new();
    // What each member calls and takes, handed over one member at a time and indexed by method at the end: every member
    // of a compilation that starts concurrent work records its calls, and shared dictionaries filled from every analysis
    // thread made callbacks spin on their locks (a holder preempted, or the table being resized under all of them).
    private readonly Accumulator<SummaryFact> _facts = new();
    private readonly ConcurrentDictionary<ISymbol, ISymbol> _aliases = new(SymbolEqualityComparer.Default);

    /// <summary>The graph node of a lock key: a field or property (through aliases), or a type for <c>lock (this)</c>/<c>typeof</c>; null for locals and parameters.</summary>
    public ISymbol? NodeOf(LockKey key)
    {
        ISymbol? node = key.IsThis ? key.Symbol : key.Symbol switch
        {
            IFieldSymbol or IPropertySymbol or ITypeSymbol => key.Symbol,
            _ => null,
        };
        // Aliases (a property returning a field) are applied at the end of the compilation, when every getter has been seen.
        return node?.OriginalDefinition;
    }

    public ISymbol Canonical(ISymbol node)
    {
        var current = node.OriginalDefinition;
        for (var depth = 0; depth < 8 && _aliases.TryGetValue(current, out var target); depth++)
        {
            current = target;
        }

        return current;
    }

    /// <summary>A property whose getter only returns a field is that field's lock.</summary>
    public void AddAlias(IPropertySymbol property, IFieldSymbol field) => _aliases[property.OriginalDefinition] = field.OriginalDefinition;

    public void AddEdge(OrderEdge edge) => _edges.Add(edge);

    public void AddHeldCall(HeldCall call) => _heldCalls.Add(call);

    /// <summary>One member's calls and acquisitions (a <see cref="SummaryBatch"/>), added at once.</summary>
    public void Add(SummaryBatch batch) => _facts.AddRange(batch.Facts);

    public IEnumerable<HeldCall> HeldCalls => _heldCalls.Snapshot();

    /// <summary>Everything the end of the compilation needs: summaries, edges through calls, cycles.</summary>
    public Resolved Resolve(CancellationToken cancellationToken) => new(this, cancellationToken);

    internal sealed class Resolved
    {
        private readonly LockOrderGraph _graph;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<IMethodSymbol, List<IMethodSymbol>> _implementations = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, HashSet<ISymbol>> _allSummary = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<IMethodSymbol, HashSet<ISymbol>> _selfSummary = new(SymbolEqualityComparer.Default);
        // What each method calls and takes, one entry per method: a member hands its facts over together, so a run of
        // facts of one method looks its entry up once.
        private readonly Dictionary<IMethodSymbol, MethodFacts> _methods = new(SymbolEqualityComparer.Default);

        [MethodImpl(Jit.OncePerCompilation)]
        public Resolved(LockOrderGraph graph, CancellationToken cancellationToken)
        {
            _graph = graph;
            _cancellationToken = cancellationToken;
            IndexFacts();
            IndexImplementations();
            Edges = BuildEdges();
        }

        [MethodImpl(Jit.OncePerCompilation)]
        private void IndexFacts()
        {
            // Only the runs of facts are indexed here; a method's sets are made when a summary first asks for it (most
            // methods are never asked: only what a call made under a lock reaches is).
            var facts = _graph._facts.Snapshot();
            for (var first = 0; first < facts.Length;)
            {
                var method = facts[first].Method;
                var end = first + 1;
                while (end < facts.Length && ReferenceEquals(facts[end].Method, method))
                {
                    end++;
                }

                MultiMap.GetOrAdd(_methods, method).AddRun(facts, first, end);
                first = end;
            }
        }

        public List<OrderEdge> Edges { get; }

        /// <summary>Every lock a call to <paramref name="method"/> may take, through the calls it makes.</summary>
        public HashSet<ISymbol> AllAcquires(IMethodSymbol method) => Summary(method.OriginalDefinition, self: false, _allSummary);

        /// <summary>Locks of its own instance (or static) a call on <c>this</c> may take.</summary>
        public HashSet<ISymbol> SelfAcquires(IMethodSymbol method) => Summary(method.OriginalDefinition, self: true, _selfSummary);

        [MethodImpl(Jit.OncePerCompilation)]
        private void IndexImplementations()
        {
            foreach (var method in _methods.Keys)
            {
                // Only an override has an overridden method.
                for (var overridden = method.IsOverride ? method.OverriddenMethod : null; overridden is not null; overridden = overridden.OverriddenMethod)
                {
                    AddImplementation(overridden, method);
                }

                // Only a type with interfaces can implement one (most have none: nothing more to ask of their methods).
                if (method.ContainingType is not { AllInterfaces.IsEmpty: false } type)
                {
                    continue;
                }

                foreach (var explicitImplementation in method.ExplicitInterfaceImplementations)
                {
                    AddImplementation(explicitImplementation, method);
                }

                if (method.DeclaredAccessibility == Accessibility.Public && !method.IsStatic)
                {
                    foreach (var @interface in type.AllInterfaces)
                    {
                        foreach (var member in @interface.GetMembers(method.Name).OfType<IMethodSymbol>())
                        {
                            if (SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(member)?.OriginalDefinition, method))
                            {
                                AddImplementation(member, method);
                            }
                        }
                    }
                }
            }
        }

        private void AddImplementation(IMethodSymbol declared, IMethodSymbol implementation)
            => MultiMap.Add(_implementations, declared.OriginalDefinition, implementation);

        private IEnumerable<IMethodSymbol> Targets(IMethodSymbol callee)
        {
            yield return callee;
            if (_implementations.TryGetValue(callee, out var implementations))
            {
                foreach (var implementation in implementations)
                {
                    yield return implementation;
                }
            }
        }

        /// <summary>Memoized depth-first summary; a method on the current path contributes what is known so far (recursion ends).</summary>
        [MethodImpl(Jit.OncePerCompilation)]
        private HashSet<ISymbol> Summary(IMethodSymbol method, bool self, Dictionary<IMethodSymbol, HashSet<ISymbol>> memo)
        {
            if (memo.TryGetValue(method, out var known))
            {
                return known;
            }

            var result = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            memo[method] = result;
            if (!_methods.TryGetValue(method, out var facts))
            {
                return result;
            }

            if ((self ? facts.SelfAcquires : facts.Acquires) is { } acquires)
            {
                result.UnionWith(acquires.Select(_graph.Canonical));
            }

            if ((self ? facts.SelfCallees : facts.Callees) is { } callees)
            {
                foreach (var callee in callees)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    foreach (var target in Targets(callee))
                    {
                        result.UnionWith(Summary(target.OriginalDefinition, self, memo));
                    }
                }
            }

            return result;
        }

        [MethodImpl(Jit.OncePerCompilation)]
        private List<OrderEdge> BuildEdges()
        {
            var edges = new List<OrderEdge>();
            foreach (var edge in _graph._edges.Snapshot())
            {
                var from = _graph.Canonical(edge.From);
                var to = _graph.Canonical(edge.To);
                if (!SymbolEqualityComparer.Default.Equals(from, to))
                {
                    edges.Add(new OrderEdge(from, to, edge.Location, edge.Method, edge.Via));
                }
            }

            foreach (var call in _graph._heldCalls.Snapshot())
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var taken = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                foreach (var target in Targets(call.Callee.OriginalDefinition))
                {
                    taken.UnionWith(AllAcquires(target));
                }

                foreach (var to in taken)
                {
                    foreach (var (heldNode, _, _) in call.Held)
                    {
                        var from = _graph.Canonical(heldNode);
                        if (!SymbolEqualityComparer.Default.Equals(from, to))
                        {
                            edges.Add(new OrderEdge(from, to, call.Location, call.Caller, call.Callee));
                        }
                    }
                }
            }

            return edges;
        }

        /// <summary>For each edge on a cycle, the edges of one path back from its target to its source.</summary>
        [MethodImpl(Jit.OncePerCompilation)]
        public List<(OrderEdge Edge, List<OrderEdge> Back)> Cycles()
        {
            var outgoing = new Dictionary<ISymbol, List<OrderEdge>>(SymbolEqualityComparer.Default);
            foreach (var edge in Edges)
            {
                MultiMap.Add(outgoing, edge.From, edge);
            }

            var component = StronglyConnected(outgoing);
            var result = new List<(OrderEdge, List<OrderEdge>)>();
            var backPaths = new Dictionary<(ISymbol, ISymbol), List<OrderEdge>?>();
            foreach (var edge in Edges)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (!component.TryGetValue(edge.From, out var a) || !component.TryGetValue(edge.To, out var b) || a != b)
                {
                    continue;
                }

                var pair = (edge.To, edge.From);
                if (!backPaths.TryGetValue(pair, out var back))
                {
                    back = ShortestPath(outgoing, edge.To, edge.From, component, a);
                    backPaths[pair] = back;
                }

                if (back is not null)
                {
                    result.Add((edge, back));
                }
            }

            return result;
        }

        [MethodImpl(Jit.OncePerCompilation)]
        private static List<OrderEdge>? ShortestPath(Dictionary<ISymbol, List<OrderEdge>> outgoing, ISymbol from, ISymbol to, Dictionary<ISymbol, int> component, int id)
        {
            var previous = new Dictionary<ISymbol, OrderEdge>(SymbolEqualityComparer.Default);
            var queue = new Queue<ISymbol>();
            var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { from };
            queue.Enqueue(from);
            while (queue.Count > 0)
            {
                var node = queue.Dequeue();
                if (SymbolEqualityComparer.Default.Equals(node, to))
                {
                    var path = new List<OrderEdge>();
                    for (var current = to; !SymbolEqualityComparer.Default.Equals(current, from); current = previous[current].From)
                    {
                        path.Add(previous[current]);
                    }

                    path.Reverse();
                    return path;
                }

                if (!outgoing.TryGetValue(node, out var edges))
                {
                    continue;
                }

                foreach (var edge in edges.OrderBy(e => e.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(e => e.Location.SourceSpan.Start))
                {
                    if (component.TryGetValue(edge.To, out var c) && c == id && seen.Add(edge.To))
                    {
                        previous[edge.To] = edge;
                        queue.Enqueue(edge.To);
                    }
                }
            }

            return null;
        }

        /// <summary>Tarjan's strongly connected components (iterative), keyed by node.</summary>
        [MethodImpl(Jit.OncePerCompilation)]
        private static Dictionary<ISymbol, int> StronglyConnected(Dictionary<ISymbol, List<OrderEdge>> outgoing)
        {
            var index = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
            var low = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
            var onStack = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var stack = new Stack<ISymbol>();
            var component = new Dictionary<ISymbol, int>(SymbolEqualityComparer.Default);
            var next = 0;
            var components = 0;
            foreach (var root in outgoing.Keys.ToList())
            {
                if (index.ContainsKey(root))
                {
                    continue;
                }

                var work = new Stack<(ISymbol Node, int Edge)>();
                work.Push((root, 0));
                index[root] = low[root] = next++;
                stack.Push(root);
                onStack.Add(root);
                while (work.Count > 0)
                {
                    var (node, edgeIndex) = work.Pop();
                    var edges = outgoing.TryGetValue(node, out var list) ? list : null;
                    if (edges is not null && edgeIndex < edges.Count)
                    {
                        work.Push((node, edgeIndex + 1));
                        var target = edges[edgeIndex].To;
                        if (!index.ContainsKey(target))
                        {
                            index[target] = low[target] = next++;
                            stack.Push(target);
                            onStack.Add(target);
                            work.Push((target, 0));
                        }
                        else if (onStack.Contains(target))
                        {
                            low[node] = Math.Min(low[node], index[target]);
                        }

                        continue;
                    }

                    if (work.Count > 0)
                    {
                        var parent = work.Peek().Node;
                        low[parent] = Math.Min(low[parent], low[node]);
                    }

                    if (low[node] == index[node])
                    {
                        ISymbol member;
                        do
                        {
                            member = stack.Pop();
                            onStack.Remove(member);
                            component[member] = components;
                        }
                        while (!SymbolEqualityComparer.Default.Equals(member, node));
                        components++;
                    }
                }
            }

            return component;
        }
    }
}

internal enum SummaryFactKind : byte
{
    Call,
    CallOnThis,
    Acquire,
    AcquireOnThis,
}

/// <summary>
/// One method's calls and acquisitions: the runs of facts it was handed over in, made into sets (each kept once, in
/// first-seen order) on the first read.
/// </summary>
/// <remarks>Read and built by the compilation-end action alone.</remarks>
internal sealed class MethodFacts
{
    private SummaryFact[]? _facts;
    private int _first;
    private int _end;
    private List<(SummaryFact[] Facts, int First, int End)>? _moreRuns; // a method whose facts came in several runs (rare)
    private HashSet<IMethodSymbol>? _callees;
    private HashSet<IMethodSymbol>? _selfCallees;
    private HashSet<ISymbol>? _acquires;
    private HashSet<ISymbol>? _selfAcquires;

    public HashSet<IMethodSymbol>? Callees => Built()._callees;

    /// <summary>The calls made on the method's own instance (or static): a subset of <see cref="Callees"/>.</summary>
    public HashSet<IMethodSymbol>? SelfCallees => Built()._selfCallees;

    public HashSet<ISymbol>? Acquires => Built()._acquires;

    /// <summary>The locks of the method's own instance (or static ones): a subset of <see cref="Acquires"/>.</summary>
    public HashSet<ISymbol>? SelfAcquires => Built()._selfAcquires;

    /// <summary>Facts <paramref name="first"/> to <paramref name="end"/> (exclusive) of <paramref name="facts"/> are this method's.</summary>
    public void AddRun(SummaryFact[] facts, int first, int end)
    {
        if (_facts is null)
        {
            (_facts, _first, _end) = (facts, first, end);
        }
        else
        {
            (_moreRuns ??= new List<(SummaryFact[], int, int)>()).Add((facts, first, end));
        }
    }

    /// <summary>Makes the sets on the first read; the runs are let go once read (an entry is only made with a run).</summary>
    private MethodFacts Built()
    {
        if (_facts is { } facts)
        {
            AddFacts(facts, _first, _end);
            foreach (var (more, first, end) in _moreRuns ?? Enumerable.Empty<(SummaryFact[], int, int)>())
            {
                AddFacts(more, first, end);
            }

            _facts = null;
            _moreRuns = null;
        }

        return this;
    }

    private void AddFacts(SummaryFact[] facts, int first, int end)
    {
        for (var i = first; i < end; i++)
        {
            var fact = facts[i];
            switch (fact.Kind)
            {
                case SummaryFactKind.Call:
                    AddTo(ref _callees, (IMethodSymbol)fact.Target);
                    break;
                case SummaryFactKind.CallOnThis:
                    AddTo(ref _callees, (IMethodSymbol)fact.Target);
                    AddTo(ref _selfCallees, (IMethodSymbol)fact.Target);
                    break;
                case SummaryFactKind.Acquire:
                    AddTo(ref _acquires, fact.Target);
                    break;
                case SummaryFactKind.AcquireOnThis:
                    AddTo(ref _acquires, fact.Target);
                    AddTo(ref _selfAcquires, fact.Target);
                    break;
            }
        }
    }

    private static void AddTo<TSymbol>(ref HashSet<TSymbol>? set, TSymbol symbol)
        where TSymbol : class, ISymbol
        => (set ??= new HashSet<TSymbol>(SymbolEqualityComparer.Default)).Add(symbol);
}

/// <summary>A method calls <see cref="Target"/> (a method) or takes it (a lock node).</summary>
internal readonly struct SummaryFact
{
    public SummaryFact(IMethodSymbol method, ISymbol target, SummaryFactKind kind)
    {
        Method = method;
        Target = target;
        Kind = kind;
    }

    public IMethodSymbol Method { get; }
    public ISymbol Target { get; }
    public SummaryFactKind Kind { get; }
}

/// <summary>
/// What one member's block action learns for the lock-order summaries, kept in a plain list on the analysis thread and
/// handed to the graph once (<see cref="LockOrderGraph.Add(SummaryBatch)"/>).
/// </summary>
internal sealed class SummaryBatch
{
    private readonly int _calls;
    private List<SummaryFact>? _facts; // made with the first fact: most members call nothing of their own compilation

    /// <param name="calls">The member's calls (at most one fact each): the list is sized for them when first needed.</param>
    public SummaryBatch(int calls) => _calls = calls;

    /// <summary>The facts so far; a shared empty list until the first one (never added to through this property).</summary>
    public List<SummaryFact> Facts => _facts ?? SharedEmpty<List<SummaryFact>>.Instance;

    /// <summary>Records a call; <paramref name="onThis"/> when it is made on the caller's own instance or is static.</summary>
    public void AddCall(IMethodSymbol caller, IMethodSymbol callee, bool onThis)
        => Add(new SummaryFact(caller.OriginalDefinition, callee.OriginalDefinition, onThis ? SummaryFactKind.CallOnThis : SummaryFactKind.Call));

    public void AddAcquire(IMethodSymbol method, ISymbol node, bool onThis)
        => Add(new SummaryFact(method.OriginalDefinition, node, onThis ? SummaryFactKind.AcquireOnThis : SummaryFactKind.Acquire));

    private void Add(SummaryFact fact) => (_facts ??= new List<SummaryFact>(Math.Max(_calls, 4))).Add(fact);
}
