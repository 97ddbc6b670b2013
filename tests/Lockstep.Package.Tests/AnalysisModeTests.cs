using System.IO.Compression;
using System.Text.Json;
using Lockstep.Package.Tests.Infrastructure;

namespace Lockstep.Package.Tests;

/// <summary>The presets: <c>LockstepAnalysisMode</c> = recommended (default), strict or none.</summary>
[Collection(PackagesCollection.Name)]
public sealed class AnalysisModeTests(PackagedConsumer packages)
{
    /// <summary>Every rule with its category and default severity, as in the rule catalogue.</summary>
    public static readonly IReadOnlyList<(string Id, string Category, string Default)> Rules =
    [
        ("LS1001", "Lockstep.LockPairing", "warning"),
        ("LS1002", "Lockstep.LockPairing", "warning"),
        ("LS1003", "Lockstep.LockPairing", "warning"),
        ("LS1004", "Lockstep.LockPairing", "warning"),
        ("LS2001", "Lockstep.Deadlock", "warning"),
        ("LS2002", "Lockstep.Deadlock", "warning"),
        ("LS2003", "Lockstep.Deadlock", "suggestion"),
        ("LS2004", "Lockstep.Deadlock", "warning"),
        ("LS3001", "Lockstep.Queues", "warning"),
        ("LS3002", "Lockstep.Queues", "warning"),
        ("LS3003", "Lockstep.Queues", "warning"),
        ("LS4001", "Lockstep.ChildLifecycle", "warning"),
        ("LS4002", "Lockstep.ChildLifecycle", "error"),
        ("LS4003", "Lockstep.ChildLifecycle", "suggestion"),
        ("LS4004", "Lockstep.ChildLifecycle", "error"),
        ("LS4005", "Lockstep.ChildLifecycle", "warning"),
        ("LS5001", "Lockstep.SharedState", "warning"),
        ("LS5002", "Lockstep.SharedState", "warning"),
    ];

    [Theory]
    [InlineData(null, "Lockstep.recommended.globalconfig")]
    [InlineData("strict", "Lockstep.strict.globalconfig")]
    [InlineData("none", "Lockstep.none.globalconfig")]
    public async Task Mode_OnTheCommandLine_HandsItsPresetToTheCompiler(string? mode, string expectedFile)
    {
        // Runs only the package's target, then lists the config files the compiler would be given.
        var arguments = new List<string> { "msbuild", ConsumerProject.ProjectFileName, "-t:AddLockstepAnalysisModeConfig", "-getItem:EditorConfigFiles", "-nodeReuse:false" };
        if (mode is not null)
        {
            arguments.Add($"-p:LockstepAnalysisMode={mode}");
        }

        var result = await packages.ConsumerDotnet.RunAsync(packages.ConsumerDirectory, [.. arguments]);
        Assert.True(result.Succeeded, result.ToString());

        using var json = JsonDocument.Parse(result.Output);
        var presets = json.RootElement.GetProperty("Items").GetProperty("EditorConfigFiles").EnumerateArray()
            .Select(item => item.GetProperty("FullPath").GetString()!)
            .Where(path => Path.GetFileName(path).StartsWith("Lockstep.", StringComparison.Ordinal))
            .ToList();

        // The consumer references only Lockstep, so the preset must come through buildTransitive/.
        var expected = Path.Combine(packages.PackagesDirectory, "lockstep.analyzers", packages.Version, "buildTransitive", expectedFile);
        Assert.Equal([expected], presets);
    }

    [Fact]
    public void ModeNone_InTheProjectFile_SilencesLS1001()
    {
        var result = packages.Result(Scenarios.ModeNone);

        Assert.True(result.Built, result.ToString());
        Assert.Empty(result.Diagnostics);
    }

