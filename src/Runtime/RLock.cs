using Lockstep.Internal;

namespace Lockstep;

/// <summary>
/// A reentrant lock owned by the thread that acquired it: the owner may acquire it again, and must
/// release it as many times as it acquired it. Only the owner may release it.
/// </summary>
/// <remarks>
/// <para>Python: <c>threading.RLock</c> (<c>acquire</c> ↔ <see cref="Acquire()"/>, <c>release</c> ↔ <see cref="Release"/>,
/// <c>with rlock:</c> ↔ <c>using (rlock.Acquire()) { … }</c>). BCL: <see cref="Monitor"/> / <see langword="lock"/>,
/// <c>System.Threading.Lock</c> (both reentrant and thread-owned).</para>
/// <para>Because it belongs to a thread, it must not be held across <see langword="await"/> (analyzer rule LS1004):
/// the continuation may run on another thread, and releasing there throws. Use <see cref="Lock.AcquireAsync"/> in async code.</para>
/// </remarks>
public sealed class RLock
{
    private readonly Lock _inner = new();
    private int _owner; // managed thread id of the owner; 0 when free. Written only by the owner.
    private int _depth;
    private long[] _serials = new long[4]; // live acquisitions of the owner, oldest first
    private long _nextSerial;

    /// <summary>Whether some thread holds the lock at this moment (a snapshot).</summary>
    /// <remarks>Python: <c>RLock.locked()</c> (3.14).</remarks>
    public bool IsLocked => Volatile.Read(ref _owner) != 0;

    /// <summary>Whether the calling thread holds the lock.</summary>
    /// <remarks>Python: <c>RLock._is_owned()</c>. BCL: <c>System.Threading.Lock.IsHeldByCurrentThread</c>, <see cref="Monitor.IsEntered"/>.</remarks>
    public bool IsHeldByCurrentThread => Volatile.Read(ref _owner) == Environment.CurrentManagedThreadId;

    /// <summary>How many times the calling thread holds the lock (0 if it does not hold it).</summary>
    /// <remarks>Python: the recursion level shown by <c>repr(rlock)</c>.</remarks>
    public int RecursionCount => IsHeldByCurrentThread ? _depth : 0;

    /// <summary>Blocks until the calling thread holds the lock (at once if it already does) and returns a scope that releases this acquisition.</summary>
    /// <returns>The scope of this acquisition; dispose it exactly once, on the acquiring thread.</returns>
    /// <remarks>Python: <c>rlock.acquire()</c> / <c>with rlock:</c>.</remarks>
    public Scope Acquire()
    {
        var me = Environment.CurrentManagedThreadId;
        if (_owner != me)
        {
            _inner.AcquireToken();
            TakeOwnership(me);
        }

        return new Scope(this, Push());
    }

    /// <summary>Blocks until the calling thread holds the lock or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Cancels the wait; the lock is then not acquired.</param>
    /// <returns>The scope of this acquisition; dispose it exactly once, on the acquiring thread.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before the lock was acquired.</exception>
    /// <remarks>Python: <c>rlock.acquire()</c>.</remarks>
    public Scope Acquire(CancellationToken cancellationToken)
    {
        var me = Environment.CurrentManagedThreadId;
        if (_owner != me)
        {
            _inner.Acquire(cancellationToken);
            TakeOwnership(me);
        }

        return new Scope(this, Push());
    }

    /// <summary>Acquires the lock if it is free or already held by the calling thread, without waiting.</summary>
    /// <returns><see langword="true"/> if the calling thread now holds it (one more level); it must call <see cref="Release"/>.</returns>
    /// <remarks>Python: <c>rlock.acquire(blocking=False)</c>.</remarks>
    public bool TryAcquire() => TryAcquire(TimeSpan.Zero, CancellationToken.None);

    /// <summary>Waits up to <paramref name="timeout"/> for the lock.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> does not wait, <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns><see langword="true"/> if the calling thread now holds it (one more level); it must call <see cref="Release"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    /// <remarks>Python: <c>rlock.acquire(timeout=…)</c>.</remarks>
    public bool TryAcquire(TimeSpan timeout) => TryAcquire(timeout, CancellationToken.None);

    /// <summary>Waits up to <paramref name="timeout"/> for the lock, or until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> if the calling thread now holds it (one more level); it must call <see cref="Release"/>.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before the lock was acquired.</exception>
    /// <remarks>Python: <c>rlock.acquire(timeout=…)</c>.</remarks>
    public bool TryAcquire(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var me = Environment.CurrentManagedThreadId;
        if (_owner != me)
        {
            if (!_inner.TryAcquire(timeout, cancellationToken))
            {
                return false;
            }

            TakeOwnership(me);
        }

        Push();
        return true;
    }

