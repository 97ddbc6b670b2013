using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lockstep.Analyzers.Flow;

/// <summary>A start of concurrent work inside the block, with what the block-level reasoning needs.</summary>
internal sealed class BlockSource
{
    public BlockSource(ConcurrencySource source, SyntaxNode start, bool runsManyAtOnce, BlockFunction enclosing)
    {
        Source = source;
        Start = start;
        RunsManyAtOnce = runsManyAtOnce;
        Enclosing = enclosing;
    }

    public ConcurrencySource Source { get; }
    public SyntaxNode Start { get; }
    public bool RunsManyAtOnce { get; }
    public BlockFunction Enclosing { get; }
}

/// <summary>A read-modify-write of a local or parameter inside a lambda or local function that captures it.</summary>
internal sealed class VariableUpdateSite
{
    public VariableUpdateSite(ISymbol variable, BlockFunction function, bool isProtected, Location location, UpdateForm form)
    {
        Variable = variable;
        Function = function;
        IsProtected = isProtected;
        Location = location;
        Form = form;
    }

    public ISymbol Variable { get; }
    public BlockFunction Function { get; }
    public bool IsProtected { get; }
    public Location Location { get; }

    /// <summary>What the message and the code fix say about the update (as for a field, <see cref="FieldUpdateSite.Form"/>).</summary>
    public UpdateForm Form { get; }
}

/// <summary>
/// The concurrency a block decides on its own. A local or parameter exists once per run of the
/// function that declares it, so how many threads share it depends only on the starts inside that
/// function: a start in a loop makes several threads share a variable declared outside the loop,
/// but each pass gets its own copy of one declared inside it. Computes those counts for every
/// shared variable (the compilation-wide graph uses them) and the captured-variable races.
/// </summary>
internal sealed class BlockConcurrency
{
    private const int Several = 2;

    private readonly List<BlockSource> _sources;
    private readonly Dictionary<FunctionId, List<CallEdge>> _edges = new();
    private readonly Dictionary<(FunctionId, bool), HashSet<FunctionId>> _reach = new();
    private readonly CancellationToken _cancellationToken;

    public BlockConcurrency(List<BlockSource> sources, IEnumerable<CallEdge> inBlockEdges, CancellationToken cancellationToken)
    {
        _sources = sources;
        _cancellationToken = cancellationToken;
        foreach (var edge in inBlockEdges)
        {
            MultiMap.Add(_edges, edge.Caller, edge);
        }
    }

    /// <summary>For each source, how many of its threads share the one instance of <paramref name="variable"/>.</summary>
    public Dictionary<BlockSource, int> Multipliers(ISymbol variable)
    {
        var declaration = variable.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken);
        var relative = new Dictionary<FunctionId, int>();
        var multipliers = new Dictionary<BlockSource, int>();
        for (var iteration = 0; iteration < 8; iteration++)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            foreach (var source in _sources)
            {
                multipliers[source] = declaration is null ? 1 : Multiplier(source, declaration, relative);
            }

            var next = new Dictionary<FunctionId, int>();
            foreach (var function in AllFunctions())
            {
                var perSource = new Dictionary<ConcurrencySource, int>();
                foreach (var source in _sources)
                {
                    if (Reach(source.Source.Target, unlockedOnly: false).Contains(function))
                    {
                        perSource[source.Source] = multipliers[source];
                    }
                }

                if (perSource.Count > 0)
                {
                    next[function] = ConcurrencyGraph.GroupedSum(perSource);
                }
            }

            if (next.Count == relative.Count && next.All(p => relative.TryGetValue(p.Key, out var v) && v == p.Value))
            {
                break;
            }

