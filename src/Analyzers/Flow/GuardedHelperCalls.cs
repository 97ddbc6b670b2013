using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers.Flow;

/// <summary>A call of a private or internal method, with the locks its caller holds there.</summary>
internal sealed class HelperCall
{
    public HelperCall(IMethodSymbol callee, IMethodSymbol? callerMethod, ISymbol? receiver, bool onThis, ImmutableHashSet<LockKey> held, bool unknown, bool asDelegate, string callerDisplay, Location location)
    {
        Location = location;
        Callee = callee;
        CallerMethod = callerMethod;
        Receiver = receiver;
        OnThis = onThis;
        Held = held;
        Unknown = unknown;
        AsDelegate = asDelegate;
        CallerDisplay = callerDisplay;
    }

    public IMethodSymbol Callee { get; }

    /// <summary>The method the call is written in; null inside a lambda or local function.</summary>
    public IMethodSymbol? CallerMethod { get; }

    /// <summary>The local or parameter the call is made on, if any.</summary>
    public ISymbol? Receiver { get; }

    /// <summary>Made on <c>this</c> (or the callee is static).</summary>
    public bool OnThis { get; }

    /// <summary>Locks held on every path to the call.</summary>
    public ImmutableHashSet<LockKey> Held { get; }

    /// <summary>The engine did not see the call (unreachable, or it gave up): it counts as holding the lock.</summary>
    public bool Unknown { get; }

    /// <summary>Not a call: the method is handed over as a delegate, to be run by anyone, without the lock.</summary>
    public bool AsDelegate { get; }

    public string CallerDisplay { get; }

    /// <summary>Where the call is: calls are examined in source order, so the message names the same one on every run.</summary>
    public Location Location { get; }
}

/// <summary>An access in a helper that did not hold the lock itself; reported unless every call of the helper holds it.</summary>
internal sealed class DeferredGuardedAccess
{
    public DeferredGuardedAccess(IMethodSymbol helper, LockKey required, bool isWrite, Location location, string memberDisplay, string lockDisplay, ImmutableDictionary<string, string?> properties)
    {
        Helper = helper;
        Required = required;
        IsWrite = isWrite;
        Location = location;
        MemberDisplay = memberDisplay;
        LockDisplay = lockDisplay;
        Properties = properties;
    }

    public IMethodSymbol Helper { get; }

    /// <summary>The lock the access needs, on the helper's own instance (or static).</summary>
    public LockKey Required { get; }
    public bool IsWrite { get; }
    public Location Location { get; }
    public string MemberDisplay { get; }
    public string LockDisplay { get; }
    public ImmutableDictionary<string, string?> Properties { get; }
}

/// <summary>
/// LS5002 for private and internal helpers: <c>void AddCore() { _items.Add(x); }</c> called only from
/// <c>lock (_gate) { AddCore(); }</c> is how guarded state is usually factored, so an access there is
/// reported only when some call of the helper (directly, or through helpers that are themselves called
/// under the lock) does not hold the lock, or the helper is handed out as a delegate.
/// </summary>
internal sealed class GuardedHelperCalls
{
    private readonly Accumulator<HelperCall> _calls = new();
    private readonly Accumulator<DeferredGuardedAccess> _deferred = new();

    public void AddCall(HelperCall call) => _calls.Add(call);

    public void AddDeferred(DeferredGuardedAccess access) => _deferred.Add(access);

    /// <summary>The deferred accesses some call reaches without the lock, with why ("'Counter.Reset' calls it without holding it").</summary>
    [MethodImpl(Jit.OncePerCompilation)]
    public List<(DeferredGuardedAccess Access, string Why)> Resolve(CancellationToken cancellationToken)
    {
        var results = new List<(DeferredGuardedAccess, string)>();
        if (_deferred.IsEmpty)
        {
            return results;
        }

        var callsByCallee = new Dictionary<IMethodSymbol, List<HelperCall>>(SymbolEqualityComparer.Default);
        foreach (var call in _calls.Snapshot().OrderBy(c => c.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(c => c.Location.SourceSpan.Start))
        {
            MultiMap.Add(callsByCallee, call.Callee, call);
        }

        foreach (var access in _deferred.Snapshot().OrderBy(a => a.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(a => a.Location.SourceSpan.Start))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var inProgress = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            if (FirstUncovered(access.Helper.OriginalDefinition, access.Required, access.IsWrite, callsByCallee, inProgress) is { } why)
            {
                results.Add((access, why));
            }
        }

        return results;
    }

    /// <summary>Why some call of <paramref name="helper"/> may run without the lock; null when every call holds it.</summary>
    [MethodImpl(Jit.OncePerCompilation)]
    private static string? FirstUncovered(IMethodSymbol helper, LockKey required, bool write, Dictionary<IMethodSymbol, List<HelperCall>> callsByCallee, HashSet<IMethodSymbol> inProgress)
    {
        // A helper that nothing calls (or reached again through recursion) adds no unlocked path.
        if (!callsByCallee.TryGetValue(helper, out var calls) || !inProgress.Add(helper))
        {
            return null;
        }

        try
        {
            foreach (var call in calls)
            {
                if (call.AsDelegate)
                {
                    return "'" + helper.Name + "' is passed as a delegate in '" + call.CallerDisplay + "'";
                }

                if (call.Unknown || HoldsAtCall(call, required, write))
                {
                    continue;
                }

                if (call.OnThis && call.CallerMethod is { } caller && IsHelper(caller)
                    && FirstUncovered(caller.OriginalDefinition, required, write, callsByCallee, inProgress) is null
                    && callsByCallee.ContainsKey(caller.OriginalDefinition))
                {
                    continue;
                }

                return "'" + call.CallerDisplay + "' calls '" + helper.Name + "' without holding it";
            }

            return null;
        }
        finally
        {
            inProgress.Remove(helper);
        }
    }

    /// <summary>The caller holds the required lock of the object the helper runs on.</summary>
    [MethodImpl(Jit.OncePerCompilation)]
    private static bool HoldsAtCall(HelperCall call, LockKey required, bool write)
    {
        LockKey mapped;
        if (required.IsThis)
        {
            if (call.OnThis)
            {
                return Rules.SharedStateAnalyzer.Holds(call.Held, required, write);
            }

            if (call.Receiver is null)
            {
                return false;
            }

            mapped = new LockKey(call.Receiver, null, required.Mode);
        }
        else if (required.Symbol.IsStatic || call.OnThis)
        {
            mapped = required;
        }
        else if (call.Receiver is not null)
        {
            mapped = new LockKey(required.Symbol, call.Receiver, required.Mode);
        }
        else
        {
            return false;
        }

        return Rules.SharedStateAnalyzer.Holds(call.Held, mapped, write);
    }

    private static bool IsHelper(IMethodSymbol method)
        => method.MethodKind == MethodKind.Ordinary
           && method.Name is not ("Main" or "<Main>$")
           && method.DeclaredAccessibility is Accessibility.Private or Accessibility.Internal or Accessibility.ProtectedAndInternal
           && method.ExplicitInterfaceImplementations.IsEmpty
           && !method.IsOverride && !method.IsVirtual && !method.IsAbstract;
}
