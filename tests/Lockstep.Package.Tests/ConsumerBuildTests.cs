using Lockstep.Package.Tests.Infrastructure;

namespace Lockstep.Package.Tests;

/// <summary>A user's <c>dotnet build</c> with the packages installed from the feed.</summary>
[Collection(PackagesCollection.Name)]
public sealed class ConsumerBuildTests(PackagedConsumer packages)
{
    [Fact]
    public void Build_Succeeds_WithLS1001AtTheAcquire_AndNoOtherWarning()
    {
        var build = packages.FirstBuild;

        Assert.True(build.Succeeded, build.ToString());
        // Nothing else either: a CS8032 (analyzer cannot be loaded) or an NU warning would show here.
        var diagnostic = Assert.Single(BuildDiagnostic.Parse(build.Output));
        AssertLS1001AtTheAcquire(diagnostic, "warning", packages.ConsumerDirectory);
    }

    [Fact]
    public void PragmaAndSuppressMessage_SilenceTheirOccurrences()
    {
        var build = packages.FirstBuild;

        Assert.True(build.Succeeded, build.ToString());
        Assert.DoesNotContain(BuildDiagnostic.Parse(build.Output), d => Path.GetFileName(d.Path) == ConsumerProject.SuppressedFileName);
    }

    [Fact]
    public async Task Build_WithTreatWarningsAsErrors_Fails()
    {
        var build = await packages.BuildAsync(packages.ConsumerDirectory, "--no-restore", "-p:TreatWarningsAsErrors=true");

        Assert.False(build.Succeeded, build.ToString());
        var diagnostic = Assert.Single(BuildDiagnostic.Parse(build.Output));
        AssertLS1001AtTheAcquire(diagnostic, "error", packages.ConsumerDirectory);
    }

    [Fact]
    public void EditorConfig_SeverityNone_SilencesTheRule()
    {
        var result = packages.Result(Scenarios.EditorConfigNone);

        Assert.True(result.Built, result.ToString());
        Assert.Empty(result.Diagnostics);
    }

    /// <summary>The scenario also raises LS1001's category to error in .editorconfig (see AnalysisModeTests).</summary>
    [Fact]
    public void AnalyzersPackageAlone_AsADevelopmentDependency_ReportsLS1001()
    {
        var result = packages.Result(Scenarios.AnalyzersOnlyStrictWithCategoryError);

        var diagnostic = Assert.Single(result.Diagnostics);
        AssertLS1001AtTheAcquire(diagnostic, "error", result.Directory);
    }

    private static void AssertLS1001AtTheAcquire(BuildDiagnostic diagnostic, string severity, string consumerDirectory)
    {
        var (line, column) = ConsumerProject.LeakedAcquireLocation();

        Assert.Equal("LS1001", diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(Path.Combine(consumerDirectory, ConsumerProject.CounterFileName), diagnostic.Path);
        Assert.Equal((line, column), (diagnostic.Line, diagnostic.Column));
        Assert.Contains("'_gate'", diagnostic.Message, StringComparison.Ordinal);
    }
}
