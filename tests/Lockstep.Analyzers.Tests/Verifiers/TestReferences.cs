using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Lockstep.Analyzers.Tests.Verifiers;

/// <summary>What every test compilation references: .NET 8 reference assemblies and the real Lockstep runtime.</summary>
internal static class TestReferences
{
    /// <summary>
    /// .NET 8 reference assemblies. The stock <c>ReferenceAssemblies.Net.Net80</c> pins
    /// Microsoft.NETCore.App.Ref 8.0.0, which the package mirror here does not hold; 8.0.28 is the same surface.
    /// </summary>
    public static ReferenceAssemblies Net80 { get; } = new ReferenceAssemblies(
        "net8.0",
        new PackageIdentity("Microsoft.NETCore.App.Ref", "8.0.28"),
        Path.Combine("ref", "net8.0"));

    /// <summary>The Lockstep runtime assembly (net8.0 build) that the test project was built with.</summary>
    public static string LockstepRuntimePath { get; } = typeof(TestReferences).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "LockstepRuntimePath").Value!;

    public static MetadataReference LockstepRuntime { get; } = MetadataReference.CreateFromFile(LockstepRuntimePath);

    public static ImmutableArray<MetadataReference> Additional { get; } = ImmutableArray.Create(LockstepRuntime);
}
