using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Lockstep.Analyzers.Tests.Quality;

/// <summary>
/// Analyzers run on every keystroke: half-typed, broken and odd code must produce no exception and no
/// hang. Mutants of every test input and sample (seeded, so a failure reproduces) go through every
/// analyzer and every code fix. Set LOCKSTEP_MUTANTS (e.g. 20000) for the long mode; the regular run
/// takes a few hundred.
/// </summary>
public class RobustnessTests
{
    private const int DefaultMutants = 240;
    private static readonly TimeSpan PerMutantLimit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Mutants_NeverThrowOrHang()
    {
        var corpus = AnalyzerHarness.Corpus();
        Assert.NotEmpty(corpus);
        var count = int.TryParse(Environment.GetEnvironmentVariable("LOCKSTEP_MUTANTS"), out var n) && n > 0 ? n : DefaultMutants;
        var random = new Random(20261123);
        var failures = new List<string>();
        for (var i = 0; i < count && failures.Count < 5; i++)
        {
            var source = corpus[random.Next(corpus.Count)];
            var (mutant, how) = Mutate(source, random);
            using var timeout = new CancellationTokenSource(PerMutantLimit);
            try
            {
                var compilation = await AnalyzerHarness.CompileAsync(mutant);
                var (diagnostics, exceptions) = await AnalyzerHarness.AnalyzeAsync(compilation, timeout.Token);
                failures.AddRange(exceptions.Select(e => $"mutant {i} ({how}): {e.Message}"));
                await RunFixesAsync(mutant, diagnostics, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                failures.Add($"mutant {i} ({how}) took longer than {PerMutantLimit.TotalSeconds} s");
            }
            catch (Exception e)
            {
                failures.Add($"mutant {i} ({how}): {e}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task EmptyAndDegenerateFiles_ProduceNothing()
    {
        foreach (var source in new[] { string.Empty, "class", "}", "namespace N;", "class C { void M() { lock ( } }", "class C { void M() => System.Threading.Monitor.Enter(; }" })
        {
            var compilation = await AnalyzerHarness.CompileAsync(source);
            var (diagnostics, exceptions) = await AnalyzerHarness.AnalyzeAsync(compilation, CancellationToken.None);
            Assert.Empty(exceptions);
            Assert.Empty(diagnostics);
        }
    }

    /// <summary>Every fix registered for every diagnostic computes its change without throwing.</summary>
    private static async Task RunFixesAsync(string source, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        if (diagnostics.IsEmpty)
        {
            return;
        }

        using var workspace = new AdhocWorkspace();
        var references = (await AnalyzerHarness.CompileAsync(string.Empty)).References;
        var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "Subject", "Subject", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
            parseOptions: new CSharpParseOptions(LanguageVersion.CSharp12),
            metadataReferences: references));
        var document = workspace.AddDocument(project.Id, "File0.cs", SourceText.From(source));
        var tree = await document.GetSyntaxTreeAsync(cancellationToken);
        foreach (var diagnostic in diagnostics.Where(d => d.Location.IsInSource))
        {
            var located = Diagnostic.Create(diagnostic.Descriptor, Location.Create(tree!, diagnostic.Location.SourceSpan), diagnostic.AdditionalLocations.Where(l => l.IsInSource).Select(l => Location.Create(tree!, l.SourceSpan)), diagnostic.Properties);
            foreach (var fixer in AnalyzerHarness.Fixers.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                var actions = new List<CodeAction>();
                await fixer.RegisterCodeFixesAsync(new CodeFixContext(document, located, (action, _) => actions.Add(action), cancellationToken));
                foreach (var action in actions)
                {
                    foreach (var operation in await action.GetOperationsAsync(cancellationToken))
                    {
                        if (operation is ApplyChangesOperation apply)
                        {
                            var changed = apply.ChangedSolution.GetDocument(document.Id);
                            _ = changed is null ? null : await changed.GetTextAsync(cancellationToken);
                        }
                    }
                }
            }
        }
    }

    private static (string Mutant, string How) Mutate(string source, Random random)
    {
        var tokens = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().Where(t => t.Span.Length > 0).ToList();
        if (tokens.Count < 4)
        {
            return (source, "unchanged");
        }

        var pick = tokens[random.Next(tokens.Count)];
        switch (random.Next(6))
        {
            case 0:
                return (source.Remove(pick.SpanStart, pick.Span.Length), $"delete '{pick.Text}' at {pick.SpanStart}");
            case 1:
                return (source.Insert(pick.SpanStart, pick.Text + " "), $"duplicate '{pick.Text}' at {pick.SpanStart}");
            case 2:
                var index = tokens.IndexOf(pick);
                if (index + 1 >= tokens.Count)
                {
                    goto case 0;
                }

                var next = tokens[index + 1];
                var swapped = source.Substring(0, pick.SpanStart) + next.Text + source.Substring(pick.Span.End, next.SpanStart - pick.Span.End) + pick.Text + source.Substring(next.Span.End);
                return (swapped, $"swap '{pick.Text}' and '{next.Text}' at {pick.SpanStart}");
            case 3:
                var cut = random.Next(source.Length / 3, source.Length);
                return (source.Substring(0, cut), $"cut at {cut}");
            case 4:
                var braces = tokens.Where(t => t.IsKind(SyntaxKind.CloseBraceToken)).ToList();
                if (braces.Count == 0)
                {
                    goto case 0;
                }

                var brace = braces[random.Next(braces.Count)];
                return (source.Remove(brace.SpanStart, 1), $"remove '}}' at {brace.SpanStart}");
            default:
                var types = tokens.Where(t => t.IsKind(SyntaxKind.IdentifierToken) && t.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax && char.IsUpper(t.ValueText[0])).ToList();
                if (types.Count == 0)
                {
                    goto case 0;
                }

                var type = types[random.Next(types.Count)];
                return (source.Remove(type.SpanStart, type.Span.Length).Insert(type.SpanStart, "Unknown" + type.ValueText), $"unknown type for '{type.ValueText}' at {type.SpanStart}");
        }
    }
}
