using System.Collections.Immutable;
using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Flow;

/// <summary>
/// The shared held-locks engine: a forward dataflow over one <see cref="ControlFlowGraph"/> whose
/// state is a small set of paths (<see cref="PathState"/>). Paths keep the booleans that guard a
/// release (<c>lockTaken</c>, a <c>TryEnter</c> result) so correlated branches are not mixed up;
/// <c>finally</c> blocks are followed once per continuation; exceptions flow from every operation
/// that may throw to the enclosing handlers. One run serves every rule of a family: the result lists
/// leaks and stray releases, and an <see cref="ILockFlowObserver"/> sees the held locks wherever it asks.
/// </summary>
internal sealed class LockFlowAnalysis
{
    /// <summary>Paths kept per block before facts are forgotten; past twice this the body is given up on (no report).</summary>
    private const int MaxPaths = 48;

    /// <summary>Block visits before the body is given up on.</summary>
    private const int MaxVisits = 20_000;

    private readonly ControlFlowGraph _cfg;
    private readonly IResourceCatalog _catalog;
    private readonly bool _typestate;
    private readonly ILockFlowObserver? _observer;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<CaptureId, IOperation> _captures = new();
    private readonly Dictionary<object, LockKey> _scopeHolders = new();
    private readonly HashSet<object> _relevantFacts = new();
    private readonly HashSet<IOperation> _conditionAcquires = new();
    private readonly ImmutableArray<FlowEvent>[] _events;
    private readonly ImmutableArray<FlowEvent>[] _branchEvents;
    private readonly BranchCondition[] _conditions;
    private readonly List<PathState>?[] _inputs;
    private readonly LockFlowResult _result = new();
    private bool _recording;
    private bool _gaveUp;

    private LockFlowAnalysis(ControlFlowGraph cfg, IResourceCatalog catalog, ILockFlowObserver? observer, CancellationToken cancellationToken)
    {
        _cfg = cfg;
        _catalog = catalog;
        _typestate = catalog is ITypestateCatalog;
        _observer = observer;
        _cancellationToken = cancellationToken;
        var count = cfg.Blocks.Length;
        _events = new ImmutableArray<FlowEvent>[count];
        _branchEvents = new ImmutableArray<FlowEvent>[count];
        _conditions = new BranchCondition[count];
        _inputs = new List<PathState>?[count];
    }

    /// <summary>
    /// Analyzes one body. Returns null when the body touches no catalogued lock, or when it is too
    /// complex to follow precisely (then no rule reports anything in it).
    /// </summary>
    public static LockFlowResult? Analyze(ControlFlowGraph cfg, IResourceCatalog catalog, ILockFlowObserver? observer, CancellationToken cancellationToken)
    {
        var analysis = new LockFlowAnalysis(cfg, catalog, observer, cancellationToken);
        if (!analysis.Prepare())
        {
            return null;
        }

        analysis.Run();
        return analysis._gaveUp ? null : analysis._result;
    }

    // ---------------------------------------------------------------- preparation

    private bool Prepare()
    {
        // Captures first: lock objects and conditions are often read through them.
        foreach (var block in _cfg.Blocks)
        {
            foreach (var operation in block.Operations)
            {
                foreach (var node in operation.DescendantsAndSelf())
                {
                    if (node is IFlowCaptureOperation capture)
                    {
                        _captures[capture.Id] = capture.Value;
                    }
                    else if (node is IInvalidOperation)
                    {
                        // Code that does not bind (a missing reference, a typo): no guesses, no report.
                        return false;
                    }
                }
            }
        }

        // Conditions next: they decide which booleans are worth remembering.
        foreach (var block in _cfg.Blocks)
        {
            if (block.BranchValue is not null && block.ConditionKind != ControlFlowConditionKind.None)
            {
                var condition = InterpretCondition(block.BranchValue);
                _conditions[block.Ordinal] = condition;
                if (condition.FactKey is not null)
                {
                    _relevantFacts.Add(condition.FactKey);
                }

                if (condition.TryAcquire is not null)
                {
                    _conditionAcquires.Add(condition.TryAcquire);
                }
            }
        }

        CloseRelevance();

        var touchesLocks = false;
        var builder = ImmutableArray.CreateBuilder<FlowEvent>();
        foreach (var block in _cfg.Blocks)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            builder.Clear();
            foreach (var operation in block.Operations)
            {
                Collect(operation, builder, ref touchesLocks);
            }

            _events[block.Ordinal] = builder.ToImmutable();
            builder.Clear();
            if (block.BranchValue is not null)
            {
                Collect(block.BranchValue, builder, ref touchesLocks);
            }

            _branchEvents[block.Ordinal] = builder.ToImmutable();
        }

        if (touchesLocks && _typestate)
        {
            DropIrrelevantRebinds();
        }

        if (touchesLocks && _catalog.EscapeEndsTracking)
        {
            FindEscapes();
        }

