using System.Collections.Immutable;
using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Flow;

/// <summary>One function of an operation block: the member itself, a lambda, or a local function.</summary>
internal sealed class BlockFunction
{
    public BlockFunction(FunctionId id, SyntaxNode? syntax, BlockFunction? parent, bool isLambda, bool hasThis)
    {
        Id = id;
        Syntax = syntax;
        Parent = parent;
        IsLambda = isLambda;
        HasThis = hasThis;
    }

    public FunctionId Id { get; }

    /// <summary>The lambda or local function declaration; null for the member itself.</summary>
    public SyntaxNode? Syntax { get; }
    public BlockFunction? Parent { get; }
    public bool IsLambda { get; }
    public bool IsLocalFunction => Syntax is LocalFunctionStatementSyntax;

    /// <summary>The function can use <c>this</c> (it is, or is nested in, an instance member).</summary>
    public bool HasThis { get; }

    /// <summary>A lambda that an API runs on another thread (not just any lambda).</summary>
    public bool IsEntryTarget { get; set; }

    /// <summary>Whether <paramref name="variable"/> is declared inside this function (so it is not shared by its runs).</summary>
    public bool Declares(ISymbol variable, CancellationToken cancellationToken)
    {
        if (Syntax is null)
        {
            return true;
        }

        foreach (var reference in variable.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax(cancellationToken);
            if (declaration.SyntaxTree == Syntax.SyntaxTree && Syntax.Span.Contains(declaration.Span))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Held locks seen at one syntax node, over every path and every operation the engine saw there.</summary>
internal sealed class HeldObservation
{
    public HeldObservation(ImmutableHashSet<LockKey> may, ImmutableHashSet<LockKey> must)
    {
        May = may;
        Must = must;
    }

    public ImmutableHashSet<LockKey> May { get; private set; }
    public ImmutableHashSet<LockKey> Must { get; private set; }

    public void Merge(HeldLocks held)
    {
        May = May.Union(held.May);
        Must = Must.Intersect(held.Must);
    }
}

/// <summary>
/// Rides on the flow pass of every body of a block: remembers the held locks at the syntax nodes the
/// shared-state rules asked for (CFG operations are copies, so they are matched by syntax).
/// </summary>
internal sealed class SharedStateObserver : ILockFlowObserver
{
    private readonly HashSet<SyntaxNode> _wanted;

    public SharedStateObserver(HashSet<SyntaxNode> wanted) => _wanted = wanted;

    public Dictionary<SyntaxNode, HeldObservation> Observations { get; } = new();

    public Dictionary<LockKey, LockFamily> Families { get; } = new();

    public bool WantsOperation(IOperation operation) => _wanted.Contains(operation.Syntax);

    public void OnAcquire(AcquireSite site, HeldLocks before) => Families[site.Key] = site.Family;

    public void OnOperation(IOperation operation, HeldLocks held)
    {
        if (Observations.TryGetValue(operation.Syntax, out var known))
        {
            known.Merge(held);
        }
        else
        {
            Observations[operation.Syntax] = new HeldObservation(held.May, held.Must);
        }
    }
}

/// <summary>A read or write of a <c>[GuardedBy]</c> member.</summary>
internal readonly struct GuardedAccess
{
    public GuardedAccess(IOperation reference, ISymbol member, GuardInfo guard, BlockFunction function, bool isWrite)
    {
        Reference = reference;
        Member = member;
        Guard = guard;
        Function = function;
        IsWrite = isWrite;
    }

    public IOperation Reference { get; }
    public ISymbol Member { get; }
    public GuardInfo Guard { get; }
    public BlockFunction Function { get; }
    public bool IsWrite { get; }
}

/// <summary>
/// One pass over an operation block's operations (read from the shared member index), collecting what the shared-state rules need: the functions
/// (member, lambdas, local functions), the starts of concurrent work, the calls, the lambdas and
/// method groups used as plain delegates, the read-modify-writes, and the <c>[GuardedBy]</c> accesses.
/// </summary>
internal sealed class SharedStateScan
{
    // The starts one call or creation makes, handed from ConcurrencyEntries to AddEntries and emptied before each use:
    // one list per analysis thread rather than one per member.
    [ThreadStatic]
    private static List<ConcurrencyEntry>? t_found;

    private Dictionary<SyntaxNode, BlockFunction>? _functions; // lambdas and local functions, made when the first is met
    private readonly Compilation _compilation;
    private readonly CancellationToken _cancellationToken;

    private SharedStateScan(ISymbol owner, Compilation compilation, CancellationToken cancellationToken)
    {
        Owner = owner;
        _compilation = compilation;
        _cancellationToken = cancellationToken;
        var hasThis = !owner.IsStatic && owner.ContainingType is not null;
        Top = new BlockFunction(FunctionId.ForSymbol(owner), null, null, isLambda: false, hasThis);
    }

    public ISymbol Owner { get; }
    public BlockFunction Top { get; }

    /// <summary>The block calls a catalogued acquire or release, or has a <c>lock</c> statement.</summary>
    public bool SawLock { get; private set; }

    // Most blocks (field initializers, small members) record nothing: the lists exist only once something is added,
    // and readers see one shared empty list until then (never added to: every addition goes through the fields).
    // The properties are typed List<T>, not an interface, so that a foreach uses the list's struct enumerator.
    private List<(ConcurrencyEntry Entry, BlockFunction Enclosing)>? _entries;
    private List<(IOperation Call, IMethodSymbol Target, BlockFunction Caller)>? _calls;
    private List<(IDelegateCreationOperation Creation, BlockFunction Enclosing)>? _delegateUses;
    private List<(IOperation Update, IOperation Target, BlockFunction Function)>? _updates;
    private List<GuardedAccess>? _guardedAccesses;
    private List<IFieldReferenceOperation>? _fieldReferences;
    private Dictionary<ILocalSymbol, IOperation>? _delegateLocals;
    private HashSet<ILocalSymbol>? _reassignedLocals;

    public List<(ConcurrencyEntry Entry, BlockFunction Enclosing)> Entries => _entries ?? SharedEmpty<List<(ConcurrencyEntry, BlockFunction)>>.Instance;
    public List<(IOperation Call, IMethodSymbol Target, BlockFunction Caller)> Calls => _calls ?? SharedEmpty<List<(IOperation, IMethodSymbol, BlockFunction)>>.Instance;
    public List<(IDelegateCreationOperation Creation, BlockFunction Enclosing)> DelegateUses => _delegateUses ?? SharedEmpty<List<(IDelegateCreationOperation, BlockFunction)>>.Instance;
    public List<(IOperation Update, IOperation Target, BlockFunction Function)> Updates => _updates ?? SharedEmpty<List<(IOperation, IOperation, BlockFunction)>>.Instance;
    public List<GuardedAccess> GuardedAccesses => _guardedAccesses ?? SharedEmpty<List<GuardedAccess>>.Instance;

    /// <summary>
    /// Field references (not of constants), to learn which lock guards a field elsewhere (for the LS5001 fix). Read only
    /// where a flow pass ran; references inside <c>nameof</c> are included, for the reader to skip (<see cref="IsInNameOf"/>).
    /// </summary>
    public List<IFieldReferenceOperation> FieldReferences => _fieldReferences ?? SharedEmpty<List<IFieldReferenceOperation>>.Instance;

    /// <summary>Delegate locals assigned exactly once, at their declaration: <c>ThreadStart work = () => …;</c>.</summary>
    public bool TryGetDelegateLocal(ILocalSymbol local, out IOperation value)
    {
        value = null!;
        return _delegateLocals is not null && _delegateLocals.TryGetValue(local, out value!);
    }

    /// <summary>The block records nothing any shared-state rule looks at.</summary>
    /// <remarks>Field references alone count for nothing: they are read only where a flow pass runs (a lock or a guarded access).</remarks>
    public bool IsEmpty => !SawLock && _entries is null && _calls is null && _delegateUses is null && _updates is null
                           && _guardedAccesses is null;

    /// <summary>
    /// Reads the block's operations from the shared member index (one walk per member serves every rule); null when it
    /// does not bind (no guesses on broken code).
    /// </summary>
    public static SharedStateScan? Run(OperationBlockAnalysisContextView context, PrimitiveCatalog catalog, ConcurrencyEntries entries, GuardedMembers? guards)
    {
        foreach (var block in context.Blocks)
        {
            if (block.Syntax.ContainsDiagnostics && block.Syntax.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                return null;
            }
        }

        var index = BlockIndex.For(context.Blocks, context.CancellationToken);
        if (index.HasInvalid)
        {
            return null;
        }

        var scan = new SharedStateScan(context.Owner, context.Compilation, context.CancellationToken);
        var found = t_found ??= new List<ConcurrencyEntry>();
        var operations = index.Scannable;
        try
        {
            for (var i = 0; i < operations.Count; i++)
            {
                if ((i & 255) == 255)
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                }

                scan.Visit(operations[i], catalog, entries, guards, found);
            }
        }
        finally
        {
            found.Clear(); // keeps no operation tree alive, however the scan ends
        }

        if (scan._reassignedLocals is not null && scan._delegateLocals is not null)
        {
            foreach (var local in scan._reassignedLocals)
            {
                scan._delegateLocals.Remove(local);
            }
        }

        return scan;
    }

    private void Visit(IOperation operation, PrimitiveCatalog catalog, ConcurrencyEntries entries, GuardedMembers? guards, List<ConcurrencyEntry> found)
    {
        // Only operations of the kinds below reach here (the member index keeps those, IsInteresting). Each case tests the
        // kind (a field read) before the interface type: a chain of failed interface tests per operation cost more than the
        // rest of the scan on members without concurrency.
        switch (operation.Kind)
        {
            case OperationKind.Lock:
                SawLock = true;
                return;

            case OperationKind.Invocation when operation is IInvocationOperation invocation:
                if (catalog.TryClassify(invocation, out _))
                {
                    SawLock = true;
                    return;
                }

                found.Clear();
                if (!entries.IsEmpty && entries.TryClassify(invocation, found))
                {
                    AddEntries(found, invocation);
                }
                else if (IsInSource(invocation.TargetMethod))
                {
                    (_calls ??= new()).Add((invocation, invocation.TargetMethod, FunctionOf(invocation)));
                }

                return;

            case OperationKind.ObjectCreation when operation is IObjectCreationOperation creation:
                found.Clear();
                if (!entries.IsEmpty && entries.TryClassify(creation, found))
                {
                    AddEntries(found, creation);
                }
                else if (creation.Constructor is { } constructor && IsInSource(constructor))
                {
                    (_calls ??= new()).Add((creation, constructor, FunctionOf(creation)));
                }

                return;

            case OperationKind.DelegateCreation when operation is IDelegateCreationOperation delegateCreation:
                (_delegateUses ??= new()).Add((delegateCreation, FunctionOf(delegateCreation)));
                return;

            case OperationKind.AnonymousFunction when operation is IAnonymousFunctionOperation lambda:
                Register(lambda.Syntax, FunctionOf(lambda), isLambda: true, isStatic: lambda.Symbol.IsStatic);
                return;

            case OperationKind.LocalFunction when operation is ILocalFunctionOperation localFunction:
                Register(localFunction.Syntax, FunctionOf(localFunction), isLambda: false, isStatic: localFunction.Symbol.IsStatic);
                return;

            case OperationKind.VariableDeclarator when operation is IVariableDeclaratorOperation { Initializer.Value: { } value } declarator
                                                      && declarator.Symbol.Type.TypeKind == TypeKind.Delegate:
                (_delegateLocals ??= new(SymbolEqualityComparer.Default))[declarator.Symbol] = value;
                return;

            case OperationKind.Increment or OperationKind.Decrement when operation is IIncrementOrDecrementOperation increment:
                (_updates ??= new()).Add((increment, increment.Target, FunctionOf(increment)));
                NoteWrite(increment.Target);
                return;

            case OperationKind.CompoundAssignment when operation is ICompoundAssignmentOperation compound:
                (_updates ??= new()).Add((compound, compound.Target, FunctionOf(compound)));
                NoteWrite(compound.Target);
                return;

            case OperationKind.SimpleAssignment when operation is ISimpleAssignmentOperation assignment:
                NoteWrite(assignment.Target);
                if (ReadsTarget(assignment.Value, assignment.Target))
                {
                    (_updates ??= new()).Add((assignment, assignment.Target, FunctionOf(assignment)));
                }

                return;

            case OperationKind.Argument when operation is IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                NoteWrite(argument.Value);
                return;

            case OperationKind.FieldReference when operation is IFieldReferenceOperation field:
                if (field.Field is { IsConst: false })
                {
                    // Inside nameof too: the one reader filters those (IsInNameOf climbs to the root, and most members
                    // never read this list).
                    (_fieldReferences ??= new()).Add(field);
                    if (guards?.GuardOf(field.Field) is { } fieldGuard && !IsInNameOf(field))
                    {
                        (_guardedAccesses ??= new()).Add(new GuardedAccess(field, field.Field, fieldGuard, FunctionOf(field), IsWritten(field)));
                    }
                }

                return;

            case OperationKind.PropertyReference when operation is IPropertyReferenceOperation property:
                if (guards?.GuardOf(property.Property) is { } propertyGuard && !IsInNameOf(property))
                {
                    (_guardedAccesses ??= new()).Add(new GuardedAccess(property, property.Property, propertyGuard, FunctionOf(property), IsWritten(property)));
                }

                return;
        }
    }

    /// <summary>The kinds <see cref="Visit"/> handles, decided by a field read before any interface type test.</summary>
    internal static bool IsInteresting(OperationKind kind)
        => kind is OperationKind.Lock or OperationKind.Invocation or OperationKind.ObjectCreation or OperationKind.DelegateCreation
            or OperationKind.AnonymousFunction or OperationKind.LocalFunction or OperationKind.VariableDeclarator
            or OperationKind.Increment or OperationKind.Decrement or OperationKind.CompoundAssignment or OperationKind.SimpleAssignment
            or OperationKind.Argument or OperationKind.FieldReference or OperationKind.PropertyReference;

    private void AddEntries(List<ConcurrencyEntry> found, IOperation start)
    {
        var enclosing = FunctionOf(start);
        foreach (var entry in found)
        {
            (_entries ??= new()).Add((entry, enclosing));
        }
    }

    private void NoteWrite(IOperation target)
    {
        if (target is ILocalReferenceOperation local)
        {
            (_reassignedLocals ??= new(SymbolEqualityComparer.Default)).Add(local.Local);
        }
    }

    private bool IsInSource(IMethodSymbol method) => IsInSource(method, _compilation);

    /// <summary>A method with a body in this compilation's source: one the shared-state rules can follow a call into.</summary>
    internal static bool IsInSource(IMethodSymbol method, Compilation compilation)
    {
        // Most calls are to referenced libraries, whose methods have no syntax: that test first (a metadata method's
        // assembly is several symbols up). The same assembly is nearly always the same instance.
        if (method.DeclaringSyntaxReferences.IsEmpty || method.IsAbstract || method.IsExtern)
        {
            return false;
        }

        var assembly = method.ContainingAssembly;
        return ReferenceEquals(assembly, compilation.Assembly) || SymbolEqualityComparer.Default.Equals(assembly, compilation.Assembly);
    }

    private void Register(SyntaxNode syntax, BlockFunction parent, bool isLambda, bool isStatic)
    {
        _functions ??= new Dictionary<SyntaxNode, BlockFunction>();
        if (!_functions.ContainsKey(syntax))
        {
            _functions[syntax] = new BlockFunction(FunctionId.ForSyntax(syntax), syntax, parent, isLambda, parent.HasThis && !isStatic);
        }
    }

    /// <summary>The innermost function an operation is in.</summary>
    public BlockFunction FunctionOf(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            // The kind first: this climbs to the member's root for every operation recorded.
            switch (current.Kind)
            {
                case OperationKind.AnonymousFunction when current is IAnonymousFunctionOperation lambda:
                    Register(lambda.Syntax, FunctionOf(lambda), isLambda: true, isStatic: lambda.Symbol.IsStatic);
                    return _functions![lambda.Syntax];
                case OperationKind.LocalFunction when current is ILocalFunctionOperation localFunction:
                    Register(localFunction.Syntax, FunctionOf(localFunction), isLambda: false, isStatic: localFunction.Symbol.IsStatic);
                    return _functions![localFunction.Syntax];
            }
        }

        return Top;
    }

    /// <summary>The block's function declared by <paramref name="syntax"/> (a lambda or local function), if any.</summary>
    public BlockFunction? FunctionAt(SyntaxNode syntax) => _functions is not null && _functions.TryGetValue(syntax, out var function) ? function : null;

    /// <summary>The syntax nodes whose held locks the rules need.</summary>
    public HashSet<SyntaxNode> WantedSyntax()
    {
        var wanted = new HashSet<SyntaxNode>();
        foreach (var (update, _, _) in Updates)
        {
            wanted.Add(update.Syntax);
        }

        foreach (var (call, _, _) in Calls)
        {
            wanted.Add(call.Syntax);
        }

        foreach (var (creation, _) in DelegateUses)
        {
            wanted.Add(creation.Syntax);
        }

        foreach (var access in GuardedAccesses)
        {
            wanted.Add(access.Reference.Syntax);
        }

        foreach (var reference in FieldReferences)
        {
            wanted.Add(reference.Syntax);
        }

        return wanted;
    }

    /// <summary><c>x = x + 1</c>, <c>x = Math.Max(x, y)</c>: the assigned value reads the assigned location.</summary>
    private static bool ReadsTarget(IOperation value, IOperation target)
    {
        if (target is not (IFieldReferenceOperation or ILocalReferenceOperation or IParameterReferenceOperation))
        {
            return false;
        }

        // _cache = _cache ?? Load() is a lazy initialization (a race of another kind, often benign), not a lost update.
        if (Strip(value) is ICoalesceOperation coalesce && SameLocation(Strip(coalesce.Value)!, target))
        {
            return false;
        }

        return Mentions(value, target, depth: 0);
    }

    /// <summary>The operation reads <paramref name="target"/> itself (not inside a lambda, which runs some other time).</summary>
    private static bool Mentions(IOperation operation, IOperation target, int depth)
    {
        if (depth > 64 || operation is IAnonymousFunctionOperation)
        {
            return false;
        }

        if (SameLocation(operation, target))
        {
            return true;
        }

        foreach (var child in operation.ChildOperations)
        {
            if (Mentions(child, target, depth + 1))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Two references to the same field of the same object (as written), or to the same variable.</summary>
    public static bool SameLocation(IOperation a, IOperation b)
    {
        switch (a)
        {
            case IFieldReferenceOperation fa when b is IFieldReferenceOperation fb:
                if (!SymbolEqualityComparer.Default.Equals(fa.Field, fb.Field))
                {
                    return false;
                }

                return fa.Field.IsStatic || SameInstance(fa.Instance, fb.Instance);
            case ILocalReferenceOperation la when b is ILocalReferenceOperation lb:
                return SymbolEqualityComparer.Default.Equals(la.Local, lb.Local);
            case IParameterReferenceOperation pa when b is IParameterReferenceOperation pb:
                return SymbolEqualityComparer.Default.Equals(pa.Parameter, pb.Parameter);
            default:
                return false;
        }
    }

    private static bool SameInstance(IOperation? a, IOperation? b)
    {
        a = Strip(a);
        b = Strip(b);
        return (a, b) switch
        {
            (IInstanceReferenceOperation, IInstanceReferenceOperation) => true,
            (null, null) => true,
            _ => a is not null && b is not null && SameLocation(a, b),
        };
    }

    /// <summary>The reference is written: assigned, updated, passed by <c>ref</c>/<c>out</c>, or a field of a struct stored in it is.</summary>
    private static bool IsWritten(IOperation reference)
    {
        var current = reference;
        for (var depth = 0; depth < 8; depth++)
        {
            var parent = current.Parent;
            switch (parent)
            {
                case IAssignmentOperation assignment when ReferenceEquals(assignment.Target, current):
                    return true;
                case IIncrementOrDecrementOperation:
                    return true;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out }:
                    return true;
                case IFieldReferenceOperation outer when ReferenceEquals(outer.Instance, current) && current.Type?.IsValueType == true:
                    // _point.X = 1 writes the struct stored in _point.
                    current = outer;
                    continue;
                case IParenthesizedOperation:
                    current = parent;
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    public static bool IsInNameOf(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current.Kind == OperationKind.NameOf)
            {
                return true;
            }
        }

        return false;
    }

    public static IOperation? Strip(IOperation? operation)
    {
        while (operation is IConversionOperation or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }

        return operation;
    }
}

/// <summary>What a scan needs from an operation block context (lets the scan be driven without the context type).</summary>
internal readonly struct OperationBlockAnalysisContextView
{
    public OperationBlockAnalysisContextView(ISymbol owner, ImmutableArray<IOperation> blocks, Compilation compilation, CancellationToken cancellationToken)
    {
        Owner = owner;
        Blocks = blocks;
        Compilation = compilation;
        CancellationToken = cancellationToken;
    }

    public ISymbol Owner { get; }
    public ImmutableArray<IOperation> Blocks { get; }
    public Compilation Compilation { get; }
    public CancellationToken CancellationToken { get; }
}
