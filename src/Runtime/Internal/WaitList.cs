namespace Lockstep.Internal;

/// <summary>A node of an intrusive waiter list: linking and unlinking never allocate.</summary>
internal abstract class WaitNode
{
    internal WaitNode? Next;
    internal WaitNode? Prev;

    /// <summary>True while the node is in a list. Read and written only under the list's lock.</summary>
    internal bool Linked;
}

/// <summary>
/// A FIFO of waiters with O(1) removal from the middle (a timed-out or cancelled waiter unlinks itself).
/// A mutable struct: keep it in a non-readonly field and touch it only under its owner's lock.
/// </summary>
internal struct WaitList
{
    private WaitNode? _head;
    private WaitNode? _tail;

    public readonly bool IsEmpty => _head is null;

    /// <summary>How many nodes are linked (for diagnostics and tests).</summary>
    public int Count { readonly get; private set; }

    public readonly WaitNode? First => _head;

    /// <summary>Whether any node is linked, read without the owner's lock (a volatile read: a hint to take the lock).</summary>
    public bool HasWaiters() => Volatile.Read(ref _head) is not null;

    public void AddLast(WaitNode node)
    {
        node.Next = null;
        node.Prev = _tail;
        if (_tail is null)
        {
            _head = node;
        }
        else
        {
            _tail.Next = node;
        }

        _tail = node;
        node.Linked = true;
        Count++;
    }

    public void AddFirst(WaitNode node)
    {
        node.Prev = null;
        node.Next = _head;
        if (_head is null)
        {
            _tail = node;
        }
        else
        {
            _head.Prev = node;
        }

        _head = node;
        node.Linked = true;
        Count++;
    }

    public void Remove(WaitNode node)
    {
        if (node.Prev is null)
        {
            _head = node.Next;
        }
        else
        {
            node.Prev.Next = node.Next;
        }

        if (node.Next is null)
        {
            _tail = node.Prev;
        }
        else
        {
            node.Next.Prev = node.Prev;
        }

        node.Next = null;
        node.Prev = null;
        node.Linked = false;
        Count--;
    }

    public WaitNode? RemoveFirst()
    {
        var node = _head;
        if (node is not null)
        {
            Remove(node);
        }

        return node;
    }
}
