using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers.Flow;

/// <summary>
/// Shares what one analyzer computed for a member with the next analyzer that asks about the same member. The driver
/// hands every analyzer the same operation tree for a member, one analyzer after another and usually close together in
/// time, so a small table of recent members finds nearly all of them. A miss only means the value is computed again:
/// callers must not depend on getting the same instance.
/// </summary>
/// <remarks>
/// Both the key and the value are held weakly, so the table never keeps an operation tree (and with it a semantic model
/// and a compilation) alive once the driver is done with it. That is what a <c>ConditionalWeakTable</c> would give, but
/// it adds an entry (a dependent handle, which every collection must trace) for every member of the compilation, behind
/// one lock per table; here the handles are allocated once per slot and reused.
/// </remarks>
internal sealed class OperationCache<T>
    where T : class
{
    private const int Slots = 64; // a power of two: several analysis threads, each a few members apart

    private readonly Slot[] _slots;

    public OperationCache()
    {
        _slots = new Slot[Slots];
        for (var i = 0; i < Slots; i++)
        {
            _slots[i] = new Slot();
        }
    }

    /// <summary>The value remembered for <paramref name="key"/>, or a new one from <paramref name="create"/>.</summary>
    /// <remarks>
    /// Readers take no lock: a slot carries a version that a writer makes odd while it changes the pair and even again
    /// after, and a reader keeps what it read only if the version was even and unchanged around its reads (a sequence
    /// lock). A writer that finds the slot being written skips remembering its value. With more analysis threads than
    /// cores, a lock here made readers wait for a writer the scheduler had preempted.
    /// </remarks>
    public T GetOrCreate<TArg>(IOperation key, TArg argument, Func<TArg, T> create)
    {
        // The slot from where the member is (its start and its tree), not from the operation's identity hash: that
        // would write a hash into the header of every operation asked about, which cost more than the lookup itself.
        var syntax = key.Syntax;
        var slot = _slots[(syntax.SpanStart ^ System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(syntax.SyntaxTree)) & (Slots - 1)];
        var before = Volatile.Read(ref slot.Version);
        if ((before & 1) == 0 && slot.Key.TryGetTarget(out var known) && ReferenceEquals(known, key) && slot.Value.TryGetTarget(out var value))
        {
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref slot.Version) == before)
            {
                return value;
            }
        }

        var created = create(argument);
        // A writer claims the slot by making its version odd with one compare-and-swap; a writer that finds it claimed
        // (or changed since it looked) skips remembering its value. (Monitor.TryEnter went down its slow path here on
        // every call, which cost more than the lookup it guards.)
        var version = Volatile.Read(ref slot.Version);
        if ((version & 1) == 0 && Interlocked.CompareExchange(ref slot.Version, version + 1, version) == version)
        {
            slot.Key.SetTarget(key);
            slot.Value.SetTarget(created);
            Volatile.Write(ref slot.Version, version + 2);
        }

        return created;
    }

    private sealed class Slot
    {
        public readonly WeakReference<IOperation> Key = new(null!);
        public readonly WeakReference<T> Value = new(null!);
        public int Version;
    }
}
