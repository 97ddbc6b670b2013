namespace Lockstep.Analyzers.Tests.Meta;

/// <summary>
/// Every rule is in Roslyn release tracking (<c>src/Analyzers/AnalyzerReleases.Shipped.md</c> then
/// <c>Unshipped.md</c>, with New / Changed / Removed sections applied in order) with its category and
/// default severity, nothing else is, and the changelog's Unreleased section names every unshipped rule.
/// </summary>
public class ReleaseTrackingTests
{
    [Theory]
    [MemberData(nameof(RuleDocsTests.Ids), MemberType = typeof(RuleDocsTests))]
    public void Rule_IsInReleaseTrackingWithItsCategoryAndSeverity(string id)
    {
        var tracked = Tracked();
        Assert.True(tracked.TryGetValue(id, out var entry), $"{id} is in neither AnalyzerReleases.Shipped.md nor AnalyzerReleases.Unshipped.md");
        var descriptor = LockstepRules.Primary(id);
        Assert.Equal(descriptor.Category, entry.Category);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), entry.Severity);
    }

    [Fact]
    public void ReleaseTracking_HasNoRuleThatDoesNotExist()
    {
        Assert.All(Tracked().Keys, id => Assert.True(LockstepRules.ById.ContainsKey(id), $"release tracking lists {id}, which no analyzer reports"));
    }

    [Fact]
    public void Changelog_UnreleasedSectionNamesEveryUnshippedRule()
    {
        var changelog = Repository.Read("CHANGELOG.md");
        var start = changelog.IndexOf("## Unreleased", StringComparison.Ordinal);
        Assert.True(start >= 0, "CHANGELOG.md has no '## Unreleased' section");
        var next = changelog.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var unreleased = next < 0 ? changelog[start..] : changelog[start..next];

        var unshipped = new Dictionary<string, (string Category, string Severity)>();
        Apply(Repository.Read("src", "Analyzers", "AnalyzerReleases.Unshipped.md"), unshipped);
        Assert.All(unshipped.Keys, id => Assert.Contains(id, unreleased, StringComparison.Ordinal));
    }

    private static Dictionary<string, (string Category, string Severity)> Tracked()
    {
        var rules = new Dictionary<string, (string Category, string Severity)>();
        Apply(Repository.Read("src", "Analyzers", "AnalyzerReleases.Shipped.md"), rules);
        Apply(Repository.Read("src", "Analyzers", "AnalyzerReleases.Unshipped.md"), rules);
        return rules;
    }

    /// <summary>Applies one release file: New rows add a rule, Changed rows give it a new category and severity, Removed rows drop it.</summary>
    private static void Apply(string text, Dictionary<string, (string Category, string Severity)> rules)
    {
        var section = "";
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("###", StringComparison.Ordinal))
            {
                section = line.TrimStart('#').Trim();
                continue;
            }

            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length < 3 || !LockstepRules.IsLockstepId(cells[0]))
            {
                continue;
            }

            switch (section)
            {
                case "New Rules":
                case "Changed Rules": // Rule ID | New Category | New Severity | Old Category | Old Severity | Notes
                    rules[cells[0]] = (cells[1], cells[2]);
                    break;
                case "Removed Rules":
                    rules.Remove(cells[0]);
                    break;
                default:
                    throw new InvalidOperationException($"a rule row outside a New/Changed/Removed Rules section: {line}");
            }
        }
    }
}
