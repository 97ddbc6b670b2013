using System.Diagnostics;
using System.Text;

namespace Lockstep.Package.Tests.Infrastructure;

/// <summary>What a <c>dotnet</c> child process did: its exit code and its stdout and stderr, interleaved.</summary>
public sealed record CommandResult(string CommandLine, string WorkingDirectory, int ExitCode, string Output, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The whole transcript, for assertion messages: a failing test shows what the build said.</summary>
    public override string ToString()
        => $"> dotnet {CommandLine}{Environment.NewLine}  (in {WorkingDirectory}; exit code {ExitCode}; {Elapsed.TotalSeconds:0.0} s){Environment.NewLine}{Output}";
}

/// <summary>
/// Runs the <c>dotnet</c> CLI as a child process that leaves nothing behind: no MSBuild node, no
/// MSBuild server, no compiler server, no telemetry, a private NuGet packages folder, and a hard timeout
/// after which the whole process tree is killed.
/// </summary>
public sealed class Dotnet
{
    /// <summary>
    /// Variables a test host may inherit from the <c>dotnet test</c> that started it. They point a child
    /// MSBuild at the parent's SDK and settings, or turn warnings into errors behind the test's back.
    /// </summary>
    private static readonly string[] InheritedVariablesToDrop =
    [
        "MSBuildExtensionsPath",
        "MSBuildSDKsPath",
        "MSBUILD_EXE_PATH",
        "MSBuildLoadMicrosoftTargetsReadOnly",
        "MSBUILDNOINPROCNODE",
        "NUGET_FALLBACK_PACKAGES",
        "TreatWarningsAsErrors",
        "WarningsAsErrors",
        "MSBuildTreatWarningsAsErrors",
    ];

    private readonly string? _consumerPackagesFolder;
    private readonly TimeSpan _timeout;

    private Dotnet(string? consumerPackagesFolder, TimeSpan timeout)
    {
        _consumerPackagesFolder = consumerPackagesFolder;
        _timeout = timeout;
    }

    /// <summary>For commands on the repository's own projects (pack): its usual environment and package cache.</summary>
    public static Dotnet ForRepository(TimeSpan timeout) => new(null, timeout);

    /// <summary>For commands on a consumer project: a private packages folder, and <c>CI=true</c>.</summary>
    public static Dotnet ForConsumers(string packagesFolder, TimeSpan timeout) => new(packagesFolder, timeout);

    /// <summary>Options every MSBuild-based command gets: no node reuse, no compiler server, plain console output.</summary>
    public static readonly string[] MSBuildOptions = ["-nodeReuse:false", "-tl:off", "-p:UseSharedCompilation=false"];

    public async Task<CommandResult> RunAsync(string workingDirectory, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var environment = startInfo.Environment;
        foreach (var name in environment.Keys.ToList())
        {
            if (InheritedVariablesToDrop.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                environment.Remove(name);
            }
        }

        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        environment["MSBUILDDISABLENODEREUSE"] = "1";
        environment["MSBUILDTERMINALLOGGER"] = "off";
        if (_consumerPackagesFolder is not null)
        {
            environment["NUGET_PACKAGES"] = _consumerPackagesFolder;
            // Our Directory.Build.props turns CI=true into TreatWarningsAsErrors for the repository's own
            // projects. Set on purpose: a consumer outside the repository must not inherit that, so its
            // normal build has to succeed with the LS1001 warning even in CI.
            environment["CI"] = "true";
        }

        var output = new StringBuilder();
        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Append($"*** killed after {_timeout.TotalSeconds:0} s ***");
        }

        // WaitForExitAsync returns once the redirected streams are drained as well.
        var commandLine = string.Join(' ', arguments.Select(a => a.Contains(' ') ? '"' + a + '"' : a));
        lock (output)
        {
            return new CommandResult(commandLine, workingDirectory, process.ExitCode, output.ToString(), stopwatch.Elapsed);
        }
    }
}
