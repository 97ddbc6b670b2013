using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Lockstep.Analyzers.Tests.Quality;

/// <summary>
/// Lockstep is clean on itself: the runtime library's own sources and the tutorial sample produce no
/// Lockstep diagnostic (a finding is fixed in the code, or justified with a [SuppressMessage] that says why).
/// </summary>
public class SelfAnalysisTests
{
    [Fact]
    public async Task RuntimeSources_HaveNoLockstepDiagnostics()
    {
        var root = AnalyzerHarness.RepositoryRoot();
        var files = Directory.EnumerateFiles(Path.Combine(root, "src", "Runtime"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(File.ReadAllText)
            .Prepend("global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Threading; global using System.Threading.Tasks;")
            .ToArray();
        var compilation = await AnalyzerHarness.CompileAsync(new CSharpParseOptions(LanguageVersion.CSharp12, preprocessorSymbols: new[] { "NET", "NET8_0", "NET8_0_OR_GREATER", "NETCOREAPP" }), includeRuntime: false, files);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(5).ToList();
        Assert.True(errors.Count == 0, "the runtime sources should compile here: " + string.Join(Environment.NewLine, errors));

        var (diagnostics, exceptions) = await AnalyzerHarness.AnalyzeAsync(compilation, CancellationToken.None);
        Assert.Empty(exceptions);
        Assert.True(diagnostics.IsEmpty, string.Join(Environment.NewLine, diagnostics));
    }

    [Fact]
    public async Task TutorialSample_HasNoLockstepDiagnostics()
    {
        var compilation = await AnalyzerHarness.CompileAsync(AnalyzerHarness.SampleSources("Tutorial"));
        var (diagnostics, exceptions) = await AnalyzerHarness.AnalyzeAsync(compilation, CancellationToken.None);
        Assert.Empty(exceptions);
        Assert.True(diagnostics.IsEmpty, string.Join(Environment.NewLine, diagnostics));
    }
}
