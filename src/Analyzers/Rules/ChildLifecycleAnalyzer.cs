using System.Collections.Immutable;
using System.Globalization;
using Lockstep.Analyzers.Catalog;
using Lockstep.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Rules;

/// <summary>
/// LS4001–LS4005: the lifecycle of workers, child processes, threads and pool work items. A child is
/// created, started once, maybe terminated, and joined; each rule is one question about that
/// typestate, put to the shared flow engine as an acquire/release pairing over the child's variable.
/// <code>
/// var p = Process.Start(psi);
/// if (!p.WaitForExit(5000))
/// {
///     p.Kill();          // LS4001: the return below leaves while p may still be running
///     return false;
/// }
/// </code>
/// Good: <c>p.Kill(); p.WaitForExit(); return false;</c>.
/// A child that escapes (returned, stored, passed on, captured by a lambda) ends the local reasoning:
/// whoever got it may join it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ChildLifecycleAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property (LS4001, LS4003): the member that waits for the child (<c>Join</c>, <c>JoinAsync</c>, <c>WaitForExit</c>, <c>WaitForExitAsync</c>).</summary>
    public const string JoinMethodProperty = "JoinMethod";

    /// <summary>Diagnostic property (LS4005): how the submission is waited for (<c>Await</c>, <c>Result</c>, <c>Wait</c>, <c>GetResult</c>).</summary>
    public const string WaitFormProperty = "WaitForm";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.LS4001_TerminatedChildNotJoined,
        Descriptors.LS4002_DaemonSetAfterStart,
        Descriptors.LS4003_StartedChildNeverJoined,
        Descriptors.LS4004_ChildStartedTwice,
        Descriptors.LS4004_ChildJoinedUnstarted,
        Descriptors.LS4005_SubmitAndWaitInLoop);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (!SourceVocabulary.Mentions(start.Compilation, Concern.Children, start.CancellationToken))
            {
                return; // the source names nothing this analyzer looks at
            }

            var catalog = LifecycleCatalog.For(start.Compilation);
            if (catalog.Types.Task is null && catalog.HasNoChildTypes)
            {
                return;
            }

            var members = SourceVocabulary.MemberGateFor(start.Compilation, Concern.Children | Concern.Concurrency, start.CancellationToken);
            start.RegisterOperationBlockAction(block =>
            {
                if (members.Skips(block.OperationBlocks, block.CancellationToken))
                {
                    return; // the member names no child and nothing that starts or submits one
                }

                // Cheap pre-check: which lifecycle calls the body makes decides which engine runs it needs.
                var index = BlockIndex.For(block);
                var scan = new BodyScan();
                foreach (var invocation in index.Invocations)
                {
                    var call = catalog.Classify(invocation);
                    switch (call.Kind)
                    {
                        case LifecycleCallKind.Start:
                        case LifecycleCallKind.StartFactory:
                            scan.AddStart(InLoop(invocation.Syntax));
                            break;
                        case LifecycleCallKind.Terminate:
                            scan.Terminates = true;
                            break;
                        case LifecycleCallKind.Join:
                            scan.Joins = true;
                            break;
                        default:
                            // The classification first: a method group of the context is a new delegate (and a boxed context) per call.
                            if (catalog.ClassifySubmit(invocation) is var submit && submit != SubmitKind.None)
                            {
                                SubmitAndWait.Analyze(block.ReportDiagnostic, block.CancellationToken, invocation, submit, catalog);
                            }

                            break;
                    }
                }

                foreach (var creation in index.ObjectCreations)
                {
                    if (catalog.TryGetChildKind(creation.Type, out _))
                    {
                        scan.Creates = true;
                        break;
                    }
                }

                foreach (var assignment in index.SimpleAssignments)
                {
                    if (assignment.Target is IPropertyReferenceOperation property
                        && catalog.IsDaemonFlag(property.Property, out var kind) && kind == ChildKind.Lockstep)
                    {
                        scan.SetsDaemon = true;
                        break;
                    }
                }

                if (scan.NeedsFlow && !IsStartedThenJoined(block, index, catalog, scan))
                {
                    AnalyzeBodies(block, catalog, scan);
                }
            });
        });
    }

    private static void AnalyzeBodies(OperationBlockAnalysisContext context, LifecycleCatalog catalog, BodyScan scan)
    {
        if (context.OperationBlocks.FirstOrDefault()?.Syntax is { } syntax && IsBeingTyped(syntax, context.CancellationToken))
        {
            return;
        }

        BodyFacts? facts = null;
        foreach (var body in FlowBodies.Collect(context))
        {
            var cancellationToken = context.CancellationToken;
            if (scan.Terminates && LockFlowAnalysis.Analyze(body.Graph, catalog.Termination, observer: null, cancellationToken) is { } terminated)
            {
                facts ??= BodyFacts.Build(context, catalog);
                ReportTerminatedNotJoined(context, terminated, facts);
            }

            if ((scan.Starts > 0 || (scan.Joins && scan.Creates)) && LockFlowAnalysis.Analyze(body.Graph, catalog.StartToJoin, observer: null, cancellationToken) is { } started)
            {
                facts ??= BodyFacts.Build(context, catalog);
                ReportNeverJoined(context, started, facts);
                ReportJoinedUnstarted(context, started, facts);
            }

            if (scan.Starts > 1 || scan.StartsInLoop || (scan.Starts > 0 && scan.SetsDaemon))
            {
                var observer = scan.SetsDaemon ? new DaemonObserver(body.Graph, catalog) : null;
                if (LockFlowAnalysis.Analyze(body.Graph, catalog.Starts, observer, cancellationToken) is { } starts)
                {
                    facts ??= BodyFacts.Build(context, catalog);
                    ReportStartedTwice(context, starts, facts);
                    if (observer is not null)
                    {
                        ReportDaemonAfterStart(context, starts, observer, facts);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The common shape that needs no graph: one child local, started once by a statement of the body's
    /// own block and joined by later statements of that block, not reassigned after the start, with no
    /// other start, join or terminate in the member. Then it is joined (no LS4003), never joined before
    /// it was started (no LS4004) and started once (no repeat), whatever lies between.
    /// </summary>
    private static bool IsStartedThenJoined(OperationBlockAnalysisContext context, BlockIndex index, LifecycleCatalog catalog, BodyScan scan)
    {
        if (scan.Starts != 1 || scan.StartsInLoop || scan.Terminates || scan.SetsDaemon || !scan.Joins)
        {
            return false;
        }

        IBlockOperation? body = null;
        foreach (var block in context.OperationBlocks)
        {
            switch (block)
            {
                case IMethodBodyOperation { BlockBody: { } blockBody, ExpressionBody: null } when body is null:
                    body = blockBody;
                    break;
                case IBlockOperation blockBody when body is null:
                    body = blockBody;
                    break;
                case IMethodBodyOperation or IConstructorBodyOperation or IBlockOperation:
                    return false;
            }
        }

        if (body is null)
        {
            return false;
        }

        ILocalSymbol? child = null;
        var startStatement = -1;
        var joins = 0;
        // The member's calls, from the index every rule shares (the member's other blocks included, so a lifecycle
        // call there is not in this block and rules the shortcut out).
        foreach (var invocation in index.Invocations)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var call = catalog.Classify(invocation);
            if (call.Kind == LifecycleCallKind.None)
            {
                continue;
            }

            // Only `local.Start();` and `local.Join();` / `await local.JoinAsync();` as statements of the body's own block.
            if (call.Kind is not (LifecycleCallKind.Start or LifecycleCallKind.Join)
                || invocation.Instance is not ILocalReferenceOperation { Local: var local }
                || (child is not null && !SymbolEqualityComparer.Default.Equals(child, local))
                || StatementIndex(invocation, body) is not { } position)
            {
                return false;
            }

            child = local;
            if (call.Kind == LifecycleCallKind.Start)
            {
                startStatement = position;
            }
            else if (startStatement < 0 || position <= startStatement)
            {
                return false;
            }
            else
            {
                joins++;
            }
        }

        if (child is null || startStatement < 0 || joins == 0)
        {
            return false;
        }

        // Not pointed at another child after the start.
        foreach (var assignment in index.SimpleAssignments)
        {
            if (assignment.Target is ILocalReferenceOperation target
                && SymbolEqualityComparer.Default.Equals(target.Local, child) && assignment.Syntax.SpanStart > body.Operations[startStatement].Syntax.SpanStart)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The index in <paramref name="block"/> of the expression statement that is <paramref name="invocation"/> (awaited or not).</summary>
    private static int? StatementIndex(IInvocationOperation invocation, IBlockOperation block)
    {
        var parent = invocation.Parent;
        if (parent is IAwaitOperation awaited)
        {
            parent = awaited.Parent;
        }

        if (parent is IExpressionStatementOperation statement && ReferenceEquals(statement.Parent, block))
        {
            var index = block.Operations.IndexOf(statement);
            return index >= 0 ? index : null;
        }

        return null;
    }

    // ---------------------------------------------------------------- LS4001

    private static void ReportTerminatedNotJoined(OperationBlockAnalysisContext context, LockFlowResult result, BodyFacts facts)
    {
        var reported = new HashSet<LockKey>();
        foreach (var site in Leaks(result))
        {
            if (site.IsImplicit || !result.Sites.TryGetValue(site, out var info) || !result.IsFollowed(info.Key) || reported.Contains(info.Key)
                || site is not IInvocationOperation invocation)
            {
                continue;
            }

            var key = info.Key;
            var waitedHere = result.ReleasedKeys.Contains(key);
            if (!IsOwnedForTermination(key, waitedHere, facts, context.CancellationToken)
                || facts.IsPolledInLoop(key)
                || facts.IsCleanupAfterFullWait(site.Syntax, key)
                || facts.IsWaitLeftToCaller(key, site.Syntax)
                || !facts.IsFeasibleAgainst(site.Syntax, facts.JoinsOf(key)))
            {
                continue;
            }

            reported.Add(key);
            var kind = facts.Catalog.TryGetChildKind(invocation.Instance?.Type, out var childKind) ? childKind : ChildKind.Lockstep;
            var join = kind == ChildKind.Process ? "WaitForExit" : "Join";
            var verb = invocation.TargetMethod.Name == "Kill" ? "killed" : "terminated";
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.LS4001_TerminatedChildNotJoined,
                site.Syntax.GetLocation(),
                ImmutableDictionary<string, string?>.Empty.Add(JoinMethodProperty, join),
                key.DisplayName,
                verb,
                DescribeExit(site, result),
                join + "()"));
        }
    }

    /// <summary>
    /// Whose job is it to wait for the child? A local's, always. A parameter's or a property's only when
    /// this method waits for it on some path (it shows the method owns the wait). A private field's when
    /// this method waits on some path, or when no member of the type ever waits for it or hands it on.
    /// </summary>
    private static bool IsOwnedForTermination(LockKey key, bool waitedHere, BodyFacts facts, CancellationToken cancellationToken)
    {
        switch (key.Symbol)
        {
            case ILocalSymbol local when key.Receiver is null:
                // A local of an enclosing method, terminated in a lambda: that method owns the wait. A process looked up by id
                // or name was started by someone else: killing it is not ending a child of this code, and nothing here reaps it.
                return !facts.IsIterationVariable(local)
                    && !(facts.TryGetLocal(local, out var localFacts) && (localFacts.IsCaptured || (localFacts.LookedUpOnly && localFacts.Writes > 0)));
            case IFieldSymbol field when key.Receiver is null && !key.IsThis:
                return waitedHere || !FieldIsWaitedOrHandedOn(field, cancellationToken);
            default:
                return waitedHere;
        }
    }

    // ---------------------------------------------------------------- LS4003

    private static void ReportNeverJoined(OperationBlockAnalysisContext context, LockFlowResult result, BodyFacts facts)
    {
        var reported = new HashSet<IOperation>();
        foreach (var site in Leaks(result))
        {
            // Never joined at all, or dropped outright by an assignment further down the same path.
            var droppedByAssignment = result.ReboundWhileHeld.TryGetValue(site, out var rebind) && rebind.Syntax.SpanStart > site.Syntax.SpanStart;
            if (site.IsImplicit || !reported.Add(site) || !result.Sites.TryGetValue(site, out var info) || !result.IsFollowed(info.Key)
                || (result.ReleasedKeys.Contains(info.Key) && !droppedByAssignment)
                || info.Key.Receiver is not null || info.Key.Symbol is not ILocalSymbol local
                || !facts.TryGetLocal(local, out var localFacts)
                || !localFacts.CreatedHere || localFacts.IsIteration || localFacts.IsCaptured || localFacts.IsDaemon || localFacts.IsTerminated
                || facts.IsPolledInLoop(info.Key)
                || localFacts.Kind is not (ChildKind.Lockstep or ChildKind.Thread))
            {
                continue;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.LS4003_StartedChildNeverJoined,
                site.Syntax.GetLocation(),
                ImmutableDictionary<string, string?>.Empty.Add(JoinMethodProperty, "Join"),
                info.Key.DisplayName,
                DescribeExit(site, result)));
        }
    }

    // ---------------------------------------------------------------- LS4004

    private static void ReportJoinedUnstarted(OperationBlockAnalysisContext context, LockFlowResult result, BodyFacts facts)
    {
        foreach (var pair in result.ReleasesNotHeld.OrderBy(p => p.Key.Syntax.SpanStart))
        {
            var (key, _, exceptional) = pair.Value;
            if (exceptional || pair.Key.IsImplicit || pair.Key is not IInvocationOperation join || !result.IsFollowed(key)
                || key.Receiver is not null || key.Symbol is not ILocalSymbol local
                || !facts.TryGetLocal(local, out var localFacts) || !localFacts.InitializedWithNewOnly || localFacts.IsCaptured
                || !facts.IsFeasibleAgainst(join.Syntax, facts.StartsOf(key), key.Symbol.Name)
                || facts.IsGuardedByStateOf(join.Syntax, key.Symbol.Name)
                || InLoop(join.Syntax)
                || facts.JoinsOf(key).Any(other => other.SpanStart < join.Syntax.SpanStart))
            {
                // (A join also ends the "started" state of this run, so a second join, or a join a loop
                // reaches again, finds nothing held without the child being unstarted.)
                continue;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.LS4004_ChildJoinedUnstarted,
                join.Syntax.GetLocation(),
                key.DisplayName,
                join.TargetMethod.Name + "()"));
        }
    }

    private static void ReportStartedTwice(OperationBlockAnalysisContext context, LockFlowResult result, BodyFacts facts)
    {
        foreach (var pair in result.AcquiredWhileHeld.OrderBy(p => p.Key.Syntax.SpanStart))
        {
            var site = pair.Key;
            var holder = pair.Value;
            if (site.IsImplicit || !result.Sites.TryGetValue(site, out var info) || !facts.HasStableIdentity(info.Key)
                || facts.IsGuardedByStateOf(site.Syntax, info.Key.Symbol.Name))
            {
                continue;
            }

            string previous;
            if (ReferenceEquals(site, holder))
            {
                // The loop's next pass starts the same object again: only when nothing inside the loop makes the start conditional.
                if (!facts.IsUnconditionalInLoop(site.Syntax))
                {
                    continue;
                }

                previous = "by the previous pass of the loop";
            }
            else
            {
                if (!facts.IsFeasibleAgainst(site.Syntax, new[] { holder.Syntax }, info.Key.Symbol.Name))
                {
                    continue;
                }

                previous = "at line " + Line(holder.Syntax);
            }

            context.ReportDiagnostic(Diagnostic.Create(Descriptors.LS4004_ChildStartedTwice, site.Syntax.GetLocation(), info.Key.DisplayName, previous));
        }
    }

    // ---------------------------------------------------------------- LS4002

    private static void ReportDaemonAfterStart(OperationBlockAnalysisContext context, LockFlowResult result, DaemonObserver observer, BodyFacts facts)
    {
        foreach (var (assignment, key, sites) in observer.Found.OrderBy(f => f.Assignment.Syntax.SpanStart))
        {
            if (assignment.IsImplicit || !facts.HasStableIdentity(key) || facts.IsGuardedByStateOf(assignment.Syntax, key.Symbol.Name))
            {
                continue;
            }

            var starts = sites.Where(s => result.Sites.TryGetValue(s, out var info) && info.Key.Equals(key)).ToList();
            if (starts.Count == 0 || !starts.Any(s => facts.IsFeasibleAgainst(assignment.Syntax, new[] { s.Syntax }, key.Symbol.Name)))
            {
                continue;
            }

            var start = starts.OrderBy(s => s.Syntax.SpanStart).First();
            var statement = assignment.Syntax.AncestorsAndSelf().OfType<StatementSyntax>().FirstOrDefault();
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.LS4002_DaemonSetAfterStart,
                (statement ?? assignment.Syntax).GetLocation(),
                additionalLocations: starts.Count == 1 ? new[] { start.Syntax.GetLocation() } : null,
                key.DisplayName,
                Line(start.Syntax)));
        }
    }

    /// <summary>Sees each <c>IsDaemon</c> assignment with the starts held there.</summary>
    private sealed class DaemonObserver : ILockFlowObserver
    {
        private readonly LifecycleCatalog _catalog;
        private readonly Dictionary<CaptureId, IOperation> _captures = new();

        public DaemonObserver(ControlFlowGraph graph, LifecycleCatalog catalog)
        {
            _catalog = catalog;
            foreach (var block in graph.Blocks)
            {
                foreach (var operation in block.Operations)
                {
                    foreach (var capture in operation.DescendantsAndSelf().OfType<IFlowCaptureOperation>())
                    {
                        _captures[capture.Id] = capture.Value;
                    }
                }
            }
        }

        public List<(IOperation Assignment, LockKey Key, ImmutableArray<IOperation> Sites)> Found { get; } = new();

        public bool WantsOperation(IOperation operation)
            => operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property }
               && _catalog.IsDaemonFlag(property.Property, out var kind) && kind == ChildKind.Lockstep;

        public void OnAcquire(AcquireSite site, HeldLocks before)
        {
        }

        public void OnOperation(IOperation operation, HeldLocks held)
        {
            if (operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property }
                && LockKey.Resolve(property.Instance, LockMode.Exclusive, _captures) is { } key
                && held.May.Contains(key)
                && !Found.Any(f => ReferenceEquals(f.Assignment, operation)))
            {
                Found.Add((operation, key, held.Sites));
            }
        }
    }

    // ---------------------------------------------------------------- shared

    /// <summary>Acquires still held where the path leaves the body, loops back to them, or rebinds their variable.</summary>
    private static IEnumerable<IOperation> Leaks(LockFlowResult result)
        => result.NormalExitLeaks.Keys.Concat(result.LoopLeaks).Concat(result.ReboundWhileHeld.Keys).Distinct().OrderBy(s => s.Syntax.SpanStart);

    private static string DescribeExit(IOperation site, LockFlowResult result)
    {
        if (result.ReboundWhileHeld.TryGetValue(site, out var assignment))
        {
            // Assigned again before the site: the loop's next pass replaces it.
            return assignment.Syntax.SpanStart < site.Syntax.SpanStart
                ? "the next pass of the loop"
                : "the assignment at line " + Line(assignment.Syntax);
        }

        return result.NormalExitLeaks.TryGetValue(site, out var exit) ? exit : "the next pass of the loop";
    }

    /// <summary>
    /// The file does not parse: no report until it does. A missing brace elsewhere can turn the rest of
    /// a method into a local function, so the body's own syntax is not enough to tell.
    /// </summary>
    private static bool IsBeingTyped(SyntaxNode node, CancellationToken cancellationToken) => FlowBodies.HasSyntaxErrors(node.SyntaxTree, cancellationToken);

    private static string Line(SyntaxNode node)
        => (node.GetLocation().GetLineSpan().StartLinePosition.Line + 1).ToString(CultureInfo.InvariantCulture);

    private static bool InLoop(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case WhileStatementSyntax:
                case DoStatementSyntax:
                case ForStatementSyntax:
                case CommonForEachStatementSyntax:
                    return true;
                case AnonymousFunctionExpressionSyntax:
                case LocalFunctionStatementSyntax:
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// A private field that no member of its type waits for and none hands on (returns, passes, stores
    /// elsewhere) is terminated with nobody to join it. A syntax scan of the type, run only for a
    /// would-be diagnostic; any doubt (a member of the same name, a non-private field) counts as handed on.
    /// </summary>
    private static bool FieldIsWaitedOrHandedOn(IFieldSymbol field, CancellationToken cancellationToken)
    {
        if (field.DeclaredAccessibility != Accessibility.Private || field.ContainingType is not { } type)
        {
            return true;
        }

        foreach (var declaration in field.DeclaringSyntaxReferences)
        {
            if (declaration.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer.Value: { } initial } && !IsCreation(initial))
            {
                return true;
            }
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var identifier in reference.GetSyntax(cancellationToken).DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText != field.Name)
                {
                    continue;
                }

                SyntaxNode use = identifier;
                if (use.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } qualified && qualified.Name == use)
                {
                    use = qualified;
                }

                switch (use.Parent)
                {
                    case MemberAccessExpressionSyntax access when access.Expression == use:
                        if (IsWaitName(access.Name.Identifier.ValueText))
                        {
                            return true;
                        }

                        continue;
                    case ConditionalAccessExpressionSyntax conditional when conditional.Expression == use:
                        if (conditional.WhenNotNull is InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } && IsWaitName(binding.Name.Identifier.ValueText))
                        {
                            return true;
                        }

                        continue;
                    case AssignmentExpressionSyntax assignment when assignment.Left == use:
                        if (!IsCreation(assignment.Right))
                        {
                            // Handed in (`_child = child;`): whoever made it may join it.
                            return true;
                        }

                        continue;
                    case ArgumentSyntax { Parent.Parent: InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } } }:
                        continue;
                    default:
                        return true;
                }
            }
        }

        return false;
    }

    /// <summary>A child made here: <c>new Worker(…)</c>, <c>new(…)</c>, <c>ChildProcess.Start(…)</c>, <c>Process.Start(…)</c>.</summary>
    private static bool IsCreation(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression })
        {
            expression = expression is ParenthesizedExpressionSyntax parenthesized ? parenthesized.Expression : ((PostfixUnaryExpressionSyntax)expression).Operand;
        }

        return expression is BaseObjectCreationExpressionSyntax
            || expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Start" } };
    }

    private static bool IsWaitName(string name) => name is "Join" or "JoinAsync" or "WaitForExit" or "WaitForExitAsync";

    /// <summary>Which engine runs a body needs, from a scan of its calls.</summary>
    private sealed class BodyScan
    {
        private int _starts;

        public int Starts => Volatile.Read(ref _starts);
        public bool StartsInLoop { get; private set; }
        public bool Terminates { get; set; }
        public bool Joins { get; set; }
        public bool Creates { get; set; }
        public bool SetsDaemon { get; set; }

        public bool NeedsFlow => Terminates || Starts > 0 || (Joins && Creates);

        public void AddStart(bool inLoop)
        {
            Interlocked.Increment(ref _starts);
            if (inLoop)
            {
                StartsInLoop = true;
            }
        }
    }

    /// <summary>
    /// What the whole operation block says about each child variable, from one walk over its
    /// operation tree: how each local is assigned, whether a lambda captures it or a call takes it by
    /// reference, the daemon flag, and where it is started, terminated, waited for or polled.
    /// </summary>
    private sealed class BodyFacts
    {

        private readonly Dictionary<ILocalSymbol, LocalFacts> _locals = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _captured = new(SymbolEqualityComparer.Default);
        private readonly HashSet<ISymbol> _byReference = new(SymbolEqualityComparer.Default);
        private readonly Dictionary<LockKey, List<SyntaxNode>> _starts = new();
        private readonly Dictionary<LockKey, List<IInvocationOperation>> _joins = new();
        private readonly HashSet<LockKey> _polled = new();

        private BodyFacts(LifecycleCatalog catalog) => Catalog = catalog;

        public LifecycleCatalog Catalog { get; }

        public static BodyFacts Build(OperationBlockAnalysisContext context, LifecycleCatalog catalog)
        {
            var facts = new BodyFacts(catalog);
            foreach (var block in context.OperationBlocks)
            {
                foreach (var operation in block.DescendantsAndSelf())
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    facts.Visit(operation);
                }
            }

            return facts;
        }

        public bool TryGetLocal(ILocalSymbol local, out LocalFacts facts)
        {
            if (_locals.TryGetValue(local, out var found))
            {
                found.IsCaptured = _captured.Contains(local) || _byReference.Contains(local);
                facts = found;
                return true;
            }

            facts = null!;
            return false;
        }

        public bool IsIterationVariable(ILocalSymbol local) => _locals.TryGetValue(local, out var found) && found.IsIteration;

        public IReadOnlyList<SyntaxNode> StartsOf(LockKey key) => _starts.TryGetValue(key, out var list) ? list : Array.Empty<SyntaxNode>();

        public IReadOnlyList<SyntaxNode> JoinsOf(LockKey key) => _joins.TryGetValue(key, out var list) ? list.Select(j => j.Syntax).ToList() : Array.Empty<SyntaxNode>();

        /// <summary>
        /// <c>try { …; p.WaitForExit(); } finally { if (!p.HasExited) p.Kill(); }</c>: the try waits for the
        /// child without a timeout, so the kill runs only when an exception cut that wait short; the
        /// normal path the engine finds through it (the state test is not followed) does not exist.
        /// </summary>
        public bool IsCleanupAfterFullWait(SyntaxNode terminate, LockKey key)
        {
            var finallyClause = terminate.FirstAncestorOrSelf<FinallyClauseSyntax>();
            if (finallyClause?.Parent is not TryStatementSyntax tryStatement
                || !ConditionalScopes(terminate).Any(scope => finallyClause.Span.Contains(scope.Span) && TestsStateOf(Decider(scope), key.Symbol.Name))
                || !_joins.TryGetValue(key, out var joins))
            {
                return false;
            }

            return joins.Any(join => tryStatement.Block.Span.Contains(join.Syntax.Span) && !Catalog.Classify(join).IsTimed);
        }

        /// <summary>A loop whose condition reads <c>HasExited</c>/<c>IsAlive</c> of the child waits for it by polling.</summary>
        public bool IsPolledInLoop(LockKey key) => _polled.Contains(key);

        /// <summary>
        /// Every wait for the child is guarded by a <c>bool</c> parameter that does not also decide the
        /// terminate: the caller chooses whether to wait (<c>Stop(bool wait)</c>).
        /// </summary>
        public bool IsWaitLeftToCaller(LockKey key, SyntaxNode terminate)
        {
            if (!_joins.TryGetValue(key, out var joins) || joins.Count == 0)
            {
                return false;
            }

            foreach (var join in joins)
            {
                var guarded = false;
                for (IOperation? current = join, parent = join.Parent; parent is not null; current = parent, parent = parent.Parent)
                {
                    if (parent is IConditionalOperation conditional && !ReferenceEquals(conditional.Condition, current)
                        && !conditional.Syntax.Span.Contains(terminate.Span)
                        && conditional.Condition.DescendantsAndSelf().OfType<IParameterReferenceOperation>().Any(p => p.Parameter.Type.SpecialType == SpecialType.System_Boolean))
                    {
                        guarded = true;
                        break;
                    }
                }

                if (!guarded)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The variable names one object for the whole body: a field of this instance or a static one,
        /// or a local or parameter that no lambda captures and no call takes by reference.
        /// </summary>
        public bool HasStableIdentity(LockKey key)
        {
            if (key.Receiver is not null || key.IsThis)
            {
                return false;
            }

            return key.Symbol switch
            {
                IFieldSymbol => true,
                ILocalSymbol or IParameterSymbol => !_captured.Contains(key.Symbol) && !_byReference.Contains(key.Symbol),
                _ => false,
            };
        }

        /// <summary>
        /// The engine remembers booleans, not other conditions: a path it finds through two branches of
        /// different statements whose conditions are correlated some other way (<c>if (n &gt; 0)</c> twice)
        /// may not exist. Trust it for each pair where one side runs under no condition the other lacks, or
        /// where every such condition on both sides is the same statement (the two branches of one <c>if</c>).
        /// </summary>
        /// <remarks>
        /// With <paramref name="stateOf"/>, a branch decided by a test of that child's own state
        /// (<c>if (!w.IsAlive) w.Start();</c>, <c>w?.Join()</c>) is not trusted either: the engine does not follow it.
        /// </remarks>
        public bool IsFeasibleAgainst(SyntaxNode node, IReadOnlyList<SyntaxNode> others, string? stateOf = null)
        {
            foreach (var other in others)
            {
                var mine = PrivateScopes(node, other);
                var theirs = PrivateScopes(other, node);
                if (stateOf is not null && mine.Concat(theirs).Any(scope => TestsStateOf(Decider(scope), stateOf)))
                {
                    return false;
                }

                if (mine.Count == 0 || theirs.Count == 0)
                {
                    continue;
                }

                var decider = Decider(mine[0]);
                if (mine.Concat(theirs).Any(scope => Decider(scope) != decider))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The node runs only after a test of the child's own state (<c>if (w.IsAlive)</c>, <c>w?.Join()</c>).</summary>
        public bool IsGuardedByStateOf(SyntaxNode node, string name) => ConditionalScopes(node).Any(scope => TestsStateOf(Decider(scope), name));

        private static bool TestsStateOf(SyntaxNode decider, string name)
        {
            SyntaxNode? condition = decider switch
            {
                IfStatementSyntax ifStatement => ifStatement.Condition,
                WhileStatementSyntax whileStatement => whileStatement.Condition,
                ForStatementSyntax forStatement => forStatement.Condition,
                ConditionalExpressionSyntax conditional => conditional.Condition,
                SwitchStatementSyntax switchStatement => switchStatement.Expression,
                SwitchExpressionSyntax switchExpression => switchExpression.GoverningExpression,
                BinaryExpressionSyntax binary => binary.Left,
                ConditionalAccessExpressionSyntax access => access.Expression,
                _ => null,
            };

            return condition is not null && condition.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == name);
        }

        private static List<SyntaxNode> PrivateScopes(SyntaxNode node, SyntaxNode other)
            => ConditionalScopes(node).Where(scope => !scope.Span.Contains(other.Span)).ToList();

        /// <summary>The statement or expression whose condition decides whether a scope runs.</summary>
        private static SyntaxNode Decider(SyntaxNode scope) => scope.Parent switch
        {
            ElseClauseSyntax { Parent: { } ifStatement } => ifStatement,
            SwitchSectionSyntax { Parent: { } switchStatement } => switchStatement,
            SwitchExpressionArmSyntax { Parent: { } switchExpression } => switchExpression,
            CatchClauseSyntax { Parent: { } tryStatement } => tryStatement,
            { } parent => parent,
            null => scope,
        };

        /// <summary>Nothing between the start and its innermost loop's body makes it conditional.</summary>
        public bool IsUnconditionalInLoop(SyntaxNode node)
        {
            var loop = node.Ancestors().FirstOrDefault(a => a is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax);
            if (loop is null)
            {
                return false;
            }

            foreach (var scope in ConditionalScopes(node))
            {
                if (loop.Span.Contains(scope.Span) && scope.Parent != loop)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The syntax nodes around <paramref name="node"/> that run only on some paths: branches, loop bodies, catch blocks, right operands of short-circuits.</summary>
        private static IEnumerable<SyntaxNode> ConditionalScopes(SyntaxNode node)
        {
            for (SyntaxNode? current = node, parent = node.Parent; parent is not null; current = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case IfStatementSyntax ifStatement when ifStatement.Statement == current:
                    case ElseClauseSyntax:
                    case SwitchSectionSyntax:
                    case SwitchExpressionArmSyntax:
                    case CatchClauseSyntax:
                    case ConditionalExpressionSyntax conditional when conditional.Condition != current:
                    case BinaryExpressionSyntax binary when binary.Right == current && binary.Kind() is SyntaxKind.LogicalAndExpression or SyntaxKind.LogicalOrExpression or SyntaxKind.CoalesceExpression:
                    case AssignmentExpressionSyntax coalesce when coalesce.Right == current && coalesce.IsKind(SyntaxKind.CoalesceAssignmentExpression):
                    case ConditionalAccessExpressionSyntax access when access.WhenNotNull == current:
                    case WhileStatementSyntax:
                    case ForStatementSyntax:
                    case CommonForEachStatementSyntax when current is StatementSyntax:
                        yield return current;
                        break;
                    case AnonymousFunctionExpressionSyntax:
                    case LocalFunctionStatementSyntax:
                    case MemberDeclarationSyntax:
                        yield break;
                }
            }
        }

        private void Visit(IOperation operation)
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator:
                    RecordWrite(declarator.Symbol, declarator.Initializer?.Value ?? declarator.GetVariableInitializer()?.Value, isIteration: operation.Parent is IForEachLoopOperation or IVariableDeclarationOperation { Parent: IForEachLoopOperation }, isDeclaration: true);
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment:
                    RecordWrite(local.Local, assignment.Value, isIteration: false);
                    break;
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment when Catalog.IsDaemonFlag(property.Property, out _):
                    if (assignment.Value.ConstantValue is not { HasValue: true, Value: false })
                    {
                        MarkDaemon(property.Instance);
                    }

                    break;
                case IInvocationOperation invocation:
                    RecordCall(invocation);
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when SymbolOf(argument.Value) is { } passed:
                    _byReference.Add(passed);
                    break;
                case IDeconstructionAssignmentOperation deconstruction:
                    foreach (var target in deconstruction.Target.DescendantsAndSelf())
                    {
                        if (SymbolOf(target) is ILocalSymbol written)
                        {
                            RecordWrite(written, value: null, isIteration: false);
                        }
                    }

                    break;
                case ICompoundAssignmentOperation { Target: ILocalReferenceOperation compound }:
                    RecordWrite(compound.Local, value: null, isIteration: false);
                    break;
                case ILocalReferenceOperation reference when IsCapture(reference, reference.Local):
                    _captured.Add(reference.Local);
                    break;
                case IParameterReferenceOperation reference when IsCapture(reference, reference.Parameter):
                    _captured.Add(reference.Parameter);
                    break;
                case IPropertyReferenceOperation { Property.Name: "HasExited" or "IsAlive" } state when IsInLoopCondition(state)
                    && LockKey.Resolve(state.Instance, LockMode.Exclusive, LockKey.NoCaptures) is { } polled:
                    _polled.Add(polled);
                    break;
            }

            if (operation is IForEachLoopOperation forEach)
            {
                foreach (var local in forEach.Locals)
                {
                    var facts = Facts(local);
                    facts.IsIteration = true;
                    facts.CreatedHere = false;
                    facts.InitializedWithNewOnly = false;
                }
            }
        }

        private void RecordCall(IInvocationOperation invocation)
        {
            var call = Catalog.Classify(invocation);
            if (call.Kind == LifecycleCallKind.None)
            {
                return;
            }

            var target = call.Target;
            if (call.Kind == LifecycleCallKind.StartFactory && target is null)
            {
                // In the operation tree `var p = Process.Start(…)` is a declarator, not an assignment.
                var current = (IOperation)invocation;
                while (current.Parent is IConversionOperation)
                {
                    current = current.Parent;
                }

                if (current.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
                {
                    MultiMap.Add(_starts, new LockKey(declarator.Symbol, null, LockMode.Exclusive), invocation.Syntax);
                }

                return;
            }

            if (LockKey.Resolve(target, LockMode.Exclusive, LockKey.NoCaptures) is not { } key)
            {
                return;
            }

            switch (call.Kind)
            {
                case LifecycleCallKind.Start:
                case LifecycleCallKind.StartFactory:
                    MultiMap.Add(_starts, key, invocation.Syntax);
                    break;
                case LifecycleCallKind.Join:
                    MultiMap.Add(_joins, key, invocation);
                    break;
                case LifecycleCallKind.Terminate when key.Symbol is ILocalSymbol terminated && key.Receiver is null:
                    Facts(terminated).IsTerminated = true;
                    break;
            }
        }

        private void RecordWrite(ILocalSymbol local, IOperation? value, bool isIteration, bool isDeclaration = false)
        {
            var facts = Facts(local);
            if (isIteration)
            {
                facts.IsIteration = true;
                facts.CreatedHere = false;
                facts.InitializedWithNewOnly = false;
            }

            if (value is null)
            {
                // A declaration without a value writes nothing; a deconstruction or compound assignment writes something unknown.
                facts.LookedUpOnly &= isDeclaration;
                return;
            }

            var stripped = value;
            while (stripped is IConversionOperation conversion)
            {
                stripped = conversion.Operand;
            }

            facts.LookedUpOnly &= IsProcessLookup(stripped);

            var created = stripped is IObjectCreationOperation creation && Catalog.TryGetChildKind(creation.Type, out _);
            var factory = stripped is IInvocationOperation invocation && Catalog.Classify(invocation).Kind == LifecycleCallKind.StartFactory;
            if (Catalog.TryGetChildKind(stripped.Type, out var kind))
            {
                facts.Kind = kind;
            }

            facts.CreatedHere &= created || factory;
            facts.InitializedWithNewOnly &= created && facts.Writes == 0;
            facts.Writes++;
            if (stripped is IObjectCreationOperation { Initializer: { } initializer }
                && initializer.Initializers.OfType<ISimpleAssignmentOperation>().Any(i => i.Target is IPropertyReferenceOperation p && Catalog.IsDaemonFlag(p.Property, out _)
                    && i.Value.ConstantValue is not { HasValue: true, Value: false }))
            {
                facts.IsDaemon = true;
            }
        }

        /// <summary>
        /// <c>Process.GetProcessById(…)</c>, <c>Process.GetCurrentProcess()</c>, an element of <c>Process.GetProcessesByName(…)</c>:
        /// a process this code found, not one it started.
        /// </summary>
        private bool IsProcessLookup(IOperation value)
        {
            if (value is IArrayElementReferenceOperation element)
            {
                value = element.ArrayReference;
                while (value is IConversionOperation conversion)
                {
                    value = conversion.Operand;
                }

                if (value is ILocalReferenceOperation array)
                {
                    // `var found = Process.GetProcessesByName(name); var first = found[0];` (the array's writes come first).
                    return _locals.TryGetValue(array.Local, out var arrayFacts) && arrayFacts.LookedUpOnly && arrayFacts.Writes > 0;
                }
            }

            return value is IInvocationOperation { TargetMethod: { IsStatic: true, Name: "GetProcessById" or "GetProcessesByName" or "GetProcesses" or "GetCurrentProcess" } method }
                && Catalog.TryGetChildKind(method.ContainingType, out var kind) && kind == ChildKind.Process;
        }

        private void MarkDaemon(IOperation? instance)
        {
            if (instance is ILocalReferenceOperation local)
            {
                Facts(local.Local).IsDaemon = true;
            }
        }

        private LocalFacts Facts(ILocalSymbol local)
        {
            if (!_locals.TryGetValue(local, out var facts))
            {
                facts = new LocalFacts();
                _locals[local] = facts;
            }

            return facts;
        }

        private static ISymbol? SymbolOf(IOperation operation) => operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            _ => null,
        };

        /// <summary>A reference from inside a lambda or local function to a variable declared outside it.</summary>
        private static bool IsCapture(IOperation reference, ISymbol variable)
        {
            var declaration = variable.DeclaringSyntaxReferences.FirstOrDefault();
            if (declaration is null)
            {
                return false;
            }

            foreach (var ancestor in reference.Syntax.Ancestors())
            {
                if (ancestor is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                {
                    return !ancestor.Span.Contains(declaration.Span) || ancestor.SyntaxTree != declaration.SyntaxTree;
                }

                if (ancestor is MemberDeclarationSyntax)
                {
                    return false;
                }
            }

            return false;
        }

        private static bool IsInLoopCondition(IOperation operation)
        {
            for (IOperation? current = operation, parent = operation.Parent; parent is not null; current = parent, parent = parent.Parent)
            {
                if (parent is IWhileLoopOperation whileLoop && ReferenceEquals(whileLoop.Condition, current))
                {
                    return true;
                }

                if (parent is IForLoopOperation forLoop && ReferenceEquals(forLoop.Condition, current))
                {
                    return true;
                }

                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation or IBlockOperation)
                {
                    return false;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// LS4005: a work item submitted and waited for at once, inside a loop whose items could all have
    /// been submitted first. Reported only when nothing the next submission reads is written by the
    /// loop (the result of one item feeding the next is a real dependency), the loop cannot stop early
    /// on a result (break, return, throw), the work does not write shared state, and the loop does not
    /// pace itself (another await, a sleep, a progress report).
    /// </summary>
    private static class SubmitAndWait
    {
        private static readonly HashSet<string> Mutators = new(StringComparer.Ordinal)
        {
            "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "Clear", "Enqueue", "Push", "TryAdd", "Put", "Set",
        };

        /// <summary>A submit (<paramref name="kind"/>, never <see cref="SubmitKind.None"/>) waited for at once inside a loop.</summary>
        public static void Analyze(Action<Diagnostic> report, CancellationToken cancellationToken, IInvocationOperation submit, SubmitKind kind, LifecycleCatalog catalog)
        {
            if (WaitOf(submit) is not { } wait || LoopAround(wait.Operation) is not { } loop
                || IsBeingTyped(loop, cancellationToken) || !IsIndependent(loop, submit, catalog))
            {
                return;
            }

            var what = kind switch
            {
                SubmitKind.PoolSubmit => (submit.Instance?.Syntax.ToString() ?? "pool") + ".Submit(…)",
                SubmitKind.TaskRun => "Task.Run(…)",
                _ => "Task.Factory.StartNew(…)",
            };
            var how = wait.Form switch
            {
                "Await" => "await",
                "Result" => ".Result",
                "Wait" => ".Wait()",
                _ => ".GetAwaiter().GetResult()",
            };
            report(Diagnostic.Create(
                Descriptors.LS4005_SubmitAndWaitInLoop,
                wait.Operation.Syntax.GetLocation(),
                ImmutableDictionary<string, string?>.Empty.Add(WaitFormProperty, wait.Form),
                what,
                how));
        }

        private static bool IsBeingTyped(ILoopOperation loop, CancellationToken cancellationToken)
            => ChildLifecycleAnalyzer.IsBeingTyped(loop.Syntax, cancellationToken) || loop.DescendantsAndSelf().Any(o => o is IInvalidOperation);

        /// <summary>The operation that waits for the submission's task right away, and how.</summary>
        private static (IOperation Operation, string Form)? WaitOf(IInvocationOperation submit)
        {
            IOperation task = submit;
            if (task.Parent is IInvocationOperation configure && ReferenceEquals(LockKey.ConfiguredTask(configure, LockKey.NoCaptures), task))
            {
                task = configure;
            }

            switch (task.Parent)
            {
                case IAwaitOperation await:
                    return (await, "Await");
                case IPropertyReferenceOperation { Property.Name: "Result" } result when ReferenceEquals(result.Instance, task) && ReferenceEquals(task, submit):
                    return (result, "Result");
                case IInvocationOperation { TargetMethod.Name: "Wait" } waitCall when ReferenceEquals(waitCall.Instance, task) && ReferenceEquals(task, submit):
                    return (waitCall, "Wait");
                case IInvocationOperation { TargetMethod.Name: "GetAwaiter" } awaiter when ReferenceEquals(awaiter.Instance, task)
                    && awaiter.Parent is IInvocationOperation { TargetMethod.Name: "GetResult" } getResult && ReferenceEquals(getResult.Instance, awaiter):
                    return (getResult, "GetResult");
                default:
                    return null;
            }
        }

        /// <summary>The innermost loop whose body (not its condition or collection) runs the operation, within the same function.</summary>
        private static ILoopOperation? LoopAround(IOperation operation)
        {
            for (IOperation? current = operation, parent = operation.Parent; parent is not null; current = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case ILoopOperation loop:
                        return ReferenceEquals(loop.Body, current) ? loop : null;
                    case IAnonymousFunctionOperation:
                    case ILocalFunctionOperation:
                        return null;
                }
            }

            return null;
        }

        private static bool IsIndependent(ILoopOperation loop, IInvocationOperation submit, LifecycleCatalog catalog)
        {
            if (LeavesEarlyOrPaces(loop, catalog) || IsOpenEnded(loop) || ConditionWaitsForResult(loop, catalog))
            {
                return false;
            }

            var loopSpan = loop.Syntax.Span;
            var iteration = new HashSet<ISymbol>(loop.Locals, SymbolEqualityComparer.Default);
            var delegates = submit.Arguments.Select(a => a.Value).ToList();

            // What the loop writes that outlives one pass (declared outside it), and body locals computed from it.
            var carried = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var derived = new List<(ISymbol Target, IOperation Value)>();
            foreach (var operation in Descendants(loop))
            {
                if (delegates.Any(d => d.Syntax.Span.Contains(operation.Syntax.Span)))
                {
                    continue;
                }

                foreach (var written in Written(operation))
                {
                    if (!iteration.Contains(written) && !DeclaredWithin(written, loopSpan))
                    {
                        carried.Add(written);
                    }
                }

                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when declarator.GetVariableInitializer() is { } initializer:
                        derived.Add((declarator.Symbol, initializer.Value));
                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment when DeclaredWithin(local.Local, loopSpan):
                        derived.Add((local.Local, assignment.Value));
                        break;
                }
            }

            bool changed;
            do
            {
                changed = false;
                foreach (var (target, value) in derived)
                {
                    if (!carried.Contains(target) && Read(value).Any(carried.Contains))
                    {
                        carried.Add(target);
                        changed = true;
                    }
                }
            }
            while (changed);

            // The next submission reads something the loop changes: the items depend on each other.
            var reads = (submit.Instance is null ? Enumerable.Empty<ISymbol>() : Read(submit.Instance)).Concat(delegates.SelectMany(Read));
            if (reads.Any(carried.Contains))
            {
                return false;
            }

            // The work writes state outside itself: running the items together would race on it. (A call
            // to a method of this instance is not counted here: what it writes is not known, and most such
            // calls compute.)
            foreach (var argument in delegates)
            {
                foreach (var operation in argument.DescendantsAndSelf())
                {
                    foreach (var written in Written(operation, includeCallsOnThis: false))
                    {
                        if (!DeclaredWithin(written, argument.Syntax.Span))
                        {
                            return false;
                        }
                    }
                }
            }

            return true;
        }

        /// <summary>
        /// A loop over a stream that is not all there yet (a consuming enumerable, a channel, <c>await
        /// foreach</c>, <c>while (true)</c>, a loop until cancelled): a consumer that handles one item at a
        /// time cannot submit "everything" first.
        /// </summary>
        private static bool IsOpenEnded(ILoopOperation loop)
        {
            switch (loop)
            {
                case IForEachLoopOperation { IsAsynchronous: true }:
                    return true;
                case IForEachLoopOperation forEach:
                    var collection = forEach.Collection;
                    while (collection is IConversionOperation conversion)
                    {
                        collection = conversion.Operand;
                    }

                    return collection is IInvocationOperation { TargetMethod.Name: "GetConsumingEnumerable" or "Consume" or "ConsumeAsync" or "ReadAllAsync" };
                case IWhileLoopOperation { Condition: null }:
                case IForLoopOperation { Condition: null }:
                    return true;
                case IWhileLoopOperation { Condition: { } condition }:
                    return condition.ConstantValue is { HasValue: true, Value: true } || ReadsCancellation(condition);
                case IForLoopOperation { Condition: { } forCondition }:
                    return ReadsCancellation(forCondition);
                default:
                    return false;
            }
        }

        private static bool ReadsCancellation(IOperation condition)
            => condition.DescendantsAndSelf().Any(n => n is IPropertyReferenceOperation { Property.Name: "IsCancellationRequested" or "IsCompleted" or "IsAddingCompleted" });

        /// <summary>Whether the loop goes on depends on a result (<c>while (!done) done = await Task.Run(TryOnce);</c>).</summary>
        private static bool ConditionWaitsForResult(ILoopOperation loop, LifecycleCatalog catalog)
        {
            var condition = loop switch
            {
                IWhileLoopOperation whileLoop => whileLoop.Condition,
                IForLoopOperation forLoop => forLoop.Condition,
                _ => null,
            };
            if (condition is null)
            {
                return false;
            }

            var fromResult = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            var derived = new List<(ISymbol Target, IOperation Value)>();
            foreach (var operation in Descendants(loop.Body))
            {
                switch (operation)
                {
                    case IAssignmentOperation assignment:
                        derived.AddRange(Storage(assignment.Target).Select(target => (target, assignment.Value)));
                        break;
                    case IVariableDeclaratorOperation declarator when declarator.GetVariableInitializer() is { } initializer:
                        derived.Add((declarator.Symbol, initializer.Value));
                        break;
                    case IInvocationOperation { Instance: { } receiver } invocation when Mutators.Contains(invocation.TargetMethod.Name):
                        derived.AddRange(Storage(receiver).SelectMany(target => invocation.Arguments.Select(a => (target, (IOperation)a.Value))));
                        break;
                }
            }

            bool changed;
            do
            {
                changed = false;
                foreach (var (target, value) in derived)
                {
                    if (!fromResult.Contains(target)
                        && (value.DescendantsAndSelf().Any(v => IsWaitedSubmission(v, catalog)) || Read(value).Any(fromResult.Contains)))
                    {
                        fromResult.Add(target);
                        changed = true;
                    }
                }
            }
            while (changed);

            return Read(condition).Any(fromResult.Contains);
        }

        /// <summary>The loop can stop on a result (break, return, throw, goto, yield) or paces itself (another await, a sleep, a progress report).</summary>
        private static bool LeavesEarlyOrPaces(ILoopOperation loop, LifecycleCatalog catalog)
        {
            foreach (var operation in Descendants(loop.Body))
            {
                switch (operation)
                {
                    case IReturnOperation:
                    case IThrowOperation:
                        return true;
                    case IBranchOperation { BranchKind: BranchKind.Break } branch when !IsInnerTarget(branch, loop):
                        return true;
                    case IBranchOperation { BranchKind: BranchKind.GoTo }:
                        return true;
                    case IAwaitOperation await when !IsSubmission(await.Operation, catalog):
                        return true;
                    case IInvocationOperation { TargetMethod: { Name: "Sleep" or "Delay" or "Report" } method }
                        when method.ContainingType?.Name is "Thread" or "Task" or "IProgress" or "Progress":
                        return true;
                    case IAssignmentOperation assignment when IsMemberState(assignment.Target) && !assignment.Value.DescendantsAndSelf().Any(v => IsWaitedSubmission(v, catalog)):
                    case IIncrementOrDecrementOperation increment when IsMemberState(increment.Target):
                        // `status.Text = file;`, `progress.Value++;` per item: the loop shows its progress, one item at a time, on purpose.
                        return true;
                }
            }

            return false;
        }

        /// <summary>A field or a property (not an indexer, not a local): state others see change item by item.</summary>
        private static bool IsMemberState(IOperation target)
        {
            while (target is IConversionOperation conversion)
            {
                target = conversion.Operand;
            }

            return target is IFieldReferenceOperation or IPropertyReferenceOperation { Arguments.Length: 0 };
        }

        private static bool IsWaitedSubmission(IOperation operation, LifecycleCatalog catalog)
            => operation is IInvocationOperation invocation && catalog.ClassifySubmit(invocation) != SubmitKind.None && WaitOf(invocation) is not null;

        private static bool IsSubmission(IOperation operation, LifecycleCatalog catalog)
        {
            operation = LockKey.ConfiguredTask(operation, LockKey.NoCaptures) ?? operation;

            return operation is IInvocationOperation invocation && catalog.ClassifySubmit(invocation) != SubmitKind.None;
        }

        /// <summary>A break that ends a loop or switch nested inside <paramref name="loop"/>.</summary>
        private static bool IsInnerTarget(IBranchOperation branch, ILoopOperation loop)
        {
            for (var parent = branch.Parent; parent is not null && !ReferenceEquals(parent, loop); parent = parent.Parent)
            {
                if (parent is ILoopOperation or ISwitchOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The operations of a subtree that run as part of it (not the bodies of lambdas or local functions declared in it).</summary>
        private static IEnumerable<IOperation> Descendants(IOperation root)
        {
            var stack = new Stack<IOperation>();
            stack.Push(root);
            while (stack.Count > 0)
            {
                var current = stack.Pop();
                yield return current;
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation && !ReferenceEquals(current, root))
                {
                    continue;
                }

                foreach (var child in current.ChildOperations)
                {
                    stack.Push(child);
                }
            }
        }

        /// <summary>What an operation writes or may mutate: assignment targets, ref/out arguments, receivers of mutating calls.</summary>
        private static IEnumerable<ISymbol> Written(IOperation operation, bool includeCallsOnThis = true)
        {
            switch (operation)
            {
                case IAssignmentOperation { Target: IMemberReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } } }:
                    // A member of an object being initialized (`new Result { Size = n }`, `new { item }`): a new object, not shared state.
                    return Enumerable.Empty<ISymbol>();
                case IAssignmentOperation assignment:
                    return Storage(assignment.Target);
                case IIncrementOrDecrementOperation increment:
                    return Storage(increment.Target);
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                    return Storage(argument.Value);
                case IInvocationOperation { Instance: { } receiver } invocation when Mutators.Contains(invocation.TargetMethod.Name):
                    return Storage(receiver);
                case IInvocationOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } receiver } when receiver.IsImplicit && includeCallsOnThis:
                    // A call to an instance method of this type may change anything of this instance.
                    return receiver.Type is null ? Enumerable.Empty<ISymbol>() : new ISymbol[] { receiver.Type };
                default:
                    return Enumerable.Empty<ISymbol>();
            }
        }

        /// <summary>The variables an assignment target denotes: the variable itself, or the collection an element or indexer belongs to.</summary>
        private static IEnumerable<ISymbol> Storage(IOperation? target)
        {
            while (target is IConversionOperation conversion)
            {
                target = conversion.Operand;
            }

            switch (target)
            {
                case ILocalReferenceOperation local:
                    yield return local.Local;
                    break;
                case IParameterReferenceOperation parameter:
                    yield return parameter.Parameter;
                    break;
                case IFieldReferenceOperation field:
                    yield return field.Field;
                    break;
                case IPropertyReferenceOperation { Arguments.Length: 0 } property:
                    yield return property.Property;
                    break;
                case IPropertyReferenceOperation indexer:
                    foreach (var symbol in Storage(indexer.Instance))
                    {
                        yield return symbol;
                    }

                    break;
                case IArrayElementReferenceOperation element:
                    foreach (var symbol in Storage(element.ArrayReference))
                    {
                        yield return symbol;
                    }

                    break;
                case IInstanceReferenceOperation instance when instance.Type is not null:
                    yield return instance.Type;
                    break;
                case ITupleOperation tuple:
                    foreach (var symbol in tuple.Elements.SelectMany(Storage))
                    {
                        yield return symbol;
                    }

                    break;
                case IDeclarationExpressionOperation declaration:
                    foreach (var symbol in Storage(declaration.Expression))
                    {
                        yield return symbol;
                    }

                    break;
            }
        }

        /// <summary>The variables an expression reads (this instance counts as its type).</summary>
        private static IEnumerable<ISymbol> Read(IOperation operation)
        {
            foreach (var node in operation.DescendantsAndSelf())
            {
                switch (node)
                {
                    case ILocalReferenceOperation local:
                        yield return local.Local;
                        break;
                    case IParameterReferenceOperation parameter:
                        yield return parameter.Parameter;
                        break;
                    case IFieldReferenceOperation field:
                        yield return field.Field;
                        break;
                    case IPropertyReferenceOperation property:
                        yield return property.Property;
                        break;
                    case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } instance when instance.Type is not null:
                        yield return instance.Type;
                        break;
                }
            }
        }

        private static bool DeclaredWithin(ISymbol symbol, Microsoft.CodeAnalysis.Text.TextSpan span)
            => symbol is ILocalSymbol && symbol.DeclaringSyntaxReferences.Any(r => span.Contains(r.Span));
    }

    /// <summary>What the body does with one local that holds a child.</summary>
    private sealed class LocalFacts
    {
        /// <summary>Every value assigned to it is a child created or started here (<c>new Worker(…)</c>, <c>Process.Start(…)</c>).</summary>
        public bool CreatedHere = true;

        /// <summary>Its one assignment is its declaration's <c>new</c>: it holds a child that starts out unstarted.</summary>
        public bool InitializedWithNewOnly = true;

        public int Writes;
        public bool IsIteration;
        public bool IsCaptured;
        public bool IsDaemon;
        public bool IsTerminated;
        public ChildKind? Kind;

        /// <summary>Every value assigned to it is a process looked up by id or name (<see cref="BodyFacts"/>' <c>IsProcessLookup</c>): not a child of this code.</summary>
        public bool LookedUpOnly = true;
    }
}
