namespace Pitfalls;

/// <summary>LS1xxx: locks that are taken and not given back.</summary>
public sealed class Counter
{
    private readonly object _gate = new();
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
}
