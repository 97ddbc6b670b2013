using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers;

public static partial class Descriptors
{
    private const string CheckThenActDescription = "IsEmpty, IsFull and Count of a queue shared between threads are snapshots: by the time the next line runs, another consumer may have taken the item (or another producer filled the queue). A Get or Take guarded by such a check then blocks or throws, and a Try call whose result is ignored hands back a default item. Let the operation itself decide: TryGet, TryPut, TryTake, TryAdd, or the bool TryDequeue returns.";

    /// <summary>LS3001, take side: an emptiness check followed by a get.</summary>
    public static readonly DiagnosticDescriptor LS3001_QueueCheckThenTake = Create(
        RuleIds.QueueCheckThenAct,
        "Queue state checked before acting on it",
        "'{0}' is checked with '{1}' here and read with '{2}' at line {3}; another thread can take the item in between: {4}",
        DiagnosticSeverity.Warning,
        CheckThenActDescription);

    /// <summary>LS3001, put side: a fullness check followed by a put.</summary>
    public static readonly DiagnosticDescriptor LS3001_QueueCheckThenPut = Create(
        RuleIds.QueueCheckThenAct,
        "Queue state checked before acting on it",
        "'{0}' is checked with '{1}' here and written with '{2}' at line {3}; another thread can fill the queue in between: {4}",
        DiagnosticSeverity.Warning,
        CheckThenActDescription);

    /// <summary>LS3002: a consumer loop whose exit is the queue looking empty.</summary>
    public static readonly DiagnosticDescriptor LS3002_ConsumerStopsWhenEmpty = Create(
        RuleIds.ConsumerStopsWhenEmpty,
        "Consumer stops when the queue looks empty",
        "This loop consumes '{0}' and stops as soon as '{1}' says it is empty, while producers may still be adding items: {2}",
        DiagnosticSeverity.Warning,
        "A consumer that runs next to its producers sees an empty queue whenever it is faster than they are, at start-up or between two bursts. Stopping there loses every item put afterwards (nobody takes it) and, for a JoinableQueue, hangs Join. Consume until the producers say they are finished: Close() with Consume(), CompleteAdding() with GetConsumingEnumerable(), Writer.Complete() with ReadAllAsync().");

    /// <summary>LS3003: a normal path after a get that never calls TaskDone.</summary>
    public static readonly DiagnosticDescriptor LS3003_JoinableQueueItemNotDone = Create(
        RuleIds.JoinableQueueItemNotDone,
        "Item taken from a JoinableQueue is never marked done",
        "An item is taken from '{0}' here, but {1} is reached without '{0}.TaskDone()': 'Join()' will wait for ever",
        DiagnosticSeverity.Warning,
        "Every item put into a JoinableQueue counts as unfinished until a consumer calls TaskDone() for it; Join() returns only when the count is back to zero. A path that takes an item and skips TaskDone() (an early continue, return or break) leaves the count above zero for good and whoever joins the queue waits for ever. Call TaskDone() in a finally after the item's processing.");

    /// <summary>LS3003 on the exceptional path: every normal path calls TaskDone, an exception skips it.</summary>
    public static readonly DiagnosticDescriptor LS3003_JoinableQueueItemNotDoneOnException = Create(
        RuleIds.JoinableQueueItemNotDone,
        "Item taken from a JoinableQueue is never marked done",
        "An item is taken from '{0}' here, but '{0}.TaskDone()' is skipped if {1} throws: call it in a 'finally' or 'Join()' will wait for ever",
        DiagnosticSeverity.Warning,
        "Every item put into a JoinableQueue counts as unfinished until a consumer calls TaskDone() for it; Join() returns only when the count is back to zero. When processing an item throws and TaskDone() is not in a finally, the count never reaches zero and whoever joins the queue waits for ever.");
}
