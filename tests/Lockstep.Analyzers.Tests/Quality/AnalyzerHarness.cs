using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;
using Lockstep.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Lockstep.Analyzers.Tests.Quality;

/// <summary>
/// Runs every Lockstep analyzer (found by reflection, so new rules are covered without edits) over
/// plain compilations, outside the test library's harness: what a build or the IDE does.
/// </summary>
internal static class AnalyzerHarness
{
    private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References = new(async () =>
    {
        var framework = await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        return framework.Add(TestReferences.LockstepRuntime);
    });

    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = typeof(Lockstep.Analyzers.Rules.LockPairingAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    public static ImmutableArray<CodeFixProvider> Fixers { get; } = typeof(CodeFixes.Rules.LockPairingCodeFixProvider).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    public static Task<CSharpCompilation> CompileAsync(params string[] sources)
        => CompileAsync(new CSharpParseOptions(LanguageVersion.CSharp12), includeRuntime: true, sources);

    public static async Task<CSharpCompilation> CompileAsync(CSharpParseOptions parseOptions, bool includeRuntime, params string[] sources)
    {
        var references = await References.Value;
        if (!includeRuntime)
        {
            references = references.Remove(TestReferences.LockstepRuntime);
        }

        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parseOptions, path: $"/src/File{i}.cs"));
        return CSharpCompilation.Create("Subject", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
    }

    /// <summary>Analyzer diagnostics plus every exception an analyzer threw (other than cancellation).</summary>
    public static async Task<(ImmutableArray<Diagnostic> Diagnostics, IReadOnlyList<Exception> Exceptions)> AnalyzeAsync(Compilation compilation, CancellationToken cancellationToken, bool concurrent = true)
    {
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, diagnostic) =>
            {
                if (exception is not OperationCanceledException)
                {
                    lock (exceptions)
                    {
                        exceptions.Add(new InvalidOperationException(analyzer.GetType().Name + " threw: " + exception, exception));
                    }
                }
            },
            concurrentAnalysis: concurrent,
            logAnalyzerExecutionTime: false);
        var withAnalyzers = compilation.WithAnalyzers(Analyzers, options);
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellationToken);
        return (diagnostics, exceptions);
    }

    /// <summary>The C# inputs the suite and the samples contain: raw-string snippets of the tests (markup removed) and the sample files.</summary>
    public static IReadOnlyList<string> Corpus()
    {
        var root = RepositoryRoot();
        var inputs = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "tests", "Lockstep.Analyzers.Tests", "Rules"), "*.cs", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file));
            foreach (var token in tree.GetRoot().DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken) && token.ValueText.Contains("class ", StringComparison.Ordinal))
                {
                    inputs.Add(StripMarkup(token.ValueText));
                }
            }
        }

        foreach (var sample in new[] { "Pitfalls", "Tutorial" })
        {
            var folder = Path.Combine(root, "samples", sample);
            foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal))
            {
                inputs.Add("using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading; using System.Threading.Tasks;\n" + File.ReadAllText(file));
            }
        }

        return inputs;
    }

    /// <summary>The files of one sample (with its implicit usings spelled out), top-level programs left out.</summary>
    public static string[] SampleSources(string sample)
        => Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "samples", sample), "*.cs", SearchOption.TopDirectoryOnly)
            .Where(f => Path.GetFileName(f) != "Program.cs")
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading; using System.Threading.Tasks;\n" + File.ReadAllText(f))
            .ToArray();

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Analyzers.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Analyzers.sln not found above " + AppContext.BaseDirectory);
    }

    private static string StripMarkup(string text)
        => Regex.Replace(text, @"\{\|[^:|]*:|\|\}|\[\||\|\]", string.Empty);
}
