using System.Threading.Tasks.Sources;
using Lockstep.Internal;

namespace Lockstep;

/// <summary>
/// A non-reentrant mutual-exclusion lock that is not owned by a thread: any thread may release it,
/// so it can be held across <see langword="await"/>.
/// </summary>
/// <remarks>
/// <para>Python: <c>threading.Lock</c> (<c>acquire</c> ↔ <see cref="Acquire()"/> / <see cref="TryAcquire(TimeSpan)"/>,
/// <c>release</c> ↔ <see cref="Release"/>, <c>locked</c> ↔ <see cref="IsLocked"/>, <c>with lock:</c> ↔
/// <c>using (gate.Acquire()) { … }</c>). BCL: <see cref="SemaphoreSlim"/> with a count of 1 for the
/// async, thread-agnostic use; <c>System.Threading.Lock</c> or <see langword="lock"/> when the
/// lock never crosses an <see langword="await"/>.</para>
/// <para>Acquiring it again on the same thread while holding it deadlocks (analyzer rule LS2002); use
/// <see cref="RLock"/> for re-entrancy. Waiters are not served in strict FIFO order: a thread arriving
/// when the lock is free may take it before a queued waiter (as with <see cref="Monitor"/>).</para>
/// <para>The uncontended acquire and release are a single compare-and-swap each; a contended acquire spins
/// briefly and then parks the thread (or the async continuation) in a queue; a release hands the lock
/// directly to the first queued waiter.</para>
/// </remarks>
public sealed class Lock
{
    private const int SpinLimit = 16;

    // Even: free. Odd: held. Every acquire and every release adds one, so the odd value is a token that
    // names one acquisition: a Scope releases only the acquisition it was created for.
    private long _state;

    // After a Condition wait re-acquires the lock, the scope the caller still holds names the
    // acquisition from before the wait. _alias is that token, accepted as the current one (0: none).
    private long _alias;

    private int _waiterCount;
    private readonly SyncLock _queueLock = new();
    private WaitList _waiters;

    /// <summary>Whether some caller holds the lock at this moment.</summary>
    /// <remarks>Python: <c>Lock.locked()</c>. A snapshot: another thread can take or release the lock right after you read it.</remarks>
    public bool IsLocked => (Volatile.Read(ref _state) & 1) != 0;

    /// <summary>Blocks until the lock is acquired and returns a scope whose <see cref="Scope.Dispose"/> releases it.</summary>
    /// <returns>The scope of this acquisition; dispose it exactly once (<c>using (gate.Acquire()) { … }</c>).</returns>
    /// <remarks>Python: <c>lock.acquire()</c> / <c>with lock:</c>.</remarks>
    public Scope Acquire()
    {
        var s = Volatile.Read(ref _state);
        if ((s & 1) == 0 && Interlocked.CompareExchange(ref _state, s + 1, s) == s)
        {
            return new Scope(this, s + 1);
        }

        return new Scope(this, AcquireSlow(Timeouts.Infinite, CancellationToken.None));
    }

    /// <summary>Blocks until the lock is acquired or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Cancels the wait; the lock is then not held.</param>
    /// <returns>The scope of this acquisition; dispose it exactly once.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before the lock was acquired.</exception>
    /// <remarks>Python: <c>lock.acquire()</c>.</remarks>
    public Scope Acquire(CancellationToken cancellationToken)
    {
        var s = Volatile.Read(ref _state);
        if ((s & 1) == 0 && !cancellationToken.IsCancellationRequested && Interlocked.CompareExchange(ref _state, s + 1, s) == s)
        {
            return new Scope(this, s + 1);
        }

        return new Scope(this, AcquireSlow(Timeouts.Infinite, cancellationToken));
    }

