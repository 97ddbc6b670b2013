namespace Lockstep.Analyzers.Flow;

/// <summary>
/// What the per-member callbacks collect for the compilation's end: added to from any analysis thread, read once all
/// of them are done. Each member hands over its items at once, and no thread ever waits: with more analysis threads
/// than cores, a lock waited for here made callbacks wait for a holder the scheduler had preempted.
/// </summary>
/// <remarks>
/// A member's items are appended to one of a few lists picked by the adding thread (so two analysis threads nearly
/// always fill different lists), after claiming that list with one compare-and-swap; when another thread has it, the
/// items go, copied into one array, onto a lock-free list of chunks instead. Appending to a list costs no object per
/// member and the end reads a few long arrays rather than one small array per member. (Not a <c>Monitor</c>: in a
/// profile its <c>TryEnter</c> took the runtime's slow path under most adds, most likely a lock left inflated once two
/// threads had met on one list.)
/// </remarks>
internal sealed class Accumulator<T>
{
    private const int StripeCount = 16; // a power of two

    private readonly Stripe?[] _stripes = new Stripe?[StripeCount];
    private Chunk? _overflow;

    /// <summary>Nothing was added (read by the end action, once every member is done).</summary>
    public bool IsEmpty
        => Volatile.Read(ref _overflow) is null
           && _stripes.All(stripe => stripe is null || stripe.ReadWhenFree(static items => items.Count) == 0);

    public void Add(T item)
    {
        if (!StripeOfThisThread().TryAppend(static (items, one) => items.Add(one), item))
        {
            Push(new Chunk(new[] { item }));
        }
    }

    /// <summary>Adds a copy of <paramref name="items"/>: the caller may reuse its list.</summary>
    public void AddRange(List<T> items)
    {
        if (items.Count > 0 && !StripeOfThisThread().TryAppend(static (stripe, added) => stripe.AddRange(added), items))
        {
            Push(new Chunk(items.ToArray()));
        }
    }

    /// <summary>
    /// Everything added so far. One thread's adds keep their order unless another thread was adding through the same
    /// list at that moment (then some of them are in the overflow, read last); no reader may depend on the order
    /// between threads.
    /// </summary>
    public T[] Snapshot()
    {
        var lists = new List<T[]>();
        var count = 0;
        foreach (var stripe in _stripes)
        {
            if (stripe?.ReadWhenFree(static list => list.ToArray()) is { Length: > 0 } items)
            {
                lists.Add(items);
                count += items.Length;
            }
        }

        var chunks = new List<T[]>();
        for (var chunk = Volatile.Read(ref _overflow); chunk is not null; chunk = chunk.Next)
        {
            chunks.Add(chunk.Items);
            count += chunk.Items.Length;
        }

        if (lists.Count == 1 && chunks.Count == 0)
        {
            return lists[0]; // already a copy, made above (a chunk's own array is never handed out)
        }

        // Chunks were pushed on the front of their list: oldest first is the last one.
        chunks.Reverse();
        lists.AddRange(chunks);
        var all = new T[count];
        var at = 0;
        foreach (var items in lists)
        {
            items.CopyTo(all, at);
            at += items.Length;
        }

        return all;
    }

    private Stripe StripeOfThisThread()
    {
        var slot = Thread.CurrentThread.ManagedThreadId & (StripeCount - 1);
        var stripe = Volatile.Read(ref _stripes[slot]);
        if (stripe is null)
        {
            Interlocked.CompareExchange(ref _stripes[slot], new Stripe(), null);
            stripe = Volatile.Read(ref _stripes[slot])!;
        }

        return stripe;
    }

    private void Push(Chunk chunk)
    {
        Chunk? head;
        do
        {
            head = Volatile.Read(ref _overflow);
            chunk.Next = head;
        }
        while (!ReferenceEquals(Interlocked.CompareExchange(ref _overflow, chunk, head), head));
    }

    /// <summary>One list and its claim flag: 1 while a thread appends to it (or the end reads it).</summary>
    private sealed class Stripe
    {
        private readonly List<T> _items = new();
        private int _claimed;

        /// <summary>Appends through <paramref name="append"/> if no other thread has the list; false (nothing done) if one has.</summary>
        public bool TryAppend<TArg>(Action<List<T>, TArg> append, TArg arg)
        {
            if (!TryClaim())
            {
                return false;
            }

            try
            {
                append(_items, arg);
                return true;
            }
            finally
            {
                Free();
            }
        }

        /// <summary>The end's read: waits for an add still under way (none is, once every member is done).</summary>
        public TResult ReadWhenFree<TResult>(Func<List<T>, TResult> read)
        {
            var spinner = default(SpinWait);
            while (!TryClaim())
            {
                spinner.SpinOnce();
            }

            try
            {
                return read(_items);
            }
            finally
            {
                Free();
            }
        }

        public bool TryClaim() => Interlocked.CompareExchange(ref _claimed, 1, 0) == 0;

        public void Free() => Volatile.Write(ref _claimed, 0);
    }

    private sealed class Chunk
    {
        public Chunk(T[] items) => Items = items;

        public T[] Items { get; }

        public Chunk? Next { get; set; }
    }
}
