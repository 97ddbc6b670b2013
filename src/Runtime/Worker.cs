using Lockstep.Internal;

namespace Lockstep;

/// <summary>
/// A child running a delegate on its own dedicated thread, with a cancellation token for cooperative termination
/// and an exception that is captured rather than lost.
/// </summary>
/// <remarks>
/// <para>Python: <c>threading.Thread(target=…, name=…)</c> (<c>start</c> ↔ <see cref="Start"/>, <c>join</c> ↔ <see cref="Join()"/>,
/// <c>is_alive</c> ↔ <see cref="IsAlive"/>, <c>daemon</c> ↔ <see cref="IsDaemon"/>, <c>name</c> ↔ <see cref="Name"/>);
/// <c>terminate</c> ↔ <see cref="Terminate"/> exists for processes in Python, here it cancels the token the target receives.
/// BCL: <see cref="Thread"/> (<c>IsBackground</c> ↔ <see cref="IsDaemon"/>) plus a <see cref="CancellationTokenSource"/>.</para>
/// <para>A non-daemon worker is a foreground thread: it keeps the process alive until it finishes. A daemon worker is a
/// background thread and is abandoned when the process exits. An exception thrown by the target does not crash the process:
/// it is stored in <see cref="Exception"/> and the state becomes <see cref="ChildState.Faulted"/>; <see cref="Join()"/> does
/// not rethrow it (as in Python), so read <see cref="Exception"/> after joining.</para>
/// </remarks>
public sealed class Worker : IChild
{
    private static int s_lastId;

    private readonly Action<CancellationToken> _target;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SyncLock _gate = new();
    private Thread? _thread;
    private int _state; // ChildState
    private bool _daemon;
    private volatile bool _terminateRequested;
    private volatile Exception? _exception;

    /// <summary>Creates a worker that will run <paramref name="target"/> with a token that <see cref="Terminate"/> cancels.</summary>
    /// <param name="target">The work; it should observe the token and return (or throw <see cref="OperationCanceledException"/>) when it is cancelled.</param>
    /// <param name="name">A name for diagnostics and the thread; defaults to <c>Worker-{Id}</c>.</param>
    /// <remarks>Python: <c>threading.Thread(target=target, name=name)</c>.</remarks>
    public Worker(Action<CancellationToken> target, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target;
        Id = Interlocked.Increment(ref s_lastId);
        Name = name ?? $"Worker-{Id}";
    }

    /// <summary>Creates a worker that will run <paramref name="target"/>. <see cref="Terminate"/> cannot stop such a target; prefer the token overload.</summary>
    /// <param name="target">The work.</param>
    /// <param name="name">A name for diagnostics and the thread; defaults to <c>Worker-{Id}</c>.</param>
    /// <remarks>Python: <c>threading.Thread(target=target, name=name)</c>.</remarks>
    public Worker(Action target, string? name = null)
        : this(WrapTarget(target), name)
    {
    }

    /// <summary>A number unique among the workers of this process, assigned at construction.</summary>
    /// <remarks>Python: the <c>N</c> of the default name <c>Thread-N</c>; not the OS thread id (<c>native_id</c>).</remarks>
    public int Id { get; }

    /// <inheritdoc/>
    /// <remarks>Python: <c>thread.name</c>.</remarks>
    public string Name { get; }

    /// <inheritdoc/>
    public ChildState State => (ChildState)Volatile.Read(ref _state);

    /// <inheritdoc/>
    /// <remarks>Python: <c>thread.is_alive()</c>.</remarks>
    public bool IsAlive => State == ChildState.Running;

    /// <summary>
    /// Whether the worker runs on a background thread that does not keep the process alive. Default <see langword="false"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after <see cref="Start"/> (analyzer rule LS4002).</exception>
    /// <remarks>Python: <c>thread.daemon</c>. BCL: <see cref="Thread.IsBackground"/>.</remarks>
    public bool IsDaemon
    {
        get => Volatile.Read(ref _daemon);
        set
        {
            lock (_gate)
            {
                if (State != ChildState.Created)
                {
                    throw new InvalidOperationException($"Cannot set IsDaemon of worker '{Name}' after it was started; set it before Start().");
                }

                _daemon = value;
            }
        }
    }

