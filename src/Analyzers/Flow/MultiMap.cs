namespace Lockstep.Analyzers.Flow;

/// <summary>Dictionaries of lists or sets: adds a value under a key, creating its collection on first use.</summary>
internal static class MultiMap
{
    public static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = new List<TValue>();
            map[key] = list;
        }

        list.Add(value);
    }

    public static void Add<TKey, TValue>(Dictionary<TKey, HashSet<TValue>> map, TKey key, TValue value, IEqualityComparer<TValue> comparer)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var set))
        {
            set = new HashSet<TValue>(comparer);
            map[key] = set;
        }

        set.Add(value);
    }
}
