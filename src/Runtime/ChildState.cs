namespace Lockstep;

/// <summary>The lifecycle of an <see cref="IChild"/>: <see cref="Created"/> → <see cref="Running"/> → one of the three final states.</summary>
/// <remarks>Python has no enum for this; <c>is_alive()</c> is <see langword="true"/> exactly in <see cref="Running"/>.</remarks>
public enum ChildState
{
    /// <summary>Constructed, not started. <see cref="IChild.IsDaemon"/> may still be set.</summary>
    Created = 0,

    /// <summary>Started and not yet finished.</summary>
    Running = 1,

    /// <summary>Finished on its own: the worker's target returned, or the process exited (whatever its exit code) without being terminated or killed.</summary>
    Completed = 2,

    /// <summary>The worker's target threw (see <see cref="Worker.Exception"/>), or the process could not be started. A process that exits with a non-zero code is <see cref="Completed"/>: an exit code is not an exception.</summary>
    Faulted = 3,

    /// <summary>Finished after <see cref="IChild.Terminate"/> (or <see cref="ChildProcess.Kill"/>) was called.</summary>
    Terminated = 4,
}
