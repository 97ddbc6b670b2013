namespace Lockstep.Analyzers.Tests.Quality;

/// <summary>
/// The same code gives the same diagnostics, in the same order, however the analysis is scheduled;
/// a cancelled analysis ends promptly with <see cref="OperationCanceledException"/> and nothing else.
/// </summary>
public class DeterminismTests
{
    [Fact]
    public async Task TenConcurrentRuns_GiveIdenticalDiagnostics()
    {
        var sources = AnalyzerHarness.SampleSources("Pitfalls");
        var runs = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            // Each run compiles afresh: nothing is shared between runs but the analyzer instances.
            var compilation = await AnalyzerHarness.CompileAsync(sources);
            var (diagnostics, exceptions) = await AnalyzerHarness.AnalyzeAsync(compilation, CancellationToken.None, concurrent: i % 2 == 0);
            Assert.Empty(exceptions);
            return diagnostics
                .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
                .ThenBy(d => d.Location.SourceSpan.Start)
                .ThenBy(d => d.Id, StringComparer.Ordinal)
                .Select(d => d.ToString())
                .ToList();
        }));

        Assert.NotEmpty(runs[0]);
        foreach (var run in runs.Skip(1))
        {
            Assert.Equal(runs[0], run);
        }
    }

    [Fact]
    public async Task CancellationAtRandomPoints_EndsWithOperationCanceledOnly()
    {
        var sources = AnalyzerHarness.SampleSources("Pitfalls");
        var random = new Random(7);
        for (var i = 0; i < 12; i++)
        {
            var compilation = await AnalyzerHarness.CompileAsync(sources);
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(0, 400)));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                var (_, exceptions) = await AnalyzerHarness.AnalyzeAsync(compilation, cancellation.Token);
                Assert.Empty(exceptions);
            }
            catch (OperationCanceledException)
            {
                // Expected when the token fired first; it must fire promptly.
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "cancellation took " + watch.Elapsed);
            }
        }
    }
}
