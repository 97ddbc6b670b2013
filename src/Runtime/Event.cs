using Lockstep.Internal;

namespace Lockstep;

/// <summary>A manual-reset flag: <see cref="Set"/> raises it and wakes every waiter; it stays raised until <see cref="Clear"/>.</summary>
/// <remarks>
/// Python: <c>threading.Event</c> (<c>set</c> ↔ <see cref="Set"/>, <c>clear</c> ↔ <see cref="Clear"/>, <c>is_set</c> ↔ <see cref="IsSet"/>,
/// <c>wait(timeout)</c> ↔ <see cref="Wait(TimeSpan)"/>). BCL: <see cref="ManualResetEventSlim"/> (sync) plus a
/// <see cref="TaskCompletionSource"/> for <see cref="WaitAsync(CancellationToken)"/>.
/// </remarks>
public sealed class Event
{
    private readonly ManualResetEventSlim _flag = new(false);
    private readonly SyncLock _sync = new();
    private TaskCompletionSource? _asyncWaiters;

    /// <summary>Whether the flag is raised at this moment.</summary>
    /// <remarks>Python: <c>event.is_set()</c>.</remarks>
    public bool IsSet => _flag.IsSet;

    /// <summary>Raises the flag and wakes every thread and task waiting for it.</summary>
    /// <remarks>Python: <c>event.set()</c>.</remarks>
    public void Set()
    {
        TaskCompletionSource? waiters;
        lock (_sync)
        {
            _flag.Set();
            waiters = _asyncWaiters;
            _asyncWaiters = null;
        }

        waiters?.TrySetResult();
    }

    /// <summary>Lowers the flag; later waits block until the next <see cref="Set"/>.</summary>
    /// <remarks>Python: <c>event.clear()</c>.</remarks>
    public void Clear()
    {
        lock (_sync)
        {
            _flag.Reset();
        }
    }

    /// <summary>Blocks until the flag is raised.</summary>
    /// <remarks>Python: <c>event.wait()</c>.</remarks>
    public void Wait() => _flag.Wait();

    /// <summary>Blocks until the flag is raised or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <remarks>Python: <c>event.wait()</c>.</remarks>
    public void Wait(CancellationToken cancellationToken) => _flag.Wait(cancellationToken);

    /// <summary>Blocks until the flag is raised or <paramref name="timeout"/> passes.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns>The flag when the wait ended: <see langword="true"/> if it was raised, <see langword="false"/> on timeout.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    /// <remarks>Python: <c>event.wait(timeout)</c>.</remarks>
    public bool Wait(TimeSpan timeout) => _flag.Wait(Timeouts.ToMilliseconds(timeout));

    /// <summary>Blocks until the flag is raised, <paramref name="timeout"/> passes or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> if the flag was raised, <see langword="false"/> on timeout.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <remarks>Python: <c>event.wait(timeout)</c>.</remarks>
    public bool Wait(TimeSpan timeout, CancellationToken cancellationToken) => _flag.Wait(Timeouts.ToMilliseconds(timeout), cancellationToken);

    /// <summary>Waits for the flag without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the flag is raised (at once if it already is).</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first (the task is cancelled).</exception>
    /// <remarks>Python: <c>await asyncio.Event().wait()</c>.</remarks>
    public Task WaitAsync(CancellationToken cancellationToken = default)
    {
        if (_flag.IsSet)
        {
            return Task.CompletedTask;
        }

        Task waiting;
        lock (_sync)
        {
            if (_flag.IsSet)
            {
                return Task.CompletedTask;
            }

            waiting = (_asyncWaiters ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        return cancellationToken.CanBeCanceled ? waiting.WaitAsync(cancellationToken) : waiting;
    }

    /// <summary>Waits for the flag without blocking a thread, up to <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> if the flag was raised, <see langword="false"/> on timeout.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <remarks>Python: <c>await asyncio.wait_for(event.wait(), timeout)</c>.</remarks>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var ms = Timeouts.ToMilliseconds(timeout);
        var waiting = WaitAsync(CancellationToken.None);
        if (waiting.IsCompleted)
        {
            return true;
        }

        try
        {
            await waiting.WaitAsync(TimeSpan.FromMilliseconds(ms), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return IsSet;
        }
    }
}
