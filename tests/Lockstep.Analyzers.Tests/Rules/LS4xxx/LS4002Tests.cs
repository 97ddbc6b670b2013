using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.ChildLifecycleAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS4xxx;

public class LS4002Tests
{
    // ------------------------------------------------------------ true positives

    [Fact]
    public Task DaemonSetRightAfterStart_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                {|#1:w.Start()|};
                {|#0:w.IsDaemon = true;|}
                w.Join();
            }
        }
        """, Verify.Diagnostic(Descriptors.LS4002_DaemonSetAfterStart).WithLocation(0).WithLocation(1).WithArguments("w", "8"));

    [Fact]
    public Task ChildProcessDaemonAfterStart_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;
        using Lockstep;

        class C
        {
            void M(ProcessStartInfo info)
            {
                var child = new ChildProcess(info);
                child.Start();
                {|LS4002:child.IsDaemon = true;|}
                child.Join();
            }
        }
        """);

    [Fact]
    public Task FactoryStartedThenDaemon_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var child = ChildProcess.Start("server");
                {|LS4002:child.IsDaemon = true;|}
                child.Join();
            }
        }
        """);

    [Fact]
    public Task DaemonAfterConditionalStart_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(bool eager)
            {
                var w = new Worker(() => { });
                if (eager)
                {
                    w.Start();
                }

                {|LS4002:w.IsDaemon = true;|}
                if (!eager)
                {
                    w.Start();
                }

                w.Join();
            }
        }
        """);

    [Fact]
    public Task FieldDaemonAfterStart_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Service
        {
            private readonly Worker _pump = new(() => { });

            public void Open()
            {
                _pump.Start();
                {|LS4002:_pump.IsDaemon = true;|}
            }

            public void Close() => _pump.Join();
        }
        """);

    [Fact]
    public Task ParameterDaemonAfterStart_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void Launch(IChild child, bool background)
            {
                child.Start();
                {|LS4002:child.IsDaemon = background;|}
            }
        }
        """);

    [Fact]
    public Task DaemonAfterStartAndJoin_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                w.Start();
                w.Join();
                {|LS4002:w.IsDaemon = false;|}
            }
        }
        """);

    [Fact]
    public Task DaemonInsideTryAfterStart_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                w.Start();
                try
                {
                    {|LS4002:w.IsDaemon = true;|}
                }
                catch (InvalidOperationException)
                {
                }

                w.Join();
            }
        }
        """);

    [Fact]
    public Task AsyncDaemonAfterStart_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            async Task M()
            {
                var w = new Worker(token => { });
                w.Start();
                await Task.Yield();
                {|LS4002:w.IsDaemon = true;|}
                await w.JoinAsync();
            }
        }
        """);

    [Fact]
    public Task DaemonInLoopOverSameWorker_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(Worker w, int n)
            {
                for (var i = 0; i < n; i++)
                {
                    {|LS4002:w.IsDaemon = true;|}
                    {|LS4004:w.Start()|};
                }
            }
        }
        """);

    [Fact]
    public Task DaemonAfterStartInLambda_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class C
        {
            Action M() => () =>
            {
                var w = new Worker(() => { });
                w.Start();
                {|LS4002:w.IsDaemon = true;|}
                w.Join();
            };
        }
        """);

    [Fact]
    public Task DaemonAfterStartInSwitch_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(int mode)
            {
                var w = new Worker(() => { });
                w.Start();
                switch (mode)
                {
                    case 1:
                        {|LS4002:w.IsDaemon = true;|}
                        break;
                }

                w.Join();
            }
        }
        """);

    // ------------------------------------------------------------ true negatives

    [Fact]
    public Task DaemonSetBeforeStart_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                w.IsDaemon = true;
                w.Start();
            }
        }
        """);

    [Fact]
    public Task DaemonInInitializer_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { }) { IsDaemon = true };
                w.Start();
            }
        }
        """);

    [Fact]
    public Task ThreadBackgroundAfterStart_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            void M()
            {
                var t = new Thread(() => { });
                t.Start();
                t.IsBackground = true;
            }
        }
        """);

    [Fact]
    public Task DaemonAndStartInOppositeBranches_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(bool now)
            {
                var w = new Worker(() => { });
                if (now)
                {
                    w.Start();
                    w.Join();
                }
                else
                {
                    w.IsDaemon = true;
                }
            }
        }
        """);

    [Fact]
    public Task FreshWorkerEachPass_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using Lockstep;

        class C
        {
            void M(List<Worker> pool)
            {
                for (var i = 0; i < 4; i++)
                {
                    var w = new Worker(() => { });
                    w.IsDaemon = true;
                    w.Start();
                    pool.Add(w);
                }
            }
        }
        """);

    [Fact]
    public Task IterationVariableEachPass_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using Lockstep;

        class C
        {
            void M(List<Worker> workers)
            {
                foreach (var w in workers)
                {
                    w.IsDaemon = true;
                    w.Start();
                }
            }
        }
        """);

    [Fact]
    public Task ReassignedBeforeDaemon_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                w.Start();
                w.Join();
                w = new Worker(() => { });
                w.IsDaemon = true;
                w.Start();
            }
        }
        """);

    [Fact]
    public Task CorrelatedNonBooleanConditions_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(int mode)
            {
                var w = new Worker(() => { });
                if (mode == 1)
                {
                    w.Start();
                }

                if (mode == 2)
                {
                    w.IsDaemon = true;
                    w.Start();
                }
            }
        }
        """);

    [Fact]
    public Task CorrelatedBooleanFlag_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(bool background)
            {
                var w = new Worker(() => { });
                if (!background)
                {
                    w.Start();
                }

                if (background)
                {
                    w.IsDaemon = true;
                    w.Start();
                }

                w.Join();
            }
        }
        """);

    [Fact]
    public Task DaemonOfAnotherWorker_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var first = new Worker(() => { });
                var second = new Worker(() => { });
                first.Start();
                second.IsDaemon = true;
                second.Start();
                first.Join();
            }
        }
        """);

    [Fact]
    public Task PropertyReadNotWritten_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            bool M()
            {
                var w = new Worker(() => { });
                w.Start();
                var daemon = w.IsDaemon;
                w.Join();
                return daemon;
            }
        }
        """);

    [Fact]
    public Task CapturedAndReassignedByLambda_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                w.Start();
                Action renew = () => w = new Worker(() => { });
                renew();
                w.IsDaemon = true;
                w.Start();
            }
        }
        """);
}
