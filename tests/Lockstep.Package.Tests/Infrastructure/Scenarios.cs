namespace Lockstep.Package.Tests.Infrastructure;

/// <summary>
/// A variant of the consumer: its own folder, package reference, project-file analysis mode and
/// .editorconfig. Every scenario is built by the fixture in one <c>dotnet build</c> of a solution that
/// holds them all: one restore and one MSBuild for all, instead of one each.
/// </summary>
public sealed record Scenario(string Name)
{
    /// <summary>Named after the scenario: a solution needs distinct project names.</summary>
    public string ProjectFileName => Name + ".csproj";

    public string PackageReference { get; init; } = "Lockstep";

    public string? AnalysisMode { get; init; }

    public string? EditorConfig { get; init; }
}

/// <summary>The scenarios the tests assert on. A new one only needs a line here and in <see cref="All"/>.</summary>
public static class Scenarios
{
    /// <summary>The rule turned off in the user's .editorconfig.</summary>
    public static readonly Scenario EditorConfigNone = new("editorconfig-none")
    {
        EditorConfig = "dotnet_diagnostic.LS1001.severity = none",
    };

    /// <summary><c>&lt;LockstepAnalysisMode&gt;none&lt;/LockstepAnalysisMode&gt;</c> in the project file.</summary>
    public static readonly Scenario ModeNone = new("mode-none") { AnalysisMode = "none" };

    /// <summary>
    /// <c>Lockstep.Analyzers</c> alone, as the development dependency <c>dotnet add package</c> writes,
    /// under the strict preset, with a category entry in the user's .editorconfig that must win over the
    /// preset (a preset that set rules by ID would silently beat <c>dotnet_analyzer_diagnostic.category-….severity</c>).
    /// One scenario for both: each costs a compilation, and the package tests must stay quick.
    /// </summary>
    public static readonly Scenario AnalyzersOnlyStrictWithCategoryError = new("analyzers-only-strict-category-error")
    {
        PackageReference = "Lockstep.Analyzers",
        AnalysisMode = "strict",
        EditorConfig = "dotnet_analyzer_diagnostic.category-Lockstep.LockPairing.severity = error",
    };

    /// <summary>A mode that does not exist.</summary>
    public static readonly Scenario MisspeltMode = new("misspelt-mode") { AnalysisMode = "strcit" };

    public static IReadOnlyList<Scenario> All { get; } = [EditorConfigNone, ModeNone, AnalyzersOnlyStrictWithCategoryError, MisspeltMode];
}

/// <summary>What the shared build did to one scenario.</summary>
public sealed record ScenarioResult(string Directory, string ProjectPath, bool Built, IReadOnlyList<BuildDiagnostic> Diagnostics, CommandResult Build)
{
    /// <summary>Whether the build printed <paramref name="text"/> on a line about this scenario's project.</summary>
    public bool Reported(string text)
        => Build.Output.Split('\n').Any(line => line.Contains(text, StringComparison.Ordinal) && line.Contains($"[{ProjectPath}]", StringComparison.Ordinal));

    public override string ToString() => $"Scenario in {Directory} (built: {Built}){Environment.NewLine}{Build}";
}
