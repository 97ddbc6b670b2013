using System.Text.RegularExpressions;

namespace Lockstep.Package.Tests.Infrastructure;

/// <summary>One compiler diagnostic as MSBuild prints it: <c>path(line,col): warning LS1001: message [project]</c>.</summary>
public sealed partial record BuildDiagnostic(string Path, int Line, int Column, string Severity, string Id, string Message)
{
    /// <summary>
    /// The distinct diagnostics in a build transcript. MSBuild prints each one twice (as it happens and
    /// in the summary), hence the distinct.
    /// </summary>
    public static IReadOnlyList<BuildDiagnostic> Parse(string output)
        => DiagnosticLine().Matches(output)
            .Select(m => new BuildDiagnostic(
                m.Groups["path"].Value.Trim(),
                int.Parse(m.Groups["line"].Value),
                int.Parse(m.Groups["col"].Value),
                m.Groups["severity"].Value,
                m.Groups["id"].Value,
                m.Groups["message"].Value.Trim()))
            .Distinct()
            .ToList();

    /// <summary>The Lockstep diagnostics (LSxxxx) of a build transcript.</summary>
    public static IReadOnlyList<BuildDiagnostic> Lockstep(string output)
        => Parse(output).Where(d => d.Id.StartsWith("LS", StringComparison.Ordinal)).ToList();

    [GeneratedRegex(@"^\s*(?<path>[^\r\n(]+)\((?<line>\d+),(?<col>\d+)(?:,\d+,\d+)?\): (?<severity>warning|error|info) (?<id>[A-Za-z]+\d+): (?<message>[^\r\n]*?)(?: \[[^\]\r\n]+\])?\r?$", RegexOptions.Multiline)]
    private static partial Regex DiagnosticLine();
}