    /// <summary>
    /// Also the one build under the strict preset, set in the project file of a project that references
    /// Lockstep.Analyzers directly.
    /// </summary>
    [Fact]
    public void CategorySeverityInEditorConfig_WinsOverThePreset()
    {
        var result = packages.Result(Scenarios.AnalyzersOnlyStrictWithCategoryError);

        Assert.False(result.Built, result.ToString());
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("LS1001", "error"), (diagnostic.Id, diagnostic.Severity));
    }

    [Fact]
    public void MisspeltMode_FailsTheBuild_NamingTheValidModes()
    {
        var result = packages.Result(Scenarios.MisspeltMode);

        Assert.False(result.Built, result.ToString());
        Assert.True(result.Reported("LockstepAnalysisMode is 'strcit'; it must be recommended, strict or none."), result.ToString());
    }

    [Theory]
    [InlineData("recommended")]
    [InlineData("strict")]
    [InlineData("none")]
    public void Preset_GivesEveryRuleItsDocumentedSeverity(string mode)
    {
        var entries = ReadGlobalConfig($"buildTransitive/Lockstep.{mode}.globalconfig");

        Assert.Equal("true", entries.GetValueOrDefault("is_global"));
        foreach (var (id, category, defaultSeverity) in Rules)
        {
            var expected = mode switch
            {
                "recommended" => defaultSeverity,
                "strict" => defaultSeverity == "error" ? "error" : "warning",
                _ => "none",
            };

            Assert.True(expected == EffectiveSeverity(entries, id, category, defaultSeverity), $"{id} under '{mode}': expected {expected}, the preset gives {EffectiveSeverity(entries, id, category, defaultSeverity)}");
        }
    }

    /// <summary>
    /// The presets set categories, not rule IDs: in a global config an ID entry outranks a category entry
    /// of the user's .editorconfig. The only exceptions are the two error rules strict must keep at error.
    /// </summary>
    [Theory]
    [InlineData("recommended")]
    [InlineData("strict")]
    [InlineData("none")]
    public void Preset_SetsNoRuleByIdBeyondTheErrorsStrictKeeps(string mode)
    {
        var entries = ReadGlobalConfig($"buildTransitive/Lockstep.{mode}.globalconfig");

        var byId = entries.Keys.Where(k => k.StartsWith("dotnet_diagnostic.", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        string[] expected = mode == "strict" ? ["dotnet_diagnostic.LS4002.severity", "dotnet_diagnostic.LS4004.severity"] : [];
        Assert.Equal(expected, byId);
    }

    [Theory]
    [InlineData("recommended")]
    [InlineData("strict")]
    [InlineData("none")]
    public void Preset_IsIdenticalInBuildAndBuildTransitive(string mode)
        => Assert.Equal(ReadGlobalConfig($"build/Lockstep.{mode}.globalconfig"), ReadGlobalConfig($"buildTransitive/Lockstep.{mode}.globalconfig"));

    /// <summary>The compiler's order within one config: the rule's ID, then its category, then all analyzers, then the default.</summary>
    private static string EffectiveSeverity(IReadOnlyDictionary<string, string> entries, string id, string category, string defaultSeverity)
        => entries.GetValueOrDefault($"dotnet_diagnostic.{id}.severity")
            ?? entries.GetValueOrDefault($"dotnet_analyzer_diagnostic.category-{category}.severity")
            ?? entries.GetValueOrDefault("dotnet_analyzer_diagnostic.severity")
            ?? defaultSeverity;

    private Dictionary<string, string> ReadGlobalConfig(string entryName)
    {
        using var zip = ZipFile.OpenRead(packages.AnalyzersPackagePath);
        using var reader = new StreamReader(zip.GetEntry(entryName)?.Open() ?? throw new InvalidOperationException($"{entryName} is not in the package"));
        var entries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length == 0 || line[0] is '#' or ';' or '[')
            {
                continue;
            }

            var equals = line.IndexOf('=');
            Assert.True(equals > 0, $"Not a key = value line in {entryName}: {line}");
            Assert.True(entries.TryAdd(line[..equals].Trim(), line[(equals + 1)..].Trim()), $"Duplicate key in {entryName}: {line}");
        }

        return entries;
    }
}
