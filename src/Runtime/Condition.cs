using Lockstep.Internal;

namespace Lockstep;

/// <summary>
/// A condition variable bound to a <see cref="Lock"/> or an <see cref="RLock"/>: a thread holding the lock
/// waits (releasing the lock while it sleeps) until another thread holding the lock notifies it.
/// </summary>
/// <remarks>
/// <para>Python: <c>threading.Condition(lock)</c> (<c>wait</c> ↔ <see cref="Wait()"/>, <c>wait_for</c> ↔ <see cref="WaitFor(Func{bool})"/>,
/// <c>notify(n)</c> ↔ <see cref="Notify(int)"/>, <c>notify_all</c> ↔ <see cref="NotifyAll"/>). BCL: <see cref="Monitor.Wait(object)"/>,
/// <see cref="Monitor.Pulse"/>, <see cref="Monitor.PulseAll"/>.</para>
/// <para>Every member must be called while holding the lock, else it throws <see cref="SynchronizationLockException"/>.
/// For an <see cref="RLock"/> that means held by the calling thread; a <see cref="Lock"/> has no owner, so the check
/// is only that it is held. Wake-ups can be spurious and a notification can be consumed by another thread first:
/// wait in a <see langword="while"/> loop over the predicate, or use <see cref="WaitFor(Func{bool})"/> (analyzer rule LS2004).</para>
/// <para>Waiters are woken in FIFO order. A wait that is cancelled or times out re-acquires the lock before it
/// returns or throws, so the caller's scope is still valid.</para>
/// </remarks>
public sealed class Condition
{
    private readonly Lock? _lock;
    private readonly RLock? _rlock;
    private readonly SyncLock _sync = new();
    private WaitList _waiters;

    /// <summary>Creates a condition over a non-reentrant <see cref="Lock"/>.</summary>
    /// <param name="lock">The lock that callers hold around <see cref="Wait()"/> and <see cref="Notify(int)"/>.</param>
    public Condition(Lock @lock)
    {
        ArgumentNullException.ThrowIfNull(@lock);
        _lock = @lock;
    }

    /// <summary>Creates a condition over a reentrant <see cref="RLock"/>. A wait releases every level the thread holds and restores them afterwards.</summary>
    /// <param name="lock">The lock that callers hold around <see cref="Wait()"/> and <see cref="Notify(int)"/>.</param>
    public Condition(RLock @lock)
    {
        ArgumentNullException.ThrowIfNull(@lock);
        _rlock = @lock;
    }

    /// <summary>Releases the lock, blocks until notified, and re-acquires the lock.</summary>
    /// <exception cref="SynchronizationLockException">The lock is not held (by the calling thread, for an <see cref="RLock"/>).</exception>
    /// <remarks>Python: <c>cond.wait()</c>. Call it in a loop that re-checks the predicate.</remarks>
    public void Wait() => WaitCore(Timeouts.Infinite, CancellationToken.None);

    /// <summary>Releases the lock, blocks until notified or <paramref name="cancellationToken"/> is cancelled, and re-acquires the lock.</summary>
    /// <param name="cancellationToken">Cancels the wait; the lock is re-acquired before the exception is thrown.</param>
    /// <exception cref="SynchronizationLockException">The lock is not held.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before a notification arrived.</exception>
    /// <remarks>Python: <c>cond.wait()</c>.</remarks>
    public void Wait(CancellationToken cancellationToken) => WaitCore(Timeouts.Infinite, cancellationToken);

    /// <summary>Releases the lock, blocks until notified or <paramref name="timeout"/> passes, and re-acquires the lock.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns><see langword="true"/> if notified, <see langword="false"/> on timeout.</returns>
    /// <exception cref="SynchronizationLockException">The lock is not held.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    /// <remarks>Python: <c>cond.wait(timeout)</c>.</remarks>
    public bool Wait(TimeSpan timeout) => WaitCore(Timeouts.ToMilliseconds(timeout), CancellationToken.None);

    /// <summary>Releases the lock, blocks until notified, <paramref name="timeout"/> passes or <paramref name="cancellationToken"/> is cancelled, and re-acquires the lock.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait; the lock is re-acquired before the exception is thrown.</param>
    /// <returns><see langword="true"/> if notified, <see langword="false"/> on timeout.</returns>
    /// <exception cref="SynchronizationLockException">The lock is not held.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before a notification arrived.</exception>
    /// <remarks>Python: <c>cond.wait(timeout)</c>.</remarks>
    public bool Wait(TimeSpan timeout, CancellationToken cancellationToken) => WaitCore(Timeouts.ToMilliseconds(timeout), cancellationToken);

    /// <summary>Waits until <paramref name="predicate"/> returns <see langword="true"/>, evaluating it under the lock before each wait.</summary>
    /// <param name="predicate">The condition to wait for; called with the lock held.</param>
    /// <exception cref="SynchronizationLockException">The lock is not held.</exception>
    /// <remarks>Python: <c>cond.wait_for(predicate)</c>.</remarks>
    public void WaitFor(Func<bool> predicate) => WaitForCore(predicate, Timeouts.Infinite, CancellationToken.None);

    /// <summary>Waits until <paramref name="predicate"/> returns <see langword="true"/> or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="predicate">The condition to wait for; called with the lock held.</param>
    /// <param name="cancellationToken">Cancels the wait; the lock is re-acquired before the exception is thrown.</param>
    /// <exception cref="SynchronizationLockException">The lock is not held.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the predicate became true.</exception>
    /// <remarks>Python: <c>cond.wait_for(predicate)</c>.</remarks>
    public void WaitFor(Func<bool> predicate, CancellationToken cancellationToken) => WaitForCore(predicate, Timeouts.Infinite, cancellationToken);

