using System.Collections.Immutable;
using System.Reflection;
using Lockstep.Analyzers.Rules;
using Lockstep.CodeFixes.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Lockstep.Analyzers.Tests.Meta;

/// <summary>
/// Every rule the package ships, found by reflection: each <see cref="DiagnosticAnalyzer"/> in
/// Lockstep.Analyzers and each <see cref="CodeFixProvider"/> in Lockstep.CodeFixes. A new analyzer or
/// fix is covered by the meta tests the moment it exists; nothing here lists rules by hand.
/// </summary>
internal static class LockstepRules
{
    public static Assembly AnalyzerAssembly { get; } = typeof(LockPairingAnalyzer).Assembly;

    public static Assembly CodeFixAssembly { get; } = typeof(LockPairingCodeFixProvider).Assembly;

    public static ImmutableArray<Type> AnalyzerTypes { get; } = AnalyzerAssembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToImmutableArray();

    public static ImmutableArray<Type> CodeFixProviderTypes { get; } = CodeFixAssembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToImmutableArray();

    public static ImmutableArray<DiagnosticAnalyzer> CreateAnalyzers()
        => AnalyzerTypes.Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!).ToImmutableArray();

    public static ImmutableArray<CodeFixProvider> CreateCodeFixProviders()
        => CodeFixProviderTypes.Select(t => (CodeFixProvider)Activator.CreateInstance(t)!).ToImmutableArray();

    /// <summary>Every descriptor some analyzer supports (one ID may carry several).</summary>
    public static ImmutableArray<DiagnosticDescriptor> Descriptors { get; } = CreateAnalyzers()
        .SelectMany(a => a.SupportedDiagnostics)
        .Distinct()
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToImmutableArray();

    /// <summary>The descriptors grouped by rule ID, in ID order.</summary>
    public static ImmutableSortedDictionary<string, ImmutableArray<DiagnosticDescriptor>> ById { get; } = Descriptors
        .GroupBy(d => d.Id)
        .ToImmutableSortedDictionary(g => g.Key, g => g.ToImmutableArray(), StringComparer.Ordinal);

    public static IEnumerable<string> Ids => ById.Keys;

    /// <summary>The descriptor that speaks for an ID (title, severity, category are the same on all of them; a test checks that).</summary>
    public static DiagnosticDescriptor Primary(string id) => ById[id][0];

    /// <summary>Whether some code fix provider offers a fix for the ID.</summary>
    public static bool HasCodeFix(string id) => CreateCodeFixProviders().Any(p => p.FixableDiagnosticIds.Contains(id));

    public static bool IsLockstepId(string id) => id.Length == 6 && id.StartsWith("LS", StringComparison.Ordinal) && id.Skip(2).All(char.IsDigit);

    /// <summary>Rule IDs for <c>[Theory]</c> data.</summary>
    public static TheoryData<string> IdData()
    {
        var data = new TheoryData<string>();
        foreach (var id in Ids)
        {
            data.Add(id);
        }

        return data;
    }

    /// <summary>Analyzer type names for <c>[Theory]</c> data.</summary>
    public static TheoryData<string> AnalyzerData()
    {
        var data = new TheoryData<string>();
        foreach (var type in AnalyzerTypes)
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    public static DiagnosticAnalyzer CreateAnalyzer(string fullName)
        => (DiagnosticAnalyzer)Activator.CreateInstance(AnalyzerTypes.Single(t => t.FullName == fullName))!;
}
