namespace Lockstep.Analyzers.Tests.Meta;

/// <summary>The checked-out repository the tests run from: found by walking up to <c>Analyzers.sln</c>.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string RuleDocsDirectory => PathOf("docs", "rules");

    /// <summary>The page a rule's help link points at, as a path in the repository.</summary>
    public static string RulePagePath(string id) => PathOf("docs", "rules", id + ".md");

    public static string PathOf(params string[] parts) => Path.Combine(new[] { Root }.Concat(parts).ToArray());

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Analyzers.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Analyzers.sln not found above " + AppContext.BaseDirectory);
    }
}
