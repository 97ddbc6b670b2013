using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Catalog;

/// <summary>
/// Which calls acquire and release which locks. Built once per compilation from
/// <see cref="WellKnownTypes"/>; <see cref="IsEmpty"/> lets a compilation with no primitive at all
/// skip every per-method action.
/// </summary>
internal sealed class PrimitiveCatalog : Flow.IResourceCatalog, Flow.IHeldCheckCatalog
{
    private readonly WellKnownTypes _types;
    private readonly Dictionary<INamedTypeSymbol, LockFamily> _lockTypes = new(SymbolEqualityComparer.Default);
    private readonly HashSet<INamedTypeSymbol> _scopeTypes = new(SymbolEqualityComparer.Default);

    // The names of the types above (and of Monitor and WaitHandle): every call and receiver type of a member is asked
    // about, nearly all are of other types, and a name is cheaper to look up than a symbol (no symbol hash, no compare).
    // Only a filter: the symbol lookups behind it decide.
    private readonly HashSet<string> _typeNames = new(StringComparer.Ordinal);

    // False when no method of the compilation or its references can carry [Acquires]/[Releases] (nothing names them):
    // then a call that is not to a catalogued type is not a lock operation, and its attributes are never read.
    private readonly bool _annotatedMethodsPossible;

    public PrimitiveCatalog(WellKnownTypes types, bool annotatedMethodsPossible = true)
    {
        _types = types;
        _annotatedMethodsPossible = annotatedMethodsPossible;
        Add(types.SystemLock, LockFamily.SystemLock);
        Add(types.SemaphoreSlim, LockFamily.SemaphoreSlim);
        Add(types.Semaphore, LockFamily.Semaphore);
        Add(types.Mutex, LockFamily.Mutex);
        Add(types.ReaderWriterLockSlim, LockFamily.ReaderWriterLockSlim);
        Add(types.SpinLock, LockFamily.SpinLock);
        Add(types.LockstepLock, LockFamily.LockstepLock);
        Add(types.LockstepRLock, LockFamily.LockstepRLock);
        Add(types.LockstepSemaphore, LockFamily.LockstepSemaphore);
        Add(types.LockstepBoundedSemaphore, LockFamily.LockstepBoundedSemaphore);
        if (types.SystemLockScope is not null)
        {
            _scopeTypes.Add(types.SystemLockScope);
        }

        foreach (var lockstepType in new[] { types.LockstepLock, types.LockstepRLock, types.LockstepSemaphore, types.LockstepBoundedSemaphore })
        {
            foreach (var nested in lockstepType?.GetTypeMembers("Scope") ?? System.Collections.Immutable.ImmutableArray<INamedTypeSymbol>.Empty)
            {
                _scopeTypes.Add(nested);
            }
        }

        _typeNames.UnionWith(_lockTypes.Keys.Concat(_scopeTypes).Concat(new[] { types.Monitor, types.WaitHandle }).OfType<INamedTypeSymbol>().Select(type => type.Name));
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, PrimitiveCatalog> Cache = new();

    /// <summary>The catalogue of a compilation, built once and shared by every Lockstep analyzer.</summary>
    public static PrimitiveCatalog For(Compilation compilation)
        => Cache.GetValue(compilation, static c => new PrimitiveCatalog(WellKnownTypes.Create(c), annotatedMethodsPossible: !SourceVocabulary.MembersGated(c, CancellationToken.None)));

    public WellKnownTypes Types => _types;

    /// <summary>Locks are named by the field or variable they live in; passing one around does not release it.</summary>
    public bool EscapeEndsTracking => false;

    /// <summary>No lock type is referenced by the compilation: nothing to analyze.</summary>
    public bool IsEmpty => _types.Monitor is null && _lockTypes.Count == 0;

    /// <summary>The lock family of a type (the lock object's static type), if it is a catalogued lock type.</summary>
    public bool TryGetFamily(ITypeSymbol? type, out LockFamily family)
    {
        family = default;
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (_typeNames.Contains(current.Name) && _lockTypes.TryGetValue(current.OriginalDefinition, out family))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the type is a scope returned by a catalogued acquire.</summary>
    public bool IsScopeType(ITypeSymbol? type) => type is INamedTypeSymbol named && _scopeTypes.Contains(named.OriginalDefinition);

    /// <summary><c>Monitor.IsEntered(o)</c>, <c>rw.IsReadLockHeld</c>, <c>spin.IsHeldByCurrentThread</c>, Lockstep <c>IsLocked</c>.</summary>
    public bool TryGetHeldCheck(IOperation condition, out IOperation? lockObject, out LockMode mode)
    {
        lockObject = null;
        mode = LockMode.Exclusive;
        switch (condition)
        {
            case IInvocationOperation { TargetMethod.Name: "IsEntered" } invocation when SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, _types.Monitor):
                lockObject = ArgumentFor(invocation, 0);
                return lockObject is not null;
            case IPropertyReferenceOperation { Instance: { } receiver } property when TryGetFamily(receiver.Type, out var family):
                switch (property.Property.Name)
                {
                    case "IsReadLockHeld" when family == LockFamily.ReaderWriterLockSlim:
                        mode = LockMode.Read;
                        break;
                    case "IsWriteLockHeld" when family == LockFamily.ReaderWriterLockSlim:
                        mode = LockMode.Write;
                        break;
                    case "IsUpgradeableReadLockHeld" when family == LockFamily.ReaderWriterLockSlim:
                        mode = LockMode.UpgradeableRead;
                        break;
                    case "IsHeldByCurrentThread" when family is LockFamily.SpinLock or LockFamily.SystemLock:
                    case "IsLocked" when family is LockFamily.LockstepLock or LockFamily.LockstepRLock:
                        break;
                    default:
                        return false;
                }

                lockObject = receiver;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Classifies a call as an acquire or release of a catalogued lock.</summary>
    public bool TryClassify(IInvocationOperation invocation, out LockOperation operation)
    {
        operation = default;
        var method = invocation.TargetMethod;
        var containing = method.ContainingType?.OriginalDefinition;
        if (containing is null)
        {
            return false;
        }

        if (!_typeNames.Contains(containing.Name))
        {
            // Not Monitor, WaitHandle, a scope or a lock type: what is left below for such a type is the annotation check.
            return _annotatedMethodsPossible && TryClassifyAnnotated(invocation, method, out operation);
        }

        if (method.IsStatic)
        {
            return SymbolEqualityComparer.Default.Equals(containing, _types.Monitor)
                ? TryClassifyMonitor(invocation, method, out operation)
                : _annotatedMethodsPossible && TryClassifyAnnotated(invocation, method, out operation);
        }

        if (_scopeTypes.Contains(containing))
        {
            if (method.Name == "Dispose" && method.Parameters.Length == 0)
            {
                operation = new LockOperation(LockOpKind.ScopeDispose, LockFamily.LockstepLock, LockMode.Exclusive, invocation.Instance, mayFail: false, takenFlag: null, returnsScope: false);
                return true;
            }

            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(containing, _types.WaitHandle))
        {
            // WaitOne is declared on WaitHandle: it is an acquire only when the receiver is a Mutex or a Semaphore.
            if (method.Name != "WaitOne" || !TryGetFamily(invocation.Instance?.Type, out var waitFamily))
            {
                return false;
            }

            var kind = method.Parameters.Length == 0 ? LockOpKind.Acquire : LockOpKind.TryAcquire;
            operation = new LockOperation(kind, waitFamily, LockMode.Exclusive, invocation.Instance, mayFail: false, takenFlag: null, returnsScope: false);
            return true;
        }

        if (!_lockTypes.TryGetValue(containing, out var family))
        {
            return _annotatedMethodsPossible && TryClassifyAnnotated(invocation, method, out operation);
        }

        return family switch
        {
            LockFamily.ReaderWriterLockSlim => TryClassifyReaderWriter(invocation, method, out operation),
            LockFamily.SpinLock => TryClassifySpinLock(invocation, method, out operation),
            LockFamily.Mutex => TryClassifyNamed(invocation, method, family, acquire: null, release: "ReleaseMutex", out operation),
            LockFamily.Semaphore => TryClassifyNamed(invocation, method, family, acquire: null, release: "Release", out operation),
            LockFamily.SemaphoreSlim => TryClassifySemaphoreSlim(invocation, method, out operation),
            LockFamily.SystemLock => TryClassifySystemLock(invocation, method, out operation),
            _ => TryClassifyLockstep(invocation, method, family, out operation),
        };
    }

    /// <summary>
    /// A user's wrapper marked <c>[Acquires]</c> / <c>[Releases]</c> (matched by full name, so a pasted
    /// source copy of the annotations works): it takes or gives back the lock its string argument names
    /// on the receiver (<c>[Acquires(nameof(_gate))]</c>), or the receiver itself.
    /// </summary>
    private static bool TryClassifyAnnotated(IInvocationOperation invocation, IMethodSymbol method, out LockOperation operation)
    {
        operation = default;
        foreach (var attribute in method.GetAttributes())
        {
            var kind = Flow.HandOff.IsAttribute(attribute, Flow.HandOff.AcquiresAttribute) ? LockOpKind.Acquire
                : Flow.HandOff.IsAttribute(attribute, Flow.HandOff.ReleasesAttribute) ? LockOpKind.Release
                : (LockOpKind?)null;
            if (kind is null)
            {
                continue;
            }

            ISymbol? member = null;
            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string memberName)
            {
                member = method.ContainingType.GetMembers(memberName).FirstOrDefault(m => m is IFieldSymbol or IPropertySymbol);
                if (member is null)
                {
                    return false;
                }
            }

            // Without a member name the receiver itself is the lock ("[Acquires] void Enter()" on a user's lock type).
            var receiver = invocation.Instance;
            operation = new LockOperation(kind.Value, LockFamily.Annotated, LockMode.Exclusive, receiver, mayFail: false, takenFlag: null, returnsScope: false, member);
            return receiver is not null || member is not null;
        }

        return false;
    }

    private bool TryClassifyMonitor(IInvocationOperation invocation, IMethodSymbol method, out LockOperation operation)
    {
        operation = default;
        var lockObject = ArgumentFor(invocation, 0);
        var taken = TakenFlagArgument(invocation);
        switch (method.Name)
        {
            case "Enter":
                operation = new LockOperation(taken is null ? LockOpKind.Acquire : LockOpKind.AcquireWithTakenFlag, LockFamily.Monitor, LockMode.Exclusive, lockObject, mayFail: false, taken, returnsScope: false);
                return lockObject is not null;
            case "TryEnter":
                operation = new LockOperation(taken is null ? LockOpKind.TryAcquire : LockOpKind.AcquireWithTakenFlag, LockFamily.Monitor, LockMode.Exclusive, lockObject, mayFail: false, taken, returnsScope: false);
                return lockObject is not null;
            case "Exit":
                operation = new LockOperation(LockOpKind.Release, LockFamily.Monitor, LockMode.Exclusive, lockObject, mayFail: false, takenFlag: null, returnsScope: false);
                return lockObject is not null;
            default:
                return false;
        }
    }

    private static bool TryClassifySystemLock(IInvocationOperation invocation, IMethodSymbol method, out LockOperation operation)
    {
        operation = default;
        var receiver = invocation.Instance;
        switch (method.Name)
        {
            case "Enter":
                operation = new LockOperation(LockOpKind.Acquire, LockFamily.SystemLock, LockMode.Exclusive, receiver, mayFail: false, null, returnsScope: false);
                return true;
            case "EnterScope":
                operation = new LockOperation(LockOpKind.Acquire, LockFamily.SystemLock, LockMode.Exclusive, receiver, mayFail: false, null, returnsScope: true);
                return true;
            case "TryEnter" when method.ReturnType.SpecialType == SpecialType.System_Boolean:
                operation = new LockOperation(LockOpKind.TryAcquire, LockFamily.SystemLock, LockMode.Exclusive, receiver, mayFail: false, null, returnsScope: false);
                return true;
            case "Exit":
                operation = new LockOperation(LockOpKind.Release, LockFamily.SystemLock, LockMode.Exclusive, receiver, mayFail: false, null, returnsScope: false);
                return true;
            default:
                return false;
        }
    }

    private bool TryClassifySemaphoreSlim(IInvocationOperation invocation, IMethodSymbol method, out LockOperation operation)
    {
        operation = default;
        var receiver = invocation.Instance;
        switch (method.Name)
        {
            case "Wait":
            case "WaitAsync":
                var conditional = method.ReturnType.SpecialType == SpecialType.System_Boolean
                    || (method.ReturnType is INamedTypeSymbol { IsGenericType: true } generic && generic.TypeArguments.Length == 1 && generic.TypeArguments[0].SpecialType == SpecialType.System_Boolean);
                operation = new LockOperation(conditional ? LockOpKind.TryAcquire : LockOpKind.Acquire, LockFamily.SemaphoreSlim, LockMode.Exclusive, receiver, HasCancellationOrTimeout(method), null, returnsScope: false);
                return true;
            case "Release":
                operation = new LockOperation(LockOpKind.Release, LockFamily.SemaphoreSlim, LockMode.Exclusive, receiver, mayFail: false, null, returnsScope: false);
                return true;
            default:
                return false;
        }
    }

    private static bool TryClassifyNamed(IInvocationOperation invocation, IMethodSymbol method, LockFamily family, string? acquire, string release, out LockOperation operation)
    {
        operation = default;
        if (method.Name == release)
        {
            operation = new LockOperation(LockOpKind.Release, family, LockMode.Exclusive, invocation.Instance, mayFail: false, null, returnsScope: false);
            return true;
        }

        if (acquire is not null && method.Name == acquire)
        {
            operation = new LockOperation(LockOpKind.Acquire, family, LockMode.Exclusive, invocation.Instance, mayFail: false, null, returnsScope: false);
            return true;
        }

        return false;
    }

    private static bool TryClassifyReaderWriter(IInvocationOperation invocation, IMethodSymbol method, out LockOperation operation)
    {
        operation = default;
        var name = method.Name;
        LockOpKind kind;
        string rest;
        if (name.StartsWith("TryEnter", StringComparison.Ordinal))
        {
            kind = LockOpKind.TryAcquire;
            rest = name.Substring("TryEnter".Length);
        }
        else if (name.StartsWith("Enter", StringComparison.Ordinal))
        {
            kind = LockOpKind.Acquire;
            rest = name.Substring("Enter".Length);
        }
        else if (name.StartsWith("Exit", StringComparison.Ordinal))
        {
            kind = LockOpKind.Release;
            rest = name.Substring("Exit".Length);
        }
        else
        {
            return false;
        }

        LockMode mode;
        switch (rest)
        {
            case "ReadLock": mode = LockMode.Read; break;
            case "WriteLock": mode = LockMode.Write; break;
            case "UpgradeableReadLock": mode = LockMode.UpgradeableRead; break;
            default: return false;
        }

        operation = new LockOperation(kind, LockFamily.ReaderWriterLockSlim, mode, invocation.Instance, mayFail: false, null, returnsScope: false);
        return true;
    }

    private static bool TryClassifySpinLock(IInvocationOperation invocation, IMethodSymbol method, out LockOperation operation)
    {
        operation = default;
        var receiver = invocation.Instance;
        switch (method.Name)
        {
            case "Enter":
            case "TryEnter":
                var taken = TakenFlagArgument(invocation);
                if (taken is null)
                {
                    return false;
                }

                operation = new LockOperation(LockOpKind.AcquireWithTakenFlag, LockFamily.SpinLock, LockMode.Exclusive, receiver, mayFail: false, taken, returnsScope: false);
                return true;
            case "Exit":
                operation = new LockOperation(LockOpKind.Release, LockFamily.SpinLock, LockMode.Exclusive, receiver, mayFail: false, null, returnsScope: false);
                return true;
            default:
                return false;
        }
    }

    private bool TryClassifyLockstep(IInvocationOperation invocation, IMethodSymbol method, LockFamily family, out LockOperation operation)
    {
        operation = default;
        var receiver = invocation.Instance;
        switch (method.Name)
        {
            case "Acquire":
            case "AcquireAsync":
                operation = new LockOperation(LockOpKind.Acquire, family, LockMode.Exclusive, receiver, HasCancellationOrTimeout(method), null, returnsScope: !method.ReturnsVoid);
                return true;
            case "TryAcquire":
            case "TryAcquireAsync":
                operation = new LockOperation(LockOpKind.TryAcquire, family, LockMode.Exclusive, receiver, mayFail: HasCancellation(method), null, returnsScope: false);
                return true;
            case "Release":
                operation = new LockOperation(LockOpKind.Release, family, LockMode.Exclusive, receiver, mayFail: false, null, returnsScope: false);
                return true;
            default:
                return false;
        }
    }

    private bool HasCancellationOrTimeout(IMethodSymbol method)
    {
        foreach (var parameter in method.Parameters)
        {
            if (SymbolEqualityComparer.Default.Equals(parameter.Type, _types.CancellationToken)
                || SymbolEqualityComparer.Default.Equals(parameter.Type, _types.TimeSpan)
                || parameter.Type.SpecialType == SpecialType.System_Int32)
            {
                return true;
            }
        }

        return false;
    }

    private bool HasCancellation(IMethodSymbol method)
    {
        foreach (var parameter in method.Parameters)
        {
            if (SymbolEqualityComparer.Default.Equals(parameter.Type, _types.CancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The argument bound to the parameter at <paramref name="ordinal"/>, whatever order the call wrote them in.</summary>
    internal static IOperation? ArgumentFor(IInvocationOperation invocation, int ordinal)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
            {
                return argument.Value;
            }
        }

        return null;
    }

    private static IOperation? TakenFlagArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { RefKind: RefKind.Ref } parameter && parameter.Type.SpecialType == SpecialType.System_Boolean)
            {
                return argument.Value;
            }
        }

        return null;
    }

    private void Add(INamedTypeSymbol? type, LockFamily family)
    {
        if (type is not null)
        {
            _lockTypes[type] = family;
        }
    }
}
