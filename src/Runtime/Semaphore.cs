using Lockstep.Internal;

namespace Lockstep;

/// <summary>A counting semaphore: <see cref="Acquire()"/> takes one unit (waiting while there is none), <see cref="Release()"/> gives one back.</summary>
/// <remarks>
/// <para>Python: <c>threading.Semaphore(value)</c> (<c>acquire</c> ↔ <see cref="Acquire()"/>, <c>release(n)</c> ↔ <see cref="Release(int)"/>,
/// <c>with sem:</c> ↔ <c>using (sem.Acquire()) { … }</c>). BCL: <see cref="SemaphoreSlim"/> (which it is built on).</para>
/// <para>Not owned by a thread; any thread may release, and releases above the initial count are allowed
/// (they raise the count). Use <see cref="BoundedSemaphore"/> to have over-release reported.</para>
/// </remarks>
public sealed class Semaphore
{
    private readonly SemaphoreSlim _semaphore;

    /// <summary>Creates a semaphore holding <paramref name="initial"/> units.</summary>
    /// <param name="initial">The initial count (Python: <c>value</c>, default 1 there).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initial"/> is negative.</exception>
    public Semaphore(int initial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initial);
        _semaphore = new SemaphoreSlim(initial);
    }

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
    /// <remarks>Python: <c>async with asyncio.Semaphore(n):</c>. BCL: <see cref="SemaphoreSlim.WaitAsync(CancellationToken)"/>.</remarks>
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
    /// <remarks>Python: <c>sem.release()</c>. BCL: <see cref="SemaphoreSlim.Release()"/>.</remarks>
    public void Release() => _semaphore.Release();

    /// <summary>Gives <paramref name="count"/> units back, waking up to that many waiters.</summary>
    /// <param name="count">How many units; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    /// <remarks>Python: <c>sem.release(n)</c>. BCL: <see cref="SemaphoreSlim.Release(int)"/>.</remarks>
    public void Release(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _semaphore.Release(count);
    }

    /// <summary>
    /// One unit taken from a <see cref="Semaphore"/>: <see cref="Dispose"/> gives it back. A <see langword="readonly"/>
    /// struct: <c>using (sem.Acquire()) { … }</c> allocates nothing.
    /// </summary>
    /// <remarks>Python: the context manager of <c>with sem:</c>.</remarks>
    public readonly struct Scope : IDisposable
    {
        private readonly Semaphore? _semaphore;

        internal Scope(Semaphore owner) => _semaphore = owner;

        /// <summary>
        /// Gives the unit back. Dispose each scope once: units are anonymous, so a second <see cref="Dispose"/>
        /// of the same scope releases a second unit. <c>default(Scope)</c> disposes as a no-op.
        /// </summary>
        public void Dispose() => _semaphore?.Release();
    }
}
