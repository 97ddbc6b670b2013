namespace Pitfalls;

/// <summary>LS2xxx: deadlocks.</summary>
public sealed class Ledger
{
    private readonly object _accounts = new();
    private readonly object _audit = new();
    private readonly Lockstep.Lock _journal = new();
    private readonly List<string> _entries = new();
    private bool _ready;

    public void Transfer(string entry)
    {
        lock (_accounts)
        {
            lock (_audit) // LS2001: Report takes these two in the opposite order
            {
                _entries.Add(entry);
            }
        }
    }

    public int Report()
    {
        lock (_audit)
        {
            lock (_accounts) // LS2001
            {
                return _entries.Count;
            }
        }
    }

    public void Append(string entry)
    {
        using (_journal.Acquire())
        {
            _entries.Add(entry);
            Flush(); // LS2002: Flush takes _journal again, a non-reentrant Lockstep.Lock
        }
    }

    private void Flush()
    {
        using (_journal.Acquire())
        {
            _entries.Clear();
        }
    }

    public void Throttle()
    {
        lock (_accounts)
        {
            Thread.Sleep(50); // LS2003 (suggestion): every thread waiting for _accounts waits as long
        }
    }

    public void AwaitReady()
    {
        lock (_audit)
        {
            if (!_ready) // LS2004: a wake-up does not prove _ready; re-check in a while loop
            {
                Monitor.Wait(_audit);
            }
        }
    }

    public void MarkReady()
    {
        lock (_audit)
        {
            _ready = true;
            Monitor.PulseAll(_audit);
        }
    }
}
