using Lockstep.Internal;

namespace Lockstep;

/// <summary>
/// A counting semaphore that never holds more than its initial count: a <see cref="Release()"/> that would
/// exceed it throws, which turns a release without a matching acquire into an error instead of a silent extra unit.
/// </summary>
/// <remarks>
/// <para>Python: <c>threading.BoundedSemaphore(value)</c> (<c>release</c> beyond the initial value raises <c>ValueError</c>).
/// BCL: <c>new SemaphoreSlim(count, maxCount: count)</c>, which it is built on.</para>
/// </remarks>
public sealed class BoundedSemaphore
{
    private readonly SemaphoreSlim _semaphore;

    /// <summary>Creates a semaphore holding <paramref name="count"/> units, which is also its maximum.</summary>
    /// <param name="count">The initial and maximum count.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public BoundedSemaphore(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        MaxCount = count;
        _semaphore = new SemaphoreSlim(count, Math.Max(count, 1));
    }

    /// <summary>The initial count, which the semaphore never exceeds.</summary>
    public int MaxCount { get; }

    /// <summary>The number of units available at this moment: a snapshot that must not guard a later acquire.</summary>
    /// <remarks>Python: <c>sem._value</c>. BCL: <see cref="SemaphoreSlim.CurrentCount"/>.</remarks>
    public int CurrentCount => _semaphore.CurrentCount;

    /// <summary>Blocks until a unit is available and takes it.</summary>
    /// <returns>A scope whose <see cref="Scope.Dispose"/> gives the unit back.</returns>
    /// <remarks>Python: <c>sem.acquire()</c> / <c>with sem:</c>.</remarks>
    public Scope Acquire()
    {
        _semaphore.Wait();
        return new Scope(this);
    }

    /// <summary>Blocks until a unit is available and takes it, or until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Cancels the wait; no unit is then taken.</param>
    /// <returns>A scope whose <see cref="Scope.Dispose"/> gives the unit back.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <remarks>Python: <c>sem.acquire()</c>.</remarks>
    public Scope Acquire(CancellationToken cancellationToken)
    {
        _semaphore.Wait(cancellationToken);
        return new Scope(this);
    }

    /// <summary>Takes a unit without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait; no unit is then taken.</param>
    /// <returns>A scope whose <see cref="Scope.Dispose"/> gives the unit back. Completes synchronously, without allocating, when a unit is free.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <remarks>Python: <c>async with asyncio.BoundedSemaphore(n):</c>. BCL: <see cref="SemaphoreSlim.WaitAsync(CancellationToken)"/>.</remarks>
    public ValueTask<Scope> AcquireAsync(CancellationToken cancellationToken = default)
    {
        var wait = _semaphore.WaitAsync(cancellationToken);
        return wait.IsCompletedSuccessfully ? new ValueTask<Scope>(new Scope(this)) : Await(wait);

        async ValueTask<Scope> Await(Task task)
        {
            await task.ConfigureAwait(false);
            return new Scope(this);
        }
    }

    /// <summary>Takes a unit if one is available, without waiting.</summary>
    /// <returns><see langword="true"/> if a unit was taken; the caller must <see cref="Release()"/> it.</returns>
    /// <remarks>Python: <c>sem.acquire(blocking=False)</c>.</remarks>
    public bool TryAcquire() => _semaphore.Wait(0);

    /// <summary>Waits up to <paramref name="timeout"/> for a unit.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> does not wait, <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns><see langword="true"/> if a unit was taken; the caller must <see cref="Release()"/> it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    /// <remarks>Python: <c>sem.acquire(timeout=…)</c>.</remarks>
    public bool TryAcquire(TimeSpan timeout) => _semaphore.Wait(Timeouts.ToMilliseconds(timeout));

    /// <summary>Waits up to <paramref name="timeout"/> for a unit, or until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> if a unit was taken; the caller must <see cref="Release()"/> it.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <remarks>Python: <c>sem.acquire(timeout=…)</c>.</remarks>
    public bool TryAcquire(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.Wait(Timeouts.ToMilliseconds(timeout), cancellationToken);

    /// <summary>Waits up to <paramref name="timeout"/> for a unit without blocking a thread.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> if a unit was taken; the caller must <see cref="Release()"/> it.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <remarks>BCL: <see cref="SemaphoreSlim.WaitAsync(TimeSpan, CancellationToken)"/>.</remarks>
    public ValueTask<bool> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => new(_semaphore.WaitAsync(Timeouts.ToMilliseconds(timeout), cancellationToken));

    /// <summary>Gives one unit back, waking one waiter if any.</summary>
    /// <exception cref="SemaphoreFullException">The count is already <see cref="MaxCount"/>: this release has no matching acquire.</exception>
    /// <remarks>Python: <c>sem.release()</c> (raises <c>ValueError</c> when released too many times). BCL: <see cref="SemaphoreSlim.Release()"/>.</remarks>
    public void Release() => Release(1);

    /// <summary>Gives <paramref name="count"/> units back, waking up to that many waiters.</summary>
    /// <param name="count">How many units; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    /// <exception cref="SemaphoreFullException">The count would exceed <see cref="MaxCount"/>; nothing is released.</exception>
    /// <remarks>Python: <c>sem.release(n)</c>.</remarks>
    public void Release(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        try
        {
            if (MaxCount == 0)
            {
                throw new SemaphoreFullException();
            }

            _semaphore.Release(count);
        }
        catch (SemaphoreFullException)
        {
            throw new SemaphoreFullException($"BoundedSemaphore released more times than it was acquired: releasing {count} would exceed its count of {MaxCount}.");
        }
    }

    /// <summary>
    /// One unit taken from a <see cref="BoundedSemaphore"/>: <see cref="Dispose"/> gives it back. A <see langword="readonly"/>
    /// struct: <c>using (sem.Acquire()) { … }</c> allocates nothing.
    /// </summary>
    /// <remarks>Python: the context manager of <c>with sem:</c>.</remarks>
    public readonly struct Scope : IDisposable
    {
        private readonly BoundedSemaphore? _semaphore;

        internal Scope(BoundedSemaphore owner) => _semaphore = owner;

        /// <summary>
        /// Gives the unit back. Dispose each scope once: units are anonymous, so a second <see cref="Dispose"/>
        /// releases again (and throws <see cref="SemaphoreFullException"/> if that exceeds the count).
        /// <c>default(Scope)</c> disposes as a no-op.
        /// </summary>
        public void Dispose() => _semaphore?.Release();
    }
}
