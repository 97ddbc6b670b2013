using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Lockstep.Internal;

namespace Lockstep;

/// <summary>
/// A thread-safe FIFO queue for producers and consumers, optionally bounded: a put waits while the queue is
/// full, a get waits while it is empty. <see cref="Close"/> ends the stream: producers are refused, consumers
/// drain what is left and then stop.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// <para>Python: <c>queue.Queue(maxsize)</c> (<c>put</c> ↔ <see cref="Put(T)"/>, <c>put_nowait</c> ↔ <see cref="PutNoWait"/>,
/// <c>get</c> ↔ <see cref="Get()"/>, <c>get_nowait</c> ↔ <see cref="GetNoWait"/>, <c>qsize</c> ↔ <see cref="Count"/>,
/// <c>empty</c> ↔ <see cref="IsEmpty"/>, <c>full</c> ↔ <see cref="IsFull"/>, <c>maxsize</c> ↔ <see cref="MaxSize"/>,
/// <c>shutdown</c> ↔ <see cref="Close"/>, <c>queue.Empty</c> / <c>queue.Full</c> / <c>queue.ShutDown</c> ↔
/// <see cref="QueueEmptyException"/> / <see cref="QueueFullException"/> / <see cref="QueueClosedException"/>).
/// BCL: <see cref="System.Collections.Concurrent.BlockingCollection{T}"/> (<c>Add</c>, <c>Take</c>, <c>TryAdd</c>, <c>TryTake</c>,
/// <c>CompleteAdding</c>, <c>GetConsumingEnumerable</c>) and <c>System.Threading.Channels.Channel</c> for async code.</para>
/// <para>A put into a queue with a waiting consumer hands the item straight to that consumer (the one that blocked last:
/// consumers are interchangeable, and it is the cheapest to wake); a get from a full queue admits the producer that
/// blocked first, so producers are served in FIFO order. Blocking puts and gets allocate nothing per item;
/// every blocking call has a <see cref="CancellationToken"/> overload, and cancelling it releases the caller.</para>
/// <para>Do not test <see cref="IsEmpty"/>, <see cref="IsFull"/> or <see cref="Count"/> before acting: use
/// <see cref="TryGet(out T)"/> / <see cref="TryPut(T)"/> (analyzer rule LS3001), and consume with <see cref="Consume"/>
/// until the producer calls <see cref="Close"/> (rule LS3002).</para>
/// </remarks>
public class BlockingQueue<T>
{
    private const int WaitSpins = 10; // SpinWait's iterations before it starts yielding



    private protected readonly SyncLock Sync = new();
    private readonly int _maxSize;
    private readonly bool _countTasks;

    /// <summary>
    /// The items. Consumers take from it without the lock, as a channel's readers do, so producers and consumers do
    /// not contend on every item (and a consumer preempted mid-take holds nobody up). Items enter it under the lock
    /// (a waiting consumer must be handed the item instead, a closed queue must refuse it, and waiting producers are
    /// admitted in FIFO order), except in an unbounded queue that counts no tasks, where puts take no lock at all
    /// (<see cref="TryPutWithoutLock"/>); a get that finds it empty takes the lock to look again and register.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentQueue<T> _items = new();

    /// <summary>
    /// The counters written on every item, away from the fields every call reads (see <see cref="HotCounters"/>); the
    /// third, <c>Unfinished</c>, is <see cref="UnfinishedCount"/>.
    /// <para>
    /// <c>Count</c>, bounded queues only: the slots in use, at most <see cref="_maxSize"/>. Raised under the lock before
    /// an item is enqueued; lowered without the lock by the consumer that dequeued it, which then admits a waiting
    /// producer (see <see cref="Took"/> for why none is left waiting while there is room).
    /// </para>
    /// <para>
    /// <c>PutsInFlight</c>, unbounded queues that count no tasks (<see cref="PutsWithoutLock"/>): puts between their
    /// look at <see cref="_closed"/> and the end of their enqueue. Raised before the look, with a full fence, so once the
    /// queue is closed and this is zero no item can still arrive: only then may a consumer conclude "closed and drained".
    /// </para>
    /// </summary>
    private readonly HotCounters _hot = new();
    private bool _closed;
    private WaitList _getters;
    private WaitList _putters;

    /// <summary>Items put and not yet marked done (<see cref="JoinableQueue{T}"/> only); guarded by <see cref="Sync"/>.</summary>
    private protected ref int UnfinishedCount => ref _hot.Unfinished;

