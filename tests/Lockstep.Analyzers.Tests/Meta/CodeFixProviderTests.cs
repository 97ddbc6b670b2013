using System.Composition;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Lockstep.Analyzers.Tests.Meta;

/// <summary>Every code fix provider in Lockstep.CodeFixes: fixes real rules, is visible to the IDE, supports Fix All.</summary>
public class CodeFixProviderTests
{
    public static TheoryData<string> Providers
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var type in LockstepRules.CodeFixProviderTypes)
            {
                data.Add(type.FullName!);
            }

            return data;
        }
    }

    [Fact]
    public void TheCodeFixAssembly_HasProviders() => Assert.NotEmpty(LockstepRules.CodeFixProviderTypes);

    [Theory]
    [MemberData(nameof(Providers))]
    public void CodeFixProvider_FixesOnlyRulesThatExist(string provider)
    {
        var ids = Create(provider).FixableDiagnosticIds;
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.True(LockstepRules.ById.ContainsKey(id), $"{provider} fixes {id}, which no analyzer reports"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void CodeFixProvider_HasAFixAllProvider(string provider)
    {
        Assert.NotNull(Create(provider).GetFixAllProvider());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void CodeFixProvider_IsExportedForCSharpAndShared(string provider)
    {
        var type = LockstepRules.CodeFixProviderTypes.Single(t => t.FullName == provider);
        var export = type.GetCustomAttribute<ExportCodeFixProviderAttribute>();
        Assert.NotNull(export);
        Assert.Contains(LanguageNames.CSharp, export.Languages);
        Assert.NotNull(type.GetCustomAttribute<SharedAttribute>());
    }

    [Fact]
    public void EquivalenceKeys_AreDistinctAcrossProviders()
    {
        var keys = LockstepRules.CodeFixProviderTypes
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name.EndsWith("Key", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    private static CodeFixProvider Create(string provider)
        => (CodeFixProvider)Activator.CreateInstance(LockstepRules.CodeFixProviderTypes.Single(t => t.FullName == provider))!;
}
