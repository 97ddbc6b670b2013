using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Lockstep.Analyzers.Tests.Quality;

/// <summary>The namespace check the engine uses instead of building display strings.</summary>
public class NamespaceNamesTests
{
    [Fact]
    public async Task Is_MatchesExactlyTheWholeDottedName()
    {
        var compilation = await AnalyzerHarness.CompileAsync("""
            namespace MySystem.Threading.Tasks { public class Task { } }
            namespace System.Threading.Tasks.Extra { public class Helper { } }
            public class AtTheTop { }
            """);
        var task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task")!.ContainingNamespace;
        var exception = compilation.GetTypeByMetadataName("System.Exception")!.ContainingNamespace;
        var lookalike = compilation.GetTypeByMetadataName("MySystem.Threading.Tasks.Task")!.ContainingNamespace;
        var deeper = compilation.GetTypeByMetadataName("System.Threading.Tasks.Extra.Helper")!.ContainingNamespace;
        var global = compilation.GetTypeByMetadataName("AtTheTop")!.ContainingNamespace;

        Assert.True(NamespaceNames.Is(task, "System.Threading.Tasks"));
        Assert.True(NamespaceNames.Is(exception, "System"));
        Assert.False(NamespaceNames.Is(task, "System.Threading"));
        Assert.False(NamespaceNames.Is(task, "Threading.Tasks"));
        Assert.False(NamespaceNames.Is(task, "System"));
        Assert.False(NamespaceNames.Is(exception, "System.Threading"));
        Assert.False(NamespaceNames.Is(lookalike, "System.Threading.Tasks"));
        Assert.False(NamespaceNames.Is(deeper, "System.Threading.Tasks"));
        Assert.True(NamespaceNames.Is(deeper, "System.Threading.Tasks.Extra"));
        Assert.False(NamespaceNames.Is(global, "System"));
        Assert.False(NamespaceNames.Is(null, "System"));
        foreach (var ns in new[] { task, exception, lookalike, deeper })
        {
            Assert.True(NamespaceNames.Is(ns, ns.ToDisplayString()), ns.ToDisplayString());
        }
    }
}