    /// <summary>The exception the target threw, or <see langword="null"/> (also when it ended by observing <see cref="Terminate"/>'s cancellation).</summary>
    /// <remarks>Python: what <c>threading.excepthook</c> receives.</remarks>
    public Exception? Exception => _exception;

    /// <summary>The token passed to the target; cancelled by <see cref="Terminate"/>.</summary>
    public CancellationToken CancellationToken => _cancellation.Token;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The worker was already started (analyzer rule LS4004).</exception>
    /// <remarks>Python: <c>thread.start()</c> (raises <c>RuntimeError</c> the second time).</remarks>
    public void Start()
    {
        lock (_gate)
        {
            if (State != ChildState.Created)
            {
                throw new InvalidOperationException($"Worker '{Name}' was already started; a worker can be started only once.");
            }

            var thread = new Thread(Run) { IsBackground = _daemon, Name = Name };
            _thread = thread;
            Volatile.Write(ref _state, (int)ChildState.Running);
            try
            {
                thread.Start();
            }
            catch (Exception ex)
            {
                _thread = null; // never ran: Join has nothing to wait for
                _exception = ex;
                Volatile.Write(ref _state, (int)ChildState.Faulted);
                _finished.TrySetResult();
                throw;
            }
        }
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Not started yet (rule LS4004), or called from the worker's own thread.</exception>
    /// <remarks>Python: <c>thread.join()</c>.</remarks>
    public void Join() => StartedThread()?.Join();

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Not started yet, or called from the worker's own thread.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    /// <remarks>Python: <c>thread.join(timeout)</c>.</remarks>
    public bool Join(TimeSpan timeout)
    {
        var ms = Timeouts.ToMilliseconds(timeout);
        return StartedThread()?.Join(ms) ?? true;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Not started yet.</exception>
    public Task JoinAsync(CancellationToken cancellationToken = default)
    {
        if (State == ChildState.Created)
        {
            throw NotStarted("JoinAsync");
        }

        return cancellationToken.CanBeCanceled ? _finished.Task.WaitAsync(cancellationToken) : _finished.Task;
    }

    /// <summary>Cancels the worker's token and returns at once, without waiting for the target to notice; then <see cref="Join()"/> it (rule LS4001). Does nothing if the worker has already finished.</summary>
    /// <exception cref="InvalidOperationException">Not started yet.</exception>
    /// <remarks>Python: <c>Process.terminate()</c>; threads cannot be killed, so the target must observe its token.</remarks>
    public void Terminate()
    {
        if (State == ChildState.Created)
        {
            throw NotStarted("Terminate");
        }

        if (State != ChildState.Running)
        {
            return;
        }

        _terminateRequested = true;
        _ = _cancellation.CancelAsync(); // runs registered callbacks off this thread: Terminate never blocks
    }

    /// <inheritdoc/>
    public override string ToString() => $"Worker '{Name}' ({State})";

    /// <summary>The worker's thread; null when Start failed to start it.</summary>
    private Thread? StartedThread([System.Runtime.CompilerServices.CallerMemberName] string caller = "")
    {
        var thread = _thread;
        if (State == ChildState.Created)
        {
            throw NotStarted(caller);
        }

        if (thread is null)
        {
            return null;
        }

        if (thread == Thread.CurrentThread)
        {
            throw new InvalidOperationException($"Worker '{Name}' cannot join itself: it would wait forever.");
        }

        return thread;
    }

    private InvalidOperationException NotStarted(string member)
        => new($"Worker '{Name}' has not been started; call Start() before {member}().");

    private void Run()
    {
        var final = ChildState.Completed;
        try
        {
            _target(_cancellation.Token);
            if (_terminateRequested)
            {
                final = ChildState.Terminated;
            }
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            final = ChildState.Terminated;
        }
        catch (Exception ex)
        {
            _exception = ex;
            final = ChildState.Faulted;
        }
        finally
        {
            Volatile.Write(ref _state, (int)final);
            _finished.TrySetResult();
        }
    }

    private static Action<CancellationToken> WrapTarget(Action target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return _ => target();
    }
}
