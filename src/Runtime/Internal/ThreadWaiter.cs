namespace Lockstep.Internal;

/// <summary>
/// The node a blocked thread parks on while it waits for a <see cref="Lock"/> or a <see cref="Condition"/>.
/// One per thread, reused: a thread waits for one thing at a time, so a blocking wait allocates nothing.
/// Every field except the event is read and written under the lock of the list the node is in.
/// </summary>
internal sealed class ThreadWaiter : WaitNode
{
    [ThreadStatic]
    private static ThreadWaiter? t_current;

    /// <summary>Spins briefly before sleeping, which is what a hand-off wants.</summary>
    public readonly ManualResetEventSlim Signal = new(false);

    /// <summary>The lock token handed to this waiter (Lock), or 1 when notified (Condition).</summary>
    public long Token;

    public static ThreadWaiter Rent()
    {
        var waiter = t_current ??= new ThreadWaiter();
        waiter.Token = 0;
        waiter.Signal.Reset();
        return waiter;
    }

    /// <summary>Hands the result over and wakes the thread. Called under the list's lock, after unlinking.</summary>
    public void Grant(long token)
    {
        Token = token;
        Signal.Set();
    }
}
