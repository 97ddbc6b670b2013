using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Catalog;

/// <summary>The kinds of lock the rules know.</summary>
internal enum LockFamily : byte
{
    Monitor,
    SystemLock,
    SemaphoreSlim,
    Semaphore,
    Mutex,
    ReaderWriterLockSlim,
    SpinLock,
    LockstepLock,
    LockstepRLock,
    LockstepSemaphore,
    LockstepBoundedSemaphore,
    /// <summary>A user's method marked <c>[Acquires]</c> / <c>[Releases]</c>.</summary>
    Annotated,

    /// <summary>
    /// Not a lock: a resource another rule family pairs with the same engine (a queue item to mark
    /// done, a child to join). Never thread-affine, never counting.
    /// </summary>
    Resource,
}

/// <summary>Reader-writer locks hold three different locks; every other lock has one mode.</summary>
internal enum LockMode : byte
{
    Exclusive,
    Read,
    Write,
    UpgradeableRead,
}

internal enum LockOpKind : byte
{
    /// <summary>Holds the lock when the call returns (<c>Monitor.Enter(o)</c>, <c>sem.Wait()</c>).</summary>
    Acquire,
    /// <summary>Holds the lock only when the call returned <see langword="true"/> (<c>TryEnter</c>, <c>Wait(timeout)</c>).</summary>
    TryAcquire,
    /// <summary>Holds the lock when the <c>ref bool</c> argument was set (<c>Monitor.Enter(o, ref taken)</c>).</summary>
    AcquireWithTakenFlag,
    /// <summary>Gives the lock back.</summary>
    Release,
    /// <summary><c>Dispose()</c> of a scope returned by an acquire: gives back the scope's lock.</summary>
    ScopeDispose,
}

/// <summary>One catalogued call: what it does to which lock.</summary>
internal readonly struct LockOperation
{
    public LockOperation(LockOpKind kind, LockFamily family, LockMode mode, IOperation? lockObject, bool mayFail, IOperation? takenFlag, bool returnsScope, ISymbol? lockMember = null)
    {
        LockMember = lockMember;
        Kind = kind;
        Family = family;
        Mode = mode;
        LockObject = lockObject;
        MayFail = mayFail;
        TakenFlag = takenFlag;
        ReturnsScope = returnsScope;
    }

    public LockOpKind Kind { get; }
    public LockFamily Family { get; }
    public LockMode Mode { get; }

    /// <summary>The operation that denotes the lock (receiver or argument); null for a scope dispose.</summary>
    public IOperation? LockObject { get; }

    /// <summary>
    /// The acquire can end in an exception without taking the lock (cancellation token or timeout); for a
    /// release, the call can end in an exception without giving the resource back.
    /// </summary>
    public bool MayFail { get; }

    /// <summary>The <c>ref bool lockTaken</c> argument of <see cref="LockOpKind.AcquireWithTakenFlag"/>.</summary>
    public IOperation? TakenFlag { get; }

    /// <summary>The acquire returns a scope whose <c>Dispose</c> releases (Lockstep <c>Acquire()</c>, <c>Lock.EnterScope()</c>).</summary>
    public bool ReturnsScope { get; }

    /// <summary>
    /// For an annotated call (<c>[Acquires(nameof(_gate))]</c>): the member of the receiver that is the
    /// lock; null when the lock is <see cref="LockObject"/> itself.
    /// </summary>
    public ISymbol? LockMember { get; }

    public bool IsAcquire => Kind is LockOpKind.Acquire or LockOpKind.TryAcquire or LockOpKind.AcquireWithTakenFlag;
}

internal static class LockFamilyTraits
{
    /// <summary>Owned by the acquiring thread: releasing from another thread throws or misbehaves (LS1004).</summary>
    public static bool IsThreadAffine(LockFamily family) => family is LockFamily.Monitor or LockFamily.SystemLock
        or LockFamily.Mutex or LockFamily.ReaderWriterLockSlim or LockFamily.SpinLock or LockFamily.LockstepRLock;

    /// <summary>Counting semaphores are also used to signal between methods, so pairing is checked only where a method pairs them itself.</summary>
    public static bool IsCounting(LockFamily family) => family is LockFamily.SemaphoreSlim or LockFamily.Semaphore
        or LockFamily.LockstepSemaphore or LockFamily.LockstepBoundedSemaphore;

    public static string DisplayName(LockFamily family) => family switch
    {
        LockFamily.Monitor => "Monitor",
        LockFamily.SystemLock => "System.Threading.Lock",
        LockFamily.SemaphoreSlim => "SemaphoreSlim",
        LockFamily.Semaphore => "Semaphore",
        LockFamily.Mutex => "Mutex",
        LockFamily.ReaderWriterLockSlim => "ReaderWriterLockSlim",
        LockFamily.SpinLock => "SpinLock",
        LockFamily.LockstepLock => "Lockstep.Lock",
        LockFamily.LockstepRLock => "Lockstep.RLock",
        LockFamily.LockstepSemaphore => "Lockstep.Semaphore",
        LockFamily.LockstepBoundedSemaphore => "Lockstep.BoundedSemaphore",
        _ => "lock",
    };
}
