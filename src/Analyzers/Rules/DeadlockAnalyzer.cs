using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using Lockstep.Analyzers.Catalog;
using Lockstep.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Rules;

/// <summary>
/// LS2001–LS2004: deadlocks. Lock-order cycles across the compilation, a non-reentrant lock taken
/// again by its holder, blocking calls inside a held region, condition waits guarded by <c>if</c>.
/// <code>
/// void Transfer() { lock (_accounts) { lock (_audit) { … } } }
/// void Report()   { lock (_audit) { lock (_accounts) { … } } }   // LS2001: opposite order
/// </code>
/// Good: take <c>_accounts</c> before <c>_audit</c> everywhere.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeadlockAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Full names of the runtime's declared-order annotations (matched by name: a pasted source copy works).</summary>
    public const string AcquiredBeforeAttribute = "Lockstep.AcquiredBeforeAttribute";
    public const string AcquiredAfterAttribute = "Lockstep.AcquiredAfterAttribute";

    /// <summary>Diagnostic property (LS2001): "true" when swapping this acquire with the one it is nested in restores the order used elsewhere.</summary>
    public const string SwapRestoresOrderProperty = "SwapRestoresOrder";

    /// <summary>Diagnostic property (LS2002): the name of the lock member taken twice.</summary>
    public const string LockMemberProperty = "LockMember";

    /// <summary>Diagnostic property (LS2002): the lock family (a <c>LockFamily</c> name).</summary>
    public const string FamilyProperty = "LockFamily";

    /// <summary>
    /// Who is kept waiting by a blocking call under <paramref name="held"/> (LS2003's message): everyone who needs the lock,
    /// but a read lock only keeps writers out, and an upgradeable read writers and other upgradeable readers.
    /// </summary>
    private static string WhoWaits(LockKey held) => held.Mode switch
    {
        LockMode.Read => "'" + held.ObjectName + "' for writing",
        LockMode.UpgradeableRead => "'" + held.ObjectName + "' for writing or an upgradeable read",
        _ => "'" + held.DisplayName + "'",
    };

    private static readonly ImmutableDictionary<string, string?> Swappable = ImmutableDictionary<string, string?>.Empty.Add(SwapRestoresOrderProperty, "true");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.LS2001_InconsistentLockOrder,
        Descriptors.LS2001_DeclaredOrderViolated,
        Descriptors.LS2002_NonReentrantLockReacquired,
        Descriptors.LS2002_NonReentrantLockReacquiredThroughCall,
        Descriptors.LS2003_BlockingCallUnderLock,
        Descriptors.LS2004_ConditionWaitOutsideLoop);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (!SourceVocabulary.Mentions(start.Compilation, Concern.Locks, start.CancellationToken))
            {
                return; // the source names nothing this analyzer looks at
            }

            var catalog = PrimitiveCatalog.For(start.Compilation);
            if (catalog.IsEmpty)
            {
                return;
            }

            var compilation = start.Compilation;
            var graph = new LockOrderGraph();
            var facts = new LockFacts();

            var members = SourceVocabulary.MemberGateFor(compilation, Concern.Locks, start.CancellationToken);
            start.RegisterOperationBlockAction(block =>
            {
                var owner = block.OwningSymbol as IMethodSymbol;
                var index = BlockIndex.For(block);
                var batch = new SummaryBatch(index.Invocations.Count);
                if (members.Skips(block.OperationBlocks, block.CancellationToken))
                {
                    // The member names no lock and no condition: it acquires nothing and waits on nothing, but a lock
                    // holder may reach other locks through the calls it makes.
                    foreach (var invocation in index.Invocations)
                    {
                        RecordCall(invocation, owner, batch, compilation);
                    }

                    graph.Add(batch);
                    RecordPropertyAlias(block, graph);
                    return;
                }

                var sawLock = index.HasLockStatement;
                foreach (var invocation in index.Invocations)
                {
                    if (catalog.TryClassify(invocation, out _))
                    {
                        sawLock = true;
                        continue;
                    }

                    if (IsConditionWait(invocation, catalog) && IsGuardedByIfNotLoop(invocation.Syntax))
                    {
                        block.ReportDiagnostic(Diagnostic.Create(
                            Descriptors.LS2004_ConditionWaitOutsideLoop,
                            invocation.Syntax.GetLocation(),
                            invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name));
                    }

                    RecordCall(invocation, owner, batch, compilation);
                }

                RecordPropertyAlias(block, graph);
                if (sawLock)
                {
                    AnalyzeBodies(block, catalog, graph, batch, facts, compilation);
                }

                graph.Add(batch);
            });

            start.RegisterCompilationEndAction(end => ReportAtEnd(end, graph, facts));
        });
    }

    private static void AnalyzeBodies(OperationBlockAnalysisContext context, PrimitiveCatalog catalog, LockOrderGraph graph, SummaryBatch batch, LockFacts facts, Compilation compilation)
    {
        var tree = context.OperationBlocks.FirstOrDefault()?.Syntax.SyntaxTree;
        var extra = tree is not null && context.Options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(BlockingCalls.OptionKey, out var option)
            ? BlockingCalls.ParseOption(option)
            : ImmutableHashSet<string>.Empty;

        foreach (var body in LockBody.Collect(context, catalog))
        {
            var observer = new Observer(body.Method, catalog, graph, batch, compilation, extra);
            var result = body.Analyze(observer, context.CancellationToken);
            if (result is null)
            {
                continue;
            }

            // LS2002: the same non-reentrant lock again on a path that holds it (a loop's next pass is LS1001's).
            foreach (var pair in result.AcquiredWhileHeld.OrderBy(p => p.Key.Syntax.SpanStart))
            {
                if (ReferenceEquals(pair.Key, pair.Value) || pair.Key.IsImplicit || !result.Sites.TryGetValue(pair.Key, out var site)
                    || facts.NonReentrantConsequence(site.Key.Symbol, site.Family, context.CancellationToken) is not { } consequence)
                {
                    continue;
                }

                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.LS2002_NonReentrantLockReacquired,
                    pair.Key.Syntax.GetLocation(),
                    ReentrancyProperties(site.Key, site.Family),
                    site.Key.DisplayName,
                    LockFamilyTraits.DisplayName(site.Family),
                    Line(pair.Value.Syntax.GetLocation()),
                    consequence));
            }

            foreach (var (operation, call, held) in observer.Blocking)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.LS2003_BlockingCallUnderLock, operation.Syntax.GetLocation(), call, held.DisplayName, WhoWaits(held)));
            }
        }
    }

    [MethodImpl(Jit.OncePerCompilation)]
    private static void ReportAtEnd(CompilationAnalysisContext context, LockOrderGraph graph, LockFacts facts)
    {
        var resolved = graph.Resolve(context.CancellationToken);
        var reported = new HashSet<(Location, ISymbol, ISymbol)>();

        // Declared orders first: a violation is reported even without a cycle.
        foreach (var edge in resolved.Edges)
        {
            if (DeclaredBefore(edge.To, edge.From) is { } declaringMember && reported.Add((edge.Location, edge.From, edge.To)))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.LS2001_DeclaredOrderViolated,
                    edge.Location,
                    edge.Via is null ? Swappable : null,
                    Name(edge.To),
                    Name(edge.From),
                    declaringMember.Name));
            }
        }

        foreach (var (edge, back) in resolved.Cycles().OrderBy(c => c.Edge.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(c => c.Edge.Location.SourceSpan.Start))
        {
            if (!reported.Add((edge.Location, edge.From, edge.To)))
            {
                continue;
            }

            string elsewhere;
            if (back.Count == 1)
            {
                elsewhere = "'" + Name(back[0].To) + "' is taken while holding '" + Name(back[0].From) + "' in " + Where(back[0]);
            }
            else
            {
                var order = string.Join(" → ", back.Select(e => "'" + Name(e.From) + "'").Concat(new[] { "'" + Name(edge.From) + "'" }));
                elsewhere = "the order " + order + " is used elsewhere (" + string.Join(", ", back.Select(Where).Distinct()) + ")";
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.LS2001_InconsistentLockOrder,
                edge.Location,
                back.Select(e => e.Location).Where(l => l.IsInSource),
                back.Count == 1 && edge.Via is null ? Swappable : null,
                Name(edge.To),
                Name(edge.From),
                elsewhere));
        }

        // LS2002 through calls: a call on this instance, made while holding its non-reentrant lock, into a method that takes it again.
        foreach (var call in graph.HeldCalls)
        {
            if (!call.OnThis)
            {
                continue;
            }

            var taken = resolved.SelfAcquires(call.Callee);
            foreach (var (node, key, family) in call.Held)
            {
                if (key.IsMemberOfThis && taken.Contains(graph.Canonical(node))
                    && facts.NonReentrantConsequence(key.Symbol, family, context.CancellationToken) is { } consequence)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.LS2002_NonReentrantLockReacquiredThroughCall,
                        call.Location,
                        ReentrancyProperties(key, family),
                        key.DisplayName,
                        LockFamilyTraits.DisplayName(family),
                        call.Callee.ContainingType.Name + "." + call.Callee.Name,
                        consequence));
                }
            }
        }
    }

    /// <summary>The member whose <c>[AcquiredBefore]</c>/<c>[AcquiredAfter]</c> says <paramref name="first"/> comes before <paramref name="second"/>.</summary>
    private static ISymbol? DeclaredBefore(ISymbol first, ISymbol second)
    {
        if (Names(first, AcquiredBeforeAttribute).Contains(second.Name) && SameType(first, second))
        {
            return first;
        }

        return Names(second, AcquiredAfterAttribute).Contains(first.Name) && SameType(first, second) ? second : null;
    }

    private static bool SameType(ISymbol a, ISymbol b) => SymbolEqualityComparer.Default.Equals(a.ContainingType, b.ContainingType);

    private static IEnumerable<string> Names(ISymbol member, string attributeName)
    {
        foreach (var attribute in member.GetAttributes())
        {
            if (!HandOff.IsAttribute(attribute, attributeName))
            {
                continue;
            }

            foreach (var argument in attribute.ConstructorArguments)
            {
                if (argument.Kind == TypedConstantKind.Array)
                {
                    foreach (var value in argument.Values)
                    {
                        if (value.Value is string name)
                        {
                            yield return name;
                        }
                    }
                }
                else if (argument.Value is string single)
                {
                    yield return single;
                }
            }
        }
    }

    private static ImmutableDictionary<string, string?> ReentrancyProperties(LockKey key, LockFamily family)
        => ImmutableDictionary<string, string?>.Empty.Add(LockMemberProperty, key.Symbol.Name).Add(FamilyProperty, family.ToString());

    private static string Name(ISymbol node) => node is ITypeSymbol type ? type.Name + " instance" : node.Name;

    private static string Where(OrderEdge edge)
    {
        var method = edge.Method is null ? "a lambda" : edge.Method.ContainingType?.Name + "." + edge.Method.Name;
        return edge.Via is null ? method : method + " (through " + edge.Via.ContainingType?.Name + "." + edge.Via.Name + ")";
    }

    private static string Line(Location location) => (location.GetLineSpan().StartLinePosition.Line + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>A property whose getter only returns a field (<c>object Gate => _gate;</c>) is that field's lock.</summary>
    private static void RecordPropertyAlias(OperationBlockAnalysisContext context, LockOrderGraph graph)
    {
        if (context.OwningSymbol is not IMethodSymbol { MethodKind: MethodKind.PropertyGet, AssociatedSymbol: IPropertySymbol property })
        {
            return;
        }

        foreach (var block in context.OperationBlocks)
        {
            var body = block is IMethodBodyOperation methodBody ? (IOperation?)methodBody.BlockBody ?? methodBody.ExpressionBody : block;
            if (body is IBlockOperation { Operations.Length: 1 } single
                && single.Operations[0] is IReturnOperation { ReturnedValue: { } returned }
                && Unwrap(returned) is IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field)
            {
                graph.AddAlias(property, field.Field);
            }
        }
    }

    private static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    private static bool IsConditionWait(IInvocationOperation invocation, PrimitiveCatalog catalog)
    {
        var method = invocation.TargetMethod;
        if (method.Name != "Wait")
        {
            return false;
        }

        var type = method.ContainingType?.OriginalDefinition;
        return SymbolEqualityComparer.Default.Equals(type, catalog.Types.Monitor)
            || SymbolEqualityComparer.Default.Equals(type, catalog.Types.LockstepCondition);
    }

    /// <summary>The wait sits in an <c>if</c>'s branch and in no loop of its own body.</summary>
    private static bool IsGuardedByIfNotLoop(SyntaxNode wait)
    {
        var guarded = false;
        foreach (var ancestor in wait.Ancestors())
        {
            switch (ancestor)
            {
                case WhileStatementSyntax:
                case DoStatementSyntax:
                case ForStatementSyntax:
                case ForEachStatementSyntax:
                    return false;
                case IfStatementSyntax ifStatement when !ifStatement.Condition.Span.Contains(wait.Span):
                    guarded = true;
                    break;
                case MemberDeclarationSyntax:
                case AnonymousFunctionExpressionSyntax:
                case LocalFunctionStatementSyntax:
                    return guarded;
            }
        }

        return guarded;
    }

    /// <summary>The method or local function whose summary a call belongs to; calls inside lambdas run later and belong to none.</summary>
    private static IMethodSymbol? CallerOf(IOperation operation, IMethodSymbol? owner)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            // The kind, not interface types: this climbs to the member's root for every call into the compilation.
            switch (current.Kind)
            {
                case OperationKind.AnonymousFunction:
                    return null;
                case OperationKind.LocalFunction when current is ILocalFunctionOperation localFunction:
                    return localFunction.Symbol;
            }
        }

        return owner;
    }

    /// <summary>
    /// A call to a method of this compilation, for the summaries (<see cref="CallerOf"/>: the member's own and its local
    /// functions'; a lambda's calls are made by whoever runs it, so none are recorded).
    /// </summary>
    private static void RecordCall(IInvocationOperation invocation, IMethodSymbol? owner, SummaryBatch batch, Compilation compilation)
    {
        if (IsInCompilation(invocation.TargetMethod, compilation) && CallerOf(invocation, owner) is { } caller)
        {
            batch.AddCall(caller, invocation.TargetMethod, IsOnThis(invocation));
        }
    }

    private static bool IsOnThis(IInvocationOperation invocation)
        => invocation.Instance is null or IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };

    private static bool IsInCompilation(IMethodSymbol method, Compilation compilation)
        => ReferenceEquals(method.ContainingAssembly, compilation.Assembly) || SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, compilation.Assembly);

    /// <summary>Rides on the flow pass: records order edges, summaries and calls made under a lock, and spots blocking calls.</summary>
    private sealed class Observer : ILockFlowObserver
    {
        private readonly IMethodSymbol? _method;
        private readonly PrimitiveCatalog _catalog;
        private readonly LockOrderGraph _graph;
        private readonly SummaryBatch _batch;
        private readonly Compilation _compilation;
        private readonly ImmutableHashSet<string> _extraBlocking;
        private readonly Dictionary<LockKey, LockFamily> _families = new();

        public Observer(IMethodSymbol? method, PrimitiveCatalog catalog, LockOrderGraph graph, SummaryBatch batch, Compilation compilation, ImmutableHashSet<string> extraBlocking)
        {
            _method = method;
            _catalog = catalog;
            _graph = graph;
            _batch = batch;
            _compilation = compilation;
            _extraBlocking = extraBlocking;
        }

        public List<(IOperation Operation, string Call, LockKey Held)> Blocking { get; } = new();

        public bool WantsOperation(IOperation operation) => operation switch
        {
            IInvocationOperation invocation => !invocation.IsImplicit,
            IPropertyReferenceOperation { Property.Name: "Result" } => true,
            _ => false,
        };

        public void OnAcquire(AcquireSite site, HeldLocks before)
        {
            _families[site.Key] = site.Family;
            var node = _graph.NodeOf(site.Key);
            if (node is null)
            {
                return;
            }

            if (_method is not null)
            {
                _batch.AddAcquire(_method, node, site.Key.IsMemberOfThis || site.Key.IsThis);
            }

            if (before.May.IsEmpty)
            {
                return;
            }

            foreach (var held in before.May)
            {
                if (_graph.NodeOf(held) is { } from && !SymbolEqualityComparer.Default.Equals(from, node))
                {
                    _graph.AddEdge(new OrderEdge(from, node, site.Operation.Syntax.GetLocation(), _method, via: null));
                }
            }
        }

        public void OnOperation(IOperation operation, HeldLocks held)
        {
            if (held.IsEmpty)
            {
                return;
            }

            if (operation is IInvocationOperation invocation && IsInCompilation(invocation.TargetMethod, _compilation) && !_catalog.TryClassify(invocation, out _))
            {
                var nodes = ImmutableArray.CreateBuilder<(ISymbol, LockKey, LockFamily)>();
                foreach (var key in held.May)
                {
                    if (_graph.NodeOf(key) is { } node)
                    {
                        nodes.Add((node, key, _families.TryGetValue(key, out var family) ? family : LockFamily.Monitor));
                    }
                }

                if (nodes.Count > 0)
                {
                    _graph.AddHeldCall(new HeldCall(nodes.ToImmutable(), invocation.TargetMethod, IsOnThis(invocation), invocation.Syntax.GetLocation(), _method));
                }
            }

            // LS2003 looks only at locks that exclude: a counting semaphore held while blocking is usually a throttle.
            if (held.Must.IsEmpty || BlockingCalls.Describe(operation, _catalog, _extraBlocking) is not { } call)
            {
                return;
            }

            var exclusive = held.Must.Where(k => _families.TryGetValue(k, out var f) && !LockFamilyTraits.IsCounting(f)).OrderBy(k => k.DisplayName, StringComparer.Ordinal).FirstOrDefault();
            if (exclusive is not null)
            {
                Blocking.Add((operation, call, exclusive));
            }
        }
    }
}
