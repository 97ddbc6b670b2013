using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.ChildLifecycleAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS4xxx;

public class LS4001Tests
{
    // ------------------------------------------------------------ true positives

    [Fact]
    public Task KillAfterTimeoutThenReturn_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class Runner
        {
            bool Run(ProcessStartInfo info)
            {
                var p = Process.Start(info)!;
                if (!p.WaitForExit(5000))
                {
                    {|#0:p.Kill()|};
                    return false;
                }

                return p.ExitCode == 0;
            }
        }
        """, Verify.Diagnostic(Descriptors.LS4001_TerminatedChildNotJoined).WithLocation(0).WithArguments("p", "killed", "the 'return' at line 11", "WaitForExit()"));

    [Fact]
    public Task WorkerTerminatedAtEndOfMethod_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(token => { while (!token.IsCancellationRequested) { } });
                w.Start();
                {|#0:w.Terminate()|};
            }
        }
        """, Verify.Diagnostic(Descriptors.LS4001_TerminatedChildNotJoined).WithLocation(0).WithArguments("w", "terminated", "the end of the method", "Join()"));

    [Fact]
    public Task KillInOneBranchOnly_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            void M(ProcessStartInfo info, bool cancelled)
            {
                using var p = Process.Start(info)!;
                if (cancelled)
                {
                    [|p.Kill()|];
                }
            }
        }
        """);

    [Fact]
    public Task ChildProcessKilledAndWaitedOnlyOnOnePath_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class C
        {
            void M(bool quick)
            {
                var child = ChildProcess.Start("sleep", "10");
                [|child.Kill()|];
                if (quick)
                {
                    Console.WriteLine("not waiting");
                    return;
                }

                child.Join();
            }
        }
        """);

    [Fact]
    public Task AsyncTerminateWithoutJoinAsync_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            async Task<int> M()
            {
                var w = new Worker(token => { });
                w.Start();
                await Task.Delay(100);
                [|w.Terminate()|];
                return 1;
            }
        }
        """);

    [Fact]
    public Task ProcessKilledInLoopPerItem_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            void M(string[] files)
            {
                for (var i = 0; i < files.Length; i++)
                {
                    var p = Process.Start("convert", files[i]);
                    if (!p.WaitForExit(1000))
                    {
                        [|p.Kill()|];
                    }
                }
            }
        }
        """);

    [Fact]
    public Task PrivateFieldNeverJoinedAnywhere_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Service
        {
            private readonly Worker _worker = new(token => { });

            public void Begin() => _worker.Start();

            public void Stop()
            {
                {|#0:_worker.Terminate()|};
            }
        }
        """, Verify.Diagnostic(Descriptors.LS4001_TerminatedChildNotJoined).WithLocation(0).WithArguments("_worker", "terminated", "the end of the method", "Join()"));

    [Fact]
    public Task ParameterJoinedOnlyOnOnePath_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            int _stopped;

            void Stop(IChild child)
            {
                [|child.Terminate()|];
                if (_stopped > 3)
                {
                    return;
                }

                child.Join();
            }
        }
        """);

    [Fact]
    public Task KillInCatchThenRethrowNotCounted_KillInFinallyOfNormalPathReports() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            void M(ProcessStartInfo info)
            {
                var p = new Process { StartInfo = info };
                p.Start();
                try
                {
                    p.WaitForExit(10_000);
                }
                finally
                {
                    if (!p.HasExited)
                    {
                        [|p.Kill()|];
                    }
                }
            }
        }
        """);

    [Fact]
    public Task ReassignedAfterKill_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            void Restart(string file)
            {
                var p = Process.Start(file);
                {|#0:p.Kill()|};
                p = Process.Start(file);
                p.WaitForExit();
            }
        }
        """, Verify.Diagnostic(Descriptors.LS4001_TerminatedChildNotJoined).WithLocation(0).WithArguments("p", "killed", "the assignment at line 9", "WaitForExit()"));

    [Fact]
    public Task KillEntireTreeWithoutWait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            void M()
            {
                var p = Process.Start("server");
                [|p.Kill(entireProcessTree: true)|];
            }
        }
        """);

    [Fact]
    public Task TerminateInLambdaBody_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class C
        {
            Action M() => () =>
            {
                var w = new Worker(() => { });
                w.Start();
                [|w.Terminate()|];
            };
        }
        """);

    [Fact]
    public Task TerminateWaitInOtherBranch_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(bool graceful)
            {
                var w = new Worker(() => { });
                w.Start();
                if (graceful)
                {
                    w.Join();
                }
                else
                {
                    [|w.Terminate()|];
                }
            }
        }
        """);

    // ------------------------------------------------------------ true negatives

    [Fact]
    public Task KillThenWaitForExit_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            bool Run(ProcessStartInfo info)
            {
                var p = Process.Start(info)!;
                if (!p.WaitForExit(5000))
                {
                    p.Kill();
                    p.WaitForExit();
                    return false;
                }

                return p.ExitCode == 0;
            }
        }
        """);

    [Fact]
    public Task KillThenWaitForExitInFinally_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            void M(Process p, bool cancelled)
            {
                try
                {
                    if (cancelled)
                    {
                        p.Kill();
                        return;
                    }
                }
                finally
                {
                    p.WaitForExit();
                }
            }
        }
        """);

    [Fact]
    public Task TerminateLoopFollowedByJoinLoop_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using Lockstep;

        class C
        {
            void StopAll(List<Worker> workers)
            {
                foreach (var w in workers)
                {
                    w.Terminate();
                }

                foreach (var w in workers)
                {
                    w.Join();
                }
            }
        }
        """);

    [Fact]
    public Task WorkersStoredInListJoinedLater_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using Lockstep;

        class C
        {
            private readonly List<Worker> _workers = new();

            void Stop()
            {
                var w = new Worker(() => { });
                w.Start();
                _workers.Add(w);
                w.Terminate();
            }

            void Drain()
            {
                foreach (var w in _workers)
                {
                    w.Join();
                }
            }
        }
        """);

    [Fact]
    public Task ReturnedAfterTerminate_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            Worker M()
            {
                var w = new Worker(() => { });
                w.Start();
                w.Terminate();
                return w;
            }
        }
        """);

    [Fact]
    public Task PassedToUnknownMethod_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(Reaper reaper)
            {
                var child = ChildProcess.Start("server");
                child.Terminate();
                reaper.Collect(child);
            }
        }

        class Reaper
        {
            public void Collect(ChildProcess child) => child.Join();
        }
        """);

    [Fact]
    public Task CapturedByContinuation_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            Task M()
            {
                var w = new Worker(() => { });
                w.Start();
                w.Terminate();
                return Task.Run(() => w.Join());
            }
        }
        """);

    [Fact]
    public Task FieldJoinedByAnotherMember_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Service
        {
            private readonly Worker _worker = new(token => { });

            public void Begin() => _worker.Start();

            public void RequestStop() => _worker.Terminate();

            public void WaitForStop() => _worker.Join();
        }
        """);

    [Fact]
    public Task FieldHandedInByConstructor_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Supervisor
        {
            private readonly Worker _worker;

            public Supervisor(Worker worker) => _worker = worker;

            public void Stop() => _worker.Terminate();
        }
        """);

    [Fact]
    public Task ParameterTerminatedOnly_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        static class Children
        {
            public static void RequestStop(IChild child) => child.Terminate();
        }
        """);

    [Fact]
    public Task WaitLeftToCaller_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void Stop(Worker w, bool wait)
            {
                w.Terminate();
                if (wait)
                {
                    w.Join();
                }
            }
        }
        """);

    [Fact]
    public Task AsyncJoin_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            async Task M()
            {
                var w = new Worker(token => { });
                w.Start();
                w.Terminate();
                await w.JoinAsync();
            }
        }
        """);

    [Fact]
    public Task WaitForExitAsync_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Diagnostics;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            async Task M(ProcessStartInfo info, CancellationToken token)
            {
                using var p = Process.Start(info)!;
                try
                {
                    await p.WaitForExitAsync(token);
                }
                catch (OperationCanceledException)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync();
                }
            }
        }
        """);

    [Fact]
    public Task TimedJoinAfterTerminate_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class C
        {
            bool M()
            {
                var w = new Worker(token => { });
                w.Start();
                w.Terminate();
                return w.Join(TimeSpan.FromSeconds(5));
            }
        }
        """);

    [Fact]
    public Task PollingHasExitedInLoop_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;
        using System.Threading;

        class C
        {
            void M(Process p)
            {
                p.Kill();
                while (!p.HasExited)
                {
                    Thread.Sleep(10);
                }

                p.Refresh();
                if (p.ExitCode != 0) { }
            }
        }
        """);

    [Fact]
    public Task CorrelatedConditions_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            void M(Process p, int mode)
            {
                if (mode == 2)
                {
                    p.Kill();
                }

                System.Console.WriteLine(mode);
                if (mode == 2)
                {
                    p.WaitForExit();
                }
            }
        }
        """);

    [Fact]
    public Task TerminateTwiceThenJoinOnce_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                w.Start();
                w.Terminate();
                w.Terminate();
                w.Join();
            }
        }
        """);

    [Fact]
    public Task KillOfIterationVariable_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            void M()
            {
                foreach (var p in Process.GetProcessesByName("stale"))
                {
                    p.Kill();
                }
            }
        }
        """);

    [Fact]
    public Task KillInCallbackOfOuterProcess_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            async Task M(ProcessStartInfo info, CancellationToken token)
            {
                using var p = Process.Start(info)!;
                using (token.Register(() => p.Kill()))
                {
                    await p.WaitForExitAsync();
                }
            }
        }
        """);

    [Fact]
    public Task KillInFinallyAfterFullWait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            string M(ProcessStartInfo info)
            {
                var p = Process.Start(info)!;
                try
                {
                    var output = p.StandardOutput.ReadToEnd();
                    p.WaitForExit();
                    return output;
                }
                finally
                {
                    if (!p.HasExited)
                    {
                        p.Kill();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task KillOnCancellationOfTheWait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Diagnostics;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            async Task M(ProcessStartInfo info, CancellationToken token)
            {
                using var p = Process.Start(info)!;
                try
                {
                    await p.WaitForExitAsync(token);
                }
                catch (OperationCanceledException)
                {
                    {|LS4001:p.Kill()|};
                }
            }
        }
        """);

    [Fact]
    public Task BrokenCode_DoesNotReportOrThrow() => Verify.VerifyNoDiagnosticOnBrokenCodeAsync("""
        using System.Diagnostics;

        class C
        {
            void M()
            {
                var p = Process.Start(
                p.Kill();
                p.
            }
        }
        """);

    // ---- processes this code looked up rather than started, and the timed-wait shape (found by a run on open-source code)

    [Fact]
    public Task KillOfProcessLookedUpById_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Diagnostics;

        class C
        {
            static void KillProcess(int processId)
            {
                try
                {
                    using Process process = Process.GetProcessById(processId);
                    process.Kill();
                }
                catch (ArgumentException)
                {
                    return;
                }
                catch (InvalidOperationException)
                {
                    return;
                }
            }
        }
        """);

    [Fact]
    public Task KillOfProcessesLookedUpByName_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            static void KillFirst(string name)
            {
                var found = Process.GetProcessesByName(name);
                if (found.Length > 0)
                {
                    var first = found[0];
                    first.Kill(entireProcessTree: true);
                }

                var direct = Process.GetProcessesByName(name)[0];
                direct.Kill();
            }
        }
        """);

    [Fact]
    public Task KillOfLocalReassignedFromAStart_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            static void M(int id, bool fresh)
            {
                var p = Process.GetProcessById(id);
                if (fresh)
                {
                    p = Process.Start("tool");
                }

                [|p.Kill()|];
            }
        }
        """);

    [Fact]
    public Task KillAfterTimedWaitThenExitCodeRead_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Diagnostics;

        class C
        {
            static int Run(string file, TimeSpan timeout)
            {
                using (var process = Process.Start(new ProcessStartInfo(file) { UseShellExecute = false }))
                {
                    if (!process.WaitForExit((int)timeout.TotalMilliseconds))
                        [|process.Kill()|];

                    return process.ExitCode;
                }
            }
        }
        """);
}
