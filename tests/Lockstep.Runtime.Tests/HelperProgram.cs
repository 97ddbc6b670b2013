using System.Diagnostics;

namespace Lockstep.Runtime.Tests;

/// <summary>
/// The entry point of the test assembly when it is run as a program (<c>dotnet exec Lockstep.Runtime.Tests.dll …</c>)
/// rather than loaded by the test host: a tiny parent process for the daemon-child tests.
/// </summary>
public static class HelperProgram
{
    public const string DaemonParent = "daemon-parent";

    /// <summary>
    /// <c>daemon-parent MODE</c>: starts a daemon and a non-daemon <c>sleep 60</c> child, prints
    /// <c>daemon PID</c> and <c>plain PID</c>, then ends as MODE says: <c>exit</c> returns from Main,
    /// <c>crash</c> throws an unhandled exception, <c>wait</c> sleeps until it is sent SIGTERM.
    /// </summary>
    public static int Main(string[] args)
    {
        if (args.Length != 2 || args[0] != DaemonParent)
        {
            Console.Error.WriteLine($"usage: {DaemonParent} exit|crash|wait");
            return 2;
        }

        var daemon = new ChildProcess(Sleeper()) { IsDaemon = true };
        daemon.Start();
        var plain = new ChildProcess(Sleeper());
        plain.Start();
        Console.WriteLine($"daemon {daemon.Pid}");
        Console.WriteLine($"plain {plain.Pid}");
        Console.Out.Flush();

        switch (args[1])
        {
            case "crash":
                throw new InvalidOperationException("the parent crashes on purpose");
            case "wait":
                Thread.Sleep(Timeout.Infinite);
                return 1;
            default:
                return 0;
        }
    }

    // The children's output is redirected so that they do not hold the test's pipe to this parent open.
    private static ProcessStartInfo Sleeper() => new("sleep", "60") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
}
