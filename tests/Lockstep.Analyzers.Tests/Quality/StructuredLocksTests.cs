using System.Collections.Immutable;
using Lockstep.Analyzers.Catalog;
using Lockstep.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Tests.Quality;

/// <summary>
/// The structured fast path (no control-flow graph) must tell the rules exactly what the flow engine
/// tells them: for every body of every input of the suite that the fast path accepts, the same acquires
/// with the same locks held before them, the same held sets at every operation, the same re-entries
/// and awaits, and no leak or stray release for the flow engine to find.
/// </summary>
public class StructuredLocksTests
{
    [Fact]
    public async Task FastPath_AgreesWithTheFlowEngine_OnEveryBodyOfTheCorpus()
    {
        var compared = 0;
        var failures = new List<string>();
        foreach (var source in AnalyzerHarness.Corpus())
        {
            var compilation = await AnalyzerHarness.CompileAsync(source);
            var catalog = PrimitiveCatalog.For(compilation);
            if (catalog.IsEmpty)
            {
                continue;
            }

            foreach (var tree in compilation.SyntaxTrees)
            {
                var model = compilation.GetSemanticModel(tree);
                foreach (var member in tree.GetRoot().DescendantNodes().Where(n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax))
                {
                    if (model.GetOperation(member) is not { } root || model.GetDeclaredSymbol(member) is not IMethodSymbol method)
                    {
                        continue;
                    }

                    var structured = StructuredLocks.TryCollect(ImmutableArray.Create(root), method, catalog, CancellationToken.None);
                    if (structured is null || !structured.Any(s => s.Recording.Result.AcquiredKeys.Count > 0))
                    {
                        continue;
                    }

                    var graphs = new List<(ControlFlowGraph Graph, IMethodSymbol? Method)>();
                    ControlFlowGraph? cfg = root switch
                    {
                        IMethodBodyOperation body => ControlFlowGraph.Create(body),
                        IConstructorBodyOperation body => ControlFlowGraph.Create(body),
                        IBlockOperation body => ControlFlowGraph.Create(body),
                        _ => null,
                    };
                    if (cfg is null)
                    {
                        continue;
                    }

                    CollectGraphs(cfg, method, graphs);
                    var fromGraph = new List<string>();
                    var fromTree = new List<string>();
                    foreach (var (graph, _) in graphs)
                    {
                        var observer = new RecordingObserver();
                        var result = LockFlowAnalysis.Analyze(graph, catalog, observer, CancellationToken.None);
                        if (result is null)
                        {
                            fromGraph.Add("(gave up)");
                            continue;
                        }

                        fromGraph.AddRange(observer.Lines);
                        fromGraph.AddRange(Describe(result));
                        if (result.NormalExitLeaks.Count + result.ExceptionalExitLeaks.Count + result.LoopLeaks.Count + result.ReleasesNotHeld.Count > 0)
                        {
                            fromGraph.Add("(leak or stray release)");
                        }
                    }

                    foreach (var (_, recording) in structured)
                    {
                        var observer = new RecordingObserver();
                        var result = recording.Replay(observer);
                        fromTree.AddRange(observer.Lines);
                        fromTree.AddRange(Describe(result));
                    }

                    fromGraph.Sort(StringComparer.Ordinal);
                    fromTree.Sort(StringComparer.Ordinal);
                    compared++;
                    if (!fromGraph.SequenceEqual(fromTree))
                    {
                        failures.Add($"{method.ToDisplayString()} in:{Environment.NewLine}{member}{Environment.NewLine}graph only: {string.Join(" | ", fromGraph.Except(fromTree))}{Environment.NewLine}tree only: {string.Join(" | ", fromTree.Except(fromGraph))}");
                    }
                }
            }
        }

        Assert.True(compared > 100, $"only {compared} bodies took the fast path");
        // Both engines ran on every body: neither may have written into the empty collections results share until they fill their own.
        Assert.True(LockFlowResult.SharedEmptiesAreEmpty(), "an engine added to a shared empty collection of LockFlowResult");
        Assert.True(failures.Count == 0, $"{failures.Count} of {compared} bodies differ:{Environment.NewLine}{string.Join(Environment.NewLine + Environment.NewLine, failures.Take(5))}");
    }

    private static void CollectGraphs(ControlFlowGraph graph, IMethodSymbol? method, List<(ControlFlowGraph, IMethodSymbol?)> graphs)
    {
        graphs.Add((graph, method));
        foreach (var localFunction in graph.LocalFunctions)
        {
            CollectGraphs(graph.GetLocalFunctionControlFlowGraph(localFunction), localFunction, graphs);
        }

        foreach (var block in graph.Blocks)
        {
            foreach (var operation in block.Operations.Concat(block.BranchValue is null ? [] : [block.BranchValue]))
            {
                foreach (var lambda in operation.DescendantsAndSelf().OfType<IFlowAnonymousFunctionOperation>())
                {
                    CollectGraphs(graph.GetAnonymousFunctionControlFlowGraph(lambda), null, graphs);
                }
            }
        }
    }

    private static IEnumerable<string> Describe(LockFlowResult result)
    {
        foreach (var pair in result.AcquiredWhileHeld.Where(p => !p.Key.IsImplicit))
        {
            yield return $"re-entry {pair.Key.Syntax.Span} held by {pair.Value.Syntax.Span}";
        }

        foreach (var pair in result.HeldAcrossAwait)
        {
            yield return $"await {pair.Value.Syntax.Span} holding {pair.Key.Syntax.Span}";
        }
    }

    private sealed class RecordingObserver : ILockFlowObserver
    {
        public List<string> Lines { get; } = new();

        public bool WantsOperation(IOperation operation) => !operation.IsImplicit && operation is IInvocationOperation or IPropertyReferenceOperation or IFieldReferenceOperation
            or ICompoundAssignmentOperation or IIncrementOrDecrementOperation or ISimpleAssignmentOperation or IObjectCreationOperation or IDelegateCreationOperation;

        public void OnAcquire(AcquireSite site, HeldLocks before)
            => Lines.Add($"acquire {site.Operation.Syntax.Span} {site.Key} {site.Family} before [{Keys(before.May)}] / [{Keys(before.Must)}]");

        public void OnOperation(IOperation operation, HeldLocks held)
        {
            if (!held.IsEmpty)
            {
                Lines.Add($"{operation.Kind} {operation.Syntax.Span} held [{Keys(held.May)}] / [{Keys(held.Must)}]");
            }
        }

        private static string Keys(ImmutableHashSet<LockKey> keys) => string.Join(", ", keys.Select(k => k.DisplayName).OrderBy(k => k, StringComparer.Ordinal));
    }
}
