using Lockstep.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Lockstep.Analyzers.Tests.Quality;

/// <summary>The table of recent members that analyzers share per-member work through.</summary>
public class OperationCacheTests
{
    [Fact]
    public async Task ConcurrentReadersAndWriters_NeverGetAnotherMembersValue()
    {
        // More members than the table has slots, so threads keep overwriting each other's slots.
        var source = "class C {\n" + string.Concat(Enumerable.Range(0, 300).Select(i => $"    int M{i}(int x) => x + {i};\n")) + "}";
        var compilation = await AnalyzerHarness.CompileAsync(source);
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var keys = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>()
            .Select(m => model.GetOperation(m)!)
            .ToArray();
        Assert.Equal(300, keys.Length);

        var cache = new OperationCache<Made>();
        var created = 0;
        using var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            start.Wait();
            var random = new Random(t);
            for (var i = 0; i < 50_000; i++)
            {
                var key = keys[random.Next(keys.Length)];
                var value = cache.GetOrCreate(key, key, k =>
                {
                    Interlocked.Increment(ref created);
                    return new Made(k);
                });
                Assert.Same(key, value.Key);
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(workers);

        // And a key asked for twice in a row, with nothing in between, is found the second time.
        var first = cache.GetOrCreate(keys[0], keys[0], k => new Made(k));
        Assert.Same(first, cache.GetOrCreate(keys[0], keys[0], k => new Made(k)));
        Assert.True(created < 8 * 50_000, "the cache never hit");
    }

    public sealed class Made
    {
        public Made(IOperation key) => Key = key;

        public IOperation Key { get; }
    }
}
