using System.Diagnostics;
using System.Runtime.InteropServices;
using static Lockstep.Runtime.Tests.TestUtil;

namespace Lockstep.Runtime.Tests;

public class ChildProcessTests
{
    private static ProcessStartInfo Shell(string script) => new("/bin/sh", ["-c", script]) { RedirectStandardOutput = true };

    [Fact]
    public void Start_Join_ExitCode()
    {
        var child = new ChildProcess(Shell("exit 3"), "exit-three");
        Assert.Equal("exit-three", child.Name);
        Assert.Equal(ChildState.Created, child.State);
        Assert.Null(child.ExitCode);
        Assert.Null(child.Process);
        Assert.Throws<InvalidOperationException>(() => child.Pid);
        child.Start();
        Assert.True(child.Pid > 0);
        child.Join();
        Assert.Equal(3, child.ExitCode);
        Assert.Equal(ChildState.Completed, child.State);
        Assert.False(child.IsAlive);
        Assert.Contains("Completed", child.ToString());
    }

    [Fact]
    public void StaticStart_RunsTheProgramWithItsArguments()
    {
        var child = ChildProcess.Start("/bin/sh", "-c", "exit $0", "7");
        Assert.True(child.Join(Patience));
        Assert.Equal(7, child.ExitCode);
        Assert.Equal("sh", child.Name);
    }

    [Fact]
    public void RedirectedOutput_IsReadableThroughProcess()
    {
        var child = new ChildProcess(Shell("echo hello"));
        child.Start();
        Assert.Equal("hello", child.Process!.StandardOutput.ReadLine());
        child.Join();
        Assert.Equal(0, child.ExitCode);
    }

    [Fact]
    public void Terminate_SendsSigterm_AndJoinReportsIt()
    {
        var child = ChildProcess.Start("sleep", "30");
        Assert.True(child.IsAlive);
        Assert.Equal(ChildState.Running, child.State);
        Assert.Null(child.ExitCode);
        Assert.False(child.Join(TimeSpan.FromMilliseconds(50)));
        child.Terminate();
        Assert.True(child.Join(Patience));
        Assert.False(child.IsAlive);
        Assert.Equal(ChildState.Terminated, child.State);
        Assert.Equal(128 + 15, child.ExitCode); // .NET reports a signal death as 128 + signal on Unix
        child.Terminate(); // already exited: nothing to do
        child.Kill();
    }

    [Fact]
    public void Terminate_CanBeTrappedByTheChild()
    {
        // The child traps SIGTERM and exits with its own code: terminate is a request, unlike Kill.
        var child = new ChildProcess(Shell("trap 'exit 42' TERM; echo ready; while :; do sleep 0.05; done"));
        child.Start();
        Assert.Equal("ready", child.Process!.StandardOutput.ReadLine());
        child.Terminate();
        Assert.True(child.Join(Patience));
        Assert.Equal(42, child.ExitCode);
        Assert.Equal(ChildState.Terminated, child.State);
    }

    [Fact]
    public async Task Kill_EndsTheChild_JoinAsyncSeesIt()
    {
        var child = new ChildProcess(Shell("trap '' TERM; echo ready; exec sleep 30"));
        child.Start();
        Assert.Equal("ready", child.Process!.StandardOutput.ReadLine());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => child.JoinAsync(new CancellationTokenSource(20).Token));
        child.Kill();
        await child.JoinAsync().WaitAsync(Patience);
        Assert.Equal(128 + 9, child.ExitCode);
        Assert.Equal(ChildState.Terminated, child.State);
    }

    [Fact]
    public void Lifecycle_Misuse_Throws()
    {
        var child = new ChildProcess(Shell("exit 0"));
        Assert.Throws<InvalidOperationException>(child.Join);
        Assert.Throws<InvalidOperationException>(() => child.Join(TimeSpan.Zero));
        ThrowsAtCall<InvalidOperationException>(() => child.JoinAsync());
        Assert.Throws<InvalidOperationException>(child.Terminate);
        Assert.Throws<InvalidOperationException>(child.Kill);
        child.IsDaemon = true;
        child.IsDaemon = false;
        child.Start();
        var daemonEx = Assert.Throws<InvalidOperationException>(() => child.IsDaemon = true);
        Assert.Contains("before Start()", daemonEx.Message);
        var startEx = Assert.Throws<InvalidOperationException>(child.Start);
        Assert.Contains("already started", startEx.Message);
        child.Join();
        Assert.Throws<ArgumentOutOfRangeException>(() => child.Join(TimeSpan.FromMilliseconds(-2)));
        Assert.Throws<ArgumentNullException>(() => new ChildProcess(null!));
    }

    [Fact]
    public void Start_OfAMissingProgram_ThrowsAndFaults()
    {
        var child = new ChildProcess(new ProcessStartInfo("/nonexistent/lockstep-no-such-program"));
        Assert.ThrowsAny<Exception>(child.Start);
        Assert.Equal(ChildState.Faulted, child.State);
        Assert.Throws<InvalidOperationException>(child.Start);
    }

    [Theory]
    [InlineData("exit")]
    [InlineData("crash")]
    [InlineData("wait")]
    public void DaemonChild_DiesWithItsParent_NonDaemonSurvives(string howTheParentEnds)
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // liveness is read from /proc
        }

        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var parentInfo = new ProcessStartInfo(host, ["exec", typeof(HelperProgram).Assembly.Location, HelperProgram.DaemonParent, howTheParentEnds])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var parent = new ChildProcess(parentInfo, "daemon-parent");
        parent.Start();
        var daemonPid = ReadPid(parent, "daemon");
        var plainPid = ReadPid(parent, "plain");
        try
        {
            if (howTheParentEnds == "wait")
            {
                Assert.False(IsGone(daemonPid));
                Assert.False(parent.Join(TimeSpan.FromMilliseconds(50)));
                parent.Terminate(); // SIGTERM: .NET's graceful shutdown runs ProcessExit
            }

            Assert.True(parent.Join(Patience), "the parent exits");
            WaitUntil(() => IsGone(daemonPid), $"the daemon child {daemonPid} is gone after its parent ended ({howTheParentEnds})");
            Assert.False(IsGone(plainPid), "a non-daemon child outlives its parent");
        }
        finally
        {
            Kill(daemonPid);
            Kill(plainPid);
        }
    }

    private static int ReadPid(ChildProcess parent, string label)
    {
        var line = Finishes(parent.Process!.StandardOutput.ReadLineAsync(), $"the parent to print its {label} child's pid");
        Assert.NotNull(line);
        Assert.StartsWith(label + " ", line);
        return int.Parse(line.AsSpan(label.Length + 1));
    }

    /// <summary>Whether the process is gone (a zombie waiting for its new parent to reap it counts as gone).</summary>
    private static bool IsGone(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[stat.LastIndexOf(')') + 2];
            return state is 'Z' or 'X';
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static void Kill(int pid)
    {
        if (!IsGone(pid))
        {
            _ = SysKill(pid, 9);
        }
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int SysKill(int pid, int signal);
}
