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
/// LS3001–LS3003: shared queues used as if their state could not change under the caller.
/// <code>
/// if (!_jobs.IsEmpty)            // LS3001: another consumer can take the last job right here
/// {
///     var job = _jobs.GetNoWait(); // … and this throws QueueEmptyException
/// }
/// </code>
/// Good: <c>if (_jobs.TryGet(out var job)) { … }</c>. LS3002 flags a consumer loop that stops when the
/// queue looks empty while producers are still running (good: <c>foreach (var job in _jobs.Consume(token))</c>);
/// LS3003 flags a <c>JoinableQueue</c> get after which some path skips <c>TaskDone()</c>, so <c>Join()</c> hangs.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class QueueAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the <c>QueueKind</c> of the queue the diagnostic is about.</summary>
    public const string QueueKindProperty = "QueueKind";

    /// <summary>Diagnostic property (LS3001): the <c>QueueActKind</c> of the guarded act.</summary>
    public const string ActKindProperty = "QueueActKind";

    /// <summary>Diagnostic property (LS3001): where the act sits relative to the check (<see cref="Guards"/>).</summary>
    public const string GuardProperty = "Guard";

    /// <summary>Diagnostic property (LS3002): how the loop ends on emptiness (<see cref="Exits"/>).</summary>
    public const string ExitProperty = "Exit";

    /// <summary>
    /// Diagnostic property: "true" when the reported check means exactly "not empty"/"not full" (or exactly
    /// "empty"/"full" for an inverted guard) and is the whole condition or its last <c>&amp;&amp;</c> operand, so
    /// that a Try call can take its place.
    /// </summary>
    public const string ReplaceableProperty = "Replaceable";


    /// <summary>Calls that start a worker, by the name written in source (for the syntax-only scan of a type).</summary>
    private static readonly HashSet<string> WorkerStartNames = new(StringComparer.Ordinal)
    {
        "Thread", "Worker", "Task", "Run", "StartNew", "QueueUserWorkItem", "UnsafeQueueUserWorkItem", "Submit", "Invoke", "For", "ForEach", "ForEachAsync",
    };

    /// <summary>Calls that add to a queue, by name (for the syntax-only producer scan).</summary>
    private static readonly HashSet<string> PutNames = new(StringComparer.Ordinal)
    {
        "Put", "PutNoWait", "PutAsync", "TryPut", "Add", "TryAdd", "Enqueue", "Push", "PushRange", "Write", "TryWrite", "WriteAsync",
    };

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Descriptors.LS3001_QueueCheckThenTake,
        Descriptors.LS3001_QueueCheckThenPut,
        Descriptors.LS3002_ConsumerStopsWhenEmpty,
        Descriptors.LS3003_JoinableQueueItemNotDone,
        Descriptors.LS3003_JoinableQueueItemNotDoneOnException);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (!SourceVocabulary.Mentions(start.Compilation, Concern.Queues, start.CancellationToken))
            {
                return; // the source names nothing this analyzer looks at
            }

            var catalog = QueueCatalog.For(start.Compilation);
            if (catalog.IsEmpty)
            {
                return;
            }

            var members = SourceVocabulary.MemberGateFor(start.Compilation, Concern.Queues | Concern.QueueActs, start.CancellationToken);
            start.RegisterOperationBlockAction(block =>
            {
                if (members.Skips(block.OperationBlocks, block.CancellationToken))
                {
                    return; // the member names no queue, probe or act
                }

                // Cheap pre-check: only bodies that read a queue's state or take from a JoinableQueue get analyzed.
                var index = BlockIndex.For(block);
                var probe = false;
                var joinableGet = false;
                foreach (var property in index.PropertyReferences)
                {
                    if (catalog.TryClassifyProbe(property, out _))
                    {
                        probe = true;
                        break;
                    }
                }

                foreach (var invocation in index.Invocations)
                {
                    probe = probe || catalog.TryClassifyProbe(invocation, out _);
                    joinableGet = joinableGet || (catalog.TryClassify(invocation, out var operation) && operation.IsAcquire);
                    if (probe && joinableGet)
                    {
                        break;
                    }
                }

                if (probe)
                {
                    foreach (var root in block.OperationBlocks)
                    {
                        if (IsAnalyzable(root, block.CancellationToken))
                        {
                            new StateRules(block, catalog, root).Run();
                        }
                    }
                }

                if (joinableGet)
                {
                    CheckTaskDone(block, catalog);
                }
            });
        });
    }

    /// <summary>Code being typed, or code that does not bind: no report until it compiles.</summary>
    private static bool IsAnalyzable(IOperation root, CancellationToken cancellationToken)
    {
        if (root.Syntax.ContainsDiagnostics && root.Syntax.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return false;
        }

        foreach (var node in root.DescendantsAndSelf())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (node is IInvalidOperation)
            {
                return false;
            }
        }

        return true;
    }

    // ================================================================ LS3003

    private static void CheckTaskDone(OperationBlockAnalysisContext context, QueueCatalog catalog)
    {
        foreach (var body in FlowBodies.Collect(context))
        {
            var result = LockFlowAnalysis.Analyze(body.Graph, catalog, observer: null, context.CancellationToken);
            if (result is not null)
            {
                ReportTaskDone(context, body, result);
            }
        }
    }

    private static void ReportTaskDone(OperationBlockAnalysisContext context, FlowBody body, LockFlowResult result)
    {
        var bodySyntax = body.Graph.OriginalOperation.Syntax;
        var skipped = new HashSet<LockKey>();
        foreach (var site in result.LoopLeaks)
        {
            // Items gathered by a loop that never marks one done (a batch, marked done later): the engine
            // cannot count them, so nothing is said about this queue.
            if (result.Sites.TryGetValue(site, out var info) && !InnermostLoopCallsTaskDone(site.Syntax, bodySyntax, info.Key))
            {
                skipped.Add(info.Key);
            }
        }

        var reported = new HashSet<IOperation>();

        // A normal path (return, break, continue, fall-through) after the get without TaskDone.
        foreach (var site in result.NormalExitLeaks.Keys.Concat(result.LoopLeaks).Distinct().OrderBy(s => s.Syntax.SpanStart))
        {
            if (reported.Contains(site) || !IsReportableTaskLeak(site, result, skipped, body.Graph.OriginalOperation, out var info))
            {
                continue;
            }

            var exit = result.LoopLeaks.Contains(site) ? "the next pass of the loop" : result.NormalExitLeaks[site];
            reported.Add(site);
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.LS3003_JoinableQueueItemNotDone,
                site.Syntax.GetLocation(),
                Properties(QueueKind.LockstepJoinableQueue),
                info.Key.DisplayName,
                exit));
        }

        // Every normal path calls TaskDone, but an exception skips it.
        foreach (var pair in result.ExceptionalExitLeaks.OrderBy(p => p.Key.Syntax.SpanStart))
        {
            var site = pair.Key;
            if (reported.Contains(site) || !IsReportableTaskLeak(site, result, skipped, body.Graph.OriginalOperation, out var info))
            {
                continue;
            }

            reported.Add(site);
            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.LS3003_JoinableQueueItemNotDoneOnException,
                site.Syntax.GetLocation(),
                Properties(QueueKind.LockstepJoinableQueue),
                info.Key.DisplayName,
                Throwers.Describe(pair.Value)));
        }
    }

    private static bool IsReportableTaskLeak(IOperation site, LockFlowResult result, HashSet<LockKey> skipped, IOperation body, out AcquireSite info)
    {
        var bodySyntax = body.Syntax;
        if (site.IsImplicit || !result.Sites.TryGetValue(site, out info))
        {
            info = default;
            return false;
        }

        // Only where the body marks items of this queue done itself: a method that only gets hands the
        // item (and its TaskDone) to someone else. Likewise when a lambda or local function of the body
        // calls TaskDone: the item is handed to it.
        return result.IsFollowed(info.Key)
            && result.ReleasedKeys.Contains(info.Key)
            && !skipped.Contains(info.Key)
            && !NestedFunctionCallsTaskDone(bodySyntax, info.Key)
            && !ItemHandedOff(site, body);
    }

    /// <summary>
    /// The item itself leaves the body (returned, or stored in a field or property): whoever receives it
    /// marks it done. (Putting it into another collection is not a hand-off: a failed item parked in a
    /// retry list still counts as unfinished in this queue.) <c>T Next() { var x = q.Get(); if (x.IsHeartbeat) { q.TaskDone(); … } return x; }</c>
    /// </summary>
    private static bool ItemHandedOff(IOperation flowSite, IOperation body)
    {
        // The engine's site belongs to the control-flow graph; its parents are rewritten. Work on the original tree.
        var site = body.DescendantsAndSelf().FirstOrDefault(o => o is IInvocationOperation && o.Syntax == flowSite.Syntax);
        if (site is null)
        {
            return false;
        }

        var usage = site.Parent;
        while (usage is IConversionOperation or IParenthesizedOperation or IAwaitOperation)
        {
            usage = usage.Parent;
        }

        ILocalSymbol? holder = null;
        switch (usage)
        {
            // return q.Get();
            case IReturnOperation:
                return true;
            // var x = q.Get();
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                holder = declarator.Symbol;
                break;
            // x = q.Get();
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local }:
                holder = local.Local;
                break;
        }

        if (site is IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                // q.TryGet(out var x)
                if (argument.Parameter?.RefKind == RefKind.Out && Strip(argument.Value) is IDeclarationExpressionOperation { Expression: ILocalReferenceOperation declared })
                {
                    holder = declared.Local;
                }
                else if (argument.Parameter?.RefKind == RefKind.Out && Strip(argument.Value) is ILocalReferenceOperation outLocal)
                {
                    holder = outLocal.Local;
                }
            }
        }

        if (holder is null)
        {
            return false;
        }

        foreach (var node in body.DescendantsAndSelf())
        {
            if (node is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, holder))
            {
                continue;
            }

            IOperation current = reference;
            while (current.Parent is IConversionOperation or IParenthesizedOperation)
            {
                current = current.Parent;
            }

            switch (current.Parent)
            {
                // return x;  (unless the same block marked it done just before)
                case IReturnOperation returned when !MarkedDoneBefore(returned.Syntax):
                // _current = x;  (a later call on this object marks it done)
                case ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } store when ReferenceEquals(store.Value, current):
                    return true;
            }
        }

        return false;
    }

    private static bool MarkedDoneBefore(SyntaxNode statement)
    {
        if (statement.Parent is not BlockSyntax block)
        {
            return false;
        }

        foreach (var sibling in block.Statements)
        {
            if (sibling == statement)
            {
                return false;
            }

            if (sibling is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "TaskDone" } } })
            {
                return true;
            }
        }

        return false;
    }

    private static bool InnermostLoopCallsTaskDone(SyntaxNode site, SyntaxNode bodySyntax, LockKey key)
    {
        foreach (var ancestor in site.Ancestors())
        {
            if (ancestor == bodySyntax || ancestor is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
            {
                return true;
            }

            if (ancestor is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or ForEachStatementSyntax)
            {
                return CallsTaskDone(ancestor, key, nestedFunctions: false);
            }
        }

        return true;
    }

    private static bool NestedFunctionCallsTaskDone(SyntaxNode bodySyntax, LockKey key)
    {
        foreach (var node in bodySyntax.DescendantNodes())
        {
            if (node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax && CallsTaskDone(node, key, nestedFunctions: true))
            {
                return true;
            }
        }

        return false;
    }

    private static bool CallsTaskDone(SyntaxNode scope, LockKey key, bool nestedFunctions)
    {
        var name = key.Symbol.Name;
        foreach (var node in scope.DescendantNodes(n => nestedFunctions || n == scope || n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } && access.Name.Identifier.ValueText == "TaskDone"
                && LastIdentifier(access.Expression) == name)
            {
                return true;
            }
        }

        return false;
    }

    // ================================================================ shared helpers

    private static ImmutableDictionary<string, string?> Properties(QueueKind kind, QueueActKind? act = null)
    {
        var properties = ImmutableDictionary<string, string?>.Empty.Add(QueueKindProperty, kind.ToString());
        return act is { } actKind ? properties.Add(ActKindProperty, actKind.ToString()) : properties;
    }

    private static string Line(SyntaxNode node)
        => (node.GetLocation().GetLineSpan().StartLinePosition.Line + 1).ToString(CultureInfo.InvariantCulture);

    private static LockKey? KeyOf(IOperation? receiver) => LockKey.Resolve(receiver, LockMode.Exclusive, LockKey.NoCaptures);

    private static string? LastIdentifier(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        ParenthesizedExpressionSyntax parenthesized => LastIdentifier(parenthesized.Expression),
        CastExpressionSyntax cast => LastIdentifier(cast.Expression),
        _ => null,
    };

    private static bool IsFunction(IOperation operation) => operation.Kind is OperationKind.AnonymousFunction or OperationKind.LocalFunction;

    /// <summary>The lambda or local function an operation is in; null for the member body itself.</summary>
    private static IOperation? EnclosingFunction(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (IsFunction(current))
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>Descendants of <paramref name="operation"/> that run as part of it: not inside a lambda or local function.</summary>
    private static IEnumerable<IOperation> OwnDescendants(IOperation operation, bool intoLoops = true)
    {
        var stack = new Stack<IOperation>();
        stack.Push(operation);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            yield return current;
            foreach (var child in current.ChildOperations.Reverse())
            {
                if (IsFunction(child) || (!intoLoops && child is ILoopOperation))
                {
                    continue;
                }

                stack.Push(child);
            }
        }
    }

    private static IOperation Strip(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    continue;
                default:
                    return operation;
            }
        }
    }

    // ================================================================ LS3001 / LS3002

    /// <summary>What a condition is evaluated under: the queue is empty, full, or holds a few items (to test that a check means exactly "not empty").</summary>
    private enum Assumption
    {
        Empty,
        Full,
        HoldsOne,
        HoldsTwo,
        HoldsMany,
    }

    /// <summary>Where the act sits relative to the check (LS3001), for the fixer.</summary>
    internal static class Guards
    {
        /// <summary><c>if (check) { act; … }</c></summary>
        public const string Then = "Then";
        /// <summary><c>if (check) { … } else { act; … }</c></summary>
        public const string Else = "Else";
        /// <summary><c>if (check) return; act;</c></summary>
        public const string After = "After";
        /// <summary><c>while (check) { act; … }</c></summary>
        public const string While = "While";
        /// <summary>A <c>for</c> condition or a conditional expression: no fix.</summary>
        public const string Other = "Other";
    }

    /// <summary>How a consumer loop ends on emptiness (LS3002), for the fixer.</summary>
    internal static class Exits
    {
        /// <summary><c>while (check) { … }</c></summary>
        public const string Condition = "Condition";
        /// <summary><c>while (true) { …; if (check) break; }</c></summary>
        public const string Break = "Break";
        /// <summary>A <c>for</c>/<c>do</c> condition, a <c>return</c>, a combined condition: no fix.</summary>
        public const string Other = "Other";
    }

    /// <summary>A number a comparison sees: a constant, or the queue's capacity (unknown, but equal to itself).</summary>
    private readonly struct Number
    {
        public Number(long? constant, bool isCapacity)
        {
            Constant = constant;
            IsCapacity = isCapacity;
        }

        public long? Constant { get; }
        public bool IsCapacity { get; }
    }

    private readonly struct Candidate
    {
        public Candidate(QueueProbe probe, IOperation check, QueueAct act, LockKey key, string guard, bool replaceable)
        {
            Probe = probe;
            Check = check;
            Act = act;
            Key = key;
            Guard = guard;
            Replaceable = replaceable;
        }

        public QueueProbe Probe { get; }

        /// <summary>The check as written around the probe: <c>!q.IsEmpty</c>, <c>q.Count &gt; 0</c>.</summary>
        public IOperation Check { get; }
        public QueueAct Act { get; }
        public LockKey Key { get; }
        public string Guard { get; }
        public bool Replaceable { get; }
    }

    /// <summary>LS3001 and LS3002 over one operation block (with its lambdas and local functions).</summary>
    private sealed class StateRules
    {
        private readonly OperationBlockAnalysisContext _context;
        private readonly QueueCatalog _catalog;
        private readonly IOperation _root;
        private readonly Dictionary<LockKey, bool> _shared = new();
        private readonly HashSet<IOperation> _consumerAtoms = new();
        private List<IOperation>? _all;

        public StateRules(OperationBlockAnalysisContext context, QueueCatalog catalog, IOperation root)
        {
            _context = context;
            _catalog = catalog;
            _root = root;
        }

        private CancellationToken CancellationToken => _context.CancellationToken;

        private List<IOperation> All => _all ??= _root.DescendantsAndSelf().ToList();

        public void Run()
        {
            // LS3002 first: a consumer loop that stops on emptiness is reported once, as LS3002.
            foreach (var operation in All)
            {
                CancellationToken.ThrowIfCancellationRequested();
                if (operation is IWhileLoopOperation or IForLoopOperation)
                {
                    CheckConsumerLoop((ILoopOperation)operation);
                }
            }

            var candidates = new List<Candidate>();
            foreach (var operation in All)
            {
                CancellationToken.ThrowIfCancellationRequested();
                switch (operation)
                {
                    // if (…) … else …, and c ? a : b
                    case IConditionalOperation conditional:
                        CollectGuarded(conditional, candidates);
                        break;
                    // while (!q.IsEmpty) { … q.Get() … }
                    case IWhileLoopOperation { ConditionIsTop: true, ConditionIsUntil: false, Condition: { } condition } loop:
                        CollectLoopGuarded(condition, loop.Body, Guards.While, candidates);
                        break;
                    // for (; q.Count > 0;) { … }
                    case IForLoopOperation { Condition: { } condition } loop:
                        CollectLoopGuarded(condition, loop.Body, Guards.Other, candidates);
                        break;
                }
            }

            ReportCheckThenAct(candidates);
        }

        // ------------------------------------------------------------ LS3001

        private void CollectGuarded(IConditionalOperation conditional, List<Candidate> candidates)
        {
            foreach (var key in ProbedKeys(conditional.Condition))
            {
                foreach (var assumption in new[] { Assumption.Empty, Assumption.Full })
                {
                    switch (Evaluate(conditional.Condition, key, assumption))
                    {
                        // if (!q.IsEmpty) { q.Get(); }: the true branch runs only when the queue looked non-empty
                        case false:
                            Collect(conditional.Condition, key, assumption, new[] { conditional.WhenTrue }, conditional.Type is null ? Guards.Then : Guards.Other, candidates);
                            break;
                        // if (q.IsEmpty) { … } else { q.Get(); }
                        case true when conditional.WhenFalse is { } whenFalse:
                            Collect(conditional.Condition, key, assumption, new[] { whenFalse }, conditional.Type is null ? Guards.Else : Guards.Other, candidates);
                            break;
                        // if (q.IsEmpty) return; var x = q.Get();
                        case true when AlwaysJumps(conditional.WhenTrue) && conditional.Parent is IBlockOperation block:
                            var index = block.Operations.IndexOf(conditional);
                            Collect(conditional.Condition, key, assumption, block.Operations.Skip(index + 1), Guards.After, candidates);
                            break;
                    }
                }
            }
        }

        private void CollectLoopGuarded(IOperation condition, IOperation body, string guard, List<Candidate> candidates)
        {
            foreach (var key in ProbedKeys(condition))
            {
                foreach (var assumption in new[] { Assumption.Empty, Assumption.Full })
                {
                    // while (q.Count > 0) { q.Get(); }: each pass runs only when the queue looked non-empty
                    if (Evaluate(condition, key, assumption) == false)
                    {
                        Collect(condition, key, assumption, new[] { body }, guard, candidates);
                    }
                }
            }
        }

        private void Collect(IOperation condition, LockKey key, Assumption assumption, IEnumerable<IOperation> region, string guard, List<Candidate> candidates)
        {
            if (FirstProbe(condition, key, assumption) is not { } probe)
            {
                return;
            }

            QueueAct? first = null;
            foreach (var statement in region)
            {
                // Acts in a nested loop or a lambda are not "right after" the check.
                if (statement is ILoopOperation)
                {
                    continue;
                }

                foreach (var operation in OwnDescendants(statement, intoLoops: false))
                {
                    if (operation is IInvocationOperation invocation
                        && _catalog.TryClassifyAct(invocation, out var act)
                        && IsGuardedAct(act, assumption)
                        && key.Equals(KeyOf(act.Receiver))
                        && (first is null || act.Invocation.Syntax.SpanStart < first.Value.Invocation.Syntax.SpanStart))
                    {
                        first = act;
                    }
                }

                if (first is not null)
                {
                    break;
                }
            }

            if (first is { } found)
            {
                // Only a check that means exactly "not empty" / "not full": behind a threshold (q.Count > 100) the
                // act would need that many items taken in between, which is not the race this rule is about.
                var check = CheckOf(probe);
                var inverted = guard is Guards.Else or Guards.After;
                var means = Means(check, key, assumption, inverted);
                if (!means && !Means(check, key, assumption, !inverted))
                {
                    return;
                }

                var replaceable = means && guard != Guards.Other
                    && (inverted ? ReferenceEquals(Strip(condition), check) : IsLastConjunct(check, condition));
                candidates.Add(new Candidate(probe, check, found, key, guard, replaceable));
            }
        }

        /// <summary>An act that relies on the check: it blocks, throws, or hands back a default item when the check went stale.</summary>
        private static bool IsGuardedAct(QueueAct act, Assumption assumption)
        {
            if (assumption == Assumption.Full)
            {
                // A TryPut/TryAdd whose result is ignored drops the item with or without the check.
                return act.Kind == QueueActKind.Put && !act.IsTry;
            }

            if (act.Kind == QueueActKind.Put)
            {
                return false;
            }

            if (!act.IsTry)
            {
                return true;
            }

            // cq.TryDequeue(out var x); Use(x);  — the bool is ignored and the item is used as if it was there.
            var usage = act.Invocation.Parent;
            while (usage is IConversionOperation or IParenthesizedOperation)
            {
                usage = usage.Parent;
            }

            var ignored = usage is IExpressionStatementOperation
                || (usage is ISimpleAssignmentOperation { Target: IDiscardOperation } assignment && ReferenceEquals(Strip(assignment.Value), act.Invocation));
            if (!ignored)
            {
                return false;
            }

            foreach (var argument in act.Invocation.Arguments)
            {
                if (argument.Parameter?.RefKind == RefKind.Out)
                {
                    return Strip(argument.Value) is not IDiscardOperation;
                }
            }

            return false;
        }

        private void ReportCheckThenAct(List<Candidate> candidates)
        {
            // One diagnostic per act, from the nearest check before it; one per check.
            var byAct = new Dictionary<IOperation, Candidate>();
            foreach (var candidate in candidates)
            {
                if (_consumerAtoms.Contains(candidate.Probe.Operation) || !IsShared(candidate.Key))
                {
                    continue;
                }

                var act = candidate.Act.Invocation;
                if (!byAct.TryGetValue(act, out var existing) || existing.Probe.Operation.Syntax.SpanStart < candidate.Probe.Operation.Syntax.SpanStart)
                {
                    byAct[act] = candidate;
                }
            }

            var reportedProbes = new HashSet<IOperation>();
            foreach (var candidate in byAct.Values.OrderBy(c => c.Probe.Operation.Syntax.SpanStart).ThenBy(c => c.Act.Invocation.Syntax.SpanStart))
            {
                if (!reportedProbes.Add(candidate.Probe.Operation) || IsSerializedByLock(candidate))
                {
                    continue;
                }

                var act = candidate.Act;
                var descriptor = act.Kind == QueueActKind.Put ? Descriptors.LS3001_QueueCheckThenPut : Descriptors.LS3001_QueueCheckThenTake;
                _context.ReportDiagnostic(Diagnostic.Create(
                    descriptor,
                    candidate.Check.Syntax.GetLocation(),
                    Properties(act.Queue, act.Kind)
                        .Add(GuardProperty, candidate.Guard)
                        .Add(ReplaceableProperty, candidate.Replaceable ? "true" : "false"),
                    candidate.Key.DisplayName,
                    candidate.Probe.Name,
                    act.Name,
                    Line(act.Invocation.Syntax),
                    Advice(act)));
            }
        }

        private static string Advice(QueueAct act)
        {
            if (act.IsTry)
            {
                return "test the 'bool' that '" + act.Name + "' returns instead";
            }

            return (act.Queue, act.Kind) switch
            {
                (QueueKind.BlockingCollection, QueueActKind.Put) => "use 'TryAdd'",
                (QueueKind.BlockingCollection, _) => "use 'TryTake'",
                (QueueKind.ChannelReader, _) => "use 'TryRead'",
                (_, QueueActKind.Put) => "use 'TryPut'",
                _ => "use 'TryGet'",
            };
        }

        /// <summary>
        /// A single consumer serialized by a lock: the check and the act hold the same <c>lock</c> (or
        /// <c>using (x.Acquire())</c>), and so does every other access of that private member of the type
        /// (constructors aside). Then nobody can change the queue in between.
        /// </summary>
        private bool IsSerializedByLock(Candidate candidate)
        {
            var key = candidate.Key;
            if (key.Receiver is not null || key.IsThis || key.Symbol is not (IFieldSymbol or IPropertySymbol) || key.Symbol.DeclaredAccessibility != Accessibility.Private
                || key.Symbol.ContainingType is not { DeclaringSyntaxReferences.Length: > 0 } owner
                || !IsWithin(_context.OwningSymbol.ContainingType, owner)
                || Guard(candidate.Probe.Operation.Syntax) is not { } guard
                || !guard.Scope.Span.Contains(candidate.Act.Invocation.Syntax.Span))
            {
                return false;
            }

            var name = key.Symbol.Name;
            foreach (var reference in owner.DeclaringSyntaxReferences)
            {
                foreach (var identifier in reference.GetSyntax(CancellationToken).DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (identifier.Identifier.ValueText != name || identifier.Ancestors().Any(a => a is ConstructorDeclarationSyntax))
                    {
                        continue;
                    }

                    if (!IsUnderGuard(identifier, guard.Name))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        /// <summary>The type is <paramref name="owner"/> or nested in it: where a private member of it can be used.</summary>
        private static bool IsWithin(INamedTypeSymbol? type, INamedTypeSymbol owner)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, owner.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        private static (string Name, SyntaxNode Scope)? Guard(SyntaxNode node)
        {
            var child = node;
            foreach (var ancestor in node.Ancestors())
            {
                switch (ancestor)
                {
                    // lock (_gate) { … }
                    case LockStatementSyntax lockStatement when LastIdentifier(lockStatement.Expression) is { } lockName:
                        return (lockName, lockStatement);
                    // using (_gate.Acquire()) { … }
                    case UsingStatementSyntax { Expression: { } resource } usingStatement when ScopeLockName(resource) is { } usingName:
                        return (usingName, usingStatement);
                    // using var _ = _gate.Acquire(); … (to the end of the block)
                    case BlockSyntax block:
                        foreach (var statement in block.Statements)
                        {
                            if (statement == child)
                            {
                                break;
                            }

                            if (statement is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: not 0 } declaration
                                && declaration.Declaration.Variables.Count == 1
                                && declaration.Declaration.Variables[0].Initializer?.Value is { } value
                                && ScopeLockName(value) is { } declaredName)
                            {
                                return (declaredName, block);
                            }
                        }

                        break;
                    case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                        return null;
                }

                child = ancestor;
            }

            return null;
        }

        private static bool IsUnderGuard(SyntaxNode node, string lockName)
        {
            for (var current = node; current is not null;)
            {
                if (Guard(current) is not { } guard)
                {
                    return false;
                }

                if (guard.Name == lockName)
                {
                    return true;
                }

                current = guard.Scope;
            }

            return false;
        }

        private static string? ScopeLockName(ExpressionSyntax resource)
        {
            if (resource is AwaitExpressionSyntax awaited)
            {
                resource = awaited.Expression;
            }

            return resource is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
                   && access.Name.Identifier.ValueText is "Acquire" or "AcquireAsync" or "EnterScope"
                ? LastIdentifier(access.Expression)
                : null;
        }

        // ------------------------------------------------------------ LS3002

        private void CheckConsumerLoop(ILoopOperation loop)
        {
            // The loop's exits: its condition (left when false) and `if (…) break;` / `if (…) return;` in its body.
            var exits = new List<(IOperation Condition, bool ExitWhen)>();
            switch (loop)
            {
                case IWhileLoopOperation { Condition: { } condition } whileLoop:
                    exits.Add((condition, whileLoop.ConditionIsUntil));
                    break;
                case IForLoopOperation { Condition: { } condition }:
                    exits.Add((condition, false));
                    break;
            }

            foreach (var operation in OwnDescendants(loop.Body, intoLoops: false))
            {
                if (operation is IConditionalOperation { IsRef: false } conditional && conditional.Type is null)
                {
                    if (LeavesLoop(conditional.WhenTrue, loop))
                    {
                        exits.Add((conditional.Condition, true));
                    }
                    else if (conditional.WhenFalse is { } whenFalse && LeavesLoop(whenFalse, loop))
                    {
                        exits.Add((conditional.Condition, false));
                    }
                }
            }

            // A drain nested in an outer loop (wait for a signal, drain, wait again) goes back to waiting:
            // only a return stops the consumer then.
            var nested = IsNestedInLoop(loop);
            var done = new HashSet<LockKey>();
            foreach (var (condition, exitWhen) in exits)
            {
                if (nested && !ReturnsWhen(condition, loop))
                {
                    continue;
                }

                foreach (var key in ProbedKeys(condition))
                {
                    if (done.Contains(key) || Evaluate(condition, key, Assumption.Empty) != exitWhen
                        || FirstProbe(condition, key, Assumption.Empty) is not { } probe
                        || !Takes(loop, key)
                        || !IsShared(key)
                        || !IsConsumerContext(loop, key, probe.Queue))
                    {
                        continue;
                    }

                    done.Add(key);
                    foreach (var (other, _) in exits)
                    {
                        foreach (var node in OwnDescendants(other))
                        {
                            if (_catalog.TryClassifyProbe(node, out var otherProbe) && key.Equals(KeyOf(otherProbe.Receiver)))
                            {
                                _consumerAtoms.Add(node);
                            }
                        }
                    }

                    var check = CheckOf(probe);
                    var exit = ExitForm(loop, condition, exitWhen);
                    var replaceable = exit != Exits.Other && ReferenceEquals(Strip(condition), check) && Means(check, key, Assumption.Empty, inverted: exitWhen);
                    _context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.LS3002_ConsumerStopsWhenEmpty,
                        check.Syntax.GetLocation(),
                        Properties(probe.Queue)
                            .Add(ExitProperty, exit)
                            .Add(ReplaceableProperty, replaceable ? "true" : "false"),
                        key.DisplayName,
                        probe.Name,
                        ConsumeAdvice(probe.Queue, key.DisplayName)));
                }
            }
        }

        /// <summary>The shapes the fixer turns into a <c>foreach</c>.</summary>
        private static string ExitForm(ILoopOperation loop, IOperation condition, bool exitWhen)
        {
            switch (loop)
            {
                // while (check) { … }
                case IWhileLoopOperation { ConditionIsTop: true, ConditionIsUntil: false } whileLoop when ReferenceEquals(whileLoop.Condition, condition):
                    return Exits.Condition;
                // while (true) { …; if (check) break; … }
                case IWhileLoopOperation { ConditionIsTop: true, Condition.ConstantValue: { HasValue: true, Value: true } }
                    when exitWhen && condition.Parent is IConditionalOperation { WhenFalse: null } conditional
                         && ReferenceEquals(conditional.Parent, loop.Body)
                         && (conditional.WhenTrue is IBranchOperation || conditional.WhenTrue is IBlockOperation { Operations.Length: 1 } single && single.Operations[0] is IBranchOperation):
                    return Exits.Break;
                default:
                    return Exits.Other;
            }
        }

        private static string ConsumeAdvice(QueueKind queue, string name) => queue switch
        {
            QueueKind.LockstepBlockingQueue or QueueKind.LockstepJoinableQueue =>
                "consume with 'foreach (var item in " + name + ".Consume(token))' and have the producers call 'Close()'",
            QueueKind.BlockingCollection =>
                "consume with 'foreach (var item in " + name + ".GetConsumingEnumerable(token))' and have the producers call 'CompleteAdding()'",
            QueueKind.ChannelReader =>
                "consume with 'await foreach (var item in " + name + ".ReadAllAsync(token))' and have the producers call 'Writer.Complete()'",
            _ => "hand items over with a BlockingCollection or a Channel and consume until the producers complete it",
        };

        /// <summary>The loop takes items from the queue (any form, Try… included).</summary>
        private bool Takes(ILoopOperation loop, LockKey key)
        {
            foreach (var operation in OwnDescendants(loop))
            {
                if (operation is IInvocationOperation invocation && _catalog.TryClassifyAct(invocation, out var act)
                    && act.Kind == QueueActKind.Take && key.Equals(KeyOf(act.Receiver)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The loop runs next to producers: it is the body of a worker (a lambda or local function handed to
        /// a thread/task/worker start, a method started that way or named as a consumer/worker, a
        /// <c>BackgroundService.ExecuteAsync</c>) and someone may still put; or its own body started a
        /// producer earlier and did not wait for it.
        /// </summary>
        private bool IsConsumerContext(ILoopOperation loop, LockKey key, QueueKind queue)
        {
            var function = EnclosingFunction(loop);
            var starts = new List<SyntaxNode>();
            bool isWorker;
            switch (function)
            {
                case IAnonymousFunctionOperation lambda:
                    isWorker = WorkerStartOf(lambda) is { } lambdaStart && Add(starts, lambdaStart.Syntax);
                    break;
                case ILocalFunctionOperation localFunction:
                    isWorker = WorkerStartOfLocalFunction(localFunction.Symbol) is { } localStart && Add(starts, localStart.Syntax);
                    break;
                default:
                    isWorker = _context.OwningSymbol is IMethodSymbol method && IsWorkerMethod(method, starts);
                    break;
            }

            if (isWorker && MayHaveConcurrentProducer(key, queue, function, starts))
            {
                return true;
            }

            return ProducerStartedBefore(loop, key, function);

            static bool Add(List<SyntaxNode> list, SyntaxNode node)
            {
                list.Add(node);
                return true;
            }
        }

        /// <summary>The thread/task/worker start a lambda is handed to: <c>Task.Run(() => …)</c>, <c>new Thread(() => …)</c>.</summary>
        private IOperation? WorkerStartOf(IOperation function)
        {
            var current = function.Parent;
            for (var depth = 0; current is not null && depth < 6; depth++, current = current.Parent)
            {
                switch (current)
                {
                    case IDelegateCreationOperation:
                    case IConversionOperation:
                    case IArgumentOperation:
                        continue;
                    case IInvocationOperation or IObjectCreationOperation when _catalog.IsWorkerStart(current):
                        return current;
                    default:
                        return null;
                }
            }

            return null;
        }

        private IOperation? WorkerStartOfLocalFunction(IMethodSymbol localFunction)
        {
            foreach (var operation in All)
            {
                switch (operation)
                {
                    // Task.Run(Consume)
                    case IMethodReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Method, localFunction):
                        if (WorkerStartOf(reference) is { } start)
                        {
                            return start;
                        }

                        break;
                    // Task.Run(() => Consume(token))
                    case IInvocationOperation call when SymbolEqualityComparer.Default.Equals(call.TargetMethod, localFunction)
                                                        && EnclosingFunction(call) is IAnonymousFunctionOperation caller:
                        if (WorkerStartOf(caller) is { } viaLambda)
                        {
                            return viaLambda;
                        }

                        break;
                }
            }

            return null;
        }

        /// <summary>
        /// A method that runs as a worker, with the places that start it (<paramref name="starts"/>) where
        /// the type shows them: <c>new Thread(Drain)</c>, <c>Task.Run(() => Drain(token))</c>.
        /// </summary>
        private bool IsWorkerMethod(IMethodSymbol method, List<SyntaxNode> starts)
        {
            // new Thread(Drain), Task.Run(() => Drain(token)) anywhere in the type (syntax only).
            foreach (var reference in method.ContainingType?.DeclaringSyntaxReferences ?? ImmutableArray<SyntaxReference>.Empty)
            {
                foreach (var node in reference.GetSyntax(CancellationToken).DescendantNodes())
                {
                    var (name, arguments) = node switch
                    {
                        InvocationExpressionSyntax invocation => (LastIdentifier(invocation.Expression), invocation.ArgumentList),
                        ObjectCreationExpressionSyntax creation => (creation.Type is SimpleNameSyntax simple ? simple.Identifier.ValueText : (creation.Type as QualifiedNameSyntax)?.Right.Identifier.ValueText, creation.ArgumentList),
                        _ => (null, null),
                    };

                    if (name is null || arguments is null || !WorkerStartNames.Contains(name))
                    {
                        continue;
                    }

                    foreach (var argument in arguments.Arguments)
                    {
                        if (LastIdentifier(argument.Expression) == method.Name
                            || (argument.Expression is AnonymousFunctionExpressionSyntax lambda
                                && lambda.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(call => LastIdentifier(call.Expression) == method.Name)))
                        {
                            starts.Add(node);
                            break;
                        }
                    }
                }
            }

            if (starts.Count > 0)
            {
                return true;
            }

            // void ConsumerLoop(), void Worker(), Task ConsumeAsync(CancellationToken token): a long-running role by name
            // (a plain ConsumeRemaining() may well be a drain that runs after the producers are done).
            if (method.Name.IndexOf("Consumer", StringComparison.Ordinal) >= 0 || method.Name.IndexOf("Worker", StringComparison.Ordinal) >= 0
                || (method.Name.StartsWith("Consume", StringComparison.Ordinal)
                    && method.Parameters.Any(p => SymbolEqualityComparer.Default.Equals(p.Type, _catalog.Types.CancellationToken))))
            {
                return true;
            }

            // protected override Task ExecuteAsync(CancellationToken stoppingToken) of a BackgroundService
            if (method.IsOverride && method.Name == "ExecuteAsync")
            {
                for (var type = method.ContainingType?.BaseType; type is not null; type = type.BaseType)
                {
                    if (type.Name == "BackgroundService")
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// Someone may put while the worker consumes. Not so for a queue filled up front: every put comes
        /// before a start of the workers in the same member (not inside a lambda), or, for a member of the
        /// type, in a constructor.
        /// </summary>
        private bool MayHaveConcurrentProducer(LockKey key, QueueKind queue, IOperation? consumer, List<SyntaxNode> starts)
        {
            if (queue == QueueKind.ChannelReader || key.Receiver is not null || key.IsThis || key.Symbol is IParameterSymbol)
            {
                // The writer side is another object; a parameter's producers are the caller's.
                return true;
            }

            if (key.Symbol is ILocalSymbol)
            {
                foreach (var operation in All)
                {
                    if (operation is IInvocationOperation invocation && _catalog.TryClassifyAct(invocation, out var act)
                        && act.Kind == QueueActKind.Put && key.Equals(KeyOf(act.Receiver))
                        && !ReferenceEquals(EnclosingFunction(invocation), consumer)
                        && !FilledBeforeStart(invocation.Syntax, starts))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (key.Symbol.DeclaredAccessibility != Accessibility.Private || key.Symbol.ContainingType is not { DeclaringSyntaxReferences.Length: > 0 })
            {
                return true;
            }

            var name = key.Symbol.Name;
            foreach (var reference in key.Symbol.ContainingType.DeclaringSyntaxReferences)
            {
                foreach (var invocation in reference.GetSyntax(CancellationToken).DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (invocation.Expression is MemberAccessExpressionSyntax access && PutNames.Contains(access.Name.Identifier.ValueText)
                        && LastIdentifier(access.Expression) == name
                        && !invocation.Ancestors().Any(a => a is ConstructorDeclarationSyntax)
                        && !FilledBeforeStart(invocation, starts))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>The put runs before a start of the workers, in the same member and not inside a lambda or local function.</summary>
        private static bool FilledBeforeStart(SyntaxNode put, List<SyntaxNode> starts)
        {
            foreach (var start in starts)
            {
                if (put.SyntaxTree != start.SyntaxTree || put.Span.End > start.SpanStart)
                {
                    continue;
                }

                var member = start.Ancestors().FirstOrDefault(a => a is MemberDeclarationSyntax or GlobalStatementSyntax);
                if (member is not null && member.Span.Contains(put.Span)
                    && !put.Ancestors().TakeWhile(a => a != member).Any(a => a is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// <c>Task.Run(() => Produce(q)); while (!q.IsEmpty) q.Get();</c>: this body started a producer of the
        /// queue before the loop and did not wait for it in between.
        /// </summary>
        private bool ProducerStartedBefore(ILoopOperation loop, LockKey key, IOperation? function)
        {
            foreach (var operation in All)
            {
                if (operation.Syntax.Span.End > loop.Syntax.SpanStart
                    || !_catalog.IsWorkerStart(operation)
                    || !ReferenceEquals(EnclosingFunction(operation), function)
                    || IsAwaitedOrWaited(operation)
                    || (operation is IInvocationOperation { TargetMethod.ContainingType.Name: "Parallel" })
                    || !PutsInto(operation, key))
                {
                    continue;
                }

                if (!WaitsBetween(operation.Syntax.Span.End, loop.Syntax.SpanStart, function))
                {
                    return true;
                }
            }

            return false;
        }

        private bool PutsInto(IOperation start, LockKey key)
        {
            foreach (var node in start.DescendantsAndSelf())
            {
                if (node is IInvocationOperation invocation && !ReferenceEquals(node, start) && _catalog.TryClassifyAct(invocation, out var act)
                    && act.Kind == QueueActKind.Put && key.Equals(KeyOf(act.Receiver)))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsAwaitedOrWaited(IOperation start)
        {
            var parent = start.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation)
            {
                parent = parent.Parent;
            }

            return parent is IAwaitOperation
                || (parent is IInvocationOperation { TargetMethod.Name: "Wait" or "Join" } waited && ReferenceEquals(Strip(waited.Instance ?? waited), start))
                || (parent is IPropertyReferenceOperation { Property.Name: "Result" });
        }

        /// <summary>A join of a worker between two points of the same body: <c>t.Join()</c>, <c>task.Wait()</c>, <c>await task</c>, <c>await Task.WhenAll(…)</c>.</summary>
        private bool WaitsBetween(int from, int to, IOperation? function)
        {
            foreach (var operation in All)
            {
                var span = operation.Syntax.Span;
                if (span.Start < from || span.End > to || !ReferenceEquals(EnclosingFunction(operation), function))
                {
                    continue;
                }

                switch (operation)
                {
                    case IInvocationOperation { TargetMethod.Name: "Join" or "Wait" or "WaitAll" or "WaitForExit" or "JoinAsync" }:
                        return true;
                    case IAwaitOperation await when Strip(await.Operation) is ILocalReferenceOperation or IFieldReferenceOperation
                        or IInvocationOperation { TargetMethod.Name: "WhenAll" or "JoinAsync" or "WaitForExitAsync" }:
                        return true;
                }
            }

            return false;
        }

        private static bool IsNestedInLoop(ILoopOperation loop)
        {
            for (var current = loop.Parent; current is not null && !IsFunction(current); current = current.Parent)
            {
                if (current is ILoopOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The exit whose condition this is leaves by <c>return</c> (not by the loop's own condition or a break).</summary>
        private static bool ReturnsWhen(IOperation condition, ILoopOperation loop)
        {
            if (condition.Parent is not IConditionalOperation conditional || ReferenceEquals(conditional, loop))
            {
                return false;
            }

            var exit = LeavesLoop(conditional.WhenTrue, loop) ? conditional.WhenTrue : conditional.WhenFalse;
            var last = exit is IBlockOperation block ? block.Operations.LastOrDefault() : exit;
            return last is IReturnOperation;
        }

        private static bool LeavesLoop(IOperation branch, ILoopOperation loop)
        {
            var last = branch is IBlockOperation block ? block.Operations.LastOrDefault() : branch;
            return last switch
            {
                IBranchOperation { BranchKind: BranchKind.Break } jump => SymbolEqualityComparer.Default.Equals(jump.Target, loop.ExitLabel),
                IReturnOperation => true,
                _ => false,
            };
        }

        private static bool AlwaysJumps(IOperation branch)
        {
            var last = branch is IBlockOperation block ? block.Operations.LastOrDefault() : branch;
            return last is IBranchOperation or IReturnOperation or IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation };
        }

        // ------------------------------------------------------------ conditions

        /// <summary>The check as written around a probe: <c>!q.IsEmpty</c>, <c>q.Count &gt; 0</c>, <c>q.Count is 0</c>; not across <c>&amp;&amp;</c> or <c>||</c>.</summary>
        private static IOperation CheckOf(QueueProbe probe)
        {
            var current = probe.Operation;
            while (current.Parent is IConversionOperation or IParenthesizedOperation or IIsPatternOperation
                   or IUnaryOperation { OperatorKind: UnaryOperatorKind.Not }
                   or IBinaryOperation { OperatorKind: not (BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr or BinaryOperatorKind.And or BinaryOperatorKind.Or) })
            {
                current = current.Parent;
            }

            return current;
        }

        /// <summary>The check is the condition, or the last operand of its <c>&amp;&amp;</c> chain (<c>ready &amp;&amp; !q.IsEmpty</c>).</summary>
        private static bool IsLastConjunct(IOperation check, IOperation condition)
        {
            var current = check;
            for (var depth = 0; depth < 32; depth++)
            {
                if (ReferenceEquals(current, condition))
                {
                    return true;
                }

                switch (current.Parent)
                {
                    case IConversionOperation or IParenthesizedOperation:
                        current = current.Parent;
                        continue;
                    case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } conjunction when ReferenceEquals(conjunction.RightOperand, current):
                        current = conjunction;
                        continue;
                    default:
                        return false;
                }
            }

            return false;
        }

        /// <summary>
        /// The check means exactly "not empty" (or "not full"); inverted: exactly "empty" (or "full"). A
        /// threshold such as <c>q.Count &gt; 5</c> does not, and a Try call cannot take its place.
        /// </summary>
        private bool Means(IOperation check, LockKey key, Assumption assumption, bool inverted)
        {
            if (assumption == Assumption.Full)
            {
                // Only !q.IsFull, q.Count < q.MaxSize, q.Count != q.MaxSize (and their inverses) evaluate when full.
                return Evaluate(check, key, Assumption.Full) == inverted;
            }

            return Evaluate(check, key, Assumption.Empty) == inverted
                && Evaluate(check, key, Assumption.HoldsOne) == !inverted
                && Evaluate(check, key, Assumption.HoldsTwo) == !inverted
                && Evaluate(check, key, Assumption.HoldsMany) == !inverted;
        }

        private IEnumerable<LockKey> ProbedKeys(IOperation condition)
        {
            var keys = new List<LockKey>();
            foreach (var node in OwnDescendants(condition))
            {
                if (_catalog.TryClassifyProbe(node, out var probe) && probe.Kind != QueueProbeKind.Capacity
                    && KeyOf(probe.Receiver) is { } key && !keys.Contains(key))
                {
                    keys.Add(key);
                }
            }

            return keys;
        }

        private QueueProbe? FirstProbe(IOperation condition, LockKey key, Assumption assumption)
        {
            QueueProbe? first = null;
            foreach (var node in OwnDescendants(condition))
            {
                if (_catalog.TryClassifyProbe(node, out var probe) && key.Equals(KeyOf(probe.Receiver))
                    && probe.Kind switch
                    {
                        QueueProbeKind.IsEmpty or QueueProbeKind.Any => assumption == Assumption.Empty,
                        QueueProbeKind.IsFull => assumption == Assumption.Full,
                        QueueProbeKind.Count => true,
                        _ => false,
                    }
                    && (first is null || node.Syntax.SpanStart < first.Value.Operation.Syntax.SpanStart))
                {
                    first = probe;
                }
            }

            return first;
        }

        /// <summary>
        /// The value of a condition when the queue is empty (or full): <see langword="true"/>,
        /// <see langword="false"/>, or <see langword="null"/> when it does not follow from that alone.
        /// </summary>
        private bool? Evaluate(IOperation operation, LockKey key, Assumption assumption)
        {
            switch (operation)
            {
                case IParenthesizedOperation parenthesized:
                    return Evaluate(parenthesized.Operand, key, assumption);
                case IConversionOperation conversion:
                    return Evaluate(conversion.Operand, key, assumption);
                // !c
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    return !Evaluate(not.Operand, key, assumption);
                // a && b, a & b
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.And } conjunction when IsBool(conjunction.LeftOperand):
                    {
                        var left = Evaluate(conjunction.LeftOperand, key, assumption);
                        var right = Evaluate(conjunction.RightOperand, key, assumption);
                        return left == false || right == false ? false : left == true && right == true ? true : null;
                    }

                // a || b, a | b
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr or BinaryOperatorKind.Or } disjunction when IsBool(disjunction.LeftOperand):
                    {
                        var left = Evaluate(disjunction.LeftOperand, key, assumption);
                        var right = Evaluate(disjunction.RightOperand, key, assumption);
                        return left == true || right == true ? true : left == false && right == false ? false : null;
                    }

                // q.IsEmpty == false, q.IsFull != true
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } equality when IsBool(equality.LeftOperand) && IsBool(equality.RightOperand):
                    {
                        var left = BoolValue(equality.LeftOperand, key, assumption);
                        var right = BoolValue(equality.RightOperand, key, assumption);
                        return left is null || right is null ? null : (left == right) == (equality.OperatorKind == BinaryOperatorKind.Equals);
                    }

                // q.Count > 0, 0 == q.Count, q.Count < q.MaxSize
                case IBinaryOperation comparison:
                    return Compare(comparison.OperatorKind, NumberOf(comparison.LeftOperand, key, assumption), NumberOf(comparison.RightOperand, key, assumption));
                // q.Count is 0, q.Count is > 0, q.IsEmpty is false
                case IIsPatternOperation isPattern:
                    return Match(isPattern.Pattern, isPattern.Value, key, assumption);
                default:
                    if (_catalog.TryClassifyProbe(operation, out var probe) && key.Equals(KeyOf(probe.Receiver)))
                    {
                        return (probe.Kind, assumption) switch
                        {
                            (QueueProbeKind.IsEmpty, Assumption.Empty) => true,
                            (QueueProbeKind.IsEmpty, Assumption.HoldsOne or Assumption.HoldsTwo or Assumption.HoldsMany) => false,
                            (QueueProbeKind.Any, Assumption.Empty) => false,
                            (QueueProbeKind.Any, Assumption.HoldsOne or Assumption.HoldsTwo or Assumption.HoldsMany) => true,
                            (QueueProbeKind.IsFull, Assumption.Full) => true,
                            _ => null,
                        };
                    }

                    return null;
            }
        }

        private bool? BoolValue(IOperation operation, LockKey key, Assumption assumption)
            => operation.ConstantValue is { HasValue: true, Value: bool constant } ? constant : Evaluate(operation, key, assumption);

        private bool? Match(IPatternOperation pattern, IOperation value, LockKey key, Assumption assumption)
        {
            switch (pattern)
            {
                case IConstantPatternOperation constant when IsBool(value):
                    var actual = Evaluate(value, key, assumption);
                    return actual is null || constant.Value.ConstantValue is not { HasValue: true, Value: bool expected } ? null : actual == expected;
                case IConstantPatternOperation constant:
                    return Compare(BinaryOperatorKind.Equals, NumberOf(value, key, assumption), NumberOf(constant.Value, key, assumption));
                case IRelationalPatternOperation relational:
                    return Compare(relational.OperatorKind, NumberOf(value, key, assumption), NumberOf(relational.Value, key, assumption));
                case INegatedPatternOperation negated:
                    return !Match(negated.Pattern, value, key, assumption);
                case IBinaryPatternOperation binary:
                    var left = Match(binary.LeftPattern, value, key, assumption);
                    var right = Match(binary.RightPattern, value, key, assumption);
                    return binary.OperatorKind == BinaryOperatorKind.And
                        ? (left == false || right == false ? false : left == true && right == true ? true : null)
                        : (left == true || right == true ? true : left == false && right == false ? false : null);
                default:
                    return null;
            }
        }

        private Number? NumberOf(IOperation operation, LockKey key, Assumption assumption)
        {
            operation = Strip(operation);
            if (operation.ConstantValue is { HasValue: true, Value: { } value } && value is int or long or short or byte or uint)
            {
                return new Number(Convert.ToInt64(value, CultureInfo.InvariantCulture), isCapacity: false);
            }

            if (_catalog.TryClassifyProbe(operation, out var probe) && key.Equals(KeyOf(probe.Receiver)))
            {
                return (probe.Kind, assumption) switch
                {
                    (QueueProbeKind.Count, Assumption.Empty) => new Number(0, isCapacity: false),
                    (QueueProbeKind.Count, Assumption.HoldsOne) => new Number(1, isCapacity: false),
                    (QueueProbeKind.Count, Assumption.HoldsTwo) => new Number(2, isCapacity: false),
                    (QueueProbeKind.Count, Assumption.HoldsMany) => new Number(1000, isCapacity: false),
                    (QueueProbeKind.Count, Assumption.Full) => new Number(null, isCapacity: true),
                    (QueueProbeKind.Capacity, Assumption.Full) => new Number(null, isCapacity: true),
                    _ => null,
                };
            }

            return null;
        }

        private static bool? Compare(BinaryOperatorKind kind, Number? left, Number? right)
        {
            if (left is not { } l || right is not { } r)
            {
                return null;
            }

            int order;
            if (l.Constant is { } a && r.Constant is { } b)
            {
                order = a.CompareTo(b);
            }
            else if (l.IsCapacity && r.IsCapacity)
            {
                order = 0;
            }
            else
            {
                return null;
            }

            return kind switch
            {
                BinaryOperatorKind.Equals => order == 0,
                BinaryOperatorKind.NotEquals => order != 0,
                BinaryOperatorKind.LessThan => order < 0,
                BinaryOperatorKind.LessThanOrEqual => order <= 0,
                BinaryOperatorKind.GreaterThan => order > 0,
                BinaryOperatorKind.GreaterThanOrEqual => order >= 0,
                _ => null,
            };
        }

        private static bool IsBool(IOperation operation) => operation.Type?.SpecialType == SpecialType.System_Boolean;

        // ------------------------------------------------------------ sharing

        /// <summary>
        /// A queue other threads can reach: a field, property or parameter, or a local that is captured,
        /// passed on, stored or returned, or that was not created right here. A local
        /// <c>new BlockingCollection&lt;T&gt;()</c> used only by this body is not shared.
        /// </summary>
        private bool IsShared(LockKey key)
        {
            if (key.Receiver is not null || key.Symbol is not ILocalSymbol local)
            {
                return true;
            }

            if (!_shared.TryGetValue(key, out var shared))
            {
                shared = LocalEscapes(local);
                _shared[key] = shared;
            }

            return shared;
        }

        private bool LocalEscapes(ILocalSymbol local)
        {
            IOperation? declaringFunction = null;
            var declared = false;
            foreach (var operation in All)
            {
                if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
                {
                    declared = true;
                    declaringFunction = EnclosingFunction(declarator);
                    var initializer = declarator.Initializer?.Value ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value;
                    if (initializer is null || Strip(initializer) is not IObjectCreationOperation)
                    {
                        return true;
                    }
                }
            }

            if (!declared)
            {
                return true;
            }

            foreach (var operation in All)
            {
                if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    continue;
                }

                // Captured by a lambda or local function.
                if (!ReferenceEquals(EnclosingFunction(reference), declaringFunction))
                {
                    return true;
                }

                IOperation current = reference;
                while (current.Parent is IConversionOperation or IParenthesizedOperation)
                {
                    current = current.Parent;
                }

                switch (current.Parent)
                {
                    // Enumerable.Any(q), Enumerable.Count(q): a probe, not an escape.
                    case IArgumentOperation { Parent: IInvocationOperation probe } when _catalog.TryClassifyProbe(probe, out _):
                        break;
                    case IArgumentOperation:
                    case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, current):
                    case IVariableInitializerOperation:
                    case IReturnOperation:
                    case IArrayInitializerOperation:
                    case ITupleOperation:
                    case IAnonymousObjectCreationOperation:
                        return true;
                    // q = <something else>: no longer the queue created here.
                    case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Target, current) && Strip(assignment.Value) is not IObjectCreationOperation:
                        return true;
                }
            }

            return false;
        }
    }
}
