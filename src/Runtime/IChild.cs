namespace Lockstep;

/// <summary>
/// The lifecycle shared by a <see cref="Worker"/> (a thread) and a <see cref="ChildProcess"/> (an operating-system
/// process): set <see cref="IsDaemon"/>, <see cref="Start"/> once, <see cref="Terminate"/> if needed, and <see cref="Join()"/>.
/// </summary>
/// <remarks>
/// Python: the common surface of <c>threading.Thread</c> and <c>multiprocessing.Process</c> (<c>start</c>, <c>join</c>,
/// <c>is_alive</c>, <c>daemon</c>, <c>name</c>, <c>terminate</c>). The lifecycle analyzer rules (LS4xxx) are written
/// against this interface: join what you terminate (LS4001), set the daemon flag before starting (LS4002), keep or join
/// what you start (LS4003), start once and only join what was started (LS4004).
/// </remarks>
public interface IChild
{
    /// <summary>A human-readable name, used in diagnostics.</summary>
    /// <remarks>Python: <c>name</c>.</remarks>
    string Name { get; }

    /// <summary>Where the child is in its lifecycle.</summary>
    ChildState State { get; }

    /// <summary>Whether the child has been started and has not finished yet.</summary>
    /// <remarks>Python: <c>is_alive()</c>.</remarks>
    bool IsAlive { get; }

    /// <summary>
    /// Whether the child is a daemon: a daemon does not keep its parent alive (a daemon worker is a background thread;
    /// a daemon process is killed when the parent exits). Set it before <see cref="Start"/>; setting it afterwards throws.
    /// </summary>
    /// <remarks>Python: <c>daemon</c>.</remarks>
    /// <exception cref="InvalidOperationException">Set after <see cref="Start"/>.</exception>
    bool IsDaemon { get; set; }

    /// <summary>Starts the child. A child can be started only once.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <remarks>Python: <c>start()</c>.</remarks>
    void Start();

    /// <summary>Blocks until the child has finished.</summary>
    /// <exception cref="InvalidOperationException">Not started yet.</exception>
    /// <remarks>Python: <c>join()</c>.</remarks>
    void Join();

    /// <summary>Blocks until the child has finished or <paramref name="timeout"/> passes.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns><see langword="true"/> if the child finished, <see langword="false"/> on timeout.</returns>
    /// <exception cref="InvalidOperationException">Not started yet.</exception>
    /// <remarks>Python: <c>join(timeout)</c> followed by <c>not is_alive()</c>.</remarks>
    bool Join(TimeSpan timeout);

    /// <summary>Waits, without blocking a thread, until the child has finished.</summary>
    /// <param name="cancellationToken">Cancels the wait (not the child).</param>
    /// <returns>A task that completes when the child has finished.</returns>
    /// <exception cref="InvalidOperationException">Not started yet.</exception>
    Task JoinAsync(CancellationToken cancellationToken = default);

    /// <summary>Asks the child to stop and returns at once; <see cref="Join()"/> afterwards to wait for it (rule LS4001).</summary>
    /// <exception cref="InvalidOperationException">Not started yet.</exception>
    /// <remarks>Python: <c>Process.terminate()</c>. For a <see cref="Worker"/> it cancels the worker's token; for a <see cref="ChildProcess"/> it sends SIGTERM.</remarks>
    void Terminate();
}
