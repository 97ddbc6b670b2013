namespace Lockstep.Analyzers.Tests.Meta;

/// <summary>
/// The README's "Rules" table is the index of every rule: one row per ID, in ID order, with the
/// descriptor's title and default severity and a link to the rule's page.
/// </summary>
public class ReadmeRuleTableTests
{
    private static readonly MarkdownDocument Readme = new(Repository.Read("README.md"));

    [Fact]
    public void ReadmeRuleTable_HasTheExpectedColumns()
    {
        var table = Readme.Table("Rules");
        Assert.NotEmpty(table);
        Assert.Equal(new[] { "ID", "Title", "Default severity", "Docs" }, table[0]);
    }

    [Fact]
    public void ReadmeRuleTable_HasOneRowPerRuleInIdOrder()
    {
        var ids = Rows().Select(r => r[0]).ToList();
        Assert.Equal(LockstepRules.Ids.ToList(), ids);
    }

    [Theory]
    [MemberData(nameof(RuleDocsTests.Ids), MemberType = typeof(RuleDocsTests))]
    public void ReadmeRuleTableRow_MatchesTheDescriptor(string id)
    {
        var row = Assert.Single(Rows(), r => r[0] == id);
        var descriptor = LockstepRules.Primary(id);
        Assert.Equal(4, row.Count);
        Assert.Equal(descriptor.Title.ToString(), row[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), row[2]);
        Assert.Equal($"[{id}](docs/rules/{id}.md)", row[3]);
    }

    private static IEnumerable<IReadOnlyList<string>> Rows() => Readme.Table("Rules").Skip(1);
}
