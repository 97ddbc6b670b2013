namespace Lockstep.Analyzers.Flow;

/// <summary>
/// What the per-member callbacks collect for the compilation's end: added to from any analysis thread, read once
/// all of them are done. A list behind a lock: each member adds a handful of items, so the lock is short and rarely
/// contended, and an item costs a slot in an array instead of the per-thread queues and nodes a
/// <c>ConcurrentBag</c> keeps (which showed up as a large share of the analyzers' allocations).
/// </summary>
internal sealed class Accumulator<T>
{
    private readonly List<T> _items = new();

    public bool IsEmpty
    {
        get
        {
            lock (_items)
            {
                return _items.Count == 0;
            }
        }
    }

    public void Add(T item)
    {
        lock (_items)
        {
            _items.Add(item);
        }
    }

    public void AddRange(List<T> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        lock (_items)
        {
            _items.AddRange(items);
        }
    }

    /// <summary>A copy of everything added so far (the end action reads it once).</summary>
    public T[] Snapshot()
    {
        lock (_items)
        {
            return _items.ToArray();
        }
    }
}
