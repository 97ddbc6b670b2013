using Lockstep.Package.Tests.Infrastructure;

namespace Lockstep.Package.Tests;

/// <summary>
/// <c>dotnet format analyzers</c> loads the analyzers and code fixes of a project's package references,
/// so a user can apply Lockstep fixes in bulk from the command line.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class DotnetFormatTests(PackagedConsumer packages)
{
    [Fact]
    public async Task FormatAnalyzers_AppliesTheLS1001Fix_AndTheProjectThenBuildsClean()
    {
        var directory = packages.CopyOfConsumer("dotnet-format");

        var format = await packages.ConsumerDotnet.RunAsync(directory, "format", "analyzers", ConsumerProject.ProjectFileName, "--diagnostics", "LS1001", "--severity", "warn", "--verbosity", "diagnostic");

        Assert.True(format.Succeeded, format.ToString());
        Assert.DoesNotContain("Unable to fix LS1001", format.Output, StringComparison.Ordinal);
        var fixedCode = File.ReadAllText(Path.Combine(directory, ConsumerProject.CounterFileName));
        Assert.DoesNotContain("Monitor.Enter", fixedCode, StringComparison.Ordinal);
        Assert.Contains("lock (_gate)", fixedCode, StringComparison.Ordinal);

        var build = await packages.BuildAsync(directory, "--no-restore");

        Assert.True(build.Succeeded, build.ToString());
        Assert.Empty(BuildDiagnostic.Lockstep(build.Output));
    }
}
