using System.Text.Json;
using Lockstep.Package.Tests.Infrastructure;

namespace Lockstep.Package.Tests;

/// <summary>
/// CI-friendly output: <c>-p:ErrorLog=path%2Cversion=2.1</c> makes the compiler write a SARIF 2.1 log that
/// code-scanning tools read, with each rule's help link.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class SarifTests(PackagedConsumer packages)
{
    [Fact]
    public void ErrorLog_IsSarif21_AndDescribesLS1001WithItsHelpLink()
    {
        Assert.True(packages.FirstBuild.Succeeded, packages.FirstBuild.ToString());
        Assert.True(File.Exists(packages.SarifPath), $"No SARIF log at {packages.SarifPath}{Environment.NewLine}{packages.FirstBuild}");

        using var sarif = JsonDocument.Parse(File.ReadAllText(packages.SarifPath));
        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());

        var run = Assert.Single(sarif.RootElement.GetProperty("runs").EnumerateArray());
        var rule = Assert.Single(run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray(), r => r.GetProperty("id").GetString() == "LS1001");
        Assert.Equal("https://github.com/lockstep-dotnet/lockstep/blob/main/docs/rules/LS1001.md", rule.GetProperty("helpUri").GetString());
        Assert.Equal("Lockstep.LockPairing", rule.GetProperty("properties").GetProperty("category").GetString());

        // The log keeps suppressed occurrences too, marked as such, so code scanning can tell them apart.
        var results = run.GetProperty("results").EnumerateArray().Where(r => r.GetProperty("ruleId").GetString() == "LS1001").ToList();
        Assert.Equal(2, results.Count(IsSuppressed));
        var result = Assert.Single(results, r => !IsSuppressed(r));
        Assert.Equal("warning", result.GetProperty("level").GetString());
        var location = result.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.EndsWith("/" + ConsumerProject.CounterFileName, location.GetProperty("artifactLocation").GetProperty("uri").GetString(), StringComparison.Ordinal);
        var (line, column) = ConsumerProject.LeakedAcquireLocation();
        Assert.Equal(line, location.GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.Equal(column, location.GetProperty("region").GetProperty("startColumn").GetInt32());
    }

    private static bool IsSuppressed(JsonElement result)
        => result.TryGetProperty("suppressions", out var suppressions) && suppressions.GetArrayLength() > 0;
}
