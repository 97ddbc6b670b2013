using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.ChildLifecycleAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS4xxx;

public class LS4003Tests
{
    // ------------------------------------------------------------ true positives

    [Fact]
    public Task WorkerStartedAndDropped_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                {|#0:w.Start()|};
            }
        }
        """, Verify.Diagnostic(Descriptors.LS4003_StartedChildNeverJoined).WithLocation(0).WithArguments("w", "the end of the method"));

    [Fact]
    public Task ForegroundThreadStartedAndDropped_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            void M()
            {
                var t = new Thread(() => { });
                {|LS4003:t.Start()|};
            }
        }
        """);

    [Fact]
    public Task ThreadWithParameterStarted_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            void M(string path)
            {
                var t = new Thread(state => System.IO.File.Delete((string)state!));
                {|LS4003:t.Start(path)|};
            }
        }
        """);

    [Fact]
    public Task ChildProcessFactoryDropped_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var child = {|LS4003:ChildProcess.Start("backup", "--all")|};
                System.Console.WriteLine(child.Pid);
            }
        }
        """);

    [Fact]
    public Task ChildProcessStartedAndDropped_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;
        using Lockstep;

        class C
        {
            void M(ProcessStartInfo info)
            {
                var child = new ChildProcess(info);
                {|LS4003:child.Start()|};
            }
        }
        """);

    [Fact]
    public Task WorkerPerLoopPassDropped_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(int[] jobs)
            {
                foreach (var job in jobs)
                {
                    var w = new Worker(() => System.Console.WriteLine(job));
                    {|#0:w.Start()|};
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS4003_StartedChildNeverJoined).WithLocation(0).WithArguments("w", "the next pass of the loop"));

    [Fact]
    public Task DaemonExplicitlyFalse_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { }) { IsDaemon = false };
                {|LS4003:w.Start()|};
            }
        }
        """);

    [Fact]
    public Task BackgroundFalse_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            void M()
            {
                var t = new Thread(() => { });
                t.IsBackground = false;
                {|LS4003:t.Start()|};
            }
        }
        """);

    [Fact]
    public Task AsyncMethodStartsAndReturns_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            async Task<int> M()
            {
                var w = new Worker(token => { });
                {|LS4003:w.Start()|};
                await Task.Yield();
                return w.Id;
            }
        }
        """);

    [Fact]
    public Task StartedInLocalFunction_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                Go();

                void Go()
                {
                    var w = new Worker(() => { });
                    {|LS4003:w.Start()|};
                }
            }
        }
        """);

    [Fact]
    public Task EarlyReturnAndFallThroughBothDrop_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            int M(bool verbose)
            {
                var w = new Worker(() => { }, "indexer");
                {|LS4003:w.Start()|};
                if (verbose)
                {
                    return w.Id;
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task ReassignedBeforeJoin_ReportsFirst() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                Worker w = new Worker(() => { });
                {|LS4003:w.Start()|};
                w = new Worker(() => { });
                w.Start();
                w.Join();
            }
        }
        """);

    [Fact]
    public Task ThreadInIChildTypedLocal_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                IChild child = new Worker(() => { });
                {|LS4003:child.Start()|};
            }
        }
        """);

    // ------------------------------------------------------------ true negatives

    [Fact]
    public Task Joined_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
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
    public Task BackgroundThread_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            void M()
            {
                var t = new Thread(() => { }) { IsBackground = true };
                t.Start();
                var u = new Thread(() => { });
                u.IsBackground = true;
                u.Start();
            }
        }
        """);

    [Fact]
    public Task StoredInField_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private Worker? _worker;

            void M()
            {
                var w = new Worker(() => { });
                w.Start();
                _worker = w;
            }
        }
        """);

    [Fact]
    public Task FieldStarted_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly Thread _pump = new(() => { });

            public void Open() => _pump.Start();

            public void Close() => _pump.Join();
        }
        """);

    [Fact]
    public Task StoredInList_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using Lockstep;

        class C
        {
            List<Worker> M(int n)
            {
                var workers = new List<Worker>();
                for (var i = 0; i < n; i++)
                {
                    var w = new Worker(() => { });
                    w.Start();
                    workers.Add(w);
                }

                return workers;
            }
        }
        """);

    [Fact]
    public Task Returned_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            Worker M()
            {
                var w = new Worker(() => { });
                w.Start();
                return w;
            }
        }
        """);

    [Fact]
    public Task JoinedAsync_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            async Task M()
            {
                var w = new Worker(token => { });
                w.Start();
                await w.JoinAsync();
            }
        }
        """);

    [Fact]
    public Task ParameterStarted_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void Launch(Worker w) => w.Start();
        }
        """);

    [Fact]
    public Task ProcessFireAndForget_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Diagnostics;

        class C
        {
            void OpenBrowser(string url)
            {
                var p = Process.Start(new ProcessStartInfo(url) { UseShellExecute = true });
                p?.Dispose();
            }
        }
        """);

    [Fact]
    public Task StartedInBothBranches_JoinedAfter_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(bool fast)
            {
                var w = new Worker(() => { });
                if (fast)
                {
                    w.Start();
                }
                else
                {
                    w.IsDaemon = false;
                    w.Start();
                }

                w.Join();
            }
        }
        """);

    [Fact]
    public Task CapturedByCallback_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        class C
        {
            void M(CancellationToken token)
            {
                var w = new Worker(() => { });
                w.Start();
                token.Register(() => w.Join());
            }
        }
        """);

    [Fact]
    public Task TerminatedIsLS4001sJob_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                w.Start();
                {|LS4001:w.Terminate()|};
            }
        }
        """);

    [Fact]
    public Task FromFactoryMethod_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly System.Func<Worker> _make = () => new Worker(() => { });

            void M()
            {
                var w = _make();
                w.Start();
            }
        }
        """);

    [Fact]
    public Task TimedJoin_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;

        class C
        {
            bool M()
            {
                var t = new Thread(() => { });
                t.Start();
                return t.Join(TimeSpan.FromSeconds(1));
            }
        }
        """);

    [Fact]
    public Task PolledUntilDone_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                w.Start();
                while (w.IsAlive)
                {
                    Thread.Sleep(10);
                }
            }
        }
        """);

    [Fact]
    public Task NamedForegroundThread_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            void M()
            {
                var t = new Thread(() => { }) { Name = "pump" };
                {|LS4003:t.Start()|};
            }
        }
        """);
}
