using Lockstep.Internal;

namespace Lockstep;

/// <summary>
/// A <see cref="BlockingQueue{T}"/> that also counts unfinished work: every put adds one, every <see cref="TaskDone"/>
/// subtracts one, and <see cref="Join()"/> waits until the count is back to zero, that is, until every item put has
/// been fully processed.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// <para>Python: <c>multiprocessing.JoinableQueue</c> and the <c>task_done</c>/<c>join</c> pair of <c>queue.Queue</c>
/// (<c>task_done</c> ↔ <see cref="TaskDone"/>, <c>join</c> ↔ <see cref="Join()"/>, <c>unfinished_tasks</c> ↔
/// <see cref="UnfinishedTasks"/>). BCL: no direct equivalent (a <see cref="CountdownEvent"/> beside a <c>BlockingCollection</c>).</para>
/// <para>A consumer must call <see cref="TaskDone"/> exactly once per item it took, on every path, best in a
/// <see langword="finally"/> (analyzer rule LS3003), or <see cref="Join()"/> waits forever.</para>
/// </remarks>
public class JoinableQueue<T> : BlockingQueue<T>
{
    private TaskCompletionSource? _joiners;

    /// <summary>Creates a joinable queue.</summary>
    /// <param name="maxSize">The most items the queue holds; 0 (the default) means unbounded.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSize"/> is negative.</exception>
    /// <remarks>Python: <c>multiprocessing.JoinableQueue(maxsize=0)</c>.</remarks>
    public JoinableQueue(int maxSize = 0)
        : base(maxSize, countTasks: true)
    {
    }

    /// <summary>The number of items put and not yet marked done with <see cref="TaskDone"/> (a snapshot).</summary>
    /// <remarks>Python: <c>q.unfinished_tasks</c>.</remarks>
    public int UnfinishedTasks => Volatile.Read(ref UnfinishedCount);

    /// <summary>Marks one item taken from the queue as fully processed. When the last unfinished item is marked, every <see cref="Join()"/> returns.</summary>
    /// <exception cref="InvalidOperationException">Called more times than items were put.</exception>
    /// <remarks>Python: <c>q.task_done()</c> (raises <c>ValueError</c> when called too many times).</remarks>
    public void TaskDone()
    {
        TaskCompletionSource? joiners = null;
        lock (Sync)
        {
            if (UnfinishedCount == 0)
            {
                throw new InvalidOperationException("TaskDone() was called more times than there were items put in the queue.");
            }

            if (--UnfinishedCount == 0)
            {
                joiners = _joiners;
                _joiners = null;
            }
        }

        joiners?.TrySetResult();
    }

    /// <summary>Blocks until every item put has been marked done (at once if none is unfinished).</summary>
    /// <remarks>Python: <c>q.join()</c>.</remarks>
    public void Join() => Join(CancellationToken.None);

    /// <summary>Blocks until every item put has been marked done, or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <remarks>Python: <c>q.join()</c>.</remarks>
    public void Join(CancellationToken cancellationToken)
    {
        var done = WhenDone();
        if (!done.IsCompleted)
        {
            done.Wait(cancellationToken);
        }
    }

    /// <summary>Blocks until every item put has been marked done, or <paramref name="timeout"/> passes.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns><see langword="true"/> if the count reached zero, <see langword="false"/> on timeout.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    /// <remarks>Python: no timeout on <c>join</c>; this is the .NET addition.</remarks>
    public bool Join(TimeSpan timeout) => Join(timeout, CancellationToken.None);

    /// <summary>Blocks until every item put has been marked done, <paramref name="timeout"/> passes or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> if the count reached zero, <see langword="false"/> on timeout.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    public bool Join(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ms = Timeouts.ToMilliseconds(timeout);
        var done = WhenDone();
        return done.IsCompleted || done.Wait(ms, cancellationToken);
    }

    /// <summary>Waits, without blocking a thread, until every item put has been marked done.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the unfinished count reaches zero.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first (the task is cancelled).</exception>
    /// <remarks>Python: <c>await asyncio.Queue.join()</c>.</remarks>
    public Task JoinAsync(CancellationToken cancellationToken = default)
    {
        var done = WhenDone();
        return done.IsCompleted || !cancellationToken.CanBeCanceled ? done : done.WaitAsync(cancellationToken);
    }

    private Task WhenDone()
    {
        lock (Sync)
        {
            return UnfinishedCount == 0
                ? Task.CompletedTask
                : (_joiners ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }
}