    /// <summary>Acquires the lock without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait; the lock is then not held.</param>
    /// <returns>The scope of this acquisition; dispose it exactly once (<c>using (await gate.AcquireAsync()) { … }</c>).
    /// Completes synchronously, without allocating, when the lock is free.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before the lock was acquired.</exception>
    /// <remarks>Python: <c>async with asyncio.Lock():</c>. BCL: <see cref="SemaphoreSlim.WaitAsync(CancellationToken)"/>.</remarks>
    public ValueTask<Scope> AcquireAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<Scope>(cancellationToken);
        }

        if (TryAcquireFast(out var token))
        {
            return new ValueTask<Scope>(new Scope(this, token));
        }

        return AcquireAsyncSlow(cancellationToken);
    }

    /// <summary>Acquires the lock if it is free, without waiting.</summary>
    /// <returns><see langword="true"/> if the lock is now held by the caller, who must call <see cref="Release"/>.</returns>
    /// <remarks>Python: <c>lock.acquire(blocking=False)</c>.</remarks>
    public bool TryAcquire() => TryAcquireFast(out _);

    /// <summary>Waits up to <paramref name="timeout"/> for the lock.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> does not wait, <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns><see langword="true"/> if the lock is now held by the caller, who must call <see cref="Release"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    /// <remarks>Python: <c>lock.acquire(timeout=…)</c>.</remarks>
    public bool TryAcquire(TimeSpan timeout) => TryAcquire(timeout, CancellationToken.None);

    /// <summary>Waits up to <paramref name="timeout"/> for the lock, or until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> does not wait, <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> if the lock is now held by the caller, who must call <see cref="Release"/>.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before the lock was acquired.</exception>
    /// <remarks>Python: <c>lock.acquire(timeout=…)</c>.</remarks>
    public bool TryAcquire(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ms = Timeouts.ToMilliseconds(timeout);
        cancellationToken.ThrowIfCancellationRequested();
        return TryAcquireFast(out _) || AcquireSlow(ms, cancellationToken) != 0;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the lock without blocking a thread.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> if the lock is now held by the caller, who must call <see cref="Release"/>.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before the lock was acquired.</exception>
    /// <remarks>Python: <c>asyncio.wait_for(lock.acquire(), timeout)</c>.</remarks>
    public ValueTask<bool> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var ms = Timeouts.ToMilliseconds(timeout);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<bool>(cancellationToken);
        }

        if (TryAcquireFast(out _))
        {
            return new ValueTask<bool>(true);
        }

        return ms == 0 ? new ValueTask<bool>(false) : TryAcquireAsyncSlow(ms, cancellationToken);
    }

    /// <summary>Releases the lock. Any thread may release it, not only the one that acquired it.</summary>
    /// <exception cref="SynchronizationLockException">The lock is not held.</exception>
    /// <remarks>Python: <c>lock.release()</c> (which raises <c>RuntimeError</c> on an unlocked lock).
    /// Prefer disposing the <see cref="Scope"/> returned by <see cref="Acquire()"/>.</remarks>
    public void Release()
    {
        while (true)
        {
            var s = Volatile.Read(ref _state);
            if ((s & 1) == 0)
            {
                throw new SynchronizationLockException("Lock.Release() was called on a lock that is not held (released twice, or never acquired).");
            }

            if (Volatile.Read(ref _alias) != 0)
            {
                Volatile.Write(ref _alias, 0);
            }

            if (Interlocked.CompareExchange(ref _state, s + 1, s) == s)
            {
                break;
            }
        }

        if (Volatile.Read(ref _waiterCount) != 0)
        {
            WakeWaiter();
        }
    }

    /// <summary>Releases the acquisition named by <paramref name="token"/>; does nothing if it was already released.</summary>
    private void ReleaseScope(long token)
    {
        if (Interlocked.CompareExchange(ref _state, token + 1, token) == token)
        {
            if (Volatile.Read(ref _waiterCount) != 0)
            {
                WakeWaiter();
            }

            return;
        }

        if (Volatile.Read(ref _alias) == token && Interlocked.CompareExchange(ref _alias, 0, token) == token)
        {
            // A Condition wait re-acquired the lock for this scope under a new token.
            var s = Volatile.Read(ref _state);
            if ((s & 1) == 0 || Interlocked.CompareExchange(ref _state, s + 1, s) != s)
            {
                return;
            }

            if (Volatile.Read(ref _waiterCount) != 0)
            {
                WakeWaiter();
            }
        }
    }

    private bool TryAcquireFast(out long token)
    {
        var s = Volatile.Read(ref _state);
        if ((s & 1) == 0 && Interlocked.CompareExchange(ref _state, s + 1, s) == s)
        {
            token = s + 1;
            return true;
        }

        token = 0;
        return false;
    }

    private long TrySpin()
    {
        if (Environment.ProcessorCount == 1)
        {
            return 0;
        }

        var spinner = default(SpinWait);
        for (var i = 0; i < SpinLimit; i++)
        {
            if (TryAcquireFast(out var token))
            {
                return token;
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }

        return 0;
    }

    /// <summary>The blocking path: spin, then queue and park. Returns the token, or 0 on timeout.</summary>
    internal long AcquireSlow(int milliseconds, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (milliseconds != 0)
        {
            var spun = TrySpin();
            if (spun != 0)
            {
                return spun;
            }
        }

        ThreadWaiter waiter;
        lock (_queueLock)
        {
            // Count first, then try: a releaser that unlocks after our try sees the count and wakes us.
            Interlocked.Increment(ref _waiterCount);
            if (TryAcquireFast(out var token))
            {
                Interlocked.Decrement(ref _waiterCount);
                return token;
            }

            if (milliseconds == 0)
            {
                Interlocked.Decrement(ref _waiterCount);
                return 0;
            }

            waiter = ThreadWaiter.Rent();
            _waiters.AddLast(waiter);
        }

        var granted = false;
        Exception? failure = null;
        try
        {
            granted = waiter.Signal.Wait(milliseconds, cancellationToken);
        }
        catch (Exception ex)
        {
            // OperationCanceledException, or ThreadInterruptedException from Thread.Interrupt().
            failure = ex;
        }

        if (!granted)
        {
            lock (_queueLock)
            {
                if (waiter.Linked)
                {
                    _waiters.Remove(waiter);
                    Interlocked.Decrement(ref _waiterCount);
                    if (failure is not null)
                    {
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                    }

                    return 0;
                }
            }

            // The lock was handed to us as the wait gave up: we hold it, so report success. An interrupt is
            // re-armed for the thread's next blocking call rather than lost.
            if (failure is ThreadInterruptedException)
            {
                Thread.CurrentThread.Interrupt();
            }
        }

        return waiter.Token;
    }

    /// <summary>Blocks, uncancellably, until the lock is held; used by Condition to re-acquire.</summary>
    internal long AcquireToken() => TryAcquireFast(out var token) ? token : AcquireSlow(Timeouts.Infinite, CancellationToken.None);

    private void WakeWaiter()
    {
        lock (_queueLock)
        {
            var node = _waiters.First;
            if (node is null)
            {
                return;
            }

            // Take the lock on the waiter's behalf. If someone barged in, their release wakes the waiter.
            var s = Volatile.Read(ref _state);
            if ((s & 1) != 0 || Interlocked.CompareExchange(ref _state, s + 1, s) != s)
            {
                return;
            }

            _waiters.Remove(node);
            Interlocked.Decrement(ref _waiterCount);
            if (node is ThreadWaiter thread)
            {
                thread.Grant(s + 1);
            }
            else
            {
                ((AsyncWaiter)node).Grant(s + 1);
            }
        }
    }

    private ValueTask<Scope> AcquireAsyncSlow(CancellationToken cancellationToken)
    {
        AsyncWaiter waiter;
        lock (_queueLock)
        {
            Interlocked.Increment(ref _waiterCount);
            if (TryAcquireFast(out var token))
            {
                Interlocked.Decrement(ref _waiterCount);
                return new ValueTask<Scope>(new Scope(this, token));
            }

            waiter = new AsyncWaiter(this);
            _waiters.AddLast(waiter);
        }

        waiter.Register(cancellationToken);
        return new ValueTask<Scope>(waiter, 0);
    }

    private async ValueTask<bool> TryAcquireAsyncSlow(int milliseconds, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (milliseconds != Timeouts.Infinite)
        {
            timeout.CancelAfter(milliseconds);
        }

        try
        {
            var scope = await AcquireAsyncSlow(timeout.Token).ConfigureAwait(false);
            _ = scope; // held; the caller releases with Release().
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void CancelWaiter(AsyncWaiter waiter)
    {
        lock (_queueLock)
        {
            if (!waiter.Linked)
            {
                return;
            }

            _waiters.Remove(waiter);
            Interlocked.Decrement(ref _waiterCount);
        }

        waiter.SetCanceled();
    }

    /// <summary>For Condition: the token that names the caller's acquisition, then releases the lock.</summary>
    internal long SaveAndRelease()
    {
        var alias = Volatile.Read(ref _alias);
        var s = Volatile.Read(ref _state);
        if ((s & 1) == 0)
        {
            throw new SynchronizationLockException("The lock is not held.");
        }

        Release();
        return alias != 0 ? alias : s;
    }

    /// <summary>For Condition: re-acquires (uncancellably) and makes <paramref name="saved"/> name the acquisition again.</summary>
    internal void Restore(long saved)
    {
        var token = AcquireToken();
        if (token != saved)
        {
            Volatile.Write(ref _alias, saved);
        }
    }

    /// <summary>
    /// One acquisition of a <see cref="Lock"/>: <see cref="Dispose"/> releases it. A <see langword="readonly"/>
    /// struct, so <c>using (gate.Acquire()) { … }</c> and <c>using var _ = gate.Acquire();</c> allocate nothing.
    /// </summary>
    /// <remarks>Python: the context manager of <c>with lock:</c>. BCL: <c>System.Threading.Lock.Scope</c>.</remarks>
    public readonly struct Scope : IDisposable
    {
        private readonly Lock? _lock;
        private readonly long _token;

        internal Scope(Lock owner, long token)
        {
            _lock = owner;
            _token = token;
        }

        /// <summary>
        /// Releases the acquisition this scope stands for. Releases once: disposing the same scope (or a copy)
        /// again does nothing, and so does disposing <c>default(Scope)</c>. It may be called on any thread.
        /// </summary>
        public void Dispose() => _lock?.ReleaseScope(_token);
    }

    /// <summary>A queued <see cref="AcquireAsync"/>: completes with the scope when the lock is handed over.</summary>
    private sealed class AsyncWaiter : WaitNode, IValueTaskSource<Scope>
    {
        private static readonly Action<object?> s_cancel = static state => { var w = (AsyncWaiter)state!; w._owner.CancelWaiter(w); };

        private readonly Lock _owner;
        private ManualResetValueTaskSourceCore<Scope> _core;
        private CancellationToken _token;
        private CancellationTokenRegistration _registration;

        public AsyncWaiter(Lock owner)
        {
            _owner = owner;
            _core.RunContinuationsAsynchronously = true;
        }

        public void Register(CancellationToken cancellationToken)
        {
            if (cancellationToken.CanBeCanceled)
            {
                _token = cancellationToken;
                _registration = cancellationToken.UnsafeRegister(s_cancel, this);
            }
        }

        public void Grant(long token) => _core.SetResult(new Scope(_owner, token));

        public void SetCanceled() => _core.SetException(new OperationCanceledException(_token));

        public Scope GetResult(short token)
        {
            _registration.Dispose();
            return _core.GetResult(token);
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);
    }
}
