using System.Diagnostics;
using System.Runtime.InteropServices;
using Lockstep.Internal;

namespace Lockstep;

/// <summary>
/// A real operating-system child process with the lifecycle of an <see cref="IChild"/>: start once, terminate
/// (SIGTERM) or kill (SIGKILL), join, read the exit code. A daemon child is killed when its parent exits.
/// </summary>
/// <remarks>
/// <para>Python: <c>multiprocessing.Process</c> / <c>subprocess.Popen</c> (<c>start</c> ↔ <see cref="Start()"/>,
/// <c>join</c> ↔ <see cref="Join()"/>, <c>terminate</c> ↔ <see cref="Terminate"/>, <c>kill</c> ↔ <see cref="Kill"/>,
/// <c>is_alive</c> ↔ <see cref="IsAlive"/>, <c>daemon</c> ↔ <see cref="IsDaemon"/>, <c>pid</c> ↔ <see cref="Pid"/>,
/// <c>exitcode</c> ↔ <see cref="ExitCode"/>). BCL: <see cref="Process"/> (<c>WaitForExit</c> ↔ <see cref="Join()"/>,
/// <c>Kill</c> ↔ <see cref="Kill"/>), which it wraps.</para>
/// <para>Exit codes are as .NET reports them: on Unix a child ended by a signal reports 128 + the signal number
/// (143 after <see cref="Terminate"/>, 137 after <see cref="Kill"/>), where Python would report the negative signal.</para>
/// <para>Daemon children are terminated when the parent exits normally (<see cref="AppDomain.ProcessExit"/>), dies of an
/// unhandled exception (<see cref="AppDomain.UnhandledException"/>), or receives SIGTERM, SIGHUP or SIGQUIT
/// (a <see cref="PosixSignalRegistration"/> that does not cancel the signal, so the parent's own handling proceeds):
/// SIGTERM first, then SIGKILL for those still alive after half a second. Ctrl+C in a terminal already reaches the whole
/// process group. A parent that is SIGKILLed runs no code at all, so its daemon children survive it: an operating-system
/// limit that Python shares. A non-daemon child outlives its parent, as operating-system processes do.</para>
/// </remarks>
public sealed class ChildProcess : IChild
{
    private const int SigTerm = 15;
    private static readonly TimeSpan DaemonGrace = TimeSpan.FromMilliseconds(500);
    private static readonly SyncLock s_daemonsLock = new();
    private static readonly HashSet<ChildProcess> s_daemons = [];
    private static readonly List<PosixSignalRegistration> s_signalHooks = []; // kept alive: a collected registration unregisters
    private static bool s_exitHooked;

    private readonly SyncLock _gate = new();
    private Process? _process;
    private int _state; // ChildState while not started/running; the final state is derived from the process
    private bool _daemon;
    private volatile bool _terminateRequested;
    private int _pid;

    /// <summary>Creates a child that will run <paramref name="startInfo"/> when started.</summary>
    /// <param name="startInfo">What to run. <c>UseShellExecute</c> should stay <see langword="false"/> so that the process is a direct child.</param>
    /// <remarks>Python: <c>multiprocessing.Process(…)</c> / <c>subprocess.Popen(args)</c>.</remarks>
    public ChildProcess(ProcessStartInfo startInfo)
        : this(startInfo, null)
    {
    }

