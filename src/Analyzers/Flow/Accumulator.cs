namespace Lockstep.Analyzers.Flow;

/// <summary>
/// What the per-member callbacks collect for the compilation's end: added to from any analysis thread, read once all
/// of them are done. Each member hands over its items at once (one array, pushed on a lock-free list of chunks), so an
/// item costs a slot in an array instead of the per-thread queues and nodes a <c>ConcurrentBag</c> keeps, and no thread
/// ever waits: with more analysis threads than cores, a lock here made callbacks wait for a holder the scheduler had
/// preempted.
/// </summary>
internal sealed class Accumulator<T>
{
    private Chunk? _head;

    public bool IsEmpty => Volatile.Read(ref _head) is null;

    public void Add(T item) => Push(new Chunk(new[] { item }));

    public void AddRange(List<T> items)
    {
        if (items.Count > 0)
        {
            Push(new Chunk(items.ToArray()));
        }
    }

    /// <summary>Everything added so far, in the order the chunks were pushed (the end action reads it once).</summary>
    public T[] Snapshot()
    {
        var chunks = new List<T[]>();
        var count = 0;
        for (var chunk = Volatile.Read(ref _head); chunk is not null; chunk = chunk.Next)
        {
            chunks.Add(chunk.Items);
            count += chunk.Items.Length;
        }

        var all = new T[count];
        var at = 0;
        for (var i = chunks.Count - 1; i >= 0; i--)
        {
            chunks[i].CopyTo(all, at);
            at += chunks[i].Length;
        }

        return all;
    }

    private void Push(Chunk chunk)
    {
        Chunk? head;
        do
        {
            head = Volatile.Read(ref _head);
            chunk.Next = head;
        }
        while (!ReferenceEquals(Interlocked.CompareExchange(ref _head, chunk, head), head));
    }

    private sealed class Chunk
    {
        public Chunk(T[] items) => Items = items;

        public T[] Items { get; }

        public Chunk? Next { get; set; }
    }
}
