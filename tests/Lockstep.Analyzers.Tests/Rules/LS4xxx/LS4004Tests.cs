using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.ChildLifecycleAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS4xxx;

public class LS4004Tests
{
    // ------------------------------------------------------------ true positives: started twice

    [Fact]
    public Task StartedTwice_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                w.Start();
                {|#0:w.Start()|};
                w.Join();
            }
        }
        """, Verify.Diagnostic(Descriptors.LS4004_ChildStartedTwice).WithLocation(0).WithArguments("w", "at line 8"));

    [Fact]
    public Task RestartAfterJoin_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                w.Start();
                w.Join();
                {|LS4004:w.Start()|};
                w.Join();
            }
        }
        """);

    [Fact]
    public Task ThreadStartedTwice_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            void M()
            {
                var t = new Thread(() => { });
                t.Start();
                {|LS4004:t.Start()|};
                t.Join();
            }
        }
        """);

    [Fact]
    public Task FactoryStartedThenStartAgain_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var child = ChildProcess.Start("server");
                {|LS4004:child.Start()|};
                child.Join();
            }
        }
        """);

    [Fact]
    public Task StartInLoopOnSameWorker_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(int retries)
            {
                var w = new Worker(() => { });
                for (var i = 0; i < retries; i++)
                {
                    {|#0:w.Start()|};
                    w.Join();
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS4004_ChildStartedTwice).WithLocation(0).WithArguments("w", "by the previous pass of the loop"));

    [Fact]
    public Task StartAfterConditionalStart_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(bool warm)
            {
                var w = new Worker(() => { });
                if (warm)
                {
                    w.Start();
                }

                {|LS4004:w.Start()|};
                w.Join();
            }
        }
        """);

    [Fact]
    public Task FieldStartedTwice_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Service
        {
            private readonly Worker _pump = new(() => { });

            public void Open()
            {
                _pump.Start();
                System.Console.WriteLine("open");
                {|LS4004:_pump.Start()|};
            }
        }
        """);

    // ------------------------------------------------------------ true positives: joined before started

    [Fact]
    public Task JoinedNeverStarted_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                {|#0:w.Join()|};
            }
        }
        """, Verify.Diagnostic(Descriptors.LS4004_ChildJoinedUnstarted).WithLocation(0).WithArguments("w", "Join()"));

    [Fact]
    public Task JoinedBeforeStartThenStartedAndJoined_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                {|LS4004:w.Join()|};
                w.Start();
                w.Join();
            }
        }
        """);

    [Fact]
    public Task JoinAfterStartInOneBranch_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(bool run)
            {
                var w = new Worker(() => { });
                if (run)
                {
                    w.Start();
                }

                {|LS4004:w.Join()|};
            }
        }
        """);

    [Fact]
    public Task ThreadJoinedNeverStarted_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            void M()
            {
                var t = new Thread(() => { });
                {|LS4004:t.Join()|};
            }
        }
        """);

    [Fact]
    public Task JoinAsyncNeverStarted_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            async Task M()
            {
                var w = new Worker(token => { });
                await {|LS4004:w.JoinAsync()|};
            }
        }
        """);

    [Fact]
    public Task ProcessWaitedNeverStarted_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            int M(ProcessStartInfo info)
            {
                var p = new Process { StartInfo = info };
                {|LS4004:p.WaitForExit()|};
                return p.ExitCode;
            }
        }
        """);

    [Fact]
    public Task JoinInElseOfStart_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;
        using Lockstep;

        class C
        {
            void M(ProcessStartInfo info, bool launch)
            {
                var child = new ChildProcess(info);
                if (launch)
                {
                    child.Start();
                }
                else
                {
                    {|LS4004:child.Join()|};
                }
            }
        }
        """);

    // ------------------------------------------------------------ true negatives

    [Fact]
    public Task StartInBothBranches_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(bool daemon)
            {
                var w = new Worker(() => { });
                if (daemon)
                {
                    w.IsDaemon = true;
                    w.Start();
                }
                else
                {
                    w.Start();
                }

                w.Join();
            }
        }
        """);

    [Fact]
    public Task StartOnceJoinOnce_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                w.Start();
                w.Join();
            }
        }
        """);

    [Fact]
    public Task FreshWorkerPerPass_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(int n)
            {
                for (var i = 0; i < n; i++)
                {
                    var w = new Worker(() => { });
                    w.Start();
                    w.Join();
                }
            }
        }
        """);

    [Fact]
    public Task StartEachListedWorker_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using Lockstep;

        class C
        {
            void M(List<Worker> workers)
            {
                foreach (var w in workers)
                {
                    w.Start();
                }

                foreach (var w in workers)
                {
                    w.Join();
                }
            }
        }
        """);

    [Fact]
    public Task StartOnlyOnFirstPassWithFlag_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(int n)
            {
                var w = new Worker(() => { });
                var started = false;
                for (var i = 0; i < n; i++)
                {
                    if (!started)
                    {
                        w.Start();
                        started = true;
                    }
                }

                if (started)
                {
                    w.Join();
                }
            }
        }
        """);

    [Fact]
    public Task StartOnlyOnFirstPassByIndex_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(int n)
            {
                var w = new Worker(() => { });
                for (var i = 0; i < n; i++)
                {
                    if (i == 0)
                    {
                        {|LS4003:w.Start()|};
                    }
                }
            }
        }
        """);

    [Fact]
    public Task CorrelatedNonBooleanConditions_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(int count)
            {
                var w = new Worker(() => { });
                if (count > 0)
                {
                    w.Start();
                }

                System.Console.WriteLine(count);
                if (count > 0)
                {
                    w.Join();
                }
            }
        }
        """);

    [Fact]
    public Task CorrelatedBooleanFlag_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(bool run)
            {
                var w = new Worker(() => { });
                if (run)
                {
                    w.Start();
                }

                if (run)
                {
                    w.Join();
                }
            }
        }
        """);

    [Fact]
    public Task ParameterJoined_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void Wait(Worker w) => w.Join();
        }
        """);

    [Fact]
    public Task FieldJoined_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly Worker _w = new(() => { });

            public void Open() => _w.Start();

            public void Close() => _w.Join();
        }
        """);

    [Fact]
    public Task StartedByHelperThenJoined_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                Launch(w);
                w.Join();
            }

            static void Launch(Worker w) => w.Start();
        }
        """);

    [Fact]
    public Task StartedInLambdaThenJoined_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                Action go = () => w.Start();
                go();
                w.Join();
            }
        }
        """);

    [Fact]
    public Task FactoryStartedThenJoined_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var child = ChildProcess.Start("server");
                child.Join();
            }
        }
        """);

    [Fact]
    public Task ProcessStartThenWait_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            int M(ProcessStartInfo info)
            {
                using var p = new Process { StartInfo = info };
                if (!p.Start())
                {
                    return -1;
                }

                p.WaitForExit();
                return p.ExitCode;
            }
        }
        """);

    [Fact]
    public Task RetryWithFreshWorkerAfterReassignment_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                w.Start();
                w.Join();
                if (w.Exception is not null)
                {
                    w = new Worker(() => { });
                    w.Start();
                    w.Join();
                }
            }
        }
        """);

    [Fact]
    public Task ProcessStartTwice_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            void M(ProcessStartInfo info)
            {
                var p = new Process { StartInfo = info };
                p.Start();
                p.WaitForExit();
                p.Start();
                p.WaitForExit();
            }
        }
        """);

    [Fact]
    public Task StartGuardedByOwnState_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                if (w.State == ChildState.Created)
                {
                    w.Start();
                }

                w.Join();
            }
        }
        """);

    [Fact]
    public Task JoinGuardedByIsAlive_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(bool go)
            {
                var w = new Worker(() => { });
                if (go)
                {
                    w.Start();
                }

                if (w.IsAlive)
                {
                    w.Join();
                }
            }
        }
        """);

    [Fact]
    public Task SecondStartGuardedByState_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly Worker _w = new(() => { });

            void EnsureRunning(bool warm)
            {
                if (warm)
                {
                    _w.Start();
                }

                if (_w.State == ChildState.Created)
                {
                    _w.Start();
                }
            }
        }
        """);

    [Fact]
    public Task IChildParameterRestartedAfterJoin_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void Rerun(IChild child)
            {
                child.Start();
                child.Join();
                {|LS4004:child.Start()|};
            }
        }
        """);

    [Fact]
    public Task JoinWhenSwitchMissesACase_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(int mode)
            {
                var w = new Worker(() => { });
                switch (mode)
                {
                    case 1:
                        w.Start();
                        break;
                    case 2:
                        w.IsDaemon = true;
                        w.Start();
                        break;
                }

                {|LS4004:w.Join()|};
            }
        }
        """);

    [Fact]
    public Task SecondJoinAfterTimedJoin_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class C
        {
            bool M()
            {
                var w = new Worker(token => { });
                w.Start();
                if (w.Join(TimeSpan.FromSeconds(1)))
                {
                    return true;
                }

                w.Terminate();
                w.Join();
                return false;
            }
        }
        """);

    [Fact]
    public Task JoinInLoop_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                w.Start();
                while (!w.Join(TimeSpan.FromSeconds(1)))
                {
                    Console.WriteLine("still running");
                }
            }
        }
        """);
}
