using System.Collections.Immutable;
using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers.Flow;

/// <summary>An acquire the engine tracked: which lock, of which kind.</summary>
internal readonly struct AcquireSite
{
    public AcquireSite(IOperation operation, LockKey key, LockFamily family)
    {
        Operation = operation;
        Key = key;
        Family = family;
    }

    public IOperation Operation { get; }
    public LockKey Key { get; }
    public LockFamily Family { get; }
}

/// <summary>The locks held at one program point, over every path that reaches it.</summary>
internal readonly struct HeldLocks
{
    public HeldLocks(ImmutableHashSet<LockKey> may, ImmutableHashSet<LockKey> must, ImmutableArray<IOperation> sites)
    {
        May = may;
        Must = must;
        Sites = sites;
    }

    /// <summary>Held on at least one path.</summary>
    public ImmutableHashSet<LockKey> May { get; }

    /// <summary>Held on every path.</summary>
    public ImmutableHashSet<LockKey> Must { get; }

    /// <summary>The acquires that hold the locks of <see cref="May"/>.</summary>
    public ImmutableArray<IOperation> Sites { get; }

    public bool IsEmpty => May.IsEmpty;
}

/// <summary>
/// Lets another rule family ride on the one flow pass: it sees each acquire with the locks held
/// before it, and each operation it asked for with the locks held there.
/// </summary>
internal interface ILockFlowObserver
{
    /// <summary>Called while the graph is prepared: should <paramref name="operation"/> be reported to <see cref="OnOperation"/>?</summary>
    bool WantsOperation(IOperation operation);

    void OnAcquire(AcquireSite site, HeldLocks before);

    void OnOperation(IOperation operation, HeldLocks held);
}

/// <summary>Everything the lock-pairing rules need from one analysis of one body.</summary>
internal sealed class LockFlowResult
{
    // Reads go through the plain names (a shared empty until the engine adds); the engine writes through the ...ToFill names.
    private Dictionary<IOperation, AcquireSite>? _sites;

    public Dictionary<IOperation, AcquireSite> Sites => _sites ?? SharedEmpty<Dictionary<IOperation, AcquireSite>>.Instance;

    /// <summary>The engine adds here (created on first use).</summary>
    public Dictionary<IOperation, AcquireSite> SitesToFill => _sites ??= new();

    private Dictionary<IOperation, string>? _normalExitLeaks;

    /// <summary>Acquires still held when a normal path leaves the body, with a description of that exit.</summary>
    public Dictionary<IOperation, string> NormalExitLeaks => _normalExitLeaks ?? SharedEmpty<Dictionary<IOperation, string>>.Instance;

    /// <summary>The engine adds here (created on first use).</summary>
    public Dictionary<IOperation, string> NormalExitLeaksToFill => _normalExitLeaks ??= new();

    private HashSet<IOperation>? _loopLeaks;

    /// <summary>Acquires re-entered by a loop's next pass while the previous pass still holds them.</summary>
    public HashSet<IOperation> LoopLeaks => _loopLeaks ?? SharedEmpty<HashSet<IOperation>>.Instance;

    /// <summary>The engine adds here (created on first use).</summary>
    public HashSet<IOperation> LoopLeaksToFill => _loopLeaks ??= new();

    private Dictionary<IOperation, IOperation>? _exceptionalExitLeaks;

    /// <summary>Acquires still held when an exception leaves the body, with the operation that threw.</summary>
    public Dictionary<IOperation, IOperation> ExceptionalExitLeaks => _exceptionalExitLeaks ?? SharedEmpty<Dictionary<IOperation, IOperation>>.Instance;

    /// <summary>The engine adds here (created on first use).</summary>
    public Dictionary<IOperation, IOperation> ExceptionalExitLeaksToFill => _exceptionalExitLeaks ??= new();

    private Dictionary<IOperation, (LockKey Key, LockFamily Family, bool Exceptional)>? _releasesNotHeld;

    /// <summary>Releases reached on a path that does not hold the lock; the flag tells whether that path is an exception's.</summary>
    public Dictionary<IOperation, (LockKey Key, LockFamily Family, bool Exceptional)> ReleasesNotHeld => _releasesNotHeld ?? SharedEmpty<Dictionary<IOperation, (LockKey Key, LockFamily Family, bool Exceptional)>>.Instance;

    /// <summary>The engine adds here (created on first use).</summary>
    public Dictionary<IOperation, (LockKey Key, LockFamily Family, bool Exceptional)> ReleasesNotHeldToFill => _releasesNotHeld ??= new();

