using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Lockstep.Analyzers.Tests.Meta;

/// <summary>The descriptors themselves: IDs, families, and agreement between descriptors that share an ID.</summary>
public class DescriptorTests
{
    /// <summary>The category each ID family must carry, written out here rather than taken from the factory it checks.</summary>
    private static readonly Dictionary<char, string> FamilyCategories = new()
    {
        ['1'] = "Lockstep.LockPairing",
        ['2'] = "Lockstep.Deadlock",
        ['3'] = "Lockstep.Queues",
        ['4'] = "Lockstep.ChildLifecycle",
        ['5'] = "Lockstep.SharedState",
    };

    public static TheoryData<string> Ids => LockstepRules.IdData();

    public static TheoryData<string> Analyzers => LockstepRules.AnalyzerData();

    [Fact]
    public void TheAnalyzerAssembly_HasRules()
    {
        Assert.NotEmpty(LockstepRules.AnalyzerTypes);
        Assert.NotEmpty(LockstepRules.Descriptors);
    }

    [Theory]
    [MemberData(nameof(Analyzers))]
    public void Analyzer_IsDeclaredForCSharp(string analyzer)
    {
        var type = LockstepRules.AnalyzerTypes.Single(t => t.FullName == analyzer);
        var attribute = type.GetCustomAttribute<DiagnosticAnalyzerAttribute>();
        Assert.NotNull(attribute);
        Assert.Contains(LanguageNames.CSharp, attribute.Languages);
        Assert.NotEmpty(LockstepRules.CreateAnalyzer(analyzer).SupportedDiagnostics);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Id_IsLsFollowedByFourDigitsOfAKnownFamily(string id)
    {
        Assert.Matches("^LS[1-5][0-9]{3}$", id);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Category_FollowsTheIdFamily(string id)
    {
        foreach (var descriptor in LockstepRules.ById[id])
        {
            Assert.Equal(FamilyCategories[id[2]], descriptor.Category);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void DescriptorsSharingAnId_AgreeOnTitleSeverityCategoryAndHelpLink(string id)
    {
        var descriptors = LockstepRules.ById[id];
        var first = descriptors[0];
        foreach (var descriptor in descriptors)
        {
            Assert.Equal(first.Title.ToString(), descriptor.Title.ToString());
            Assert.Equal(first.DefaultSeverity, descriptor.DefaultSeverity);
            Assert.Equal(first.Category, descriptor.Category);
            Assert.Equal(first.HelpLinkUri, descriptor.HelpLinkUri);
            Assert.Equal(first.IsEnabledByDefault, descriptor.IsEnabledByDefault);
        }

        // Several descriptors for one ID exist only to say different things.
        Assert.Equal(descriptors.Length, descriptors.Select(d => d.MessageFormat.ToString()).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Descriptor_HasATitleAMessageAndADescription(string id)
    {
        foreach (var descriptor in LockstepRules.ById[id])
        {
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString()));
            Assert.False(descriptor.Title.ToString().EndsWith('.'), "a title is not a sentence: " + descriptor.Title);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.MessageFormat.ToString()));
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()), id + " has no description (the IDE shows it under the message)");
        }
    }

    [Fact]
    public void EveryRuleIdConstant_HasADescriptor()
    {
        var constants = typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (Name: f.Name, Id: (string)f.GetRawConstantValue()!))
            .ToList();
        Assert.NotEmpty(constants);
        Assert.All(constants, c => Assert.True(LockstepRules.ById.ContainsKey(c.Id), $"RuleIds.{c.Name} = {c.Id} is not supported by any analyzer"));
        Assert.Equal(constants.Count, constants.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public void EveryDescriptorField_IsSupportedByAnAnalyzer()
    {
        var fields = typeof(Descriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .ToList();
        Assert.NotEmpty(fields);
        Assert.All(fields, f => Assert.True(
            LockstepRules.Descriptors.Contains((DiagnosticDescriptor)f.GetValue(null)!),
            $"Descriptors.{f.Name} is declared but no analyzer lists it in SupportedDiagnostics"));
    }
}
