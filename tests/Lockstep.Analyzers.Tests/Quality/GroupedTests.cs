using Lockstep.Analyzers.Flow;
using Xunit;

namespace Lockstep.Analyzers.Tests.Quality;

/// <summary>The one-array grouping the end passes read call edges and update sites through.</summary>
public class GroupedTests
{
    [Fact]
    public void EachGroup_KeepsTheItemsOrder()
    {
        var items = new[] { ("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5), ("b", 6) };
        var grouped = new Grouped<string, (string Key, int Value)>(items, static item => item.Key);

        Assert.Equal(new[] { 1, 3, 6 }, Group(grouped, "b"));
        Assert.Equal(new[] { 2, 5 }, Group(grouped, "a"));
        Assert.Equal(new[] { 4 }, Group(grouped, "c"));
        Assert.Equal(items.Length, grouped.Items.Length);
    }

    [Fact]
    public void MissingKey_And_NoItems_FindNothing()
    {
        var grouped = new Grouped<string, (string Key, int Value)>(new[] { ("a", 1) }, static item => item.Key);
        Assert.False(grouped.TryGetRange("z", out _, out _));

        var empty = new Grouped<string, (string Key, int Value)>(Array.Empty<(string, int)>(), static item => item.Key);
        Assert.False(empty.TryGetRange("a", out _, out _));
        Assert.Empty(empty.Items);
    }

    [Fact]
    public void Groups_ListsEveryKeyOnceWithItsRange()
    {
        var items = new[] { ("b", 1), ("a", 2), ("b", 3), ("c", 4) };
        var grouped = new Grouped<string, (string Key, int Value)>(items, static item => item.Key);

        var groups = grouped.Groups.ToDictionary(g => g.Key, g => grouped.Items.Skip(g.Start).Take(g.End - g.Start).Select(item => item.Value).ToArray());
        Assert.Equal(new[] { "a", "b", "c" }, groups.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(new[] { 1, 3 }, groups["b"]);
        Assert.Equal(new[] { 2 }, groups["a"]);
        Assert.Equal(new[] { 4 }, groups["c"]);
        Assert.Empty(new Grouped<string, (string Key, int Value)>(Array.Empty<(string, int)>(), static item => item.Key).Groups);
    }

    private static int[] Group(Grouped<string, (string Key, int Value)> grouped, string key)
    {
        Assert.True(grouped.TryGetRange(key, out var start, out var end));
        return grouped.Items.Skip(start).Take(end - start).Select(item => item.Value).ToArray();
    }
}