    private Dictionary<IOperation, IOperation>? _acquiredWhileHeld;

    /// <summary>Acquires reached on a path that already holds the same lock, with the acquire that holds it (LS2002, LS4004).</summary>
    public Dictionary<IOperation, IOperation> AcquiredWhileHeld => _acquiredWhileHeld ?? SharedEmpty<Dictionary<IOperation, IOperation>>.Instance;

    /// <summary>The engine adds here (created on first use).</summary>
    public Dictionary<IOperation, IOperation> AcquiredWhileHeldToFill => _acquiredWhileHeld ??= new();

    private Dictionary<IOperation, IOperation>? _reboundWhileHeld;

    /// <summary>
    /// Typestate acquires (<see cref="ITypestateCatalog"/>) still held when the variable naming them is
    /// assigned another object, with that assignment: the first object is no longer reachable by that name.
    /// </summary>
    public Dictionary<IOperation, IOperation> ReboundWhileHeld => _reboundWhileHeld ?? SharedEmpty<Dictionary<IOperation, IOperation>>.Instance;

    /// <summary>The engine adds here (created on first use).</summary>
    public Dictionary<IOperation, IOperation> ReboundWhileHeldToFill => _reboundWhileHeld ??= new();

    private Dictionary<IOperation, IOperation>? _heldAcrossAwait;

    /// <summary>Thread-affine acquires held at an await.</summary>
    public Dictionary<IOperation, IOperation> HeldAcrossAwait => _heldAcrossAwait ?? SharedEmpty<Dictionary<IOperation, IOperation>>.Instance;

    /// <summary>The engine adds here (created on first use).</summary>
    public Dictionary<IOperation, IOperation> HeldAcrossAwaitToFill => _heldAcrossAwait ??= new();

    private HashSet<LockKey>? _acquiredKeys;

    public HashSet<LockKey> AcquiredKeys => _acquiredKeys ?? SharedEmpty<HashSet<LockKey>>.Instance;

    /// <summary>The engine adds here (created on first use).</summary>
    public HashSet<LockKey> AcquiredKeysToFill => _acquiredKeys ??= new();

    private HashSet<LockKey>? _releasedKeys;

    public HashSet<LockKey> ReleasedKeys => _releasedKeys ?? SharedEmpty<HashSet<LockKey>>.Instance;

    /// <summary>The engine adds here (created on first use).</summary>
    public HashSet<LockKey> ReleasedKeysToFill => _releasedKeys ??= new();

    private HashSet<ISymbol>? _escapedSymbols;

    /// <summary>
    /// Locals and parameters whose resource escapes the body (returned, stored, passed on, captured by a
    /// lambda), for catalogues where that ends the local reasoning: no rule reports on them.
    /// </summary>
    public HashSet<ISymbol> EscapedSymbols => _escapedSymbols ?? SharedEmpty<HashSet<ISymbol>>.Instance;

    /// <summary>The engine adds here (created on first use).</summary>
    public HashSet<ISymbol> EscapedSymbolsToFill => _escapedSymbols ??= new(SymbolEqualityComparer.Default);

    /// <summary>Whether the rule may report on this resource: it can be followed and did not escape.</summary>
    public bool IsFollowed(LockKey key) => !UntrackableKeys.Contains(key) && !EscapedSymbols.Contains(key.Receiver ?? key.Symbol);

    private HashSet<LockKey>? _untrackableKeys;

    /// <summary>Locks whose count the engine cannot follow (a counting semaphore acquired again by a loop).</summary>
    public HashSet<LockKey> UntrackableKeys => _untrackableKeys ?? SharedEmpty<HashSet<LockKey>>.Instance;

    /// <summary>The engine adds here (created on first use).</summary>
    public HashSet<LockKey> UntrackableKeysToFill => _untrackableKeys ??= new();

    /// <summary>For the tests: nothing has written through a read accessor into the shared empties.</summary>
    internal static bool SharedEmptiesAreEmpty()
        => SharedEmpty<Dictionary<IOperation, AcquireSite>>.Instance.Count + SharedEmpty<Dictionary<IOperation, string>>.Instance.Count
           + SharedEmpty<HashSet<IOperation>>.Instance.Count + SharedEmpty<Dictionary<IOperation, IOperation>>.Instance.Count
           + SharedEmpty<Dictionary<IOperation, (LockKey Key, LockFamily Family, bool Exceptional)>>.Instance.Count
           + SharedEmpty<HashSet<LockKey>>.Instance.Count + SharedEmpty<HashSet<ISymbol>>.Instance.Count == 0;
}
