using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers;

public static partial class Descriptors
{
    private const string CompilationEnd = "CompilationEnd";

    /// <summary>LS2001: two paths take the same two locks in opposite orders.</summary>
    public static readonly DiagnosticDescriptor LS2001_InconsistentLockOrder = Create(
        RuleIds.InconsistentLockOrder,
        "Locks are acquired in inconsistent order",
        "'{0}' is taken while holding '{1}' here, but {2}: two threads taking them in these orders deadlock",
        DiagnosticSeverity.Warning,
        "When one path takes lock A and then B while another takes B and then A, two threads can each hold one lock and wait for the other for ever. Take locks in one global order everywhere.",
        CompilationEnd);

    /// <summary>LS2001 for a declared order: [AcquiredBefore]/[AcquiredAfter] says otherwise.</summary>
    public static readonly DiagnosticDescriptor LS2001_DeclaredOrderViolated = Create(
        RuleIds.InconsistentLockOrder,
        "Locks are acquired in inconsistent order",
        "'{0}' is taken while holding '{1}' here, but '{2}' declares that '{0}' is acquired before '{1}'",
        DiagnosticSeverity.Warning,
        "When one path takes lock A and then B while another takes B and then A, two threads can each hold one lock and wait for the other for ever. Take locks in one global order everywhere.",
        CompilationEnd);

    /// <summary>LS2002: a non-reentrant lock taken again by the thread that holds it.</summary>
    public static readonly DiagnosticDescriptor LS2002_NonReentrantLockReacquired = Create(
        RuleIds.NonReentrantLockReacquired,
        "Non-reentrant lock acquired while already held",
        "'{0}' ({1}) is acquired here while this path already holds it (acquired at line {2}): {3}",
        DiagnosticSeverity.Warning,
        "A non-reentrant lock (Lockstep Lock, a SemaphoreSlim with one slot, a ReaderWriterLockSlim without SupportsRecursion) cannot be taken twice by the same thread: the second acquire waits for ever or throws LockRecursionException.");

    /// <summary>LS2002 through a call: the callee takes the lock the caller holds.</summary>
    public static readonly DiagnosticDescriptor LS2002_NonReentrantLockReacquiredThroughCall = Create(
        RuleIds.NonReentrantLockReacquired,
        "Non-reentrant lock acquired while already held",
        "'{0}' ({1}) is held here and '{2}' acquires it again: {3}",
        DiagnosticSeverity.Warning,
        "A non-reentrant lock (Lockstep Lock, a SemaphoreSlim with one slot, a ReaderWriterLockSlim without SupportsRecursion) cannot be taken twice by the same thread: the second acquire waits for ever or throws LockRecursionException.",
        CompilationEnd);

    /// <summary>LS2003: a call that can block for a long time inside a held region.</summary>
    public static readonly DiagnosticDescriptor LS2003_BlockingCallUnderLock = Create(
        RuleIds.BlockingCallUnderLock,
        "Blocking call while holding a lock",
        "'{0}' blocks while '{1}' is held: every other thread that needs {2} waits as long",
        DiagnosticSeverity.Info,
        "Sleeping, joining a thread or process, waiting for a task or taking from a queue while holding a lock stalls every thread that needs the lock, and deadlocks when the awaited work needs the lock itself.");

    /// <summary>LS2004: a condition wait guarded by 'if' instead of a loop.</summary>
    public static readonly DiagnosticDescriptor LS2004_ConditionWaitOutsideLoop = Create(
        RuleIds.ConditionWaitOutsideLoop,
        "Condition wait outside a loop",
        "'{0}' is guarded by 'if', not a loop: after a spurious or stolen wake-up the condition may not hold; re-check it in a 'while' loop",
        DiagnosticSeverity.Warning,
        "A condition wait can return when the condition no longer holds: another thread got there first after the pulse, or the wake-up was spurious. The condition must be re-checked after every wake-up, so the wait belongs in a while loop (or Lockstep Condition.WaitFor).");
}
