using System.Collections.Concurrent;
using System.Collections.Immutable;
using Lockstep.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Lockstep.Analyzers.Tests.Meta;

/// <summary>What a run of analyzers over one source produced: compiler and analyzer diagnostics, and any analyzer exception.</summary>
internal sealed record AnalysisRun(
    ImmutableArray<Diagnostic> CompilerDiagnostics,
    ImmutableArray<Diagnostic> AnalyzerDiagnostics,
    ImmutableArray<string> AnalyzerExceptions)
{
    public IEnumerable<Diagnostic> CompilerErrors => CompilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    public IEnumerable<Diagnostic> Lockstep => AnalyzerDiagnostics.Where(d => LockstepRules.IsLockstepId(d.Id));

    public static string Describe(IEnumerable<Diagnostic> diagnostics)
        => string.Join(Environment.NewLine, diagnostics.Select(d => "  " + d));
}

/// <summary>
/// Runs analyzers (by default every Lockstep analyzer together) through <see cref="CompilationWithAnalyzers"/>,
/// the way a build does, recording analyzer exceptions instead of letting them become AD0001. Code is
/// compiled against the running .NET (so <c>System.Threading.Lock</c> exists) and the real Lockstep runtime.
/// </summary>
internal static class AnalyzerHarness
{
    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.CSharp12);

    public static CSharpCompilationOptions CompilationOptions { get; } = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable);

    /// <summary>The shared framework the tests run on (not the test's own dependencies), plus the Lockstep runtime.</summary>
    public static ImmutableArray<MetadataReference> References { get; } = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Where(path => Path.GetDirectoryName(path) == Path.GetDirectoryName(typeof(object).Assembly.Location))
        .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
        .Append(TestReferences.LockstepRuntime)
        .ToImmutableArray();

    public static CSharpCompilation Compile(string source, string path = "Test.cs")
        => CSharpCompilation.Create(
            "LockstepMetaTest",
            new[] { CSharpSyntaxTree.ParseText(source, ParseOptions, path) },
            References,
            CompilationOptions);

    public static Task<AnalysisRun> RunAsync(string source, ImmutableArray<DiagnosticAnalyzer>? analyzers = null)
        => RunAsync(Compile(source), analyzers ?? LockstepRules.CreateAnalyzers());

    public static async Task<AnalysisRun> RunAsync(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var exceptions = new ConcurrentQueue<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, analyzer, _) => exceptions.Enqueue(analyzer.GetType().Name + ": " + exception),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        var withAnalyzers = compilation.WithAnalyzers(analyzers, options);
        var analyzerDiagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        return new AnalysisRun(
            compilation.GetDiagnostics(),
            analyzerDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray(),
            exceptions.ToImmutableArray());
    }

    /// <summary>
    /// Runs the analyzers over <paramref name="source"/> in a workspace and applies the first fix a provider
    /// offers for a diagnostic with <paramref name="id"/>, as the lightbulb would (the code action's own
    /// formatting and simplification included). Null when no diagnostic with that ID has a fix.
    /// </summary>
    public static async Task<string?> ApplyFirstFixAsync(string source, string id)
    {
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "LockstepMetaTest", "LockstepMetaTest", LanguageNames.CSharp,
                compilationOptions: CompilationOptions, parseOptions: ParseOptions, metadataReferences: References))
            .AddDocument(documentId, "Test.cs", SourceText.From(source));
        var document = solution.GetDocument(documentId)!;
        var run = await RunAsync((await document.Project.GetCompilationAsync())!, LockstepRules.CreateAnalyzers());

        foreach (var diagnostic in run.AnalyzerDiagnostics.Where(d => d.Id == id))
        {
            foreach (var provider in LockstepRules.CreateCodeFixProviders().Where(p => p.FixableDiagnosticIds.Contains(id)))
            {
                var actions = new List<CodeAction>();
                await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
                if (actions.Count == 0)
                {
                    continue;
                }

                var operations = await actions[0].GetOperationsAsync(CancellationToken.None);
                var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
                return (await changed.GetDocument(documentId)!.GetTextAsync()).ToString();
            }
        }

        return null;
    }
}
