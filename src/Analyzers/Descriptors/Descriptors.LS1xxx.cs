using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers;

public static partial class Descriptors
{
    /// <summary>LS1001: some normal exit leaves the lock held.</summary>
    public static readonly DiagnosticDescriptor LS1001_LockNotReleased = Create(
        RuleIds.LockNotReleased,
        "Lock is not released on every path",
        "'{0}' is acquired here but not released on every path: {1} leaves it held",
        DiagnosticSeverity.Warning,
        "A lock that is acquired and not released on some path (an early return, a break, a fall-through) stays held for ever: the next thread that asks for it blocks without end. Release it on every path, ideally with a scoped form (using, lock, try/finally).");

    /// <summary>LS1002: a release where the lock is not held.</summary>
    public static readonly DiagnosticDescriptor LS1002_ReleaseWithoutAcquire = Create(
        RuleIds.ReleaseWithoutAcquire,
        "Release of a lock that is not held",
        "'{0}' is released here on a path where it is not held ({1})",
        DiagnosticSeverity.Warning,
        "Releasing a lock that the path does not hold either throws (SynchronizationLockException, SemaphoreFullException) or, for counting semaphores, silently admits one thread too many.");

    /// <summary>LS1002 on the exceptional path: the release is in a finally that also runs when the acquire failed.</summary>
    public static readonly DiagnosticDescriptor LS1002_ReleaseWithoutAcquireOnException = Create(
        RuleIds.ReleaseWithoutAcquire,
        "Release of a lock that is not held",
        "'{0}' is released here even on an exception path where it is not held (the exception can come before it is acquired, or after it was already released); release it only where it is held: acquire it before the 'try', or test a lockTaken flag",
        DiagnosticSeverity.Warning,
        "Releasing a lock that the path does not hold either throws (SynchronizationLockException, SemaphoreFullException) or, for counting semaphores, silently admits one thread too many.");

    /// <summary>LS1003: every normal path releases, but an exception skips the release.</summary>
    public static readonly DiagnosticDescriptor LS1003_LockNotReleasedOnException = Create(
        RuleIds.LockNotReleasedOnException,
        "Lock is not released if an exception is thrown",
        "'{0}' is not released if {1} throws: move the release into a 'finally' or use a scoped form",
        DiagnosticSeverity.Warning,
        "Every normal path releases the lock, but the release is not in a finally block: an exception thrown between the acquire and the release leaves the lock held for ever.");

    /// <summary>LS1004: a thread-affine lock held across await.</summary>
    public static readonly DiagnosticDescriptor LS1004_ThreadAffineLockAcrossAwait = Create(
        RuleIds.ThreadAffineLockAcrossAwait,
        "Thread-affine lock held across 'await'",
        "'{0}' ({1}) is owned by the acquiring thread but is held across the 'await' at line {2}; the release may run on another thread. Use SemaphoreSlim.WaitAsync or Lockstep Lock.AcquireAsync instead.",
        DiagnosticSeverity.Warning,
        "Monitor, Mutex, ReaderWriterLockSlim, SpinLock, System.Threading.Lock and Lockstep RLock belong to the thread that acquired them. After an await the method may resume on another thread, where the release throws or, worse, releases nothing while the original thread still owns the lock.");
}
