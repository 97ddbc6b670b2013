namespace Pitfalls;

/// <summary>LS1xxx: locks that are taken and not given back.</summary>
public sealed class Counter
{
    private readonly object _gate = new();
    private readonly SemaphoreSlim _io = new(1, 1);
    private readonly ReaderWriterLockSlim _table = new();
    private readonly Dictionary<string, int> _values = new();
    private int _value;

    public int Next()
    {
        Monitor.Enter(_gate); // LS1001: the early return below leaves _gate held
        if (_value == int.MaxValue)
        {
            return -1;
        }

        _value++;
        Monitor.Exit(_gate);
        return _value;
    }

    public void Reset()
    {
        if (_value > 0)
        {
            Monitor.Enter(_gate);
        }

        _value = 0;
        Monitor.Exit(_gate); // LS1002: released on the path where it was never taken
    }

    public int Lookup(string key)
    {
        _table.EnterReadLock(); // LS1003: if the lookup throws, the read lock is never released
        var found = _values[key];
        _table.ExitReadLock();
        return found;
    }

    public async Task SaveAsync(string path, CancellationToken token)
    {
        Monitor.Enter(_gate); // LS1004: Monitor is owned by this thread; the await may resume on another
        try
        {
            await File.WriteAllTextAsync(path, _value.ToString(), token);
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }

    public async Task FlushAsync(CancellationToken token)
    {
        try
        {
            await _io.WaitAsync(token);
            await Task.Delay(10, token);
        }
        finally
        {
            _io.Release(); // LS1002: runs even when WaitAsync was cancelled and never acquired
        }
    }
}
