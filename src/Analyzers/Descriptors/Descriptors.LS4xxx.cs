using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers;

public static partial class Descriptors
{
    /// <summary>LS4001: a terminated or killed child with a path to the end that never waits for it.</summary>
    public static readonly DiagnosticDescriptor LS4001_TerminatedChildNotJoined = Create(
        RuleIds.TerminatedChildNotJoined,
        "Terminated child is not joined",
        "'{0}' is {1} here, but {2} leaves without waiting for it to exit: call '{3}' after it",
        DiagnosticSeverity.Warning,
        "Terminate() and Kill() only ask the child to stop and return at once. Until Join()/WaitForExit() returns, the child may still be running, holding files, ports and memory, and its exit code is not known. Wait for it on every path after terminating it.");

    /// <summary>LS4002: IsDaemon assigned on a path where the child was already started.</summary>
    public static readonly DiagnosticDescriptor LS4002_DaemonSetAfterStart = Create(
        RuleIds.DaemonSetAfterStart,
        "Daemon flag set after start",
        "'{0}.IsDaemon' is set on a path where '{0}' was already started (line {1}): the runtime throws; set it before Start()",
        DiagnosticSeverity.Error,
        "Whether a Lockstep child is a daemon is fixed when it starts: setting IsDaemon afterwards throws InvalidOperationException. Set it before calling Start().");

    /// <summary>LS4003: a non-daemon child started, never joined, and its handle dropped.</summary>
    public static readonly DiagnosticDescriptor LS4003_StartedChildNeverJoined = Create(
        RuleIds.StartedChildNeverJoined,
        "Started child is never joined and its handle is dropped",
        "'{0}' is started here but never joined, and {1} drops its handle: nobody can wait for it or see it fail",
        DiagnosticSeverity.Info,
        "A non-daemon Lockstep worker or child process, or a foreground thread, keeps running after the method that started it returns. If that method neither joins it nor hands the handle to someone who will, nobody waits for it, nobody sees its exception, and the process cannot exit until it ends.");

    /// <summary>LS4004: Start() on a path where the child was already started.</summary>
    public static readonly DiagnosticDescriptor LS4004_ChildStartedTwice = Create(
        RuleIds.ChildStartedTwiceOrJoinedUnstarted,
        "Child started twice, or joined before it was started",
        "'{0}' is started here on a path where it was already started ({1}): a child can be started only once, the second Start() throws",
        DiagnosticSeverity.Error,
        "A worker, child process or thread has one life: Start() on one that was already started throws (even after it ended), and Join() on one that was never started throws or waits for nothing.");

    /// <summary>LS4004: Join() on a path where the child was never started.</summary>
    public static readonly DiagnosticDescriptor LS4004_ChildJoinedUnstarted = Create(
        RuleIds.ChildStartedTwiceOrJoinedUnstarted,
        "Child started twice, or joined before it was started",
        "'{0}' is waited for here on a path where it was never started: '{1}' throws",
        DiagnosticSeverity.Error,
        "A worker, child process or thread has one life: Start() on one that was already started throws (even after it ended), and Join() on one that was never started throws or waits for nothing.");

    /// <summary>LS4005: a submit-and-wait inside a loop.</summary>
    public static readonly DiagnosticDescriptor LS4005_SubmitAndWaitInLoop = Create(
        RuleIds.SubmitAndWaitInLoop,
        "Submitting to a pool and waiting at once serializes the work",
        "'{0}' is waited for as soon as it is submitted ({1}), inside a loop: each item waits for the previous one; submit them all first, then wait for all",
        DiagnosticSeverity.Warning,
        "Submitting one work item to a pool (WorkerPool.Submit, Task.Run, Task.Factory.StartNew) and waiting for it before submitting the next runs the items one after another on another thread: the pool's parallelism is lost. When the items do not depend on each other, collect the tasks and wait for all of them (Task.WhenAll, WorkerPool.Map).");
}
