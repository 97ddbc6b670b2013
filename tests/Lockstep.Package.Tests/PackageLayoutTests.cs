using System.IO.Compression;
using System.Xml.Linq;
using Lockstep.Package.Tests.Infrastructure;

namespace Lockstep.Package.Tests;

/// <summary>What is inside the two .nupkg files: the layout NuGet and the compiler rely on.</summary>
[Collection(PackagesCollection.Name)]
public sealed class PackageLayoutTests(PackagedConsumer packages)
{
    private static readonly string[] Presets = ["recommended", "strict", "none"];

    [Fact]
    public void AnalyzersPackage_HasBothAssembliesUnderAnalyzers_AndNoLib()
    {
        var entries = Entries(packages.AnalyzersPackagePath);

        Assert.Contains("analyzers/dotnet/cs/Lockstep.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Lockstep.CodeFixes.dll", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) || e.StartsWith("ref/", StringComparison.Ordinal));
        // Roslyn is provided by the compiler that loads the analyzers; shipping it would shadow the host's copy.
        Assert.DoesNotContain(entries, e => Path.GetFileName(e).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
    }

    [Fact]
    public void AnalyzersPackage_IsADevelopmentDependency_WithNoDependencies()
    {
        var metadata = Nuspec(packages.AnalyzersPackagePath);

        Assert.Equal("true", Element(metadata, "developmentDependency")?.Value);
        Assert.Equal(packages.Version, Element(metadata, "version")?.Value);
        Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency");
    }

    [Fact]
    public void AnalyzersPackage_ShipsThePresets_InBuildAndBuildTransitive()
    {
        var entries = Entries(packages.AnalyzersPackagePath);

        foreach (var folder in new[] { "build", "buildTransitive" })
        {
            // NuGet imports <folder>/<package id>.props and .targets by name.
            Assert.Contains($"{folder}/Lockstep.Analyzers.props", entries);
            Assert.Contains($"{folder}/Lockstep.Analyzers.targets", entries);
            foreach (var preset in Presets)
            {
                Assert.Contains($"{folder}/Lockstep.{preset}.globalconfig", entries);
            }
        }
    }

    [Fact]
    public void RuntimePackage_HasTheLibraryAndItsDocs_ForNet8AndNet10()
    {
        var entries = Entries(packages.RuntimePackagePath);

        foreach (var framework in new[] { "net8.0", "net10.0" })
        {
            Assert.Contains($"lib/{framework}/Lockstep.dll", entries);
            Assert.Contains($"lib/{framework}/Lockstep.xml", entries);
        }

        // The analyzers come through the dependency, never as a copy inside the runtime package.
        Assert.DoesNotContain(entries, e => e.StartsWith("analyzers/", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.EndsWith("Lockstep.Analyzers.dll", StringComparison.Ordinal) || e.EndsWith("Lockstep.CodeFixes.dll", StringComparison.Ordinal));
    }

    [Fact]
    public void RuntimePackage_DependsOnTheAnalyzers_WithAMinimumVersion_InEveryGroup()
    {
        var metadata = Nuspec(packages.RuntimePackagePath);
        var groups = metadata.Descendants().Where(e => e.Name.LocalName == "group").ToList();

        Assert.Equal(["net10.0", "net8.0"], groups.Select(g => (string?)g.Attribute("targetFramework")).Order(StringComparer.Ordinal));
        foreach (var group in groups)
        {
            var dependency = Assert.Single(group.Elements(), e => (string?)e.Attribute("id") == "Lockstep.Analyzers");
            var version = (string?)dependency.Attribute("version");
            // A plain version (or "[v, )") is a minimum: users may take newer analyzers than the runtime's.
            Assert.True(version == packages.Version || version == $"[{packages.Version}, )", $"Unexpected version range '{version}' in {group}");

            // Whatever is excluded, the analyzers and the props/targets that carry the presets must flow to the user.
            var excluded = ((string?)dependency.Attribute("exclude") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Assert.DoesNotContain(excluded, e => e is "All" or "Analyzers" or "Build" or "BuildTransitive");
        }
    }

    private static IReadOnlySet<string> Entries(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
    }

    private static XElement Nuspec(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        var nuspec = Assert.Single(zip.Entries, e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var document = XDocument.Load(stream);
        return document.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static XElement? Element(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name);
}
