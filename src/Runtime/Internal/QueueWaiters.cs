using System.Threading.Tasks.Sources;

namespace Lockstep.Internal;

/// <summary>A blocked producer (carrying its item) or consumer (receiving one) of a <see cref="BlockingQueue{T}"/>.</summary>
internal abstract class QueueWaiter<T> : WaitNode
{
    public const int Pending = 0;
    public const int Done = 1;
    public const int Closed = 2;

    /// <summary>The producer's item, or the item handed to a consumer.</summary>
    public T Item = default!;

    /// <summary>Pending until the waiter is unlinked and completed; written under the queue's lock.</summary>
    public int Status;

    /// <summary>Records the outcome. Called under the queue's lock, after unlinking; <see cref="Wake"/> follows.</summary>
    public void Complete(int status) => Volatile.Write(ref Status, status);

    /// <summary>
    /// Wakes the completed waiter. Called once after <see cref="Complete"/>, preferably after the queue's lock is
    /// released (a thread wake-up inside the lock would lengthen every other caller's wait for it).
    /// </summary>
    public abstract void Wake();
}

/// <summary>A blocked thread; one per thread and item type, reused, so a blocking put or get allocates nothing.</summary>
internal sealed class SyncQueueWaiter<T> : QueueWaiter<T>
{
    [ThreadStatic]
    private static SyncQueueWaiter<T>? t_current;

    public readonly ManualResetEventSlim Signal = new(false);

    public static SyncQueueWaiter<T> Rent()
    {
        var waiter = t_current ??= new SyncQueueWaiter<T>();
        waiter.Status = Pending;
        waiter.Signal.Reset();
        return waiter;
    }

    /// <summary>
    /// May arrive late, after the thread has moved on to a later wait with this node: that wait sees a set signal
    /// with a pending status, treats it as spurious, and waits again.
    /// </summary>
    public override void Wake() => Signal.Set();
}

/// <summary>A pending <c>PutAsync</c> / <c>GetAsync</c>.</summary>
internal sealed class AsyncQueueWaiter<T> : QueueWaiter<T>, IValueTaskSource<T>, IValueTaskSource
{
    private static readonly Action<object?> s_cancel = static state => ((AsyncQueueWaiter<T>)state!).OnCanceled();

    private readonly BlockingQueue<T> _queue;
    private ManualResetValueTaskSourceCore<T> _core;
    private CancellationToken _token;
    private CancellationTokenRegistration _registration;

    public AsyncQueueWaiter(BlockingQueue<T> queue, bool isPutter)
    {
        _queue = queue;
        IsPutter = isPutter;
        _core.RunContinuationsAsynchronously = true;
    }

    public bool IsPutter { get; }

    public short Version => _core.Version;

    public void Register(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _token = cancellationToken;
            _registration = cancellationToken.UnsafeRegister(s_cancel, this);
        }
    }

    public override void Wake()
    {
        if (Status == Done)
        {
            var item = Item;
            Item = default!;
            _core.SetResult(item);
        }
        else
        {
            Item = default!;
            _core.SetException(new QueueClosedException());
        }
    }

    private void OnCanceled()
    {
        if (_queue.TryUnlink(this))
        {
            Item = default!;
            _core.SetException(new OperationCanceledException(_token));
        }
    }

    public T GetResult(short token)
    {
        _registration.Dispose();
        return _core.GetResult(token);
    }

    void IValueTaskSource.GetResult(short token)
    {
        _registration.Dispose();
        _core.GetResult(token);
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