        return touchesLocks || _observer is not null;
    }

    /// <summary>Keeps only the rebinds of variables that name an acquired resource: the others cost a pass over every path.</summary>
    private void DropIrrelevantRebinds()
    {
        var named = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var key in _result.AcquiredKeys)
        {
            named.Add(key.Symbol);
            if (key.Receiver is not null)
            {
                named.Add(key.Receiver);
            }
        }

        for (var i = 0; i < _events.Length; i++)
        {
            _events[i] = Keep(_events[i]);
            _branchEvents[i] = Keep(_branchEvents[i]);
        }

        ImmutableArray<FlowEvent> Keep(ImmutableArray<FlowEvent> events)
            => events.IsDefault || !events.Any(e => e.Kind == FlowEventKind.Rebind && !named.Contains(e.Key!.Symbol))
                ? events
                : events.Where(e => e.Kind != FlowEventKind.Rebind || named.Contains(e.Key!.Symbol)).ToImmutableArray();
    }

    /// <summary>Locals and parameters handed to code this body cannot see: returned, stored, passed on, captured.</summary>
    private void FindEscapes()
    {
        foreach (var block in _cfg.Blocks)
        {
            foreach (var operation in block.Operations)
            {
                FindEscapes(operation);
            }

            if (block.BranchValue is { } value)
            {
                // A return value or a condition can pass a variable on or capture it too (`return Task.Run(() => w.Join())`).
                FindEscapes(value);
                if (block.FallThroughSuccessor?.Semantics == ControlFlowBranchSemantics.Return
                    && SymbolOf(LockKey.Unwrap(value, _captures) ?? value) is { } returned)
                {
                    // The variable itself is returned; reading a member of it (`return p.ExitCode`) is not an escape.
                    _result.EscapedSymbolsToFill.Add(returned);
                }
            }
        }

        foreach (var localFunction in _cfg.LocalFunctions)
        {
            AddCaptured(localFunction);
        }
    }

    private void FindEscapes(IOperation root)
    {
        foreach (var node in root.DescendantsAndSelf())
        {
            switch (node)
            {
                case ILocalReferenceOperation local when Escapes(local):
                    _result.EscapedSymbolsToFill.Add(local.Local);
                    break;
                case IParameterReferenceOperation parameter when Escapes(parameter):
                    _result.EscapedSymbolsToFill.Add(parameter.Parameter);
                    break;
                case IFlowAnonymousFunctionOperation lambda:
                    AddCaptured(lambda.Symbol);
                    break;
            }
        }
    }

    private bool Escapes(IOperation reference)
    {
        var current = reference;
        while (current.Parent is IConversionOperation or IParenthesizedOperation)
        {
            current = current.Parent;
        }

        switch (current.Parent)
        {
            case IArgumentOperation { Parent: IInvocationOperation invocation }:
                return !_catalog.TryClassify(invocation, out _);
            case IArgumentOperation:
                return true;
            case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, current):
                return true;
            case IFlowCaptureOperation capture:
                // Captures are how the graph carries values; the capture itself escapes only if its uses do.
                return CaptureEscapes(capture.Id);
            case IArrayInitializerOperation:
            case IAnonymousObjectCreationOperation:
            case ITupleOperation:
            case IReturnOperation:
                return true;
            default:
                return false;
        }
    }

    private bool CaptureEscapes(CaptureId id)
    {
        foreach (var block in _cfg.Blocks)
        {
            foreach (var operation in block.Operations)
            {
                foreach (var node in operation.DescendantsAndSelf())
                {
                    if (node is IFlowCaptureReferenceOperation reference && reference.Id.Equals(id) && !ReferenceEquals(node.Parent, null) && Escapes(reference))
                    {
                        return true;
                    }
                }
            }

            if (block.BranchValue is IFlowCaptureReferenceOperation returned && returned.Id.Equals(id) && block.FallThroughSuccessor?.Semantics == ControlFlowBranchSemantics.Return)
            {
                return true;
            }
        }

        return false;
    }

    private void AddCaptured(IMethodSymbol function)
    {
        foreach (var reference in function.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(_cancellationToken);
            foreach (var token in syntax.DescendantTokens())
            {
                if (token.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.IdentifierToken))
                {
                    foreach (var site in _result.Sites.Values)
                    {
                        var symbol = site.Key.Receiver ?? site.Key.Symbol;
                        if (symbol is ILocalSymbol or IParameterSymbol && symbol.Name == token.ValueText)
                        {
                            _result.EscapedSymbolsToFill.Add(symbol);
                        }
                    }
                }
            }
        }
    }

    private static ISymbol? SymbolOf(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        _ => null,
    };

    /// <summary>A boolean copied into a tested one is worth remembering too (<c>ok = captured &amp;&amp; TryEnter(o)</c>).</summary>
    private void CloseRelevance()
    {
        var copies = new List<(object Target, object Source)>();
        foreach (var block in _cfg.Blocks)
        {
            foreach (var operation in block.Operations)
            {
                foreach (var node in operation.DescendantsAndSelf())
                {
                    var (target, value) = node switch
                    {
                        ISimpleAssignmentOperation assignment => (FactKeyOf(assignment.Target), assignment.Value),
                        IFlowCaptureOperation capture => ((object?)capture.Id, capture.Value),
                        _ => (null, null),
                    };

                    if (target is not null && value is not null && RawFactKeyOf(value) is { } source)
                    {
                        copies.Add((target, source));
                    }
                }
            }
        }

        bool changed;
        do
        {
            changed = false;
            foreach (var (target, source) in copies)
            {
                if (_relevantFacts.Contains(target) && _relevantFacts.Add(source))
                {
                    changed = true;
                }
            }
        }
        while (changed);
    }

    private static object? RawFactKeyOf(IOperation operation) => operation switch
    {
        IConversionOperation conversion => RawFactKeyOf(conversion.Operand),
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFlowCaptureReferenceOperation reference => reference.Id,
        _ => null,
    };

    private void Collect(IOperation operation, ImmutableArray<FlowEvent>.Builder events, ref bool touchesLocks)
    {
        // Post-order: arguments and receivers are evaluated before the call that uses them.
        switch (operation)
        {
            case IFlowAnonymousFunctionOperation:
            case IAnonymousFunctionOperation:
            case ILocalFunctionOperation:
                return;
            case ISimpleAssignmentOperation { Target: var target } when _typestate
                && Strip(target) is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation
                && LockKey.Resolve(target, LockMode.Exclusive, _captures) is { } rebound:
                // Before the value: `p = Process.Start(…)` names the new object once the call has run.
                events.Add(new FlowEvent(FlowEventKind.Rebind, operation, rebound));
                break;
        }

        foreach (var child in operation.ChildOperations)
        {
            Collect(child, events, ref touchesLocks);
        }

        switch (operation)
        {
            case IInvocationOperation invocation:
                CollectInvocation(invocation, events, ref touchesLocks);
                break;
            case IObjectCreationOperation:
            case IDynamicInvocationOperation:
            case IDynamicObjectCreationOperation:
            case IDynamicMemberReferenceOperation:
            case IArrayElementReferenceOperation:
                events.Add(new FlowEvent(FlowEventKind.MayThrow, operation));
                break;
            case IAwaitOperation await:
                if (!IsCatalogued(LockKey.Awaited(await, _captures)))
                {
                    events.Add(new FlowEvent(FlowEventKind.MayThrow, operation));
                }

                events.Add(new FlowEvent(FlowEventKind.Await, operation));
                break;
            case IPropertyReferenceOperation { Arguments.Length: > 0 }:
                // An indexer: a missing key or an index out of range throws.
                events.Add(new FlowEvent(FlowEventKind.MayThrow, operation));
                break;
            case IConversionOperation { IsTryCast: false } conversion when !conversion.Conversion.IsImplicit && conversion.Conversion.IsReference:
                events.Add(new FlowEvent(FlowEventKind.MayThrow, operation));
                break;
            case ISimpleAssignmentOperation assignment:
                CollectAssignment(assignment.Target, assignment.Value, operation, events, ref touchesLocks);
                break;
            case IFlowCaptureOperation capture:
                CollectAssignment(null, capture.Value, operation, events, ref touchesLocks, capture.Id);
                break;
            case ICompoundAssignmentOperation compound when FactKeyOf(compound.Target) is { } compoundKey && _relevantFacts.Contains(compoundKey):
                events.Add(new FlowEvent(FlowEventKind.KillFact, operation, factKey: compoundKey));
                break;
        }

        if (_observer is not null && _observer.WantsOperation(operation))
        {
            events.Add(new FlowEvent(FlowEventKind.Observe, operation));
        }
    }

    private bool IsCatalogued(IOperation? operation) => operation is IInvocationOperation invocation && _catalog.TryClassify(invocation, out _);

    private void CollectInvocation(IInvocationOperation invocation, ImmutableArray<FlowEvent>.Builder events, ref bool touchesLocks)
    {
        if (!_catalog.TryClassify(invocation, out var op))
        {
            if (invocation.TargetMethod.Name == "Dispose" && invocation.TargetMethod.Parameters.Length == 0
                && ScopeHolderOf(invocation.Instance) is { } holderKey && _scopeHolders.TryGetValue(holderKey, out var scopeKey))
            {
                _result.ReleasedKeysToFill.Add(scopeKey);
                events.Add(new FlowEvent(FlowEventKind.ScopeRelease, invocation, scopeKey));
                return;
            }

            if (!IsNonThrowing(invocation.TargetMethod))
            {
                events.Add(new FlowEvent(FlowEventKind.MayThrow, invocation));
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out && FactKeyOf(argument.Value) is { } killed && _relevantFacts.Contains(killed))
                {
                    events.Add(new FlowEvent(FlowEventKind.KillFact, invocation, factKey: killed));
                }
            }

            return;
        }

        if (op.Kind == LockOpKind.ScopeDispose)
        {
            if (ScopeHolderOf(invocation.Instance) is { } holder && _scopeHolders.TryGetValue(holder, out var disposedKey))
            {
                _result.ReleasedKeysToFill.Add(disposedKey);
                events.Add(new FlowEvent(FlowEventKind.ScopeRelease, invocation, disposedKey));
                touchesLocks = true;
            }

            return;
        }

        var key = LockKey.For(op, _captures);
        if (key is null)
        {
            // A lock read from somewhere we cannot name (a call result, an array element): not followed.
            return;
        }

        touchesLocks = true;
        switch (op.Kind)
        {
            case LockOpKind.Acquire:
                if (op.ReturnsScope && !TryRegisterScope(invocation, key))
                {
                    // The scope is handed to someone else (returned, stored, passed on): their business.
                    return;
                }

                if (op.MayFail)
                {
                    events.Add(new FlowEvent(FlowEventKind.MayThrow, invocation));
                }

                _result.AcquiredKeysToFill.Add(key);
                _result.SitesToFill[invocation] = new AcquireSite(invocation, key, op.Family);
                events.Add(new FlowEvent(FlowEventKind.Acquire, invocation, key, op.Family));
                break;

            case LockOpKind.TryAcquire:
                if (op.MayFail)
                {
                    events.Add(new FlowEvent(FlowEventKind.MayThrow, invocation));
                }

                var usage = ResultUsage(invocation);
                if (_conditionAcquires.Contains(invocation) || usage is ISimpleAssignmentOperation or IFlowCaptureOperation)
                {
                    // The branch or the assignment that consumes the result splits the path.
                    _result.AcquiredKeysToFill.Add(key);
                    _result.SitesToFill[invocation] = new AcquireSite(invocation, key, op.Family);
                    return;
                }

                if (usage is IExpressionStatementOperation)
                {
                    _result.AcquiredKeysToFill.Add(key);
                    _result.SitesToFill[invocation] = new AcquireSite(invocation, key, op.Family);
                    events.Add(new FlowEvent(FlowEventKind.TryAcquire, invocation, key, op.Family));
                }

                break;

            case LockOpKind.AcquireWithTakenFlag:
                _result.AcquiredKeysToFill.Add(key);
                _result.SitesToFill[invocation] = new AcquireSite(invocation, key, op.Family);
                var taken = FactKeyOf(op.TakenFlag);
                var conditional = invocation.TargetMethod.Name.StartsWith("Try", StringComparison.Ordinal);
                events.Add(new FlowEvent(conditional ? FlowEventKind.TryAcquireWithTakenFlag : FlowEventKind.AcquireWithTakenFlag, invocation, key, op.Family, factKey: taken is not null && _relevantFacts.Contains(taken) ? taken : null));
                break;

            case LockOpKind.Release:
                if (op.MayFail)
                {
                    // A release that can end in an exception (a join cancelled by its token) leaves the resource held on that path.
                    events.Add(new FlowEvent(FlowEventKind.MayThrow, invocation));
                }

                _result.ReleasedKeysToFill.Add(key);
                events.Add(new FlowEvent(FlowEventKind.Release, invocation, key, op.Family));
                break;
        }
    }

    private void CollectAssignment(IOperation? target, IOperation value, IOperation operation, ImmutableArray<FlowEvent>.Builder events, ref bool touchesLocks, CaptureId? captureId = null)
    {
        object? targetKey = captureId is { } id ? id : FactKeyOf(target);
        var source = Strip(value);
        if (source is IInvocationOperation invocation && _catalog.TryClassify(invocation, out var op) && op.Kind == LockOpKind.TryAcquire
            && ReferenceEquals(ResultUsage(invocation), operation)
            && LockKey.For(op, _captures) is { } key)
        {
            touchesLocks = true;
            events.Add(new FlowEvent(FlowEventKind.TryAcquire, invocation, key, op.Family, factKey: targetKey is not null && _relevantFacts.Contains(targetKey) ? targetKey : null));
            return;
        }

        if (targetKey is null || !_relevantFacts.Contains(targetKey))
        {
            return;
        }

        if (source is ILiteralOperation { ConstantValue: { HasValue: true, Value: bool constant } })
        {
            events.Add(new FlowEvent(FlowEventKind.SetFact, operation, factKey: targetKey, factValue: constant));
        }
        else if (FactKeyOf(source) is { } sourceKey && _relevantFacts.Contains(sourceKey))
        {
            events.Add(new FlowEvent(FlowEventKind.CopyFact, operation, factKey: targetKey, sourceFactKey: sourceKey));
        }
        else
        {
            events.Add(new FlowEvent(FlowEventKind.KillFact, operation, factKey: targetKey));
        }
    }

    /// <summary>Where a scope-returning acquire's result goes: a local or capture that a later <c>Dispose</c> releases through.</summary>
    private bool TryRegisterScope(IInvocationOperation invocation, LockKey key)
    {
        switch (ResultUsage(invocation))
        {
            case IExpressionStatementOperation:
                return true;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local }:
                _scopeHolders[local.Local] = key;
                return true;
            case IFlowCaptureOperation capture:
                _scopeHolders[capture.Id] = key;
                return true;
            default:
                return false;
        }
    }

    private object? ScopeHolderOf(IOperation? receiver)
    {
        for (var depth = 0; receiver is not null && depth < 8; depth++)
        {
            switch (receiver)
            {
                case IConversionOperation conversion:
                    receiver = conversion.Operand;
                    continue;
                case IFlowCaptureReferenceOperation reference:
                    if (_scopeHolders.ContainsKey(reference.Id))
                    {
                        return reference.Id;
                    }

                    receiver = _captures.TryGetValue(reference.Id, out var captured) ? captured : null;
                    continue;
                case ILocalReferenceOperation local:
                    return local.Local;
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>The operation that consumes a call's result, seeing through <c>await</c> and conversions.</summary>
    private static IOperation? ResultUsage(IOperation operation)
    {
        var current = operation;
        while (current.Parent is IAwaitOperation or IConversionOperation or IParenthesizedOperation
            || (current.Parent is IInvocationOperation configure && ReferenceEquals(configure.Instance, current) && LockKey.ConfiguredTask(configure, LockKey.NoCaptures) is not null))
        {
            current = current.Parent;
        }

        return current.Parent switch
        {
            ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, current) => assignment,
            IFlowCaptureOperation capture => capture,
            IExpressionStatementOperation statement => statement,
            _ => current.Parent,
        };
    }

    private static IOperation? Strip(IOperation? operation)
    {
        while (operation is IConversionOperation or IParenthesizedOperation or IAwaitOperation)
        {
            operation = operation switch
            {
                IConversionOperation conversion => conversion.Operand,
                IParenthesizedOperation parenthesized => parenthesized.Operand,
                IAwaitOperation await => LockKey.ConfiguredTask(await.Operation, LockKey.NoCaptures) ?? await.Operation,
                _ => operation,
            };
        }

        return operation;
    }

    /// <summary>The key of a boolean the engine can remember: a local, a parameter, a field of this instance, or a capture.</summary>
    private object? FactKeyOf(IOperation? operation)
    {
        switch (operation)
        {
            case IConversionOperation conversion:
                return FactKeyOf(conversion.Operand);
            case ILocalReferenceOperation local:
                return local.Local;
            case IParameterReferenceOperation parameter:
                return parameter.Parameter;
            case IFieldReferenceOperation field when field.Field.IsStatic || field.Instance is null or IInstanceReferenceOperation:
                return field.Field;
            case IFlowCaptureReferenceOperation reference:
                return _relevantFacts.Contains(reference.Id) || !_captures.TryGetValue(reference.Id, out var captured)
                    ? reference.Id
                    : FactKeyOf(captured) ?? reference.Id;
            default:
                return null;
        }
    }

    private BranchCondition InterpretCondition(IOperation condition)
    {
        var negated = false;
        var current = condition;
        for (var depth = 0; current is not null && depth < 16; depth++)
        {
            switch (current)
            {
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    current = parenthesized.Operand;
                    continue;
                case IAwaitOperation await:
                    current = LockKey.ConfiguredTask(await.Operation, _captures) ?? await.Operation;
                    continue;
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    negated = !negated;
                    current = not.Operand;
                    continue;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary
                    when BoolConstant(binary.RightOperand) is { } right:
                    negated ^= right ^ (binary.OperatorKind == BinaryOperatorKind.Equals);
                    current = binary.LeftOperand;
                    continue;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary
                    when BoolConstant(binary.LeftOperand) is { } left:
                    negated ^= left ^ (binary.OperatorKind == BinaryOperatorKind.Equals);
                    current = binary.RightOperand;
                    continue;
                case var check when _catalog is IHeldCheckCatalog checks && checks.TryGetHeldCheck(check, out var checkedLock, out var checkedMode):
                    var checkedKey = LockKey.Resolve(checkedLock, checkedMode, _captures);
                    return checkedKey is null ? default : new BranchCondition(null, null, default, factKey: null, negated, heldCheck: checkedKey);
                case IInvocationOperation invocation when _catalog.TryClassify(invocation, out var op) && op.Kind == LockOpKind.TryAcquire:
                    var key = LockKey.For(op, _captures);
                    return key is null ? default : new BranchCondition(invocation, key, op.Family, factKey: null, negated);
                case IFlowCaptureReferenceOperation reference:
                    if (_captures.TryGetValue(reference.Id, out var captured) && Strip(captured) is IInvocationOperation capturedCall && IsCatalogued(capturedCall))
                    {
                        return new BranchCondition(null, null, default, reference.Id, negated);
                    }

                    if (captured is not null && FactKeyOf(captured) is { } aliased)
                    {
                        return new BranchCondition(null, null, default, aliased, negated);
                    }

                    return new BranchCondition(null, null, default, reference.Id, negated);
                default:
                    var factKey = FactKeyOf(current);
                    return factKey is null || current.Type?.SpecialType != SpecialType.System_Boolean
                        ? default
                        : new BranchCondition(null, null, default, factKey, negated);
            }
        }

        return default;
    }

    private static bool? BoolConstant(IOperation operation)
        => operation.ConstantValue is { HasValue: true, Value: bool value } ? value : null;

    private static bool IsNonThrowing(IMethodSymbol method)
    {
        var type = method.ContainingType;
        if (type is null || type.ContainingNamespace is null)
        {
            return false;
        }

        var ns = type.ContainingNamespace;
        return (type.Name is "Interlocked" or "Volatile" or "Monitor" or "Thread" && NamespaceNames.Is(ns, "System.Threading")
                && (type.Name != "Thread" || method.Name is "Yield" or "SpinWait" or "Sleep" or "MemoryBarrier"))
            || (type.Name == "Math" && NamespaceNames.Is(ns, "System"))
            || (type.SpecialType == SpecialType.System_Object && method.Name == "ReferenceEquals")
            // Configuring how a task is awaited (`s.WaitAsync().ConfigureAwait(false)`): a struct around the task.
            || (method.Name == "ConfigureAwait" && NamespaceNames.Is(ns, "System.Threading.Tasks"));
    }

    // ---------------------------------------------------------------- fixpoint

    private void Run()
    {
        var entry = _cfg.Blocks[0];
        var worklist = new SortedSet<int>();
        Merge(entry.Ordinal, new List<PathState> { PathState.Initial }, worklist);
        var visits = 0;
        while (worklist.Count > 0 && !_gaveUp)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (++visits > MaxVisits)
            {
                _gaveUp = true;
                return;
            }

            var ordinal = worklist.Min;
            worklist.Remove(ordinal);
            ProcessBlock(_cfg.Blocks[ordinal], worklist);
        }

        // Replay every reachable block once with the final states, recording what the rules need.
        _recording = true;
        foreach (var block in _cfg.Blocks)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (_inputs[block.Ordinal] is not null)
            {
                ProcessBlock(block, worklist: null);
            }
        }

        if (_inputs[_cfg.Blocks.Length - 1] is { } exitStates)
        {
            foreach (var path in exitStates)
            {
                foreach (var pair in path.Held)
                {
                    foreach (var site in pair.Value)
                    {
                        if (!_result.NormalExitLeaks.ContainsKey(site))
                        {
                            _result.NormalExitLeaksToFill[site] = "a path to the end of the method";
                        }
                    }
                }
            }
        }
    }

    private void ProcessBlock(BasicBlock block, SortedSet<int>? worklist)
    {
        var state = _inputs[block.Ordinal];
        if (state is null || state.Count == 0)
        {
            return;
        }

        state = Apply(_events[block.Ordinal], state, block, worklist);
        state = Apply(_branchEvents[block.Ordinal], state, block, worklist);

        if (block.ConditionKind != ControlFlowConditionKind.None && block.ConditionalSuccessor is not null)
        {
            var (whenTrue, whenFalse) = Split(_conditions[block.Ordinal], state);
            var conditionalTaken = block.ConditionKind == ControlFlowConditionKind.WhenTrue ? whenTrue : whenFalse;
            var fallThrough = block.ConditionKind == ControlFlowConditionKind.WhenTrue ? whenFalse : whenTrue;
            Follow(block, block.ConditionalSuccessor, conditionalTaken, worklist);
            if (block.FallThroughSuccessor is not null)
            {
                Follow(block, block.FallThroughSuccessor, fallThrough, worklist);
            }
        }
        else if (block.FallThroughSuccessor is not null)
        {
            Follow(block, block.FallThroughSuccessor, state, worklist);
        }
    }

    private List<PathState> Apply(ImmutableArray<FlowEvent> events, List<PathState> state, BasicBlock block, SortedSet<int>? worklist)
    {
        foreach (var e in events)
        {
            if (state.Count == 0)
            {
                break;
            }

            switch (e.Kind)
            {
                case FlowEventKind.MayThrow:
                    foreach (var path in state)
                    {
                        // In a finally run by an exception, the message names what threw first (the Dispose of the using
                        // around the region is not why the lock leaks).
                        RouteException(block.EnclosingRegion, path.Thrower is null ? path.WithThrower(e.Operation) : path, worklist);
                    }

                    break;

                case FlowEventKind.Observe:
                    if (_recording && _observer is not null && AnyHeld(state))
                    {
                        _observer.OnOperation(e.Operation, Summarize(state));
                    }

                    break;

                case FlowEventKind.Await:
                    if (_recording)
                    {
                        foreach (var path in state)
                        {
                            foreach (var pair in path.Held)
                            {
                                foreach (var site in pair.Value)
                                {
                                    if (_result.Sites.TryGetValue(site, out var info) && LockFamilyTraits.IsThreadAffine(info.Family) && !_result.HeldAcrossAwait.ContainsKey(site))
                                    {
                                        _result.HeldAcrossAwaitToFill[site] = e.Operation;
                                    }
                                }
                            }
                        }
                    }

                    break;

                default:
                    state = ApplyToPaths(e, state);
                    break;
            }
        }

        return state;
    }

    private List<PathState> ApplyToPaths(FlowEvent e, List<PathState> state)
    {
        if (_recording && e.Key is not null && e.Kind is FlowEventKind.Acquire or FlowEventKind.TryAcquire or FlowEventKind.AcquireWithTakenFlag or FlowEventKind.TryAcquireWithTakenFlag)
        {
            _observer?.OnAcquire(new AcquireSite(e.Operation, e.Key, e.Family), Summarize(state));
        }

        var next = new List<PathState>(state.Count + 1);
        foreach (var path in state)
        {
            switch (e.Kind)
            {
                case FlowEventKind.Acquire:
                    next.Add(AcquireOn(path, e));
                    break;
                case FlowEventKind.TryAcquire:
                case FlowEventKind.TryAcquireWithTakenFlag:
                    var acquired = AcquireOn(path, e);
                    next.Add(e.FactKey is null ? acquired : acquired.WithFacts(acquired.Facts.SetItem(e.FactKey, true)));
                    next.Add(e.FactKey is null ? path : path.WithFacts(path.Facts.SetItem(e.FactKey, false)));
                    break;
                case FlowEventKind.AcquireWithTakenFlag:
                    var entered = AcquireOn(path, e);
                    next.Add(e.FactKey is null ? entered : entered.WithFacts(entered.Facts.SetItem(e.FactKey, true)));
                    break;
                case FlowEventKind.Release:
                    if (path.IsHeld(e.Key!))
                    {
                        next.Add(path.Release(e.Key!));
                    }
                    else
                    {
                        if (_recording && !_result.ReleasesNotHeld.ContainsKey(e.Operation))
                        {
                            _result.ReleasesNotHeldToFill[e.Operation] = (e.Key!, e.Family, path.IsExceptional);
                        }

                        next.Add(path);
                    }

                    break;
                case FlowEventKind.ScopeRelease:
                    next.Add(path.IsHeld(e.Key!) ? path.Release(e.Key!) : path);
                    break;
                case FlowEventKind.SetFact:
                    next.Add(path.WithFacts(path.Facts.SetItem(e.FactKey!, e.FactValue)));
                    break;
                case FlowEventKind.CopyFact:
                    next.Add(path.WithFacts(path.Facts.TryGetValue(e.SourceFactKey!, out var value) ? path.Facts.SetItem(e.FactKey!, value) : path.Facts.Remove(e.FactKey!)));
                    break;
                case FlowEventKind.KillFact:
                    next.Add(path.WithFacts(path.Facts.Remove(e.FactKey!)));
                    break;
                case FlowEventKind.Rebind:
                    next.Add(RebindOn(path, e));
                    break;
                default:
                    next.Add(path);
                    break;
            }
        }

        return next;
    }

    /// <summary>The variable now holds another object: what the path knew about the old one is no longer reachable through it.</summary>
    private PathState RebindOn(PathState path, FlowEvent e)
    {
        var name = e.Key!;
        var held = path.Held;
        foreach (var pair in path.Held)
        {
            var key = pair.Key;
            var named = SymbolEqualityComparer.Default.Equals(key.Symbol, name.Symbol) && SymbolEqualityComparer.Default.Equals(key.Receiver, name.Receiver);
            var through = name.Receiver is null && SymbolEqualityComparer.Default.Equals(key.Receiver, name.Symbol);
            if (!named && !through)
            {
                continue;
            }

            if (_recording)
            {
                foreach (var site in pair.Value)
                {
                    if (!_result.ReboundWhileHeld.ContainsKey(site))
                    {
                        _result.ReboundWhileHeldToFill[site] = e.Operation;
                    }
                }
            }

            held = held.Remove(key);
        }

        return ReferenceEquals(held, path.Held) ? path : path.WithHeld(held);
    }

    private PathState AcquireOn(PathState path, FlowEvent e)
    {
        var key = e.Key!;
        if (_recording && path.Held.TryGetValue(key, out var holding) && !holding.IsEmpty && !_result.AcquiredWhileHeld.ContainsKey(e.Operation))
        {
            _result.AcquiredWhileHeldToFill[e.Operation] = holding[holding.Length - 1];
        }

        if (path.Held.TryGetValue(key, out var stack) && stack.Contains(e.Operation))
        {
            // The same acquire runs again while its previous run still holds the lock: a loop that
            // takes the lock on every pass and does not give it back within the pass.
            if (LockFamilyTraits.IsCounting(e.Family) || e.Family == LockFamily.Annotated)
            {
                _result.UntrackableKeysToFill.Add(key);
            }
            else if (_recording)
            {
                _result.LoopLeaksToFill.Add(e.Operation);
            }
        }

        if (_typestate && path.IsHeld(key))
        {
            // A state, not a count: started twice is still started once, and one join ends it.
            return path;
        }

        return path.Acquire(key, e.Operation);
    }

    private (List<PathState> WhenTrue, List<PathState> WhenFalse) Split(BranchCondition condition, List<PathState> state)
    {
        if (condition.IsNone)
        {
            return (state, state);
        }

        var whenTrue = new List<PathState>(state.Count);
        var whenFalse = new List<PathState>(state.Count);
        if (condition.TryAcquire is not null)
        {
            var e = new FlowEvent(FlowEventKind.Acquire, condition.TryAcquire, condition.Key, condition.Family);
            if (_recording)
            {
                _observer?.OnAcquire(new AcquireSite(condition.TryAcquire, condition.Key!, condition.Family), Summarize(state));
            }

            foreach (var path in state)
            {
                (condition.Negated ? whenFalse : whenTrue).Add(AcquireOn(path, e));
                (condition.Negated ? whenTrue : whenFalse).Add(path);
            }

            return (whenTrue, whenFalse);
        }

        if (condition.HeldCheck is { } checkedKey)
        {
            // Each path goes where the check agrees with it.
            foreach (var path in state)
            {
                (path.IsHeld(checkedKey) ^ condition.Negated ? whenTrue : whenFalse).Add(path);
            }

            return (whenTrue, whenFalse);
        }

        var key = condition.FactKey!;
        foreach (var path in state)
        {
            if (path.Facts.TryGetValue(key, out var known))
            {
                (known ^ condition.Negated ? whenTrue : whenFalse).Add(path);
            }
            else
            {
                whenTrue.Add(path.WithFacts(path.Facts.SetItem(key, !condition.Negated)));
                whenFalse.Add(path.WithFacts(path.Facts.SetItem(key, condition.Negated)));
            }
        }

        return (whenTrue, whenFalse);
    }

    private void Follow(BasicBlock source, ControlFlowBranch branch, List<PathState> state, SortedSet<int>? worklist)
    {
        if (state.Count == 0)
        {
            return;
        }

        switch (branch.Semantics)
        {
            case ControlFlowBranchSemantics.Throw:
            case ControlFlowBranchSemantics.Rethrow:
                foreach (var path in state)
                {
                    RouteException(source.EnclosingRegion, path.Thrower is null ? path.WithThrower(source.BranchValue ?? LastOperation(source)) : path, worklist);
                }

                return;

            case ControlFlowBranchSemantics.StructuredExceptionHandling:
                foreach (var path in state)
                {
                    EndFinally(path, worklist);
                }

                return;

            case ControlFlowBranchSemantics.Regular:
            case ControlFlowBranchSemantics.Return:
                if (branch.Destination is null)
                {
                    return;
                }

                if (!branch.FinallyRegions.IsEmpty)
                {
                    // Facts of the regions being left stay until the finally blocks that test them have run.
                    var adjusted = AdjustForRegions(state, ImmutableArray<ControlFlowRegion>.Empty, branch.EnteringRegions);
                    var first = branch.FinallyRegions[0];
                    var pending = branch.FinallyRegions.RemoveAt(0);
                    var entering = new List<PathState>(adjusted.Count);
                    foreach (var path in adjusted)
                    {
                        entering.Add(path.WithContinuation(new Continuation(first, pending, branch.Destination, isException: false, path.Continuation)));
                    }

                    Merge(first.FirstBlockOrdinal, entering, worklist);
                    return;
                }

                var moved = AdjustForRegions(state, branch.LeavingRegions, branch.EnteringRegions);
                if (branch.LeavingRegions.Any(r => r.Kind is ControlFlowRegionKind.Catch or ControlFlowRegionKind.FilterAndHandler))
                {
                    // A catch that completes normally ends the exception: the path is an ordinary one again.
                    moved = moved.Select(p => p.Thrower is null ? p : p.WithThrower(null)).ToList();
                }

                if (_recording && branch.Destination.Kind == BasicBlockKind.Exit)
                {
                    RecordExit(source, moved);
                }

                Merge(branch.Destination.Ordinal, moved, worklist);
                return;

            default:
                // Error and ProgramTermination: the path ends here.
                return;
        }
    }

    private void EndFinally(PathState path, SortedSet<int>? worklist)
    {
        var continuation = path.Continuation;
        if (continuation is null)
        {
            return;
        }

        if (continuation.IsException)
        {
            RouteException(continuation.FinallyRegion.EnclosingRegion, path.WithContinuation(continuation.Parent), worklist);
            return;
        }

        if (!continuation.PendingFinallys.IsEmpty)
        {
            var next = continuation.PendingFinallys[0];
            var moved = path.WithContinuation(new Continuation(next, continuation.PendingFinallys.RemoveAt(0), continuation.Destination, isException: false, continuation.Parent));
            Merge(next.FirstBlockOrdinal, new List<PathState> { moved }, worklist);
            return;
        }

        var resumed = path.WithContinuation(continuation.Parent);
        if (continuation.Destination is { } destination)
        {
            if (_recording && destination.Kind == BasicBlockKind.Exit)
            {
                RecordExit(null, new List<PathState> { resumed });
            }

            Merge(destination.Ordinal, new List<PathState> { resumed }, worklist);
        }
    }

    /// <summary>Sends an exception's path to the handlers that see it: catch blocks, finally blocks, or out of the body.</summary>
    private void RouteException(ControlFlowRegion? from, PathState path, SortedSet<int>? worklist)
    {
        // A lambda's or local function's root region links back into the enclosing method's graph:
        // the walk stops at this graph's root, and an exception that leaves it leaves the body.
        for (var region = from; region is not null; region = ReferenceEquals(region, _cfg.Root) ? null : region.EnclosingRegion)
        {
            if (region.Kind != ControlFlowRegionKind.Try || region.EnclosingRegion is not { } parent)
            {
                continue;
            }

            if (parent.Kind == ControlFlowRegionKind.TryAndFinally)
            {
                var finallyRegion = parent.NestedRegions[parent.NestedRegions.Length - 1];
                var kept = Prune(path.Continuation, finallyRegion);
                Merge(finallyRegion.FirstBlockOrdinal, new List<PathState> { path.WithContinuation(new Continuation(finallyRegion, ImmutableArray<ControlFlowRegion>.Empty, destination: null, isException: true, kept)) }, worklist);
                return;
            }

            if (parent.Kind == ControlFlowRegionKind.TryAndCatch)
            {
                var caughtByAll = false;
                foreach (var handler in parent.NestedRegions)
                {
                    if (ReferenceEquals(handler, region))
                    {
                        continue;
                    }

                    Merge(handler.FirstBlockOrdinal, new List<PathState> { path.WithContinuation(Prune(path.Continuation, handler)) }, worklist);
                    if (handler.Kind == ControlFlowRegionKind.Catch && CatchesEverything(handler.ExceptionType))
                    {
                        caughtByAll = true;
                    }
                }

                if (caughtByAll)
                {
                    return;
                }
            }
        }

        if (_recording)
        {
            foreach (var pair in path.Held)
            {
                foreach (var site in pair.Value)
                {
                    if (!_result.ExceptionalExitLeaks.ContainsKey(site))
                    {
                        _result.ExceptionalExitLeaksToFill[site] = path.Thrower!;
                    }
                }
            }
        }
    }

    /// <summary>Keeps only the continuations of the finally blocks that still enclose <paramref name="target"/>.</summary>
    private static Continuation? Prune(Continuation? continuation, ControlFlowRegion target)
    {
        for (var current = continuation; current is not null; current = current.Parent)
        {
            if (Contains(current.FinallyRegion, target))
            {
                return current;
            }
        }

        return null;
    }

    private static bool Contains(ControlFlowRegion outer, ControlFlowRegion inner)
        => outer.FirstBlockOrdinal <= inner.FirstBlockOrdinal && inner.LastBlockOrdinal <= outer.LastBlockOrdinal;

    private static bool CatchesEverything(ITypeSymbol? type)
        => type is null || type.SpecialType == SpecialType.System_Object
           || (type.Name == "Exception" && NamespaceNames.Is(type.ContainingNamespace, "System"));

    private List<PathState> AdjustForRegions(List<PathState> state, ImmutableArray<ControlFlowRegion> leaving, ImmutableArray<ControlFlowRegion> entering)
    {
        if (_relevantFacts.Count == 0 || (leaving.IsEmpty && entering.IsEmpty))
        {
            return state;
        }

        var result = new List<PathState>(state.Count);
        foreach (var path in state)
        {
            var facts = path.Facts;
            foreach (var region in leaving)
            {
                foreach (var local in region.Locals)
                {
                    facts = facts.Remove(local);
                }

                foreach (var capture in region.CaptureIds)
                {
                    facts = facts.Remove(capture);
                }
            }

            foreach (var region in entering)
            {
                foreach (var local in region.Locals)
                {
                    // Compiler-made locals (a lock statement's lockTaken) start out false; user locals are assigned before use.
                    facts = local.IsImplicitlyDeclared && _relevantFacts.Contains(local) ? facts.SetItem(local, false) : facts.Remove(local);
                }
            }

            result.Add(ReferenceEquals(facts, path.Facts) ? path : path.WithFacts(facts));
        }

        return result;
    }

    private void RecordExit(BasicBlock? source, List<PathState> state)
    {
        foreach (var path in state)
        {
            foreach (var pair in path.Held)
            {
                foreach (var site in pair.Value)
                {
                    if (!_result.NormalExitLeaks.ContainsKey(site))
                    {
                        _result.NormalExitLeaksToFill[site] = DescribeExit(source);
                    }
                }
            }
        }
    }

    private static string DescribeExit(BasicBlock? source)
    {
        if (source is not null && source.FallThroughSuccessor?.Semantics == ControlFlowBranchSemantics.Return && source.BranchValue is { } returned)
        {
            var returnSyntax = returned.Syntax.Parent;
            var line = (returnSyntax ?? returned.Syntax).GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            return "the 'return' at line " + line;
        }

        var last = source is null ? null : LastOperation(source);
        if (source is not null && source.FallThroughSuccessor?.Destination is { Kind: BasicBlockKind.Exit } exit && exit.Ordinal == source.Ordinal + 1)
        {
            return "the end of the method";
        }

        if (last is not null)
        {
            return "the path that leaves the method after line " + (last.Syntax.GetLocation().GetLineSpan().EndLinePosition.Line + 1);
        }

        return "a path to the end of the method";
    }

    private static IOperation? LastOperation(BasicBlock block)
        => block.BranchValue ?? (block.Operations.IsEmpty ? null : block.Operations[block.Operations.Length - 1]);

    private void Merge(int ordinal, List<PathState> incoming, SortedSet<int>? worklist)
    {
        if (worklist is null || incoming.Count == 0)
        {
            // Replay: states are final, nothing flows any more.
            return;
        }

        var existing = _inputs[ordinal];
        if (existing is null)
        {
            existing = new List<PathState>();
            _inputs[ordinal] = existing;
        }

        var changed = false;
        foreach (var path in incoming)
        {
            if (!existing.Contains(path))
            {
                existing.Add(path);
                changed = true;
            }
        }

        if (!changed)
        {
            return;
        }

        if (existing.Count > MaxPaths)
        {
            Coarsen(existing);
        }

        worklist.Add(ordinal);
    }

    /// <summary>Too many paths: forget which operation threw, then the remembered booleans; past that, give up.</summary>
    private void Coarsen(List<PathState> paths)
    {
        IOperation? representative = null;
        foreach (var path in paths)
        {
            representative ??= path.Thrower;
        }

        var coarse = new HashSet<PathState>();
        foreach (var path in paths)
        {
            coarse.Add(path.Thrower is null ? path : path.WithThrower(representative));
        }

        if (coarse.Count > MaxPaths)
        {
            var withoutFacts = new HashSet<PathState>();
            foreach (var path in coarse)
            {
                withoutFacts.Add(path.WithFacts(ImmutableDictionary<object, bool>.Empty));
            }

            coarse = withoutFacts;
        }

        if (coarse.Count > MaxPaths * 2)
        {
            _gaveUp = true;
        }

        paths.Clear();
        paths.AddRange(coarse);
    }

    private static bool AnyHeld(List<PathState> state)
    {
        foreach (var path in state)
        {
            if (path.Held.Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static HeldLocks Summarize(List<PathState> state)
    {
        var may = ImmutableHashSet.CreateBuilder<LockKey>();
        var sites = ImmutableArray.CreateBuilder<IOperation>();
        ImmutableHashSet<LockKey>? must = null;
        foreach (var path in state)
        {
            var keys = ImmutableHashSet.CreateRange(path.Held.Keys);
            must = must is null ? keys : must.Intersect(keys);
            foreach (var pair in path.Held)
            {
                may.Add(pair.Key);
                foreach (var site in pair.Value)
                {
                    if (!sites.Contains(site))
                    {
                        sites.Add(site);
                    }
                }
            }
        }

        return new HeldLocks(may.ToImmutable(), must ?? ImmutableHashSet<LockKey>.Empty, sites.ToImmutable());
    }
}
