using System.Runtime.CompilerServices;

namespace Lockstep.Analyzers.Flow;

/// <summary>Dictionaries of lists or other accumulators: adds under a key, creating the value on first use.</summary>
internal static class MultiMap
{
    /// <summary>The value under <paramref name="key"/>, made (and stored) on first use.</summary>
    public static TValue GetOrAdd<TKey, TValue>(Dictionary<TKey, TValue> map, TKey key)
        where TKey : notnull
        where TValue : class, new()
    {
        if (!map.TryGetValue(key, out var value))
        {
            value = new TValue();
            map[key] = value;
        }

        return value;
    }

    public static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
        where TKey : notnull
        => GetOrAdd(map, key).Add(value);
}

/// <summary>
/// Items grouped by a key, each group in the items' order, in one array: what a dictionary of lists gives for a
/// read-only end pass, without a list per key (the end passes group every call edge and update site of the compilation).
/// </summary>
internal sealed class Grouped<TKey, T>
    where TKey : notnull
{
    private readonly Dictionary<TKey, int> _groups;
    private readonly int[] _starts; // group -> first index in Items; one more entry for the end of the last group

    [MethodImpl(Jit.OncePerCompilation)]
    public Grouped(IReadOnlyList<T> items, Func<T, TKey> keyOf)
    {
        _groups = new Dictionary<TKey, int>();
        var groupOf = new int[items.Count];
        var counts = new List<int>();
        for (var i = 0; i < items.Count; i++)
        {
            var key = keyOf(items[i]);
            if (!_groups.TryGetValue(key, out var group))
            {
                group = counts.Count;
                _groups[key] = group;
                counts.Add(0);
            }

            groupOf[i] = group;
            counts[group]++;
        }

        _starts = new int[counts.Count + 1];
        for (var group = 0; group < counts.Count; group++)
        {
            _starts[group + 1] = _starts[group] + counts[group];
        }

        Items = new T[items.Count];
        var next = new int[counts.Count];
        Array.Copy(_starts, next, counts.Count);
        for (var i = 0; i < items.Count; i++)
        {
            Items[next[groupOf[i]]++] = items[i];
        }
    }

    /// <summary>Every item, group after group.</summary>
    public T[] Items { get; }

    /// <summary>Each key, with its group: <see cref="Items"/>[<c>Start</c>..<c>End</c>).</summary>
    public IEnumerable<(TKey Key, int Start, int End)> Groups
    {
        get
        {
            foreach (var pair in _groups)
            {
                yield return (pair.Key, _starts[pair.Value], _starts[pair.Value + 1]);
            }
        }
    }

    /// <summary>The group of <paramref name="key"/> is <see cref="Items"/>[<paramref name="start"/>..<paramref name="end"/>).</summary>
    public bool TryGetRange(TKey key, out int start, out int end)
    {
        if (_groups.TryGetValue(key, out var group))
        {
            start = _starts[group];
            end = _starts[group + 1];
            return true;
        }

        start = end = 0;
        return false;
    }
}