    /// <summary>Releases one level of the calling thread's hold; the lock becomes free when the last level is released.</summary>
    /// <exception cref="SynchronizationLockException">The calling thread does not hold the lock.</exception>
    /// <remarks>Python: <c>rlock.release()</c> (raises <c>RuntimeError</c> when not owned). BCL: <see cref="Monitor.Exit"/>.</remarks>
    public void Release()
    {
        var me = Environment.CurrentManagedThreadId;
        if (_owner != me)
        {
            throw NotOwner(me, "Release()");
        }

        RemoveAt(_depth - 1);
    }

    private void ReleaseScope(long serial)
    {
        var me = Environment.CurrentManagedThreadId;
        var owner = Volatile.Read(ref _owner);
        if (owner != me)
        {
            if (owner == 0)
            {
                return; // already released: a second Dispose of the same scope
            }

            throw NotOwner(me, "Scope.Dispose()");
        }

        for (var i = _depth - 1; i >= 0; i--)
        {
            if (_serials[i] == serial)
            {
                RemoveAt(i);
                return;
            }
        }

        // Not a live acquisition of this thread: the scope was already disposed.
    }

    private SynchronizationLockException NotOwner(int me, string what)
    {
        var owner = Volatile.Read(ref _owner);
        return owner == 0
            ? new SynchronizationLockException($"RLock.{what} was called on a lock that is not held.")
            : new SynchronizationLockException($"RLock.{what} was called on thread {me}, but the lock is owned by thread {owner}. An RLock must be released by the thread that acquired it; was it held across an await? Use Lockstep.Lock for that.");
    }

    private void TakeOwnership(int me)
    {
        _depth = 0;
        Volatile.Write(ref _owner, me);
    }

    private long Push()
    {
        if (_depth == _serials.Length)
        {
            Array.Resize(ref _serials, _depth * 2);
        }

        var serial = ++_nextSerial;
        _serials[_depth++] = serial;
        return serial;
    }

    private void RemoveAt(int index)
    {
        var last = _depth - 1;
        if (index != last)
        {
            Array.Copy(_serials, index + 1, _serials, index, last - index);
        }

        _depth = last;
        if (last == 0)
        {
            Volatile.Write(ref _owner, 0);
            _inner.Release();
        }
    }

    /// <summary>For Condition: gives up every level the calling thread holds and returns what it takes to restore them.</summary>
    internal SavedState SaveAndRelease()
    {
        var me = Environment.CurrentManagedThreadId;
        if (_owner != me)
        {
            throw NotOwner(me, "SaveAndRelease");
        }

        var saved = new SavedState(_depth == 1 ? null : _serials.AsSpan(0, _depth).ToArray(), _serials[0]);
        _depth = 0;
        Volatile.Write(ref _owner, 0);
        _inner.Release();
        return saved;
    }

    /// <summary>For Condition: re-acquires (uncancellably) and restores the levels given up by <see cref="SaveAndRelease"/>.</summary>
    internal void Restore(SavedState saved)
    {
        _inner.AcquireToken();
        TakeOwnership(Environment.CurrentManagedThreadId);
        if (saved.Many is null)
        {
            _serials[0] = saved.Single;
            _depth = 1;
        }
        else
        {
            if (_serials.Length < saved.Many.Length)
            {
                _serials = new long[saved.Many.Length];
            }

            saved.Many.CopyTo(_serials, 0);
            _depth = saved.Many.Length;
        }
    }

    internal readonly struct SavedState(long[]? many, long single)
    {
        public long[]? Many { get; } = many;

        public long Single { get; } = single;
    }

    /// <summary>
    /// One acquisition (one recursion level) of an <see cref="RLock"/>: <see cref="Dispose"/> releases it.
    /// A <see langword="readonly"/> struct: <c>using (rlock.Acquire()) { … }</c> allocates nothing.
    /// </summary>
    /// <remarks>Python: the context manager of <c>with rlock:</c>.</remarks>
    public readonly struct Scope : IDisposable
    {
        private readonly RLock? _lock;
        private readonly long _serial;

        internal Scope(RLock owner, long serial)
        {
            _lock = owner;
            _serial = serial;
        }

        /// <summary>
        /// Releases the level this scope stands for. Releases once: disposing the same scope again does nothing,
        /// and so does disposing <c>default(Scope)</c>. Scopes may be disposed in any order.
        /// </summary>
        /// <exception cref="SynchronizationLockException">Called on a thread other than the owner (for example after an <see langword="await"/>).</exception>
        public void Dispose() => _lock?.ReleaseScope(_serial);
    }
}