            relative = next;
        }

        return multipliers;
    }

    /// <summary>
    /// Each unprotected update of a captured variable that two or more threads of the block update
    /// (counting every update of the variable, protected or not), with the starts that make them several.
    /// </summary>
    public List<(VariableUpdateSite Site, IReadOnlyList<ConcurrencySource> Sources)> Races(IEnumerable<VariableUpdateSite> sites)
    {
        var races = new List<(VariableUpdateSite, IReadOnlyList<ConcurrencySource>)>();
        foreach (var group in sites.GroupBy(s => s.Variable, SymbolEqualityComparer.Default))
        {
            var variable = (ISymbol)group.Key!;
            var multipliers = Multipliers(variable);
            var writers = group.ToList();
            var perSource = new Dictionary<ConcurrencySource, int>();
            foreach (var source in _sources)
            {
                var reached = Reach(source.Source.Target, unlockedOnly: false);
                if (writers.Any(w => reached.Contains(w.Function.Id)))
                {
                    perSource[source.Source] = multipliers[source];
                }
            }

            if (ConcurrencyGraph.GroupedSum(perSource) < Several)
            {
                continue;
            }

            foreach (var site in writers)
            {
                if (!site.IsProtected && _sources.Any(s => Reach(s.Source.Target, unlockedOnly: true).Contains(site.Function.Id)))
                {
                    races.Add((site, perSource.Keys.ToList()));
                }
            }
        }

        return races;
    }

    private IEnumerable<FunctionId> AllFunctions()
    {
        var all = new HashSet<FunctionId>();
        foreach (var source in _sources)
        {
            all.UnionWith(Reach(source.Source.Target, unlockedOnly: false));
        }

        return all;
    }

    /// <summary>
    /// How many threads of one start share the variable declared at <paramref name="declaration"/>: the
    /// API's own multiplicity, times the loops and repeated lambdas between the start and the declaration.
    /// </summary>
    private int Multiplier(BlockSource source, SyntaxNode declaration, Dictionary<FunctionId, int> relative)
    {
        var multiplier = source.RunsManyAtOnce ? Several : 1;
        SyntaxNode child = source.Start;
        for (var node = source.Start.Parent; node is not null; child = node, node = node.Parent)
        {
            if (node.SyntaxTree == declaration.SyntaxTree && node.Span.Contains(declaration.Span))
            {
                // A for loop's own variable is one variable for every pass (a foreach variable is new each pass).
                if (node is ForStatementSyntax loop && !source.Source.WaitedAtOnce && IsRepeatedPart(loop, child) && !child.Span.Contains(declaration.Span))
                {
                    multiplier = Several;
                }

                break;
            }

            if (!source.Source.WaitedAtOnce && IsRepeatedPart(node, child))
            {
                multiplier = Several;
            }

            if (node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
            {
                var function = FunctionId.ForSyntax(node);
                var isEntry = _sources.Any(s => s.Source.Target.Equals(function));
                var runs = relative.TryGetValue(function, out var value) ? value : 0;
                multiplier *= node is AnonymousFunctionExpressionSyntax && !isEntry ? Several : Math.Max(1, runs);
                break;
            }

            if (node is MemberDeclarationSyntax or CompilationUnitSyntax)
            {
                break;
            }
        }

        return ConcurrencyGraph.Cap(multiplier);
    }

    /// <summary>Whether <paramref name="child"/> is a part of <paramref name="node"/> that a loop runs again on every pass.</summary>
    public static bool IsRepeatedPart(SyntaxNode node, SyntaxNode child) => node switch
    {
        WhileStatementSyntax => true,
        DoStatementSyntax => true,
        ForStatementSyntax loop => child == loop.Statement || child == loop.Condition || loop.Incrementors.Contains(child),
        CommonForEachStatementSyntax loop => child == loop.Statement,
        _ => false,
    };

    /// <summary>Functions of the block a start reaches through the block's own calls (local functions, lambdas used in place).</summary>
    public HashSet<FunctionId> Reach(FunctionId start, bool unlockedOnly)
    {
        if (_reach.TryGetValue((start, unlockedOnly), out var known))
        {
            return known;
        }

        var reached = new HashSet<FunctionId> { start };
        var queue = new Queue<FunctionId>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            if (!_edges.TryGetValue(current, out var outgoing))
            {
                continue;
            }

            foreach (var edge in outgoing)
            {
                if ((!unlockedOnly || !edge.Locked) && reached.Add(edge.Callee))
                {
                    queue.Enqueue(edge.Callee);
                }
            }
        }

        _reach[(start, unlockedOnly)] = reached;
        return reached;
    }
}