    /// <summary>Waits until <paramref name="predicate"/> returns <see langword="true"/> or <paramref name="timeout"/> passes.</summary>
    /// <param name="predicate">The condition to wait for; called with the lock held.</param>
    /// <param name="timeout">The total time to wait.</param>
    /// <returns>The last value of <paramref name="predicate"/>: <see langword="false"/> means it timed out.</returns>
    /// <exception cref="SynchronizationLockException">The lock is not held.</exception>
    /// <remarks>Python: <c>cond.wait_for(predicate, timeout)</c>.</remarks>
    public bool WaitFor(Func<bool> predicate, TimeSpan timeout) => WaitForCore(predicate, Timeouts.ToMilliseconds(timeout), CancellationToken.None);

    /// <summary>Waits until <paramref name="predicate"/> returns <see langword="true"/>, <paramref name="timeout"/> passes or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="predicate">The condition to wait for; called with the lock held.</param>
    /// <param name="timeout">The total time to wait.</param>
    /// <param name="cancellationToken">Cancels the wait; the lock is re-acquired before the exception is thrown.</param>
    /// <returns>The last value of <paramref name="predicate"/>: <see langword="false"/> means it timed out.</returns>
    /// <exception cref="SynchronizationLockException">The lock is not held.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before the predicate became true.</exception>
    /// <remarks>Python: <c>cond.wait_for(predicate, timeout)</c>.</remarks>
    public bool WaitFor(Func<bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
        => WaitForCore(predicate, Timeouts.ToMilliseconds(timeout), cancellationToken);

    /// <summary>Wakes up to <paramref name="n"/> threads waiting on this condition (the longest-waiting first).</summary>
    /// <param name="n">How many waiters to wake; 0 wakes none.</param>
    /// <exception cref="SynchronizationLockException">The lock is not held.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    /// <remarks>Python: <c>cond.notify(n=1)</c>. BCL: <see cref="Monitor.Pulse"/>. The woken threads run once the notifier releases the lock.</remarks>
    public void Notify(int n = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        EnsureHeld(nameof(Notify));
        lock (_sync)
        {
            for (var i = 0; i < n && _waiters.RemoveFirst() is ThreadWaiter waiter; i++)
            {
                waiter.Grant(1);
            }
        }
    }

    /// <summary>Wakes every thread waiting on this condition.</summary>
    /// <exception cref="SynchronizationLockException">The lock is not held.</exception>
    /// <remarks>Python: <c>cond.notify_all()</c>. BCL: <see cref="Monitor.PulseAll"/>.</remarks>
    public void NotifyAll()
    {
        EnsureHeld(nameof(NotifyAll));
        lock (_sync)
        {
            while (_waiters.RemoveFirst() is ThreadWaiter waiter)
            {
                waiter.Grant(1);
            }
        }
    }

    private void EnsureHeld(string member)
    {
        var held = _rlock is not null ? _rlock.IsHeldByCurrentThread : _lock!.IsLocked;
        if (!held)
        {
            throw new SynchronizationLockException(
                $"Condition.{member} must be called while holding the condition's {(_rlock is not null ? "RLock (on this thread)" : "Lock")}: using (gate.Acquire()) {{ … cond.{member}(…); … }}");
        }
    }

    private bool WaitForCore(Func<bool> predicate, int milliseconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        EnsureHeld(nameof(WaitFor));
        var deadline = Timeouts.Deadline(milliseconds);
        while (true)
        {
            if (predicate())
            {
                return true;
            }

            var remaining = Timeouts.Remaining(deadline);
            if (remaining == 0)
            {
                return false;
            }

            WaitCore(remaining, cancellationToken);
        }
    }

    private bool WaitCore(int milliseconds, CancellationToken cancellationToken)
    {
        EnsureHeld(nameof(Wait));
        cancellationToken.ThrowIfCancellationRequested();
        var waiter = ThreadWaiter.Rent();
        lock (_sync)
        {
            _waiters.AddLast(waiter);
        }

        long savedToken = 0;
        RLock.SavedState savedLevels = default;
        try
        {
            if (_rlock is not null)
            {
                savedLevels = _rlock.SaveAndRelease();
            }
            else
            {
                savedToken = _lock!.SaveAndRelease();
            }
        }
        catch
        {
            // The lock was released by someone else since EnsureHeld: do not leave the (reused) node linked.
            lock (_sync)
            {
                if (waiter.Linked)
                {
                    _waiters.Remove(waiter);
                }
            }

            throw;
        }

        var notified = false;
        var cancelled = false;
        var interrupted = false;
        try
        {
            notified = waiter.Signal.Wait(milliseconds, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            cancelled = true;
        }
        catch (ThreadInterruptedException)
        {
            interrupted = true;
        }
        finally
        {
            if (!notified)
            {
                lock (_sync)
                {
                    if (waiter.Linked)
                    {
                        _waiters.Remove(waiter);
                    }
                    else
                    {
                        notified = true; // notified as the wait gave up: keep the notification
                    }
                }
            }

            if (_rlock is not null)
            {
                _rlock.Restore(savedLevels);
            }
            else
            {
                _lock!.Restore(savedToken);
            }
        }

        if (interrupted)
        {
            if (!notified)
            {
                throw new ThreadInterruptedException();
            }

            Thread.CurrentThread.Interrupt(); // keep the notification; the interrupt hits the next blocking call
        }

        if (cancelled && !notified)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        return notified;
    }
}
