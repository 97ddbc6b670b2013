using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Lockstep.Analyzers.Catalog;
using Lockstep.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Rules;

/// <summary>
/// LS5001–LS5002: shared state. Read-modify-writes of a field or captured variable that several
/// threads run at once with no lock held, and <c>[GuardedBy]</c> fields touched without their lock.
/// <code>
/// static int _count;
/// Parallel.For(0, 1000, i => _count++);          // LS5001: increments are lost
/// [GuardedBy(nameof(_gate))] int _balance;
/// void Deposit(int n) => _balance += n;           // LS5002: written without holding _gate
/// </code>
/// Good: <c>Interlocked.Increment(ref _count)</c>; <c>lock (_gate) { _balance += n; }</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SharedStateAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property (LS5001): the Interlocked method that performs the update (Increment, Decrement, Add, Or, And).</summary>
    public const string InterlockedProperty = "Interlocked";

    /// <summary>Diagnostic property (LS5001): "true" when the amount is subtracted (<c>x -= n</c> becomes <c>Interlocked.Add(ref x, -n)</c>).</summary>
    public const string NegateProperty = "Negate";

    /// <summary>Diagnostic property: the lock to hold (a member name, or "this").</summary>
    public const string LockMemberProperty = "LockMember";

    /// <summary>Diagnostic property: the lock's family (a <c>LockFamily</c> name).</summary>
    public const string LockFamilyProperty = "LockFamily";

    /// <summary>Diagnostic property: "Read" or "Write" for a reader-writer lock, else absent.</summary>
    public const string LockModeProperty = "LockMode";

    /// <summary>Diagnostic property (LS5002): "Write" or "Read".</summary>
    public const string AccessProperty = "Access";

    private static readonly IReadOnlyDictionary<Microsoft.CodeAnalysis.FlowAnalysis.CaptureId, IOperation> NoCaptures
        = new Dictionary<Microsoft.CodeAnalysis.FlowAnalysis.CaptureId, IOperation>();

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.LS5001_UnsynchronizedReadModifyWrite,
        Descriptors.LS5001_UnsynchronizedCapturedReadModifyWrite,
        Descriptors.LS5002_GuardedFieldWrittenWithoutLock,
        Descriptors.LS5002_GuardedFieldReadWithoutLock,
        Descriptors.LS5002_GuardedFieldWrittenInHelperWithoutLock,
        Descriptors.LS5002_GuardedFieldReadInHelperWithoutLock);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (!SourceVocabulary.Mentions(start.Compilation, Concern.Concurrency | Concern.Guarded, start.CancellationToken))
            {
                return; // the source names nothing this analyzer looks at
            }

            var catalog = PrimitiveCatalog.For(start.Compilation);
            var entries = new ConcurrencyEntries(catalog.Types);
            // [GuardedBy] can only be in play where it is named (in source, or in a referenced library: then every concern is on).
            var guardedNamed = SourceVocabulary.Mentions(start.Compilation, Concern.Guarded, start.CancellationToken);
            var state = new CompilationState(start.Compilation, catalog, entries, guardedNamed);
            start.RegisterOperationBlockAction(block =>
            {
                try
                {
                    AnalyzeBlock(block, state);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Never throw from an analyzer: a construct the rules did not foresee produces nothing.
                }
            });
            start.RegisterCompilationEndAction(end =>
            {
                try
                {
                    ReportAtEnd(end, state);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                }
            });
        });
    }

    private sealed class CompilationState
    {
        public CompilationState(Compilation compilation, PrimitiveCatalog catalog, ConcurrencyEntries entries, bool guardedNamed)
        {
            Compilation = compilation;
            Catalog = catalog;
            Entries = entries;
            HasGuardedBy = guardedNamed && catalog.Types.LockstepGuardedByAttribute is not null;
        }

        public Compilation Compilation { get; }
        public PrimitiveCatalog Catalog { get; }
        public ConcurrencyEntries Entries { get; }
        public GuardedMembers Guards { get; } = new();

        /// <summary>
        /// A <c>[GuardedBy]</c> type exists (the runtime's or a source copy) and something names it: LS5002 has something
        /// to check. (Referencing the runtime alone makes the type exist; without a mention no member can carry it.)
        /// </summary>
        public bool HasGuardedBy { get; }
        public ConcurrencyGraph Graph { get; } = new();
        public GuardedHelperCalls Helpers { get; } = new();
    }

    // ------------------------------------------------------------------ one block

    private static void AnalyzeBlock(OperationBlockAnalysisContext context, CompilationState state)
    {
        var owner = context.OwningSymbol;
        var view = new OperationBlockAnalysisContextView(owner, context.OperationBlocks, state.Compilation, context.CancellationToken);
        var scan = SharedStateScan.Run(view, state.Catalog, state.Entries, state.HasGuardedBy ? state.Guards : null);
        if (scan is null || scan.IsEmpty)
        {
            return;
        }

        // One flow pass per body serves both rules; bodies without a lock hold nothing, so LS5001 alone needs none there.
        var held = new HeldLookup(state.Guards, context.CancellationToken);
        if (scan.SawLock || scan.GuardedAccesses.Count > 0)
        {
            var wanted = scan.WantedSyntax();
            var observer = new SharedStateObserver(wanted);
            var unknown = new HashSet<SyntaxNode>();
            foreach (var body in LockBody.Collect(context, state.Catalog))
            {
                if (body.Analyze(observer, context.CancellationToken) is null && body.Graph is { } graph)
                {
                    // The engine gave up on this body: what is held there is unknown, and nothing in it is reported.
                    MarkUnknown(graph, wanted, unknown);
                }
            }

            held = new HeldLookup(state.Guards, context.CancellationToken, observer, unknown);
        }

        if (!state.Entries.IsEmpty)
        {
            GatherConcurrency(context, scan, held, state);
        }

        if (state.HasGuardedBy)
        {
            if (scan.GuardedAccesses.Count > 0)
            {
                CheckGuardedAccesses(context, scan, held, state);
            }

            RecordHelperCalls(scan, held, state);
        }
    }

    private static void MarkUnknown(Microsoft.CodeAnalysis.FlowAnalysis.ControlFlowGraph graph, HashSet<SyntaxNode> wanted, HashSet<SyntaxNode> unknown)
    {
        foreach (var block in graph.Blocks)
        {
            foreach (var operation in block.Operations.Concat(block.BranchValue is null ? Enumerable.Empty<IOperation>() : new[] { block.BranchValue }))
            {
                foreach (var node in operation.DescendantsAndSelf())
                {
                    if (wanted.Contains(node.Syntax))
                    {
                        unknown.Add(node.Syntax);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Held locks at a syntax node. The engine reports a node only where some path holds a lock (older
    /// engines: wherever it is reachable), so a node it did not report holds nothing, unless its body
    /// was given up on: then what is held there is unknown, and the rules report nothing there.
    /// </summary>
    private sealed class HeldLookup
    {
        private static readonly HeldObservation Nothing = new(ImmutableHashSet<LockKey>.Empty, ImmutableHashSet<LockKey>.Empty);

        private readonly GuardedMembers _guards;
        private readonly CancellationToken _cancellationToken;
        private readonly SharedStateObserver? _observer;
        private readonly HashSet<SyntaxNode>? _unknown;

        public HeldLookup(GuardedMembers guards, CancellationToken cancellationToken, SharedStateObserver? observer = null, HashSet<SyntaxNode>? unknown = null)
        {
            _guards = guards;
            _cancellationToken = cancellationToken;
            _observer = observer;
            _unknown = unknown;
        }

        public bool FlowRan => _observer is not null;

        /// <summary>What is held at the node; null when it is unknown (the engine gave up on its body).</summary>
        public HeldObservation? At(SyntaxNode syntax)
        {
            if (_observer is not null && _observer.Observations.TryGetValue(syntax, out var observation))
            {
                return observation;
            }

            return IsUnknown(syntax) ? null : Nothing;
        }

        public bool IsUnknown(SyntaxNode syntax) => _unknown is not null && _unknown.Contains(syntax);

        public LockFamily? FamilyOf(LockKey key) => _observer is not null && _observer.Families.TryGetValue(key, out var family) ? family : null;

        /// <summary>Some lock that keeps other threads out is held here (or the engine cannot tell: then no report).</summary>
        public bool IsProtected(SyntaxNode syntax)
        {
            if (_observer is null)
            {
                return false;
            }

            if (At(syntax) is not { } observation)
            {
                return true;
            }

            if (observation.May.IsEmpty)
            {
                return false; // most nodes: no enumerator to rent for an empty immutable set
            }

            foreach (var key in observation.May)
            {
                // A semaphore with several slots lets several threads in: it protects nothing.
                if (FamilyOf(key) is { } family && LockFamilyTraits.IsCounting(family) && _guards.IsKnownMultiSlot(key.Symbol, _cancellationToken))
                {
                    continue;
                }

                return true;
            }

            return false;
        }
    }

    // ------------------------------------------------------------------ LS5001: gathering

    private static void GatherConcurrency(OperationBlockAnalysisContext context, SharedStateScan scan, HeldLookup held, CompilationState state)
    {
        var cancellationToken = context.CancellationToken;
        var owner = scan.Owner;

        // Most members start nothing and update no captured variable: what only those need is made when first needed.
        var consumed = scan.Entries.Count == 0 ? null : new HashSet<SyntaxNode>();

        // Lambdas handed to a start API are thread bodies; resolve them all first (a lambda inside one is not "plain").
        var resolved = new List<(ConcurrencyEntry Entry, BlockFunction Enclosing, FunctionId Target, Receiver Receiver)>(scan.Entries.Count);
        foreach (var (entry, enclosing) in scan.Entries)
        {
            if (ResolveBody(entry.Body, enclosing, scan, consumed!, state, cancellationToken) is { } target)
            {
                resolved.Add((entry, enclosing, target.Target, target.Receiver));
            }
        }

        var blockSources = new List<BlockSource>(resolved.Count);
        foreach (var (entry, enclosing, target, receiver) in resolved)
        {
            var inLoop = !entry.WaitedAtOnce && IsInLoop(entry.Start.Syntax, enclosing.Syntax);
            var description = entry.Api + (inLoop ? " in a loop" : string.Empty) + " in " + Display(owner);
            var source = new ConcurrencySource(
                target,
                receiver,
                enclosing.HasThis ? owner.ContainingType : null,
                entry.RunsManyAtOnce || inLoop ? 2 : 1,
                enclosing.Id,
                enclosing.IsLambda && !enclosing.IsEntryTarget,
                entry.WaitedAtOnce,
                description,
                entry.Start.Syntax);
            blockSources.Add(new BlockSource(source, entry.Start.Syntax, entry.RunsManyAtOnce, enclosing));
        }

        // Calls, and lambdas or method groups used as plain delegates (run by whoever receives them, assumed at once).
        var edges = new List<CallEdge>(scan.Calls.Count + scan.DelegateUses.Count);
        foreach (var (call, target, caller) in scan.Calls)
        {
            if (FunctionId.ForMethod(target, cancellationToken) is not { } callee)
            {
                continue;
            }

            var receiver = call is IObjectCreationOperation ? Receiver.Fresh
                : target.MethodKind == MethodKind.LocalFunction ? (caller.HasThis ? Receiver.This : Receiver.None)
                : target.IsStatic ? Receiver.None
                : ReceiverOf(((IInvocationOperation)call).Instance, caller, shareOwnVariables: false, cancellationToken);
            edges.Add(new CallEdge(caller.Id, callee, receiver, held.IsProtected(call.Syntax)));
        }

        foreach (var (creation, enclosing) in scan.DelegateUses)
        {
            if (consumed is not null && consumed.Contains(creation.Syntax))
            {
                continue;
            }

            switch (SharedStateScan.Strip(creation.Target))
            {
                case IAnonymousFunctionOperation lambda when scan.FunctionAt(lambda.Syntax) is { } function:
                    edges.Add(new CallEdge(enclosing.Id, function.Id, function.HasThis ? Receiver.This : Receiver.None, held.IsProtected(creation.Syntax)));
                    break;
                case IMethodReferenceOperation reference when FunctionId.ForMethod(reference.Method, cancellationToken) is { } method && SharedStateScan.IsInSource(reference.Method, state.Compilation):
                    var receiver = reference.Method.MethodKind == MethodKind.LocalFunction ? (enclosing.HasThis ? Receiver.This : Receiver.None)
                        : reference.Method.IsStatic ? Receiver.None
                        : ReceiverOf(reference.Instance, enclosing, shareOwnVariables: false, cancellationToken);
                    edges.Add(new CallEdge(enclosing.Id, method, receiver, held.IsProtected(creation.Syntax)));
                    break;
            }
        }

        state.Graph.AddEdges(edges);

        // Read-modify-writes: fields go to the compilation-wide graph, captured variables are decided here.
        List<VariableUpdateSite>? variableSites = null;
        List<FieldUpdateSite>? fieldSites = null;
        Dictionary<ISymbol, List<LockHint>>? variableHints = null;
        HashSet<ISymbol>? sharedVariables = null;
        foreach (var source in blockSources)
        {
            if (source.Source.Receiver.Kind == ReceiverKind.Variable)
            {
                (sharedVariables ??= new(SymbolEqualityComparer.Default)).Add(source.Source.Receiver.Symbol!);
            }
        }

        foreach (var edge in edges)
        {
            if (edge.Receiver.Kind == ReceiverKind.Variable)
            {
                (sharedVariables ??= new(SymbolEqualityComparer.Default)).Add(edge.Receiver.Symbol!);
            }
        }

        foreach (var (update, rawTarget, function) in scan.Updates)
        {
            if (update.IsImplicit)
            {
                continue;
            }

            var target = SharedStateScan.Strip(rawTarget);
            var isProtected = held.IsProtected(update.Syntax);
            switch (target)
            {
                // A [GuardedBy] field is LS5002's: it names the lock, and one mistake gets one report.
                case IFieldReferenceOperation field when IsSharedField(field.Field, state) && !(state.HasGuardedBy && state.Guards.GuardOf(field.Field) is not null):
                    Receiver receiver;
                    if (field.Field.IsStatic)
                    {
                        receiver = Receiver.None;
                    }
                    else
                    {
                        receiver = ReceiverOf(field.Instance, function, shareOwnVariables: false, cancellationToken);
                        if (receiver.Kind is ReceiverKind.Fresh or ReceiverKind.None
                            || (receiver.Kind == ReceiverKind.This && field.Field.ContainingType.IsValueType))
                        {
                            // A struct's own fields, or an object nobody else is known to see.
                            continue;
                        }

                        if (receiver.Kind == ReceiverKind.Variable)
                        {
                            (sharedVariables ??= new(SymbolEqualityComparer.Default)).Add(receiver.Symbol!);
                        }
                    }

                    (fieldSites ??= new()).Add(new FieldUpdateSite(function.Id, field.Field, receiver, isProtected, update.Syntax.GetLocation(), Describe(update, target, state)));
                    break;

                case ILocalReferenceOperation { Local: { IsRef: false } local } when !function.Declares(local, cancellationToken):
                    (variableSites ??= new()).Add(new VariableUpdateSite(local, function, isProtected, update.Syntax.GetLocation(), Describe(update, target, state)));
                    AddVariableHints(update.Syntax, local, held, variableHints ??= new(SymbolEqualityComparer.Default));
                    break;

                case IParameterReferenceOperation { Parameter: { RefKind: RefKind.None } parameter } when !function.Declares(parameter, cancellationToken):
                    (variableSites ??= new()).Add(new VariableUpdateSite(parameter, function, isProtected, update.Syntax.GetLocation(), Describe(update, target, state)));
                    AddVariableHints(update.Syntax, parameter, held, variableHints ??= new(SymbolEqualityComparer.Default));
                    break;
            }
        }

        if (fieldSites is not null)
        {
            state.Graph.AddSites(fieldSites);
        }

        // Which lock guards each field in this type (the fix wraps an unprotected update in it).
        if (held.FlowRan)
        {
            // References inside one lock region share one set of held locks: each field is looked at once per set.
            var seen = new List<(IFieldSymbol Field, ImmutableHashSet<LockKey> Held)>();
            List<(IFieldSymbol Field, LockHint Hint)>? hints = null;
            foreach (var reference in scan.FieldReferences)
            {
                if (!SymbolEqualityComparer.Default.Equals(reference.Field.ContainingType, owner.ContainingType) || held.At(reference.Syntax) is not { } observation
                    || observation.Must.IsEmpty || SharedStateScan.IsInNameOf(reference) || !AddNew(seen, reference.Field, observation.Must))
                {
                    continue;
                }

                foreach (var key in observation.Must)
                {
                    // Only locks the fix can name from the update's member: this type's own, or static ones.
                    if ((key.IsMemberOfThis || key.IsThis) && held.FamilyOf(key) is { } family && !LockFamilyTraits.IsCounting(family))
                    {
                        (hints ??= new()).Add((reference.Field, new LockHint(key, family)));
                    }
                }
            }

            if (hints is not null)
            {
                state.Graph.AddLockHints(hints);
            }
        }

        if (blockSources.Count == 0 && variableSites is null && sharedVariables is null)
        {
            // Nothing starts concurrent work here and no captured variable is updated: the compilation-wide part is recorded above.
            return;
        }

        var concurrency = new BlockConcurrency(blockSources, edges.Where(e => e.Callee.Value is SyntaxNode), cancellationToken);
        foreach (var variable in sharedVariables ?? SharedEmpty<HashSet<ISymbol>>.Instance)
        {
            var multipliers = concurrency.Multipliers(variable);
            foreach (var pair in multipliers)
            {
                pair.Key.Source.VariableMultipliers[variable] = pair.Value;
            }
        }

        foreach (var (site, sources) in concurrency.Races(variableSites ?? SharedEmpty<List<VariableUpdateSite>>.Instance))
        {
            var properties = PropertiesOf(site.Form);
            if (variableHints is not null && variableHints.TryGetValue(site.Variable, out var hints) && SingleHint(hints) is { } hint)
            {
                properties = WithLock(properties, hint, site.Variable.Name);
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.LS5001_UnsynchronizedCapturedReadModifyWrite,
                site.Location,
                properties,
                site.Variable.Name,
                site.Form.Verb,
                DescribeSources(sources),
                site.Form.Advice));
        }

        state.Graph.AddSources(blockSources.ConvertAll(source => source.Source));
    }

    /// <summary>
    /// Adds a (field, held set) pair unless it is there: the held set by identity (the engine shares one set across a
    /// region), the field by symbol. A member has a handful of such pairs, so a list is cheaper than hashing; past
    /// a hundred or so the pair is simply looked at again (the hint is the same, only the time differs).
    /// </summary>
    private static bool AddNew(List<(IFieldSymbol Field, ImmutableHashSet<LockKey> Held)> seen, IFieldSymbol field, ImmutableHashSet<LockKey> held)
    {
        if (seen.Count >= 128)
        {
            return true;
        }

        foreach (var (knownField, knownHeld) in seen)
        {
            if (ReferenceEquals(knownHeld, held) && SymbolEqualityComparer.Default.Equals(knownField, field))
            {
                return false;
            }
        }

        seen.Add((field, held));
        return true;
    }

    private static void AddVariableHints(SyntaxNode update, ISymbol variable, HeldLookup held, Dictionary<ISymbol, List<LockHint>> hints)
    {
        if (held.At(update) is not { } observation || observation.Must.IsEmpty)
        {
            return;
        }

        foreach (var key in observation.Must)
        {
            if (held.FamilyOf(key) is { } family && !LockFamilyTraits.IsCounting(family) && key.Receiver is null)
            {
                MultiMap.Add(hints, variable, new LockHint(key, family));
            }
        }
    }

    private static LockHint? SingleHint(List<LockHint> hints)
    {
        LockHint? single = null;
        foreach (var hint in hints)
        {
            if (single is null)
            {
                single = hint;
            }
            else if (!single.Value.Key.IsSameObject(hint.Key))
            {
                return null;
            }
        }

        return single;
    }

    private static ImmutableDictionary<string, string?> WithLock(ImmutableDictionary<string, string?> properties, LockHint hint, string guarded)
    {
        var key = hint.Key;
        if (key.Receiver is not null || key.Symbol.Name == guarded)
        {
            return properties;
        }

        properties = properties
            .SetItem(LockMemberProperty, key.IsThis ? "this" : key.Symbol.Name)
            .SetItem(LockFamilyProperty, hint.Family.ToString());
        return key.Mode is LockMode.Write or LockMode.Read ? properties.SetItem(LockModeProperty, "Write") : properties;
    }

    /// <summary>The body a start runs: a lambda, a method group (with the object it runs on), or a delegate local set once to one of them.</summary>
    private static (FunctionId Target, Receiver Receiver)? ResolveBody(IOperation body, BlockFunction enclosing, SharedStateScan scan, HashSet<SyntaxNode> consumed, CompilationState state, CancellationToken cancellationToken)
    {
        var current = SharedStateScan.Strip(body);
        for (var depth = 0; depth < 4 && current is not null; depth++)
        {
            switch (current)
            {
                case ILocalReferenceOperation local when scan.TryGetDelegateLocal(local.Local, out var initializer):
                    current = SharedStateScan.Strip(initializer);
                    continue;
                case IDelegateCreationOperation creation:
                    consumed.Add(creation.Syntax);
                    current = SharedStateScan.Strip(creation.Target);
                    continue;
                case IAnonymousFunctionOperation lambda when scan.FunctionAt(lambda.Syntax) is { } function:
                    function.IsEntryTarget = true;
                    return (function.Id, function.HasThis ? Receiver.This : Receiver.None);
                case IMethodReferenceOperation reference when SharedStateScan.IsInSource(reference.Method, state.Compilation) && FunctionId.ForMethod(reference.Method, cancellationToken) is { } method:
                    if (method.Value is SyntaxNode localFunction && scan.FunctionAt(localFunction) is { } started)
                    {
                        started.IsEntryTarget = true;
                    }

                    var receiver = reference.Method.MethodKind == MethodKind.LocalFunction ? (enclosing.HasThis ? Receiver.This : Receiver.None)
                        : reference.Method.IsStatic ? Receiver.None
                        : ReceiverOf(reference.Instance, enclosing, shareOwnVariables: true, cancellationToken);
                    return (method, receiver);
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>
    /// The object an instance operation works on, seen from <paramref name="function"/>. A variable the
    /// function declares itself is its own (a fresh object per run) unless <paramref name="shareOwnVariables"/>:
    /// the receiver of a started method group is shared by every start through the same variable.
    /// </summary>
    private static Receiver ReceiverOf(IOperation? instance, BlockFunction function, bool shareOwnVariables, CancellationToken cancellationToken)
    {
        switch (SharedStateScan.Strip(instance))
        {
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                return Receiver.This;
            case IFieldReferenceOperation { Field.IsStatic: true } staticField:
                return new Receiver(ReceiverKind.StaticField, staticField.Field);
            case IFieldReferenceOperation field when SharedStateScan.Strip(field.Instance) is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                return IsThreadLocal(field.Field) ? Receiver.Fresh : new Receiver(ReceiverKind.FieldOfThis, field.Field);
            case ILocalReferenceOperation { Local: { IsRef: false } local }:
                return shareOwnVariables || !function.Declares(local, cancellationToken) ? new Receiver(ReceiverKind.Variable, local) : Receiver.Fresh;
            case IParameterReferenceOperation { Parameter: { RefKind: RefKind.None } parameter }:
                return shareOwnVariables || !function.Declares(parameter, cancellationToken) ? new Receiver(ReceiverKind.Variable, parameter) : Receiver.Fresh;
            default:
                return Receiver.Fresh;
        }
    }

    /// <summary>A field that threads share: not constant, not read-only, not <c>[ThreadStatic]</c>.</summary>
    private static bool IsSharedField(IFieldSymbol field, CompilationState state)
    {
        if (field.IsConst || field.IsReadOnly || IsThreadLocal(field))
        {
            return false;
        }

        var threadStatic = state.Catalog.Types.ThreadStaticAttribute;
        foreach (var attribute in field.GetAttributes())
        {
            if (threadStatic is not null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, threadStatic))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A <c>ThreadLocal&lt;T&gt;</c> or <c>AsyncLocal&lt;T&gt;</c>: each thread has its own value.</summary>
    private static bool IsThreadLocal(IFieldSymbol field)
        => field.Type is INamedTypeSymbol { Name: "ThreadLocal" or "AsyncLocal", ContainingNamespace: { } ns } && ns.ToDisplayString() == "System.Threading";

    private static bool IsInLoop(SyntaxNode start, SyntaxNode? function)
    {
        SyntaxNode child = start;
        for (var node = start.Parent; node is not null && node != function; child = node, node = node.Parent)
        {
            if (node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax)
            {
                return false;
            }

            if (BlockConcurrency.IsRepeatedPart(node, child))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What the message says about an update, what to use instead, and what the Interlocked fix needs.</summary>
    private static UpdateForm Describe(IOperation update, IOperation? target, CompilationState state)
    {
        var verb = update is IIncrementOrDecrementOperation increment
            ? (increment.Kind == OperationKind.Increment ? "incremented" : "decremented")
            : "updated";
        return InterlockedForm(update, target, state.Catalog.Types.Interlocked) is { } form
            ? new UpdateForm(verb, form.Method, form.Negate)
            : new UpdateForm(verb, null, negate: false);
    }

    /// <summary>The code fix's properties for an update (the Interlocked form), built only for a reported site.</summary>
    private static ImmutableDictionary<string, string?> PropertiesOf(UpdateForm form)
    {
        var properties = ImmutableDictionary<string, string?>.Empty;
        if (form.InterlockedMethod is { } method)
        {
            properties = properties.Add(InterlockedProperty, method);
            if (form.Negate)
            {
                properties = properties.Add(NegateProperty, "true");
            }
        }

        return properties;
    }

    /// <summary>
    /// The Interlocked call that does the same update atomically, where the type and operator allow:
    /// <c>x++</c>/<c>x--</c> (as a statement, or prefix), <c>x += n</c>/<c>x -= n</c>, <c>x = x + n</c> as a
    /// statement, <c>x |= m</c>/<c>x &amp;= m</c> as a statement. No compare-exchange loops.
    /// </summary>
    internal static (string Method, bool Negate)? InterlockedForm(IOperation update, IOperation? target, INamedTypeSymbol? interlocked)
    {
        if (interlocked is null || target is not (IFieldReferenceOperation or ILocalReferenceOperation or IParameterReferenceOperation) || target.Type is not { } type)
        {
            return null;
        }

        var statement = update.Parent is IExpressionStatementOperation;
        (string Method, bool Negate)? form = null;
        IOperation? amount = null;
        switch (update)
        {
            case IIncrementOrDecrementOperation increment when (statement || !increment.IsPostfix) && !increment.IsChecked:
                form = (increment.Kind == OperationKind.Increment ? "Increment" : "Decrement", false);
                break;
            case ICompoundAssignmentOperation compound when !compound.IsChecked && compound.InConversion.IsIdentity && compound.OutConversion.IsIdentity:
                amount = compound.Value;
                form = compound.OperatorKind switch
                {
                    BinaryOperatorKind.Add => ("Add", false),
                    BinaryOperatorKind.Subtract => ("Add", true),
                    BinaryOperatorKind.Or when statement => ("Or", false),
                    BinaryOperatorKind.And when statement => ("And", false),
                    _ => null,
                };
                break;
            case ISimpleAssignmentOperation { Value: IBinaryOperation { IsChecked: false } binary } when statement:
                if (binary.OperatorKind == BinaryOperatorKind.Add && SharedStateScan.SameLocation(SharedStateScan.Strip(binary.LeftOperand)!, target))
                {
                    amount = binary.RightOperand;
                    form = ("Add", false);
                }
                else if (binary.OperatorKind == BinaryOperatorKind.Add && SharedStateScan.SameLocation(SharedStateScan.Strip(binary.RightOperand)!, target))
                {
                    amount = binary.LeftOperand;
                    form = ("Add", false);
                }
                else if (binary.OperatorKind == BinaryOperatorKind.Subtract && SharedStateScan.SameLocation(SharedStateScan.Strip(binary.LeftOperand)!, target))
                {
                    amount = binary.RightOperand;
                    form = ("Add", true);
                }

                break;
        }

        if (form is null)
        {
            return null;
        }

        // Unsigned amounts cannot be negated into an Add.
        if (form.Value.Negate && type.SpecialType is SpecialType.System_UInt32 or SpecialType.System_UInt64)
        {
            return null;
        }

        if (amount is not null && amount.Type is { } amountType && !SymbolEqualityComparer.Default.Equals(amountType, type)
            && !(amount.ConstantValue.HasValue && amount is IConversionOperation { Conversion.IsImplicit: true }))
        {
            return null;
        }

        foreach (var member in interlocked.GetMembers(form.Value.Method))
        {
            if (member is IMethodSymbol { Parameters.Length: >= 1 } method
                && method.Parameters[0].RefKind == RefKind.Ref
                && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, type)
                && (method.Parameters.Length == 1) == form.Value.Method is "Increment" or "Decrement")
            {
                return form;
            }
        }

        return null;
    }

    /// <summary>"Parallel.For in Program.Main", or two of them joined with "and".</summary>
    private static string DescribeSources(IReadOnlyList<ConcurrencySource> sources)
    {
        var descriptions = sources.Select(s => s.Description).Distinct(StringComparer.Ordinal).OrderBy(d => d, StringComparer.Ordinal).ToList();
        return descriptions.Count switch
        {
            0 => "started elsewhere",
            1 => descriptions[0],
            2 => descriptions[0] + " and " + descriptions[1],
            _ => descriptions[0] + ", " + descriptions[1] + " and " + (descriptions.Count - 2) + " more",
        };
    }

    /// <summary>How a message names the member a start or access is written in.</summary>
    internal static string Display(ISymbol owner)
    {
        if (owner is IMethodSymbol method)
        {
            if (method.Name == "<Main>$")
            {
                return "the top-level statements";
            }

            return method.MethodKind switch
            {
                MethodKind.Constructor or MethodKind.StaticConstructor => "the " + method.ContainingType.Name + " constructor",
                MethodKind.PropertyGet or MethodKind.PropertySet when method.AssociatedSymbol is { } property => method.ContainingType.Name + "." + property.Name,
                _ => method.ContainingType.Name + "." + method.Name,
            };
        }

        return owner.ContainingType is null ? owner.Name : owner.ContainingType.Name + "." + owner.Name;
    }

    // ------------------------------------------------------------------ LS5002

    private static void CheckGuardedAccesses(OperationBlockAnalysisContext context, SharedStateScan scan, HeldLookup held, CompilationState state)
    {
        if (!held.FlowRan || IsExempt(scan.Owner))
        {
            return;
        }

        var ownerMethod = scan.Owner as IMethodSymbol;
        var deferrable = ownerMethod is not null && IsHelper(ownerMethod);
        var reported = new HashSet<(SyntaxNode, LockKey)>();

        // Writes first, so a statement that reads and writes the same field reports the write.
        foreach (var access in scan.GuardedAccesses.OrderByDescending(a => a.IsWrite).ThenBy(a => a.Reference.Syntax.SpanStart))
        {
            if (access.Reference.IsImplicit || NamesGuardInAnnotation(ownerMethod, access.Guard))
            {
                continue;
            }

            var instance = access.Reference switch
            {
                IFieldReferenceOperation field => field.Instance,
                IPropertyReferenceOperation property => property.Instance,
                _ => null,
            };
            if (RequiredKey(access, instance) is not { } required || held.At(access.Reference.Syntax) is not { } observation)
            {
                continue;
            }

            // A thread body (or code nested in one) runs without its creator's locks, and without its creator's callers'.
            var onAnotherThread = RunsOnAnotherThread(access.Function);
            if (Holds(observation.Must, required, access.IsWrite)
                || (!onAnotherThread && CoveredWhereCreated(access.Function, required, access.IsWrite, scan, held, depth: 0)))
            {
                continue;
            }

            var statement = StatementOf(access.Reference.Syntax);
            if (!reported.Add((statement, required)))
            {
                continue;
            }

            var lockDisplay = LockDisplay(required, access.Guard);
            var memberDisplay = MemberDisplay(access.Reference);
            var properties = GuardProperties(access, required, state);
            if (deferrable && !onAnotherThread && required.Receiver is null)
            {
                // A private or internal helper: fine if every call of it holds the lock; decided when every call is known.
                // Some of its calls may hold the lock already, so the fix may only take it again when it is reentrant.
                if (!IsReentrant(properties))
                {
                    properties = properties.Remove(LockMemberProperty);
                }

                state.Helpers.AddDeferred(new DeferredGuardedAccess(ownerMethod!, required, access.IsWrite, access.Reference.Syntax.GetLocation(), memberDisplay, lockDisplay, properties));
                continue;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                access.IsWrite ? Descriptors.LS5002_GuardedFieldWrittenWithoutLock : Descriptors.LS5002_GuardedFieldReadWithoutLock,
                access.Reference.Syntax.GetLocation(),
                properties,
                memberDisplay,
                lockDisplay));
        }
    }

    /// <summary>The function, or one it is nested in, is handed to an API that runs it on another thread.</summary>
    private static bool RunsOnAnotherThread(BlockFunction function)
    {
        for (var current = function; current is not null; current = current.Parent)
        {
            if (current.IsEntryTarget)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsReentrant(ImmutableDictionary<string, string?> properties)
        => properties.TryGetValue(LockFamilyProperty, out var family)
           && family is nameof(LockFamily.Monitor) or nameof(LockFamily.SystemLock) or nameof(LockFamily.LockstepRLock) or nameof(LockFamily.Mutex);

    /// <summary>
    /// Where the guard does not apply: constructors and finalizers (the object is not shared yet, or
    /// any more), <c>Dispose</c> (the object is being torn down; same reasoning as a finalizer), and
    /// field or property initializers.
    /// </summary>
    private static bool IsExempt(ISymbol owner)
    {
        if (owner is not IMethodSymbol method)
        {
            return true;
        }

        return method.MethodKind is MethodKind.Constructor or MethodKind.StaticConstructor or MethodKind.Destructor
            || (method.Name == "Dispose" && (method.Parameters.Length == 0 || (method.Parameters.Length == 1 && method.Parameters[0].Type.SpecialType == SpecialType.System_Boolean)))
            || (method.Name == "DisposeAsync" && method.Parameters.Length == 0);
    }

    /// <summary>A method callers inside the compilation only can reach: whether it needs the lock itself is decided by its calls.</summary>
    private static bool IsHelper(IMethodSymbol method)
        => method.MethodKind == MethodKind.Ordinary
           && method.Name is not ("Main" or "<Main>$")
           && method.DeclaredAccessibility is Accessibility.Private or Accessibility.Internal or Accessibility.ProtectedAndInternal
           && method.ExplicitInterfaceImplementations.IsEmpty
           && !method.IsOverride && !method.IsVirtual && !method.IsAbstract;

    /// <summary>The method is itself the acquire or release of that lock (<c>[Acquires(nameof(_gate))]</c>): it touches the state on purpose.</summary>
    private static bool NamesGuardInAnnotation(IMethodSymbol? method, GuardInfo guard)
    {
        if (method is null)
        {
            return false;
        }

        foreach (var attribute in method.GetAttributes())
        {
            var name = attribute.AttributeClass?.ToDisplayString();
            if (name is not (HandOff.AcquiresAttribute or HandOff.ReleasesAttribute))
            {
                continue;
            }

            var named = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
            if (named == guard.Name || (named is null && guard.IsThis))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The lock the access needs: the guard member on the same object as the access (<c>other._count</c> needs <c>other._gate</c>).</summary>
    private static LockKey? RequiredKey(GuardedAccess access, IOperation? instance)
    {
        if (access.Guard.IsThis)
        {
            return instance is null ? null : LockKey.Resolve(instance, LockMode.Exclusive, NoCaptures);
        }

        var operation = new LockOperation(LockOpKind.Acquire, LockFamily.Annotated, LockMode.Exclusive, instance, mayFail: false, takenFlag: null, returnsScope: false, access.Guard.LockMember);
        return LockKey.For(operation, NoCaptures);
    }

    /// <summary>A held lock is the required one: same object, and for a write not just a reader-writer lock's read side.</summary>
    internal static bool Holds(IEnumerable<LockKey> held, LockKey required, bool write)
    {
        foreach (var key in held)
        {
            var sameObject = required.IsThis ? key.IsThis : key.IsSameObject(required);
            if (sameObject && (!write || key.Mode is LockMode.Exclusive or LockMode.Write))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// An access in a lambda or local function: its own graph holds nothing even when the enclosing code
    /// runs it synchronously under the lock (<c>lock (_gate) { _items.RemoveAll(i => i.Id == _current); }</c>),
    /// so it counts as held when every place the lambda is created, or the local function used, holds it.
    /// </summary>
    private static bool CoveredWhereCreated(BlockFunction function, LockKey required, bool write, SharedStateScan scan, HeldLookup held, int depth)
    {
        if (function.Syntax is null || function.Parent is null || depth > 8)
        {
            return false;
        }

        var uses = new List<(SyntaxNode Syntax, BlockFunction Where)>();
        if (function.IsLambda)
        {
            foreach (var (creation, enclosing) in scan.DelegateUses)
            {
                if (SharedStateScan.Strip(creation.Target)?.Syntax == function.Syntax)
                {
                    uses.Add((creation.Syntax, enclosing));
                }
            }
        }
        else
        {
            foreach (var (call, target, caller) in scan.Calls)
            {
                if (target.MethodKind == MethodKind.LocalFunction && target.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() == function.Syntax)
                {
                    uses.Add((call.Syntax, caller));
                }
            }

            foreach (var (creation, enclosing) in scan.DelegateUses)
            {
                if (SharedStateScan.Strip(creation.Target) is IMethodReferenceOperation reference
                    && reference.Method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() == function.Syntax)
                {
                    uses.Add((creation.Syntax, enclosing));
                }
            }
        }

        if (uses.Count == 0)
        {
            return false;
        }

        foreach (var (syntax, where) in uses)
        {
            // Unknown (the engine gave up on the enclosing body) counts as held: no report on a guess.
            var covered = held.At(syntax) is not { } observation || Holds(observation.Must, required, write);
            if (!covered && !CoveredWhereCreated(where, required, write, scan, held, depth + 1))
            {
                return false;
            }
        }

        return true;
    }

    private static SyntaxNode StatementOf(SyntaxNode node)
        => (SyntaxNode?)node.FirstAncestorOrSelf<StatementSyntax>() ?? node.FirstAncestorOrSelf<ArrowExpressionClauseSyntax>() ?? node;

    private static string LockDisplay(LockKey required, GuardInfo guard)
        => required.IsThis ? (required.Symbol is ITypeSymbol ? "this" : required.Symbol.Name)
            : required.Receiver is null ? guard.Name : required.Receiver.Name + "." + guard.Name;

    private static string MemberDisplay(IOperation reference)
    {
        var (member, instance) = reference switch
        {
            IFieldReferenceOperation field => ((ISymbol)field.Field, field.Instance),
            IPropertyReferenceOperation property => (property.Property, property.Instance),
            _ => (null!, null),
        };
        return SharedStateScan.Strip(instance) switch
        {
            ILocalReferenceOperation local => local.Local.Name + "." + member.Name,
            IParameterReferenceOperation parameter => parameter.Parameter.Name + "." + member.Name,
            _ => member.Name,
        };
    }

    private static ImmutableDictionary<string, string?> GuardProperties(GuardedAccess access, LockKey required, CompilationState state)
    {
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(AccessProperty, access.IsWrite ? "Write" : "Read")
            .Add(LockMemberProperty, access.Guard.IsThis ? "this" : access.Guard.Name);
        var lockType = access.Guard.LockMember switch
        {
            IFieldSymbol field => field.Type,
            IPropertySymbol property => property.Type,
            _ => null,
        };
        if (access.Guard.IsThis)
        {
            return properties.Add(LockFamilyProperty, nameof(LockFamily.Monitor));
        }

        if (state.Catalog.TryGetFamily(lockType, out var family))
        {
            properties = properties.Add(LockFamilyProperty, family.ToString());
            if (family == LockFamily.ReaderWriterLockSlim)
            {
                properties = properties.Add(LockModeProperty, access.IsWrite ? "Write" : "Read");
            }
        }
        else if (lockType is { IsReferenceType: true })
        {
            properties = properties.Add(LockFamilyProperty, nameof(LockFamily.Monitor));
        }

        return properties;
    }

    /// <summary>Every call of a private or internal method, with the locks held there: LS5002 in helpers is decided on them.</summary>
    private static void RecordHelperCalls(SharedStateScan scan, HeldLookup held, CompilationState state)
    {
        foreach (var (call, target, caller) in scan.Calls)
        {
            if (call is not IInvocationOperation invocation || !IsHelper(target))
            {
                continue;
            }

            var observation = held.At(call.Syntax);
            var receiver = CallReceiverSymbol(invocation.Instance, out var onThis);

            // A call on the object under construction (or being torn down) needs no lock, like the constructor itself.
            var exempt = onThis && caller == scan.Top && IsExempt(scan.Owner);
            state.Helpers.AddCall(new HelperCall(
                target.OriginalDefinition,
                caller == scan.Top ? scan.Owner as IMethodSymbol : null,
                receiver,
                onThis || target.IsStatic,
                observation?.Must ?? ImmutableHashSet<LockKey>.Empty,
                unknown: exempt || observation is null,
                asDelegate: false,
                Display(scan.Owner),
                call.Syntax.GetLocation()));
        }

        foreach (var (creation, _) in scan.DelegateUses)
        {
            if (SharedStateScan.Strip(creation.Target) is IMethodReferenceOperation { Method: { } method } && IsHelper(method))
            {
                state.Helpers.AddCall(new HelperCall(method.OriginalDefinition, null, null, onThis: false, ImmutableHashSet<LockKey>.Empty, unknown: false, asDelegate: true, Display(scan.Owner), creation.Syntax.GetLocation()));
            }
        }
    }

    private static ISymbol? CallReceiverSymbol(IOperation? instance, out bool onThis)
    {
        onThis = false;
        switch (SharedStateScan.Strip(instance))
        {
            case null:
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                onThis = true;
                return null;
            case ILocalReferenceOperation local:
                return local.Local;
            case IParameterReferenceOperation parameter:
                return parameter.Parameter;
            default:
                return null;
        }
    }

    // ------------------------------------------------------------------ compilation end

    [MethodImpl(Jit.OncePerCompilation)]
    private static void ReportAtEnd(CompilationAnalysisContext context, CompilationState state)
    {
        foreach (var (site, sources) in state.Graph.Resolve(context.CancellationToken))
        {
            var properties = PropertiesOf(site.Form);
            if ((site.Field.IsStatic || site.Receiver.Kind == ReceiverKind.This) && state.Graph.SingleGuard(site.Field) is { } hint
                && (!site.Field.IsStatic || hint.Key.Symbol.IsStatic))
            {
                properties = WithLock(properties, hint, site.Field.Name);
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.LS5001_UnsynchronizedReadModifyWrite,
                site.Location,
                properties,
                site.Field.Name,
                site.Form.Verb,
                DescribeSources(sources),
                site.Form.Advice));
        }

        foreach (var (access, why) in state.Helpers.Resolve(context.CancellationToken))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                access.IsWrite ? Descriptors.LS5002_GuardedFieldWrittenInHelperWithoutLock : Descriptors.LS5002_GuardedFieldReadInHelperWithoutLock,
                access.Location,
                access.Properties,
                access.MemberDisplay,
                access.LockDisplay,
                why));
        }
    }
}
