using System.Runtime.InteropServices;

namespace Lockstep.Internal;

/// <summary>
/// The counters a queue writes on every item, on a cache line of their own. Kept in the queue object they shared a
/// line with the fields every put and get only reads (the item store, the size, the lock, the waiter lists), so each
/// write evicted that line from the other threads' cores (false sharing): an unbounded one-producer one-consumer queue
/// measured about six times slower per item that way, a joinable one about twice. The counters share their one line
/// (each is written on every item anyway). The object is laid out so that at least 64 bytes lie on each side of them,
/// whatever the heap puts next to it.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal sealed class HotCounters
{
    /// <summary>Bounded queues: the slots in use (see <c>BlockingQueue&lt;T&gt;</c>).</summary>
    [FieldOffset(64)]
    public int Count;

    /// <summary>Unbounded queues that put without the lock: puts in flight (see <c>BlockingQueue&lt;T&gt;</c>).</summary>
    [FieldOffset(68)]
    public int PutsInFlight;

    /// <summary><c>JoinableQueue&lt;T&gt;</c>: items put and not yet marked done (guarded by the queue's lock).</summary>
    [FieldOffset(72)]
    public int Unfinished;
}
