using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers.Tests.Meta;

/// <summary>
/// Every rule has a page at <c>docs/rules/LSxxxx.md</c> that its help link points at, with the standard
/// headings, a table that agrees with its descriptors, and C# examples that compile and do what the page
/// says. The conventions the pages follow (and a new page must follow) are in <c>docs/rules/README.md</c>.
/// </summary>
public partial class RuleDocsTests
{
    /// <summary>The <c>##</c> sections of every rule page, in this order and no others.</summary>
    public static readonly string[] StandardSections =
    {
        "What it finds", "Why it is a bug", "Non-compliant", "Compliant", "The fix", "Known limits", "Configure",
    };

    public static TheoryData<string> Ids => LockstepRules.IdData();

    [Theory]
    [MemberData(nameof(Ids))]
    public void HelpLinkUri_PointsAtTheRulePageInTheRepository(string id)
    {
        foreach (var descriptor in LockstepRules.ById[id])
        {
            Assert.StartsWith("https://", descriptor.HelpLinkUri, StringComparison.Ordinal);
            Assert.EndsWith("docs/rules/" + id + ".md", descriptor.HelpLinkUri, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(Repository.RulePagePath(id)), "missing rule page " + Repository.RulePagePath(id));
    }

    [Fact]
    public void EveryRulePage_BelongsToARule()
    {
        var pages = Directory.GetFiles(Repository.RuleDocsDirectory, "LS*.md").Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.NotEmpty(pages);
        Assert.All(pages, page => Assert.True(LockstepRules.ById.ContainsKey(page!), $"docs/rules/{page}.md has no descriptor with ID {page}"));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void RulePage_HasTheStandardHeadings(string id)
    {
        var page = Page(id);
        var title = LockstepRules.Primary(id).Title.ToString();
        var topLevel = page.Headings.Where(h => h.Level == 1).Select(h => h.Text).ToList();
        Assert.Equal(new[] { id + ": " + title }, topLevel);
        Assert.Equal(1, page.Headings[0].Level);
        Assert.Equal(StandardSections, page.Headings.Where(h => h.Level == 2).Select(h => h.Text).ToArray());
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void RulePage_TableMatchesTheDescriptors(string id)
    {
        var descriptor = LockstepRules.Primary(id);
        var rows = Page(id).KeyValueTable(id + ": " + descriptor.Title);
        string Value(string key) => Assert.Single(rows, r => r.Key == key).Value;

        Assert.Equal(id, Value("ID"));
        Assert.Equal(descriptor.Title.ToString(), Value("Title"));
        Assert.Equal(descriptor.Category, Value("Category"));
        Assert.Equal(descriptor.DefaultSeverity.ToString(), Value("Default severity"));

        var codeFix = Value("Code fix");
        Assert.True(
            codeFix.StartsWith(LockstepRules.HasCodeFix(id) ? "Yes" : "No", StringComparison.Ordinal),
            $"the 'Code fix' row says '{codeFix}', but a code fix provider for {id} {(LockstepRules.HasCodeFix(id) ? "exists" : "does not exist")}");

        // Every message the rule can show is quoted, exactly as the descriptor formats it.
        var messages = rows.Where(r => r.Key.StartsWith("Message", StringComparison.Ordinal)).Select(r => r.Value).ToList();
        foreach (var format in LockstepRules.ById[id].Select(d => d.MessageFormat.ToString()).Distinct())
        {
            Assert.True(messages.Any(m => m.Contains("`" + format + "`", StringComparison.Ordinal)), $"no 'Message' row quotes `{format}`");
        }

        Assert.Equal(LockstepRules.ById[id].Select(d => d.MessageFormat.ToString()).Distinct().Count(), messages.Count);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void RulePage_ConfigureSectionShowsSeveritySuppressionAndPresets(string id)
    {
        var text = File.ReadAllText(Repository.RulePagePath(id));
        var start = text.IndexOf("\n## Configure", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/rules/{id}.md has no '## Configure' section");
        var configure = text[start..];
        Assert.Contains($"dotnet_diagnostic.{id}.severity", configure, StringComparison.Ordinal);
        Assert.Contains($"#pragma warning disable {id}", configure, StringComparison.Ordinal);
        Assert.Contains($"[SuppressMessage(\"{LockstepRules.Primary(id).Category}\", \"{id}\"", configure, StringComparison.Ordinal);
        Assert.Contains("](../configuration.md)", configure, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every <c>csharp</c> block compiles against .NET and the Lockstep runtime, and the Lockstep diagnostics
    /// all analyzers report on it are exactly the lines marked <c>// LSxxxx</c>. Then, by section:
    /// Non-compliant blocks show this rule; Compliant blocks are clean; in The fix, a <c>before</c> block
    /// with its markers removed becomes the next <c>after</c> block through the first fix offered, a
    /// <c>no-fix</c> block shows the rule with no fix offered, an untagged block is clean.
    /// </summary>
    [Theory]
    [MemberData(nameof(Ids))]
    public async Task RulePage_CodeExamplesCompileAndShowWhatTheyClaim(string id)
    {
        var blocks = Page(id).CodeBlocks.Where(b => b.Language is "csharp" or "cs").ToList();
        var problems = new List<string>();
        void Check(bool condition, CodeBlock block, string message)
        {
            if (!condition)
            {
                problems.Add($"docs/rules/{id}.md, {block}: {message}");
            }
        }

        Assert.Contains(blocks, b => b.Section == "Non-compliant");
        Assert.Contains(blocks, b => b.Section == "Compliant");
        Assert.Equal(LockstepRules.HasCodeFix(id), blocks.Any(b => b.Section == "The fix" && b.HasTag("before")));

        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            var run = await AnalyzerHarness.RunAsync(block.Code);
            Check(!run.CompilerErrors.Any(), block, "does not compile:\n" + AnalysisRun.Describe(run.CompilerErrors));
            Check(run.AnalyzerExceptions.IsEmpty, block, "an analyzer threw:\n" + string.Join("\n", run.AnalyzerExceptions));

            var markers = Markers(block.Code);
            var reported = run.Lockstep.Select(d => (Line: d.Location.GetLineSpan().StartLinePosition.Line, d.Id)).ToHashSet();
            Check(
                markers.SetEquals(reported),
                block,
                "the '// LSxxxx' markers do not match the diagnostics.\n  marked:   " + Format(markers) + "\n  reported: " + Format(reported)
                    + "\n" + AnalysisRun.Describe(run.Lockstep));

            var showsRule = markers.Any(m => m.Id == id);
            switch (block.Section)
            {
                case "Non-compliant":
                    Check(showsRule, block, $"a non-compliant example must mark at least one {id}");
                    break;
                case "Compliant":
                    Check(markers.Count == 0, block, "a compliant example must not report anything");
                    break;
                case "The fix" when block.HasTag("before"):
                    Check(showsRule, block, $"a 'before' example must mark at least one {id}");
                    var after = i + 1 < blocks.Count && blocks[i + 1].HasTag("after") ? blocks[i + 1] : null;
                    Check(after is not null, block, "a 'before' block must be followed by an 'after' block");
                    var fixedCode = await AnalyzerHarness.ApplyFirstFixAsync(StripMarkers(block.Code), id);
                    Check(fixedCode is not null, block, $"no fix is offered for {id}");
                    if (after is not null && fixedCode is not null)
                    {
                        Check(Normalize(fixedCode) == Normalize(after.Code), block, "the fix produces\n" + fixedCode + "\nnot the 'after' block\n" + after.Code);
                    }

                    break;
                case "The fix" when block.HasTag("no-fix"):
                    Check(showsRule, block, $"a 'no-fix' example must mark at least one {id}");
                    Check(await AnalyzerHarness.ApplyFirstFixAsync(StripMarkers(block.Code), id) is null, block, $"a fix is offered for {id}");
                    break;
                case "The fix":
                    Check(markers.Count == 0, block, "an 'after' or untagged example in The fix must not report anything");
                    break;
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    internal static MarkdownDocument Page(string id) => new(File.ReadAllText(Repository.RulePagePath(id)));

    /// <summary>The (line, ID) pairs a block marks with a comment that starts with a rule ID: <c>// LS1001: why</c>.</summary>
    internal static HashSet<(int Line, string Id)> Markers(string code)
        => code.Split('\n')
            .SelectMany((line, index) => MarkerPattern().Matches(line).Select(m => (index, m.Groups[1].Value)))
            .ToHashSet();

    internal static string StripMarkers(string code)
        => string.Join("\n", code.Split('\n').Select(line => MarkerPattern().Replace(line, "")));

    private static string Normalize(string code)
        => string.Join("\n", code.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd())).Trim();

    private static string Format(IEnumerable<(int Line, string Id)> items)
        => string.Join(", ", items.OrderBy(i => i.Line).Select(i => $"{i.Id}@{i.Line + 1}"));

    [GeneratedRegex(@"\s*//\s*(LS\d{4})\b.*$")]
    private static partial Regex MarkerPattern();
}
