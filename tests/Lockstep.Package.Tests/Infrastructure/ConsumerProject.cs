namespace Lockstep.Package.Tests.Infrastructure;

/// <summary>
/// The user's project: a plain net10.0 console app that installs a Lockstep package by version from the
/// test feed, and one file with the simplest LS1001 there is.
/// </summary>
public static class ConsumerProject
{
    public const string ProjectFileName = "Consumer.csproj";

    public const string CounterFileName = "Counter.cs";

    /// <summary>The acquire LS1001 reports: <c>Monitor.Enter</c> with no <c>Monitor.Exit</c> of the same field.</summary>
    public const string LeakedAcquire = "Monitor.Enter(_gate);";

    /// <summary>The lock is taken and never given back. The LS1001 fix turns the body into <c>lock (_gate) { … }</c>.</summary>
    public const string Counter = """
        namespace Consumer;

        public sealed class Counter
        {
            private readonly object _gate = new();
            private int _value;

            public int Next()
            {
                Monitor.Enter(_gate);
                _value++;
                return _value;
            }
        }

        """;

    /// <summary>Uses the runtime library too, so the build proves <c>lib/net10.0/Lockstep.dll</c> is referenced.</summary>
    private const string ProgramUsingRuntime = """
        var gate = new Lockstep.Lock();
        using (gate.Acquire())
        {
            Console.WriteLine(new Consumer.Counter().Next());
        }

        """;

    public const string SuppressedFileName = "Suppressed.cs";

    /// <summary>The same leak twice, suppressed the two ways docs/configuration.md shows: neither may be reported.</summary>
    public const string Suppressed = """
        using System.Diagnostics.CodeAnalysis;

        namespace Consumer;

        public sealed class WithPragma
        {
            private readonly object _gate = new();
            private int _count;

            public int Increment()
            {
        #pragma warning disable LS1001 // Released in BatchScope.Dispose, which every caller reaches.
                Monitor.Enter(_gate);
        #pragma warning restore LS1001
                return ++_count;
            }
        }

        public sealed class WithAttribute
        {
            private readonly object _gate = new();

            [SuppressMessage("Lockstep.LockPairing", "LS1001:Lock is not released on every path", Justification = "Released in BatchScope.Dispose, which every caller reaches.")]
            public void StartBatch() => Monitor.Enter(_gate);
        }

        """;

    private const string ProgramWithoutRuntime = """
        Console.WriteLine(new Consumer.Counter().Next());

        """;

    /// <summary>Where <see cref="LeakedAcquire"/> is in <see cref="Counter"/>: 1-based line and column, as the compiler reports them.</summary>
    public static (int Line, int Column) LeakedAcquireLocation()
    {
        var lines = Counter.Split('\n');
        var index = Array.FindIndex(lines, l => l.Contains(LeakedAcquire, StringComparison.Ordinal));
        return (index + 1, lines[index].IndexOf(LeakedAcquire, StringComparison.Ordinal) + 1);
    }

    /// <summary>Writes the project into <paramref name="directory"/>.</summary>
    /// <param name="packageReference">
    /// <c>Lockstep</c> (the runtime, bringing the analyzers as a dependency) or <c>Lockstep.Analyzers</c>
    /// (the analyzers alone, the way <c>dotnet add package</c> writes a development dependency).
    /// </param>
    /// <param name="analysisMode">A <c>LockstepAnalysisMode</c> set in the project file, if any.</param>
    /// <param name="editorConfig">Lines for the <c>[*.cs]</c> section of the project's own .editorconfig, if any.</param>
    /// <param name="projectFileName">The project file's name, which is also the assembly's.</param>
    public static void Write(string directory, string version, string packagesFolder, string packageReference = "Lockstep", string? analysisMode = null, string? editorConfig = null, string projectFileName = ProjectFileName)
    {
        Directory.CreateDirectory(directory);
        var reference = packageReference == "Lockstep.Analyzers"
            ? $"""
                <PackageReference Include="Lockstep.Analyzers" Version="{version}">
                  <PrivateAssets>all</PrivateAssets>
                  <IncludeAssets>runtime; build; native; contentfiles; analyzers; buildtransitive</IncludeAssets>
                </PackageReference>
            """
            : $"""
                <PackageReference Include="{packageReference}" Version="{version}" />
            """;
        var mode = analysisMode is null ? "" : $"""

                <LockstepAnalysisMode>{analysisMode}</LockstepAnalysisMode>
            """;

        File.WriteAllText(Path.Combine(directory, projectFileName), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <!-- A private packages folder: nothing is taken from, or left in, the machine's NuGet cache. -->
                <RestorePackagesPath>{packagesFolder}</RestorePackagesPath>{mode}
              </PropertyGroup>
              <ItemGroup>
            {reference}
              </ItemGroup>
            </Project>

            """);
        File.WriteAllText(Path.Combine(directory, CounterFileName), Counter);
        File.WriteAllText(Path.Combine(directory, SuppressedFileName), Suppressed);
        File.WriteAllText(
            Path.Combine(directory, "Program.cs"),
            packageReference == "Lockstep" ? ProgramUsingRuntime : ProgramWithoutRuntime);
        if (editorConfig is not null)
        {
            File.WriteAllText(Path.Combine(directory, ".editorconfig"), $"root = true\n\n[*.cs]\n{editorConfig}\n");
        }
    }
}