    /// <summary>Creates a named child that will run <paramref name="startInfo"/> when started.</summary>
    /// <param name="startInfo">What to run.</param>
    /// <param name="name">A name for diagnostics; defaults to the file name.</param>
    public ChildProcess(ProcessStartInfo startInfo, string? name)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        StartInfo = startInfo;
        Name = name ?? Path.GetFileName(startInfo.FileName);
    }

    /// <summary>What the child runs.</summary>
    public ProcessStartInfo StartInfo { get; }

    /// <inheritdoc/>
    /// <remarks>Python: <c>process.name</c>.</remarks>
    public string Name { get; }

    /// <summary>The underlying <see cref="System.Diagnostics.Process"/> (for redirected streams and the like); <see langword="null"/> before <see cref="Start()"/>.</summary>
    public Process? Process => _process;

    /// <summary>The operating-system process id.</summary>
    /// <exception cref="InvalidOperationException">The child has not been started.</exception>
    /// <remarks>Python: <c>process.pid</c> (<c>None</c> before start). BCL: <see cref="Process.Id"/>.</remarks>
    public int Pid => _process is null ? throw NotStarted(nameof(Pid)) : _pid;

    /// <summary>The exit code, or <see langword="null"/> while the child has not been started or is still running.</summary>
    /// <remarks>Python: <c>process.exitcode</c>; a signal shows as 128 + signal (143 = SIGTERM, 137 = SIGKILL) on Unix.</remarks>
    public int? ExitCode => _process is { } p && p.HasExited ? p.ExitCode : null;

    /// <inheritdoc/>
    public ChildState State
    {
        get
        {
            var state = (ChildState)Volatile.Read(ref _state);
            if (state == ChildState.Running && _process!.HasExited)
            {
                return _terminateRequested ? ChildState.Terminated : ChildState.Completed;
            }

            return state;
        }
    }

    /// <inheritdoc/>
    /// <remarks>Python: <c>process.is_alive()</c>.</remarks>
    public bool IsAlive => State == ChildState.Running;

    /// <summary>Whether the child is killed when this (parent) process exits. Default <see langword="false"/>.</summary>
    /// <exception cref="InvalidOperationException">Set after <see cref="Start()"/> (analyzer rule LS4002).</exception>
    /// <remarks>Python: <c>process.daemon</c>.</remarks>
    public bool IsDaemon
    {
        get => Volatile.Read(ref _daemon);
        set
        {
            lock (_gate)
            {
                if (Volatile.Read(ref _state) != (int)ChildState.Created)
                {
                    throw new InvalidOperationException($"Cannot set IsDaemon of child process '{Name}' after it was started; set it before Start().");
                }

                _daemon = value;
            }
        }
    }

    /// <summary>Creates and starts a (non-daemon) child running <paramref name="fileName"/> with <paramref name="arguments"/>.</summary>
    /// <param name="fileName">The program to run.</param>
    /// <param name="arguments">Its arguments, passed as they are (no shell quoting).</param>
    /// <returns>The running child.</returns>
    /// <remarks>Python: <c>subprocess.Popen([file, *args])</c>. BCL: <see cref="Process.Start(string, IEnumerable{string})"/>.</remarks>
    public static ChildProcess Start(string fileName, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo(fileName) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var child = new ChildProcess(info);
        child.Start();
        return child;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Already started (analyzer rule LS4004).</exception>
    /// <exception cref="System.ComponentModel.Win32Exception">The program could not be started; the child becomes <see cref="ChildState.Faulted"/>.</exception>
    /// <remarks>Python: <c>process.start()</c>.</remarks>
    public void Start()
    {
        lock (_gate)
        {
            if (Volatile.Read(ref _state) != (int)ChildState.Created || _process is not null)
            {
                throw new InvalidOperationException($"Child process '{Name}' was already started; a child can be started only once.");
            }

            var process = new Process { StartInfo = StartInfo };
            if (_daemon)
            {
                HookParentExit();
                process.EnableRaisingEvents = true;
                process.Exited += (_, _) => Forget(); // a daemon that ends on its own leaves the registry
            }

            try
            {
                process.Start();
            }
            catch
            {
                process.Dispose();
                Volatile.Write(ref _state, (int)ChildState.Faulted);
                throw;
            }

            _pid = process.Id;
            _process = process;
            Volatile.Write(ref _state, (int)ChildState.Running);
            if (_daemon)
            {
                lock (s_daemonsLock)
                {
                    s_daemons.Add(this);
                }
            }
        }
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Not started yet (rule LS4004).</exception>
    /// <remarks>Python: <c>process.join()</c>. BCL: <see cref="Process.WaitForExit()"/>.</remarks>
    public void Join()
    {
        Started(nameof(Join)).WaitForExit();
        Forget();
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Not started yet.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    /// <remarks>Python: <c>process.join(timeout)</c>. BCL: <see cref="Process.WaitForExit(int)"/>.</remarks>
    public bool Join(TimeSpan timeout)
    {
        var ms = Timeouts.ToMilliseconds(timeout);
        var exited = Started(nameof(Join)).WaitForExit(ms);
        if (exited)
        {
            Forget();
        }

        return exited;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Not started yet.</exception>
    /// <remarks>BCL: <see cref="Process.WaitForExitAsync(CancellationToken)"/>.</remarks>
    public Task JoinAsync(CancellationToken cancellationToken = default)
    {
        var process = Started(nameof(JoinAsync));
        return Wait();

        async Task Wait()
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            Forget();
        }
    }

    /// <summary>
    /// Asks the child to stop: SIGTERM on Unix (the child may clean up, or ignore it), <see cref="Process.Kill()"/> elsewhere.
    /// Returns at once; <see cref="Join()"/> afterwards (rule LS4001). Does nothing if the child has already exited.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not started yet.</exception>
    /// <remarks>Python: <c>process.terminate()</c>.</remarks>
    public void Terminate()
    {
        var process = Started(nameof(Terminate));
        if (process.HasExited)
        {
            return;
        }

        _terminateRequested = true;
        if (OperatingSystem.IsWindows())
        {
            KillQuietly(process);
        }
        else if (SysKill(_pid, SigTerm) != 0 && !process.HasExited)
        {
            KillQuietly(process); // kill(2) failed for another reason than "already gone": fall back
        }
    }

    /// <summary>Kills the child at once (SIGKILL on Unix; it cannot refuse). Returns without waiting; <see cref="Join()"/> afterwards. Does nothing if it has already exited.</summary>
    /// <exception cref="InvalidOperationException">Not started yet.</exception>
    /// <remarks>Python: <c>process.kill()</c>. BCL: <see cref="Process.Kill()"/>.</remarks>
    public void Kill()
    {
        var process = Started(nameof(Kill));
        if (process.HasExited)
        {
            return;
        }

        _terminateRequested = true;
        KillQuietly(process);
    }

    /// <inheritdoc/>
    public override string ToString() => _process is null ? $"ChildProcess '{Name}' ({State})" : $"ChildProcess '{Name}' pid {_pid} ({State})";

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    private static void KillQuietly(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // exited in the meantime
        }
    }

    private Process Started(string member) => _process ?? throw NotStarted(member);

    private InvalidOperationException NotStarted(string member)
        => new($"Child process '{Name}' has not been started; call Start() before {member}.");

    private void Forget()
    {
        if (_daemon)
        {
            lock (s_daemonsLock)
            {
                s_daemons.Remove(this);
            }
        }
    }

    private static void HookParentExit()
    {
        lock (s_daemonsLock)
        {
            if (s_exitHooked)
            {
                return;
            }

            s_exitHooked = true;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopDaemons();

        // A plain .NET console app ends on SIGTERM/SIGHUP/SIGQUIT without raising ProcessExit. The handler does
        // not cancel the signal: the default action (or a host's graceful shutdown) proceeds after it.
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
        {
            try
            {
                s_signalHooks.Add(PosixSignalRegistration.Create(signal, static _ => StopDaemons()));
            }
            catch (PlatformNotSupportedException)
            {
                // no such signal here; ProcessExit still covers a normal exit
            }
        }

        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            if (e.IsTerminating)
            {
                StopDaemons();
            }
        };
    }

    /// <summary>Terminates every running daemon child, then kills those still alive after a grace period.</summary>
    internal static void StopDaemons()
    {
        ChildProcess[] daemons;
        lock (s_daemonsLock)
        {
            daemons = [.. s_daemons];
            s_daemons.Clear();
        }

        if (daemons.Length == 0)
        {
            return;
        }

        foreach (var daemon in daemons)
        {
            try
            {
                daemon.Terminate();
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // already gone
            }
        }

        var deadline = Timeouts.Deadline((int)DaemonGrace.TotalMilliseconds);
        foreach (var daemon in daemons)
        {
            try
            {
                if (!daemon._process!.WaitForExit(Timeouts.Remaining(deadline)))
                {
                    KillQuietly(daemon._process);
                    daemon._process.WaitForExit(100);
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // already gone
            }
        }
    }
}
