using System.Reflection;
using System.Text;

namespace Lockstep.Package.Tests.Infrastructure;

/// <summary>
/// The expensive part, done once for every test in the <see cref="PackagesCollection"/>: pack both
/// packages with a version of their own into a local feed, install <c>Lockstep</c> from it into a fresh
/// console project outside the repository, build that project once (writing a SARIF log), then build
/// every <see cref="Scenarios">scenario</see> together.
/// </summary>
/// <remarks>
/// Packing uses <c>--no-build --no-restore</c> in the configuration this test assembly was built in: the
/// projects were built before this assembly (see the project references in the .csproj), and other test
/// processes of the same <c>dotnet test</c> may be using them, so the tests must not build or restore
/// them again. The version is a global property, so the packages' dependency carries it as well.
/// </remarks>
public sealed class PackagedConsumer : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    public PackagedConsumer()
    {
        var assembly = typeof(PackagedConsumer).Assembly;
        Configuration = Metadata(assembly, "Configuration");
        RepositoryRoot = FindRepositoryRoot();

        // 0.1.0 -> 0.1.0-test.<ticks>: newer than nothing real, unique per run, so no cache can answer for it.
        var baseVersion = Metadata(assembly, "PackageVersion").Split('-', '+')[0];
        Version = $"{baseVersion}-test.{DateTime.UtcNow.Ticks}";

        WorkDirectory = Path.Combine(Path.GetTempPath(), "lockstep-package-tests", Version);
        if (IsUnder(WorkDirectory, RepositoryRoot))
        {
            throw new InvalidOperationException($"The temporary folder {WorkDirectory} is inside the repository; the consumer would inherit its Directory.Build.props.");
        }

        FeedDirectory = Path.Combine(WorkDirectory, "feed");
        PackagesDirectory = Path.Combine(WorkDirectory, "packages");
        ConsumerDirectory = Path.Combine(WorkDirectory, "consumer");
        SarifPath = Path.Combine(WorkDirectory, "logs", "consumer.sarif");
        RepositoryDotnet = Dotnet.ForRepository(CommandTimeout);
        ConsumerDotnet = Dotnet.ForConsumers(PackagesDirectory, CommandTimeout);
    }

    public string Configuration { get; }

    public string RepositoryRoot { get; }

    /// <summary>The version both packages were packed with, e.g. <c>0.1.0-test.638712345678901234</c>.</summary>
    public string Version { get; }

    /// <summary>Everything the tests write lives here, outside the repository.</summary>
    public string WorkDirectory { get; }

    public string FeedDirectory { get; }

    public string PackagesDirectory { get; }

    /// <summary>The consumer that references <c>Lockstep</c>; built once by the fixture, only rebuilt with other properties by the tests.</summary>
    public string ConsumerDirectory { get; }

    public string AnalyzersPackagePath => Path.Combine(FeedDirectory, $"Lockstep.Analyzers.{Version}.nupkg");

    public string RuntimePackagePath => Path.Combine(FeedDirectory, $"Lockstep.{Version}.nupkg");

    /// <summary>The SARIF 2.1 log of <see cref="FirstBuild"/>.</summary>
    public string SarifPath { get; }

    /// <summary>The consumer's first build: restore from the feed, compile, SARIF log.</summary>
    public CommandResult FirstBuild { get; private set; } = null!;

    /// <summary>The one build of all the <see cref="Scenarios"/>.</summary>
    public CommandResult ScenarioBuild { get; private set; } = null!;

    /// <summary>Runs <c>dotnet</c> in the consumers' world: private packages folder, no build servers.</summary>
    public Dotnet ConsumerDotnet { get; }

    private Dotnet RepositoryDotnet { get; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkDirectory);
        WriteIsolationFiles();

        var packs = await Task.WhenAll(
            PackAsync(Path.Combine("src", "CodeFixes", "Lockstep.CodeFixes.csproj")),
            PackAsync(Path.Combine("src", "Runtime", "Lockstep.csproj")));
        foreach (var pack in packs)
        {
            if (!pack.Succeeded)
            {
                throw new InvalidOperationException($"dotnet pack failed. Build the solution in {Configuration} first.{Environment.NewLine}{pack}");
            }
        }

        ConsumerProject.Write(ConsumerDirectory, Version, PackagesDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(SarifPath)!);

        // MSBuild splits -p values at ',' and ';'; %2C is the comma the compiler needs in "path,version=2.1".
        FirstBuild = await ConsumerDotnet.RunAsync(ConsumerDirectory, ["build", ConsumerProject.ProjectFileName, $"-p:ErrorLog={SarifPath}%2Cversion=2.1", .. Dotnet.MSBuildOptions]);

        var solution = new StringBuilder("<Solution>\n");
        foreach (var scenario in Scenarios.All)
        {
            ConsumerProject.Write(ScenarioDirectory(scenario), Version, PackagesDirectory, scenario.PackageReference, scenario.AnalysisMode, scenario.EditorConfig, scenario.ProjectFileName);
            solution.Append($"  <Project Path=\"{scenario.Name}/{scenario.ProjectFileName}\" />\n");
        }

        File.WriteAllText(Path.Combine(WorkDirectory, "scenarios.slnx"), solution.Append("</Solution>\n").ToString());
        ScenarioBuild = await ConsumerDotnet.RunAsync(WorkDirectory, ["build", "scenarios.slnx", .. Dotnet.MSBuildOptions]);
    }

    public Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("LOCKSTEP_KEEP_PACKAGE_TEST_FILES") != "1")
        {
            try
            {
                Directory.Delete(WorkDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the folder is under the temp directory and uniquely named.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A fresh copy of the consumer (sources only, no bin/obj) in its own folder, for a test that changes
    /// its files. Restored from the same feed and packages folder on its first build.
    /// </summary>
    public string CopyOfConsumer(string name)
    {
        var directory = Path.Combine(WorkDirectory, name);
        ConsumerProject.Write(directory, Version, PackagesDirectory);
        return directory;
    }

    /// <summary>What <see cref="ScenarioBuild"/> did to <paramref name="scenario"/>.</summary>
    public ScenarioResult Result(Scenario scenario)
    {
        var directory = ScenarioDirectory(scenario);
        var built = File.Exists(Path.Combine(directory, "bin", "Debug", "net10.0", scenario.Name + ".dll"));
        var diagnostics = BuildDiagnostic.Parse(ScenarioBuild.Output)
            .Where(d => IsUnder(d.Path, directory))
            .ToList();
        return new ScenarioResult(directory, Path.Combine(directory, scenario.ProjectFileName), built, diagnostics, ScenarioBuild);
    }

    private string ScenarioDirectory(Scenario scenario) => Path.Combine(WorkDirectory, scenario.Name);

    /// <summary><c>dotnet build</c> of the consumer in <paramref name="directory"/>, compiling every time.</summary>
    public Task<CommandResult> BuildAsync(string directory, params string[] arguments)
        => ConsumerDotnet.RunAsync(directory, ["build", ConsumerProject.ProjectFileName, "--no-incremental", .. arguments, .. Dotnet.MSBuildOptions]);

    private Task<CommandResult> PackAsync(string project)
        => RepositoryDotnet.RunAsync(RepositoryRoot, [
            "pack", project,
            "--no-build", "--no-restore",
            "-c", Configuration,
            "-o", FeedDirectory,
            $"-p:Version={Version}",
            // Keep the intermediate .nuspec out of the repository's obj folder.
            $"-p:NuspecOutputPath={Path.Combine(WorkDirectory, "nuspec")}{Path.DirectorySeparatorChar}",
            .. Dotnet.MSBuildOptions,
        ]);

    /// <summary>
    /// Stops every upward search at the work folder, so that nothing from the temp folder's parents
    /// (a stray Directory.Build.props, .editorconfig, global.json or nuget.config) reaches the consumers,
    /// and points NuGet at the test feed only.
    /// </summary>
    private void WriteIsolationFiles()
    {
        const string EmptyProject = "<Project>\n  <!-- Stops MSBuild's search of parent folders. -->\n</Project>\n";
        File.WriteAllText(Path.Combine(WorkDirectory, "Directory.Build.props"), EmptyProject);
        File.WriteAllText(Path.Combine(WorkDirectory, "Directory.Build.targets"), EmptyProject);
        File.WriteAllText(Path.Combine(WorkDirectory, "Directory.Packages.props"), EmptyProject);
        File.WriteAllText(Path.Combine(WorkDirectory, ".editorconfig"), "root = true\n");
        File.Copy(Path.Combine(RepositoryRoot, "global.json"), Path.Combine(WorkDirectory, "global.json"));
        File.WriteAllText(Path.Combine(WorkDirectory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{PackagesDirectory}" />
              </config>
              <packageSources>
                <clear />
                <add key="lockstep-under-test" value="{FeedDirectory}" />
              </packageSources>
              <disabledPackageSources>
                <clear />
              </disabledPackageSources>
              <fallbackPackageFolders>
                <clear />
              </fallbackPackageFolders>
              <packageSourceMapping>
                <clear />
              </packageSourceMapping>
            </configuration>

            """);
    }

    private static string Metadata(Assembly assembly, string key)
        => assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
            ?? throw new InvalidOperationException($"The test assembly has no [AssemblyMetadata(\"{key}\")]; see Lockstep.Package.Tests.csproj.");

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Analyzers.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Analyzers.sln not found above " + AppContext.BaseDirectory);
    }

    private static bool IsUnder(string path, string root)
        => Path.GetFullPath(path).StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}

/// <summary>Every package test shares one packed feed and one consumer; they run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackagedConsumer>
{
    public const string Name = "Packages";
}
