using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Tests.Quality;

/// <summary>
/// Every API that starts concurrent work is recognized. The catalog rules out a call or creation by its method or type
/// name before it compares any symbol (it runs on every call and creation of every member); this pins the names it
/// lets through.
/// </summary>
public class ConcurrencyEntriesTests
{
    private const string Source = """
        using System;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        class Starts
        {
            async Task All(WorkerPool pool)
            {
                new Thread(() => { }).Start();
                new Worker(() => { }).Start();
                Task.Run(() => { });
                Task.Factory.StartNew(() => { });
                new TaskFactory<int>().StartNew(() => 1);
                Parallel.For(0, 10, i => { });
                Parallel.ForEach(new[] { 1, 2 }, i => { });
                await Parallel.ForAsync(0, 10, (i, c) => ValueTask.CompletedTask);
                await Parallel.ForEachAsync(new[] { 1, 2 }, (i, c) => ValueTask.CompletedTask);
                Parallel.Invoke(() => { }, () => { });
                ThreadPool.QueueUserWorkItem(_ => { });
                ThreadPool.UnsafeQueueUserWorkItem(_ => { }, null);
                pool.Submit(() => { });
                pool.Map((int i) => i, new[] { 1, 2 }).ToList();
            }
        }
        """;

    [Fact]
    public async Task EveryStartApi_IsRecognized()
    {
        var compilation = await AnalyzerHarness.CompileAsync(Source);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var entries = new ConcurrencyEntries(WellKnownTypes.Create(compilation));
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var found = new List<string>();
        var batch = new List<ConcurrencyEntry>();
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            if (model.GetOperation(node) is { } operation and (IInvocationOperation or IObjectCreationOperation))
            {
                batch.Clear();
                if (entries.TryClassify(operation, batch))
                {
                    found.AddRange(batch.Select(e => e.Api).Distinct());
                }
            }
        }

        Assert.Equal(
            new[]
            {
                "new Thread", "new Worker", "Task.Run", "Task.Factory.StartNew", "Task.Factory.StartNew", "Parallel.For", "Parallel.ForEach",
                "Parallel.ForAsync", "Parallel.ForEachAsync", "Parallel.Invoke", "ThreadPool.QueueUserWorkItem", "ThreadPool.QueueUserWorkItem",
                "WorkerPool.Submit", "WorkerPool.Map",
            },
            found);
    }
}
