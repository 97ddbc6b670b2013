namespace Lockstep.Analyzers;

/// <summary>
/// Every Lockstep rule ID. The number never changes once shipped; the first digit names the family
/// (1 pairing, 2 deadlock, 3 queues, 4 child lifecycle, 5 shared state).
/// </summary>
public static class RuleIds
{
    public const string LockNotReleased = "LS1001";
    public const string ReleaseWithoutAcquire = "LS1002";
    public const string LockNotReleasedOnException = "LS1003";
    public const string ThreadAffineLockAcrossAwait = "LS1004";

    public const string InconsistentLockOrder = "LS2001";
    public const string NonReentrantLockReacquired = "LS2002";
    public const string BlockingCallUnderLock = "LS2003";
    public const string ConditionWaitOutsideLoop = "LS2004";

    public const string QueueCheckThenAct = "LS3001";
    public const string ConsumerStopsWhenEmpty = "LS3002";
    public const string JoinableQueueItemNotDone = "LS3003";

    public const string UnsynchronizedReadModifyWrite = "LS5001";
    public const string GuardedFieldAccessedWithoutLock = "LS5002";

    public const string TerminatedChildNotJoined = "LS4001";
    public const string DaemonSetAfterStart = "LS4002";
    public const string StartedChildNeverJoined = "LS4003";
    public const string ChildStartedTwiceOrJoinedUnstarted = "LS4004";
    public const string SubmitAndWaitInLoop = "LS4005";
}