    /// <summary>Creates a queue.</summary>
    /// <param name="maxSize">The most items the queue holds; 0 (the default) means unbounded.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSize"/> is negative.</exception>
    /// <remarks>Python: <c>queue.Queue(maxsize=0)</c>; unlike Python a negative size is an error, not "unbounded".</remarks>
    public BlockingQueue(int maxSize = 0)
        : this(maxSize, countTasks: false)
    {
    }

    private protected BlockingQueue(int maxSize, bool countTasks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSize);
        _maxSize = maxSize;
        _countTasks = countTasks;
    }

    /// <summary>
    /// An unbounded queue that counts no tasks never makes a producer wait and admits no producer in any order, so its
    /// puts take no lock (see <see cref="TryPutWithoutLock"/>); producers then never queue behind one another on the lock,
    /// or behind a holder the scheduler preempted.
    /// </summary>
    private bool PutsWithoutLock => _maxSize == 0 && !_countTasks;

    /// <summary>The capacity the queue was created with; 0 means unbounded.</summary>
    /// <remarks>Python: <c>q.maxsize</c>.</remarks>
    public int MaxSize => _maxSize;

    /// <summary>
    /// The number of items in the queue at this moment. A snapshot: other threads can put or get right after
    /// it is read, so it must not guard a later put or get (analyzer rule LS3001); use <c>TryGet</c> / <c>TryPut</c>.
    /// </summary>
    /// <remarks>Python: <c>q.qsize()</c>. BCL: <c>BlockingCollection.Count</c>.</remarks>
    public int Count => _items.Count;

    /// <summary>
    /// Whether the queue is empty at this moment. A snapshot that must not guard a later get (analyzer rule LS3001:
    /// write <c>if (q.TryGet(out var x))</c>), nor end a consumer loop (LS3002: consume until <see cref="Close"/>).
    /// </summary>
    /// <remarks>Python: <c>q.empty()</c>.</remarks>
    public bool IsEmpty => _items.IsEmpty;

    /// <summary>
    /// Whether the queue is full at this moment (never, when unbounded). A snapshot that must not guard a later put
    /// (analyzer rule LS3001: write <c>q.TryPut(x)</c>).
    /// </summary>
    /// <remarks>Python: <c>q.full()</c>.</remarks>
    public bool IsFull => _maxSize > 0 && Volatile.Read(ref _hot.Count) >= _maxSize;

    /// <summary>Whether <see cref="Close"/> has been called. Items may still be left to drain.</summary>
    /// <remarks>Python: <c>q.is_shutdown</c> (3.13).</remarks>
    public bool IsClosed => Volatile.Read(ref _closed);

    /// <summary>Adds an item, waiting while the queue is full.</summary>
    /// <param name="item">The item.</param>
    /// <exception cref="QueueClosedException">The queue is closed, or was closed while waiting.</exception>
    /// <remarks>Python: <c>q.put(item)</c>. BCL: <c>BlockingCollection.Add</c>.</remarks>
    public void Put(T item) => PutCore(item, Timeouts.Infinite, CancellationToken.None);

    /// <summary>Adds an item, waiting while the queue is full, until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancels the wait; the item is then not added.</param>
    /// <exception cref="QueueClosedException">The queue is closed, or was closed while waiting.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before there was room.</exception>
    /// <remarks>Python: <c>q.put(item)</c>. BCL: <c>BlockingCollection.Add(item, token)</c>.</remarks>
    public void Put(T item, CancellationToken cancellationToken) => PutCore(item, Timeouts.Infinite, cancellationToken);

    /// <summary>Adds an item, waiting up to <paramref name="timeout"/> for room.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <exception cref="QueueFullException">No room appeared in time.</exception>
    /// <exception cref="QueueClosedException">The queue is closed, or was closed while waiting.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    /// <remarks>Python: <c>q.put(item, timeout=…)</c>.</remarks>
    public void Put(T item, TimeSpan timeout) => Put(item, timeout, CancellationToken.None);

    /// <summary>Adds an item, waiting up to <paramref name="timeout"/> for room, until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="QueueFullException">No room appeared in time.</exception>
    /// <exception cref="QueueClosedException">The queue is closed, or was closed while waiting.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before there was room.</exception>
    /// <remarks>Python: <c>q.put(item, timeout=…)</c>.</remarks>
    public void Put(T item, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!PutCore(item, Timeouts.ToMilliseconds(timeout), cancellationToken))
        {
            throw new QueueFullException($"The queue is full (max size {_maxSize}) and no room appeared within {timeout}.");
        }
    }

    /// <summary>Adds an item if there is room now, else throws.</summary>
    /// <param name="item">The item.</param>
    /// <exception cref="QueueFullException">The queue is full.</exception>
    /// <exception cref="QueueClosedException">The queue is closed.</exception>
    /// <remarks>Python: <c>q.put_nowait(item)</c>. Prefer <see cref="TryPut(T)"/> to a test of <see cref="IsFull"/> (rule LS3001).</remarks>
    public void PutNoWait(T item)
    {
        if (!PutCore(item, 0, CancellationToken.None))
        {
            throw new QueueFullException($"The queue is full (max size {_maxSize}).");
        }
    }

    /// <summary>Adds an item if there is room now.</summary>
    /// <param name="item">The item.</param>
    /// <returns><see langword="true"/> if added, <see langword="false"/> if the queue is full.</returns>
    /// <exception cref="QueueClosedException">The queue is closed (a closed queue is not "full": the item would be lost).</exception>
    /// <remarks>Python: <c>q.put_nowait(item)</c> without the exception. BCL: <c>BlockingCollection.TryAdd</c>.</remarks>
    public bool TryPut(T item) => PutCore(item, 0, CancellationToken.None);

    /// <summary>Adds an item, waiting up to <paramref name="timeout"/> for room.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns><see langword="true"/> if added, <see langword="false"/> if no room appeared in time.</returns>
    /// <exception cref="QueueClosedException">The queue is closed, or was closed while waiting.</exception>
    /// <remarks>Python: <c>q.put(item, timeout=…)</c> without the exception. BCL: <c>BlockingCollection.TryAdd(item, timeout)</c>.</remarks>
    public bool TryPut(T item, TimeSpan timeout) => PutCore(item, Timeouts.ToMilliseconds(timeout), CancellationToken.None);

    /// <summary>Adds an item, waiting up to <paramref name="timeout"/> for room, until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> if added, <see langword="false"/> if no room appeared in time.</returns>
    /// <exception cref="QueueClosedException">The queue is closed, or was closed while waiting.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before there was room.</exception>
    /// <remarks>BCL: <c>BlockingCollection.TryAdd(item, ms, token)</c>.</remarks>
    public bool TryPut(T item, TimeSpan timeout, CancellationToken cancellationToken)
        => PutCore(item, Timeouts.ToMilliseconds(timeout), cancellationToken);

    /// <summary>Adds an item, waiting without blocking a thread while the queue is full.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancels the wait; the item is then not added.</param>
    /// <returns>Completes (synchronously, without allocating, when there is room) once the item is in the queue.</returns>
    /// <exception cref="QueueClosedException">The queue is closed, or was closed while waiting.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before there was room.</exception>
    /// <remarks>Python: <c>await asyncio.Queue.put(item)</c>. BCL: <c>ChannelWriter.WriteAsync</c>.</remarks>
    public ValueTask PutAsync(T item, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (PutsWithoutLock)
        {
            return TryPutWithoutLock(item) ? default : ValueTask.FromException(NewClosedForPut());
        }

        AsyncQueueWaiter<T> waiter;
        QueueWaiter<T>? wake = null;
        lock (Sync)
        {
            if (_closed)
            {
                return ValueTask.FromException(NewClosedForPut());
            }

            if (TryPutLocked(item, ref wake))
            {
                goto Put;
            }

            waiter = new AsyncQueueWaiter<T>(this, isPutter: true) { Item = item };
            AddPutterLocked(waiter, ref wake);
        }

        wake?.Wake();
        waiter.Register(cancellationToken);
        return new ValueTask(waiter, waiter.Version);

    Put:
        wake?.Wake();
        return default;
    }

    /// <summary>Removes and returns the oldest item, waiting while the queue is empty.</summary>
    /// <returns>The item.</returns>
    /// <exception cref="QueueClosedException">The queue is closed and drained.</exception>
    /// <remarks>Python: <c>q.get()</c>. BCL: <c>BlockingCollection.Take</c>.</remarks>
    public T Get() => Get(CancellationToken.None);

    /// <summary>Removes and returns the oldest item, waiting while the queue is empty, until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The item.</returns>
    /// <exception cref="QueueClosedException">The queue is closed and drained.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before an item arrived.</exception>
    /// <remarks>Python: <c>q.get()</c>. BCL: <c>BlockingCollection.Take(token)</c>.</remarks>
    public T Get(CancellationToken cancellationToken)
    {
        if (GetCore(out var item, Timeouts.Infinite, cancellationToken) != Outcome.Item)
        {
            throw NewClosed();
        }

        return item;
    }

    /// <summary>Removes and returns the oldest item, waiting up to <paramref name="timeout"/> for one.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <returns>The item.</returns>
    /// <exception cref="QueueEmptyException">No item arrived in time.</exception>
    /// <exception cref="QueueClosedException">The queue is closed and drained.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    /// <remarks>Python: <c>q.get(timeout=…)</c>.</remarks>
    public T Get(TimeSpan timeout) => Get(timeout, CancellationToken.None);

    /// <summary>Removes and returns the oldest item, waiting up to <paramref name="timeout"/>, until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The item.</returns>
    /// <exception cref="QueueEmptyException">No item arrived in time.</exception>
    /// <exception cref="QueueClosedException">The queue is closed and drained.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before an item arrived.</exception>
    /// <remarks>Python: <c>q.get(timeout=…)</c>.</remarks>
    public T Get(TimeSpan timeout, CancellationToken cancellationToken)
    {
        return GetCore(out var item, Timeouts.ToMilliseconds(timeout), cancellationToken) switch
        {
            Outcome.Item => item,
            Outcome.Closed => throw NewClosed(),
            _ => throw new QueueEmptyException($"The queue is empty and no item arrived within {timeout}."),
        };
    }

    /// <summary>Removes and returns the oldest item if there is one now, else throws.</summary>
    /// <returns>The item.</returns>
    /// <exception cref="QueueEmptyException">The queue is empty.</exception>
    /// <exception cref="QueueClosedException">The queue is closed and drained.</exception>
    /// <remarks>Python: <c>q.get_nowait()</c>. Prefer <see cref="TryGet(out T)"/> to a test of <see cref="IsEmpty"/> (rule LS3001).</remarks>
    public T GetNoWait()
    {
        return GetCore(out var item, 0, CancellationToken.None) switch
        {
            Outcome.Item => item,
            Outcome.Closed => throw NewClosed(),
            _ => throw new QueueEmptyException(),
        };
    }

    /// <summary>Removes the oldest item if there is one now.</summary>
    /// <param name="item">The item, or <see langword="default"/>.</param>
    /// <returns><see langword="true"/> if an item was removed; <see langword="false"/> if the queue is empty (or closed and drained).</returns>
    /// <remarks>Python: <c>q.get_nowait()</c> without the exception. BCL: <c>BlockingCollection.TryTake</c>, <c>ChannelReader.TryRead</c>.</remarks>
    public bool TryGet([MaybeNullWhen(false)] out T item) => GetCore(out item, 0, CancellationToken.None) == Outcome.Item;

    /// <summary>Removes the oldest item, waiting up to <paramref name="timeout"/> for one.</summary>
    /// <param name="item">The item, or <see langword="default"/>.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns><see langword="true"/> if an item was removed; <see langword="false"/> on timeout, or when the queue is closed and drained (check <see cref="IsClosed"/>).</returns>
    /// <remarks>Python: <c>q.get(timeout=…)</c> without the exception. BCL: <c>BlockingCollection.TryTake(out item, timeout)</c>.</remarks>
    public bool TryGet([MaybeNullWhen(false)] out T item, TimeSpan timeout)
        => GetCore(out item, Timeouts.ToMilliseconds(timeout), CancellationToken.None) == Outcome.Item;

    /// <summary>Removes the oldest item, waiting up to <paramref name="timeout"/>, until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="item">The item, or <see langword="default"/>.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> if an item was removed; <see langword="false"/> on timeout, or when the queue is closed and drained.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before an item arrived.</exception>
    /// <remarks>BCL: <c>BlockingCollection.TryTake(out item, ms, token)</c>.</remarks>
    public bool TryGet([MaybeNullWhen(false)] out T item, TimeSpan timeout, CancellationToken cancellationToken)
        => GetCore(out item, Timeouts.ToMilliseconds(timeout), cancellationToken) == Outcome.Item;

    /// <summary>Removes and returns the oldest item, waiting without blocking a thread while the queue is empty.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The item. Completes synchronously, without allocating, when an item is waiting.</returns>
    /// <exception cref="QueueClosedException">The queue is closed and drained.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before an item arrived.</exception>
    /// <remarks>Python: <c>await asyncio.Queue.get()</c>. BCL: <c>ChannelReader.ReadAsync</c>.</remarks>
    public ValueTask<T> GetAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        if (_items.TryDequeue(out var taken))
        {
            Took();
            return new ValueTask<T>(taken);
        }

        T item;

        AsyncQueueWaiter<T> waiter;
        QueueWaiter<T>? wake = null;
        while (true)
        {
            lock (Sync)
            {
                if (TryTakeLocked(out item, ref wake))
                {
                    goto Got;
                }

                if (!_closed)
                {
                    waiter = new AsyncQueueWaiter<T>(this, isPutter: false);
                    LinkGetterLocked(waiter, ref wake);
                    break;
                }

                if (!PutsStillArriving())
                {
                    return ValueTask.FromException<T>(NewClosed());
                }
            }

            WaitForPutsInFlight(); // see GetCore
        }

        wake?.Wake(); // may be this very waiter, handed an item at once
        waiter.Register(cancellationToken);
        return new ValueTask<T>(waiter, waiter.Version);

    Got:
        wake?.Wake();
        return new ValueTask<T>(item);
    }

    /// <summary>
    /// Closes the queue: later puts throw <see cref="QueueClosedException"/>, and so do producers blocked in a put now;
    /// consumers get what is left, then <c>Get</c> throws <see cref="QueueClosedException"/>, <c>TryGet</c> returns
    /// <see langword="false"/> and <see cref="Consume"/> / <see cref="ConsumeAsync"/> end. Closing twice does nothing.
    /// </summary>
    /// <remarks>Python: <c>q.shutdown()</c> (3.13); <c>multiprocessing.Queue.close()</c>. BCL: <c>BlockingCollection.CompleteAdding</c>, <c>ChannelWriter.Complete</c>.</remarks>
    public void Close()
    {
        lock (Sync)
        {
            if (_closed)
            {
                return;
            }

            Volatile.Write(ref _closed, true);
            Interlocked.MemoryBarrier(); // closed before puts in flight are counted: see TryPutWithoutLock
            while (_putters.RemoveFirst() is QueueWaiter<T> putter)
            {
                putter.Complete(QueueWaiter<T>.Closed);
                putter.Wake();
            }

            if (!PutsWithoutLock)
            {
                CloseWaitingConsumersLocked();
                return;
            }
        }

        // Puts take no lock here: the ones that began before the close finish (handing items to waiting consumers,
        // which needs the lock), then what they put goes to consumers still waiting, and only the rest learn of the close.
        WaitForPutsInFlight();
        QueueWaiter<T>? wake = null;
        lock (Sync)
        {
            HandToWaitingConsumersLocked(ref wake);
            CloseWaitingConsumersLocked();
        }

        wake?.Wake();
    }

    private void CloseWaitingConsumersLocked()
    {
        while (_getters.RemoveFirst() is QueueWaiter<T> getter)
        {
            getter.Complete(QueueWaiter<T>.Closed);
            getter.Wake();
        }
    }

    /// <summary>
    /// Yields items as they arrive, blocking while the queue is empty, until the queue is closed and drained.
    /// The way to write a consumer: <c>foreach (var item in q.Consume()) { … }</c> with the producer calling <see cref="Close"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels a wait for the next item (the enumeration then throws <see cref="OperationCanceledException"/>).</param>
    /// <returns>The items, in FIFO order; several consumers may enumerate at once, each item going to one of them.</returns>
    /// <remarks>Python: <c>for item in iter(q.get, sentinel)</c>. BCL: <c>BlockingCollection.GetConsumingEnumerable</c>.</remarks>
    public IEnumerable<T> Consume(CancellationToken cancellationToken = default)
    {
        while (GetCore(out var item, Timeouts.Infinite, cancellationToken) == Outcome.Item)
        {
            yield return item;
        }
    }

    /// <summary>Yields items as they arrive, without blocking a thread, until the queue is closed and drained.</summary>
    /// <param name="cancellationToken">Cancels a wait for the next item.</param>
    /// <returns>The items, in FIFO order: <c>await foreach (var item in q.ConsumeAsync()) { … }</c>.</returns>
    /// <remarks>Python: <c>async for</c> over an asyncio queue. BCL: <c>ChannelReader.ReadAllAsync</c>.</remarks>
    public async IAsyncEnumerable<T> ConsumeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var outcome = GetCore(out var item, 0, CancellationToken.None);
            if (outcome == Outcome.Closed)
            {
                yield break;
            }

            if (outcome == Outcome.Empty)
            {
                var closed = false;
                try
                {
                    item = await GetAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (QueueClosedException)
                {
                    closed = true;
                }

                if (closed)
                {
                    yield break;
                }
            }

            yield return item;
        }
    }

    /// <summary>Producers blocked in a put right now (for tests).</summary>
    internal int WaitingProducers
    {
        get
        {
            lock (Sync)
            {
                return _putters.Count;
            }
        }
    }

    /// <summary>Consumers blocked in a get right now (for tests).</summary>
    internal int WaitingConsumers
    {
        get
        {
            lock (Sync)
            {
                return _getters.Count;
            }
        }
    }

    /// <summary>Unlinks a cancelled async waiter; false if it was completed first.</summary>
    internal bool TryUnlink(AsyncQueueWaiter<T> waiter)
    {
        lock (Sync)
        {
            if (!waiter.Linked)
            {
                return false;
            }

            if (waiter.IsPutter)
            {
                _putters.Remove(waiter);
            }
            else
            {
                _getters.Remove(waiter);
            }

            return true;
        }
    }

    private enum Outcome
    {
        Item,
        Empty,
        Closed,
    }

    private static QueueClosedException NewClosed() => new("The queue has been closed and has no items left.");

    private static QueueClosedException NewClosedForPut() => new("The queue has been closed: no more items can be put.");

    /// <summary>
    /// The put of a <see cref="PutsWithoutLock"/> queue: false when the queue is closed. Two hand-shakes keep it exact.
    /// With <see cref="Close"/>: the put announces itself (<c>PutsInFlight</c>, full fence) before it looks at
    /// <see cref="_closed"/>, and a consumer concludes "closed and drained" only once it sees the queue closed and no put
    /// in flight, so an item whose put succeeded is always delivered. With sleeping consumers: the put enqueues, then
    /// (full fence) looks for one; a consumer links itself, then (full fence) looks for items (<see cref="LinkGetterLocked"/>),
    /// so at least one of the two sees the other and no consumer sleeps beside an item.
    /// </summary>
    private bool TryPutWithoutLock(T item)
    {
        Interlocked.Increment(ref _hot.PutsInFlight);
        if (Volatile.Read(ref _closed))
        {
            Interlocked.Decrement(ref _hot.PutsInFlight);
            return false;
        }

        _items.Enqueue(item);
        Interlocked.MemoryBarrier();
        if (_getters.HasWaiters())
        {
            HandToWaitingConsumers();
        }

        Interlocked.Decrement(ref _hot.PutsInFlight);
        return true;
    }

    /// <summary>Hands queued items to waiting consumers, while there are both (<see cref="PutsWithoutLock"/> queues).</summary>
    private void HandToWaitingConsumers()
    {
        QueueWaiter<T>? wake = null;
        lock (Sync)
        {
            HandToWaitingConsumersLocked(ref wake);
        }

        wake?.Wake();
    }

    private void HandToWaitingConsumersLocked(ref QueueWaiter<T>? wake)
    {
        while (_getters.First is QueueWaiter<T> getter && _items.TryDequeue(out var item))
        {
            HandOverLocked(getter, item, ref wake);
        }
    }

    /// <summary>Completes a waiting consumer with <paramref name="item"/>; it is woken once the lock is released.</summary>
    private void HandOverLocked(QueueWaiter<T> getter, T item, ref QueueWaiter<T>? wake)
    {
        _getters.Remove(getter);
        getter.Item = item;
        getter.Complete(QueueWaiter<T>.Done);
        WakeLater(getter, ref wake);
    }

    /// <summary>
    /// Links a consumer that found no item. On a <see cref="PutsWithoutLock"/> queue an item may have been enqueued
    /// since it looked (puts take no lock): after a full fence it looks again and, if one is there, is handed it at once
    /// (then its wait returns immediately).
    /// </summary>
    private void LinkGetterLocked(QueueWaiter<T> getter, ref QueueWaiter<T>? wake)
    {
        _getters.AddFirst(getter); // newest first: see PlaceLocked
        if (PutsWithoutLock)
        {
            Interlocked.MemoryBarrier();
            HandToWaitingConsumersLocked(ref wake);
        }
    }

    /// <summary>
    /// A consumer found the queue closed and empty. On a <see cref="PutsWithoutLock"/> queue a put that began before
    /// the close may still be enqueueing: true when the consumer must wait for it (outside the lock) and look again.
    /// </summary>
    private bool PutsStillArriving() => PutsWithoutLock && Volatile.Read(ref _hot.PutsInFlight) != 0;

    private void WaitForPutsInFlight()
    {
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _hot.PutsInFlight) != 0)
        {
            spinner.SpinOnce();
        }
    }

    /// <summary>Puts, waiting up to <paramref name="milliseconds"/>; false on timeout.</summary>
    private bool PutCore(T item, int milliseconds, CancellationToken cancellationToken)
    {
        if (PutsWithoutLock)
        {
            return TryPutWithoutLock(item) ? true : throw NewClosedForPut();
        }

        if (milliseconds != 0 && _maxSize > 0 && Volatile.Read(ref _hot.Count) >= _maxSize)
        {
            SpinWhile(full: true);
        }

        SyncQueueWaiter<T>? waiter = null;
        QueueWaiter<T>? wake = null;
        lock (Sync)
        {
            if (_closed)
            {
                throw NewClosedForPut();
            }

            if (TryPutLocked(item, ref wake))
            {
                goto Put;
            }

            // Refused (no wait allowed, or already cancelled) or about to wait: either way, producers admitted ahead of
            // this one by TryPutLocked are in `wake` and must be woken below.
            if (milliseconds != 0 && !cancellationToken.IsCancellationRequested)
            {
                waiter = SyncQueueWaiter<T>.Rent();
                waiter.Item = item;
                AddPutterLocked(waiter, ref wake);
            }
        }

        wake?.Wake(); // may be this very waiter, admitted at once: its wait then returns immediately
        if (waiter is null)
        {
            if (milliseconds != 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            return false;
        }

        var status = Park(waiter, ref _putters, milliseconds, cancellationToken);
        waiter.Item = default!;
        return status switch
        {
            QueueWaiter<T>.Done => true,
            QueueWaiter<T>.Closed => throw new QueueClosedException("The queue was closed while waiting to put."),
            _ => false,
        };

    Put:
        wake?.Wake();
        return true;
    }

    private Outcome GetCore(out T item, int milliseconds, CancellationToken cancellationToken)
    {
        if (_items.TryDequeue(out var taken))
        {
            Took();
            item = taken;
            return Outcome.Item;
        }

        if (milliseconds != 0 && IsEmpty)
        {
            SpinWhile(full: false);
        }

        SyncQueueWaiter<T> waiter;
        QueueWaiter<T>? wake = null;
        while (true)
        {
            lock (Sync)
            {
                if (TryTakeLocked(out item, ref wake))
                {
                    goto Got;
                }

                if (_closed)
                {
                    if (!PutsStillArriving())
                    {
                        item = default!;
                        return Outcome.Closed;
                    }
                }
                else if (milliseconds == 0)
                {
                    item = default!;
                    return Outcome.Empty;
                }
                else
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    waiter = SyncQueueWaiter<T>.Rent();
                    LinkGetterLocked(waiter, ref wake);
                    break;
                }
            }

            WaitForPutsInFlight(); // closed, but a put that began before the close is still enqueueing: look again after it
        }

        wake?.Wake(); // may be this very waiter, handed an item at once: its wait then returns immediately
        var status = Park(waiter, ref _getters, milliseconds, cancellationToken);
        item = waiter.Item;
        waiter.Item = default!;
        return status switch
        {
            QueueWaiter<T>.Done => Outcome.Item,
            QueueWaiter<T>.Closed => Outcome.Closed,
            _ => Outcome.Empty,
        };

    Got:
        wake?.Wake();
        return Outcome.Item;
    }

    /// <summary>
    /// A consumer about to block on an empty queue (or a producer on a full one) spins briefly first: an item or a
    /// slot appearing meanwhile is then used directly, with no hand-off and no wake-up on either side. Pure spinning
    /// (no yield), and only on a multi-core machine.
    /// </summary>
    private void SpinWhile(bool full)
    {
        if (Environment.ProcessorCount == 1)
        {
            return;
        }

        var spinner = default(SpinWait);
        while (spinner.Count < WaitSpins && !Volatile.Read(ref _closed)
            && (full ? Volatile.Read(ref _hot.Count) >= _maxSize : IsEmpty))
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>
    /// Waits for a linked waiter to be completed; unlinks it on timeout (returns Pending) or cancellation (throws).
    /// A completion that races with the timeout or the cancellation wins: the outcome stands.
    /// </summary>
    private int Park(SyncQueueWaiter<T> waiter, ref WaitList list, int milliseconds, CancellationToken cancellationToken)
    {
        var deadline = Timeouts.Deadline(milliseconds);
        while (true)
        {
            bool signalled;
            try
            {
                signalled = waiter.Signal.Wait(Timeouts.Remaining(deadline), cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ThreadInterruptedException)
            {
                lock (Sync)
                {
                    if (waiter.Linked)
                    {
                        list.Remove(waiter);
                        throw;
                    }
                }

                // Completed as the wait gave up: the outcome stands (an item handed over is not lost), and an
                // interrupt is re-armed for the thread's next blocking call.
                if (ex is ThreadInterruptedException)
                {
                    Thread.CurrentThread.Interrupt();
                }

                return waiter.Status;
            }

            if (signalled && Volatile.Read(ref waiter.Status) != QueueWaiter<T>.Pending)
            {
                return waiter.Status;
            }

            lock (Sync)
            {
                if (!waiter.Linked)
                {
                    return waiter.Status; // completed; its wake-up is on its way
                }

                if (!signalled)
                {
                    list.Remove(waiter);
                    return QueueWaiter<T>.Pending;
                }

                // A late wake-up meant for an earlier wait on this reused node: wait again.
                waiter.Signal.Reset();
            }
        }
    }

    /// <summary>
    /// Puts if possible, behind any waiting producers (admitted first, in FIFO order, while there is room). A consumer
    /// handed an item is returned in <paramref name="wake"/>, to be woken after the lock is released.
    /// </summary>
    private bool TryPutLocked(T item, ref QueueWaiter<T>? wake)
    {
        if (_maxSize > 0)
        {
            if (!_putters.IsEmpty)
            {
                AdmitLocked(ref wake);
                if (!_putters.IsEmpty)
                {
                    return false;
                }
            }

            if (_getters.IsEmpty && Volatile.Read(ref _hot.Count) >= _maxSize)
            {
                return false;
            }
        }

        PlaceLocked(item, ref wake);
        return true;
    }

    /// <summary>
    /// Puts an item there is room for: hands it to a waiting consumer (there is one only when the queue is empty) or
    /// enqueues it. Consumers are interchangeable, so the item goes to the one that blocked last: it is the most
    /// likely to be still spinning rather than asleep, and waking it is cheap; the others stay asleep instead of
    /// taking turns. (Producers, whose items enter the queue, are admitted in FIFO order.)
    /// </summary>
    private void PlaceLocked(T item, ref QueueWaiter<T>? wake)
    {
        CountPut();
        if (_getters.First is QueueWaiter<T> getter)
        {
            HandOverLocked(getter, item, ref wake);
            return;
        }

        if (_maxSize > 0)
        {
            Interlocked.Increment(ref _hot.Count); // before the enqueue: the count never trails the items
        }

        _items.Enqueue(item);
    }

    /// <summary>Links a producer that found no room, then admits it at once if room appeared meanwhile.</summary>
    private void AddPutterLocked(QueueWaiter<T> putter, ref QueueWaiter<T>? wake)
    {
        _putters.AddLast(putter);

        // A consumer lowers the count without the lock and then looks for waiting producers; this producer links itself
        // and then looks at the count. Both with a full fence between the write and the read, so at least one of the two
        // sees the other: either the consumer admits this producer, or this producer sees the room (see Took).
        Interlocked.MemoryBarrier();
        AdmitLocked(ref wake);
    }

    /// <summary>Admits waiting producers, first come first served, while there is room.</summary>
    private void AdmitLocked(ref QueueWaiter<T>? wake)
    {
        while (_putters.First is QueueWaiter<T> putter && (!_getters.IsEmpty || Volatile.Read(ref _hot.Count) < _maxSize))
        {
            _putters.Remove(putter);
            PlaceLocked(putter.Item, ref wake);
            putter.Item = default!;
            putter.Complete(QueueWaiter<T>.Done);
            WakeLater(putter, ref wake);
        }
    }

    /// <summary>The first waiter completed under the lock is woken after it is released; any further one at once.</summary>
    private static void WakeLater(QueueWaiter<T> waiter, ref QueueWaiter<T>? wake)
    {
        if (wake is null)
        {
            wake = waiter;
        }
        else
        {
            waiter.Wake();
        }
    }

    /// <summary>
    /// Called after a dequeue (with or without the lock): frees the item's slot of a bounded queue and admits a waiting
    /// producer into it. The count is lowered with a full fence before the waiting producers are looked at, and a
    /// producer links itself with a full fence before it looks at the count (<see cref="AddPutterLocked"/>), so no
    /// producer is left waiting while there is room.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Took()
    {
        if (_maxSize > 0)
        {
            Interlocked.Decrement(ref _hot.Count);
            if (_putters.HasWaiters())
            {
                AdmitWaitingProducers();
            }
        }
    }

    private void AdmitWaitingProducers()
    {
        QueueWaiter<T>? wake = null;
        lock (Sync)
        {
            AdmitLocked(ref wake);
        }

        wake?.Wake();
    }

    /// <summary>Takes the oldest item, if any; under the lock, so a consumer that finds none can register as a waiter.</summary>
    private bool TryTakeLocked(out T item, ref QueueWaiter<T>? wake)
    {
        // Producers enqueue under the lock (or, without it, look for linked consumers after enqueueing: see
        // LinkGetterLocked), so an item put before this get took the lock is visible here or handed over later.
        if (!_items.TryDequeue(out var taken))
        {
            item = default!;
            return false;
        }

        item = taken;
        if (_maxSize > 0)
        {
            Interlocked.Decrement(ref _hot.Count);
            AdmitLocked(ref wake);
        }

        return true;
    }

    private void CountPut()
    {
        if (_countTasks)
        {
            UnfinishedCount++;
        }
    }
}
