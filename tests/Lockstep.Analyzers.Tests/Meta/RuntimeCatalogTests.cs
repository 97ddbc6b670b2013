using System.Reflection;
using Lockstep.Analyzers.Catalog;
using Lockstep.Analyzers.Flow;
using Lockstep.Analyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Lockstep.Analyzers.Tests.Meta;

/// <summary>
/// The names the catalogue matches exist in the real runtime (<c>Lockstep.dll</c>, the build the tests
/// reference): a renamed runtime type or member would otherwise make its rules go silent, with every
/// rule test still green if it was written against the old name.
/// </summary>
public class RuntimeCatalogTests
{
    private static readonly Compilation Runtime = CSharpCompilation.Create(
        "RuntimeCatalogTests",
        references: AnalyzerHarness.References);

    /// <summary>Every <c>Lockstep…</c> type <see cref="WellKnownTypes"/> resolves, by property name.</summary>
    public static TheoryData<string> LockstepTypeProperties
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var property in LockstepTypePropertyInfos())
            {
                data.Add(property.Name);
            }

            return data;
        }
    }

    [Fact]
    public void TheTestsReferenceTheBuiltRuntime()
    {
        Assert.True(File.Exists(TestReferences.LockstepRuntimePath), TestReferences.LockstepRuntimePath);
        Assert.Equal("Lockstep", AssemblyName.GetAssemblyName(TestReferences.LockstepRuntimePath).Name);
        Assert.NotEmpty(LockstepTypePropertyInfos());
    }

    [Theory]
    [MemberData(nameof(LockstepTypeProperties))]
    public void WellKnownLockstepType_ExistsInTheRuntime(string property)
    {
        var types = WellKnownTypes.Create(Runtime);
        var symbol = (INamedTypeSymbol?)typeof(WellKnownTypes).GetProperty(property)!.GetValue(types);
        Assert.True(symbol is not null, $"WellKnownTypes.{property} does not resolve against {TestReferences.LockstepRuntimePath}");
        Assert.Equal(WellKnownTypes.LockstepNamespace, symbol!.ContainingNamespace.ToDisplayString());
        Assert.Equal(Accessibility.Public, symbol.DeclaredAccessibility);
    }

    /// <summary>Every <c>"Lockstep.…"</c> metadata name written in the catalogue's source, whatever property holds it.</summary>
    public static TheoryData<string> LockstepNamesInCatalogueSource
    {
        get
        {
            var data = new TheoryData<string>();
            var source = Repository.Read("src", "Analyzers", "Catalog", "WellKnownTypes.cs");
            foreach (var name in System.Text.RegularExpressions.Regex.Matches(source, "\"(Lockstep\\.[A-Za-z0-9_`+.]+)\"").Select(m => m.Groups[1].Value).Distinct())
            {
                data.Add(name);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(LockstepNamesInCatalogueSource))]
    public void LockstepNameInTheCatalogue_ExistsInTheRuntime(string metadataName)
    {
        Assert.True(Runtime.GetTypeByMetadataName(metadataName) is not null, $"WellKnownTypes.cs names {metadataName}, which {TestReferences.LockstepRuntimePath} does not define");
    }

    /// <summary>
    /// The members <c>PrimitiveCatalog.TryClassifyLockstep</c> matches by name on every Lockstep lock, and the
    /// nested <c>Scope</c> whose <c>Dispose()</c> releases. Keep in step with the catalogue.
    /// </summary>
    [Theory]
    [InlineData("Lockstep.Lock", true)]
    [InlineData("Lockstep.RLock", false)]
    [InlineData("Lockstep.Semaphore", true)]
    [InlineData("Lockstep.BoundedSemaphore", true)]
    public void LockstepLock_HasTheMembersTheCatalogueMatches(string metadataName, bool hasAsync)
    {
        var type = Runtime.GetTypeByMetadataName(metadataName);
        Assert.True(type is not null, metadataName + " is not in the runtime");

        var scope = Assert.Single(type!.GetTypeMembers("Scope"));
        Assert.Contains(scope.GetMembers("Dispose").OfType<IMethodSymbol>(), m => m.Parameters.IsEmpty && m.DeclaredAccessibility == Accessibility.Public);

        var acquire = PublicMethods(type, "Acquire");
        Assert.Contains(acquire, m => m.Parameters.IsEmpty);
        Assert.All(acquire, m => Assert.Equal(scope, m.ReturnType, SymbolEqualityComparer.Default));
        Assert.Contains(PublicMethods(type, "TryAcquire"), m => m.ReturnType.SpecialType == SpecialType.System_Boolean);
        Assert.Contains(PublicMethods(type, "Release"), m => m.Parameters.IsEmpty && m.ReturnsVoid);

        if (hasAsync)
        {
            var acquireAsync = Assert.Single(PublicMethods(type, "AcquireAsync"));
            var awaited = Assert.IsAssignableFrom<INamedTypeSymbol>(acquireAsync.ReturnType);
            Assert.Equal("ValueTask", awaited.Name);
            Assert.Equal(scope, Assert.Single(awaited.TypeArguments), SymbolEqualityComparer.Default);
        }
    }

    /// <summary>The catalogue classifies these runtime calls, and with the family the rules expect.</summary>
    [Theory]
    [InlineData("Lockstep.Lock", nameof(LockFamily.LockstepLock))]
    [InlineData("Lockstep.RLock", nameof(LockFamily.LockstepRLock))]
    [InlineData("Lockstep.Semaphore", nameof(LockFamily.LockstepSemaphore))]
    [InlineData("Lockstep.BoundedSemaphore", nameof(LockFamily.LockstepBoundedSemaphore))]
    public void PrimitiveCatalog_KnowsTheRuntimeLock(string metadataName, string family)
    {
        var catalog = PrimitiveCatalog.For(Runtime);
        Assert.True(catalog.TryGetFamily(Runtime.GetTypeByMetadataName(metadataName), out var actual));
        Assert.Equal(family, actual.ToString());
        Assert.All(Runtime.GetTypeByMetadataName(metadataName)!.GetTypeMembers("Scope"), s => Assert.True(catalog.IsScopeType(s)));
    }

    /// <summary>The hand-off annotations are matched by full name; they must be the runtime's.</summary>
    [Theory]
    [InlineData(HandOff.AcquiresAttribute)]
    [InlineData(HandOff.ReleasesAttribute)]
    public void HandOffAttribute_ExistsInTheRuntime(string fullName)
    {
        var type = Runtime.GetTypeByMetadataName(fullName);
        Assert.True(type is not null, fullName + " is not in the runtime");
        Assert.Equal("Attribute", type!.BaseType?.Name);
    }

    private static IEnumerable<PropertyInfo> LockstepTypePropertyInfos()
        => typeof(WellKnownTypes).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(INamedTypeSymbol) && p.Name.StartsWith("Lockstep", StringComparison.Ordinal));

    private static List<IMethodSymbol> PublicMethods(INamedTypeSymbol type, string name)
        => type.GetMembers(name).OfType<IMethodSymbol>().Where(m => m.DeclaredAccessibility == Accessibility.Public).ToList();
}
