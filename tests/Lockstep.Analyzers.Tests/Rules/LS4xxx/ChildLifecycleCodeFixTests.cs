using Microsoft.CodeAnalysis.Testing;
using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<Lockstep.Analyzers.Rules.ChildLifecycleAnalyzer, Lockstep.CodeFixes.Rules.ChildLifecycleCodeFixProvider>;

namespace Lockstep.Analyzers.Tests.Rules.LS4xxx;

public class ChildLifecycleCodeFixTests
{
    // ------------------------------------------------------------ LS4001

    [Fact]
    public Task KillThenReturn_WaitForExitInserted() => Verify.VerifyCodeFixAsync("""
        using System.Diagnostics;

        class Runner
        {
            bool Run(ProcessStartInfo info)
            {
                var p = Process.Start(info)!;
                if (!p.WaitForExit(5000))
                {
                    {|LS4001:p.Kill()|}; // give up
                    return false;
                }

                return p.ExitCode == 0;
            }
        }
        """, """
        using System.Diagnostics;

        class Runner
        {
            bool Run(ProcessStartInfo info)
            {
                var p = Process.Start(info)!;
                if (!p.WaitForExit(5000))
                {
                    p.Kill(); // give up
                    p.WaitForExit(5000);
                    return false;
                }

                return p.ExitCode == 0;
            }
        }
        """);

    [Fact]
    public Task WorkerTerminated_JoinInserted() => Verify.VerifyCodeFixAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(token => { });
                w.Start();
                {|LS4001:w.Terminate()|};
            }
        }
        """, """
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(token => { });
                w.Start();
                w.Terminate();
                w.Join();
            }
        }
        """);

    [Fact]
    public Task AsyncMethod_JoinAsyncAwaited() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            async Task<int> M()
            {
                var w = new Worker(token => { });
                w.Start();
                await Task.Delay(100);
                {|LS4001:w.Terminate()|};
                return 1;
            }
        }
        """, """
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            async Task<int> M()
            {
                var w = new Worker(token => { });
                w.Start();
                await Task.Delay(100);
                w.Terminate();
                await w.JoinAsync();
                return 1;
            }
        }
        """);

    [Fact]
    public Task AsyncProcess_WaitForExitAsyncAwaited() => Verify.VerifyCodeFixAsync("""
        using System.Diagnostics;
        using System.Threading.Tasks;

        class C
        {
            async Task M(ProcessStartInfo info, bool cancelled)
            {
                using var p = Process.Start(info)!;
                await Task.Yield();
                if (cancelled)
                    {|LS4001:p.Kill()|};
            }
        }
        """, """
        using System.Diagnostics;
        using System.Threading.Tasks;

        class C
        {
            async Task M(ProcessStartInfo info, bool cancelled)
            {
                using var p = Process.Start(info)!;
                await Task.Yield();
                if (cancelled)
                {
                    p.Kill();
                    await p.WaitForExitAsync();
                }
            }
        }
        """);

    [Fact]
    public Task FieldInSwitchSection_JoinInserted() => Verify.VerifyCodeFixAsync("""
        using Lockstep;

        class Service
        {
            private readonly ChildProcess _child = ChildProcess.Start("server");

            public void Handle(int signal)
            {
                switch (signal)
                {
                    case 15:
                        {|LS4001:this._child.Terminate()|};
                        break;
                }
            }
        }
        """, """
        using Lockstep;

        class Service
        {
            private readonly ChildProcess _child = ChildProcess.Start("server");

            public void Handle(int signal)
            {
                switch (signal)
                {
                    case 15:
                        this._child.Terminate();
                        this._child.Join();
                        break;
                }
            }
        }
        """);

    [Fact]
    public Task MillisecondTimeoutDoesNotFitAWorker_UntimedJoin() => Verify.VerifyCodeFixAsync("""
        using System.Diagnostics;
        using Lockstep;

        class C
        {
            void M(Process p)
            {
                p.WaitForExit(1000);
                var w = new Worker(() => { });
                w.Start();
                {|LS4001:w.Terminate()|};
            }
        }
        """, """
        using System.Diagnostics;
        using Lockstep;

        class C
        {
            void M(Process p)
            {
                p.WaitForExit(1000);
                var w = new Worker(() => { });
                w.Start();
                w.Terminate();
                w.Join();
            }
        }
        """);

    [Fact]
    public Task TimeSpanTimeoutReusedForWorker_TimedJoin() => Verify.VerifyCodeFixAsync("""
        using System;
        using Lockstep;

        class C
        {
            private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

            bool M()
            {
                var w = new Worker(token => { });
                w.Start();
                if (w.Join(Grace))
                {
                    return true;
                }

                {|LS4001:w.Terminate()|};
                return false;
            }
        }
        """, """
        using System;
        using Lockstep;

        class C
        {
            private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

            bool M()
            {
                var w = new Worker(token => { });
                w.Start();
                if (w.Join(Grace))
                {
                    return true;
                }

                w.Terminate();
                w.Join(Grace);
                return false;
            }
        }
        """);

    // ------------------------------------------------------------ LS4002

    [Fact]
    public Task DaemonAfterStart_MovedBeforeStart() => Verify.VerifyCodeFixAsync("""
        using Lockstep;

        class C
        {
            void M(bool background)
            {
                var w = new Worker(() => { });
                w.Start();
                System.Console.WriteLine("started");
                // Do not keep the process alive for it.
                {|LS4002:w.IsDaemon = background;|}
                w.Join();
            }
        }
        """, """
        using Lockstep;

        class C
        {
            void M(bool background)
            {
                var w = new Worker(() => { });
                // Do not keep the process alive for it.
                w.IsDaemon = background;
                w.Start();
                System.Console.WriteLine("started");
                w.Join();
            }
        }
        """);

    [Fact]
    public Task DaemonValueChangedBetween_NoFix()
    {
        var source = """
            using Lockstep;

            class C
            {
                void M()
                {
                    var w = new Worker(() => { });
                    var background = false;
                    w.Start();
                    background = true;
                    {|LS4002:w.IsDaemon = background;|}
                    w.Join();
                }
            }
            """;
        return Verify.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public Task DaemonInOtherBlock_NoFix()
    {
        var source = """
            using Lockstep;

            class C
            {
                void M(bool quiet)
                {
                    var w = new Worker(() => { });
                    w.Start();
                    if (quiet)
                    {
                        {|LS4002:w.IsDaemon = true;|}
                    }

                    w.Join();
                }
            }
            """;
        return Verify.VerifyCodeFixAsync(source, source);
    }

    // ------------------------------------------------------------ LS4003

    [Fact]
    public Task StartedAndDropped_JoinAtEndOfBlock() => Verify.VerifyCodeFixAsync("""
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                {|LS4003:w.Start()|};
                System.Console.WriteLine("working"); // tell the user
            }
        }
        """, """
        using Lockstep;

        class C
        {
            void M()
            {
                var w = new Worker(() => { });
                w.Start();
                System.Console.WriteLine("working"); // tell the user
                w.Join();
            }
        }
        """);

    [Fact]
    public Task StartedThenReturn_JoinBeforeReturn() => Verify.VerifyCodeFixAsync("""
        using System.Threading;

        class C
        {
            int M()
            {
                var t = new Thread(() => { });
                {|LS4003:t.Start()|};
                return t.ManagedThreadId;
            }
        }
        """, """
        using System.Threading;

        class C
        {
            int M()
            {
                var t = new Thread(() => { });
                t.Start();
                t.Join();
                return t.ManagedThreadId;
            }
        }
        """);

    [Fact]
    public Task AsyncWorker_JoinAsyncAtEnd() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            async Task M()
            {
                var w = new Worker(token => { });
                {|LS4003:w.Start()|};
                await Task.Yield();
            }
        }
        """, """
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            async Task M()
            {
                var w = new Worker(token => { });
                w.Start();
                await Task.Yield();
                await w.JoinAsync();
            }
        }
        """);

    [Fact]
    public Task StartedPerLoopPass_NoFix()
    {
        var source = """
            using Lockstep;

            class C
            {
                void M(int[] jobs)
                {
                    foreach (var job in jobs)
                    {
                        var w = new Worker(() => System.Console.WriteLine(job));
                        {|LS4003:w.Start()|};
                    }
                }
            }
            """;
        return Verify.VerifyCodeFixAsync(source, source);
    }

    // ------------------------------------------------------------ Fix All

    [Fact]
    public Task FixAll_TwoFiles()
    {
        var test = new Verify.Test
        {
            TestState =
            {
                Sources =
                {
                    """
                    using Lockstep;

                    class A
                    {
                        void M()
                        {
                            var first = new Worker(() => { });
                            var second = new Worker(() => { });
                            first.Start();
                            second.Start();
                            {|LS4001:first.Terminate()|};
                            {|LS4001:second.Terminate()|};
                        }
                    }
                    """,
                    """
                    using System.Diagnostics;

                    class B
                    {
                        void M(Process p, Process q, bool stop)
                        {
                            p.WaitForExit(100);
                            if (stop)
                            {
                                {|LS4001:p.Kill()|};
                                return;
                            }

                            q.WaitForExit(100);
                            {|LS4001:q.Kill()|};
                            if (p.Id == 0) return;
                            q.WaitForExit(100);
                        }
                    }
                    """,
                },
            },
            FixedState =
            {
                Sources =
                {
                    """
                    using Lockstep;

                    class A
                    {
                        void M()
                        {
                            var first = new Worker(() => { });
                            var second = new Worker(() => { });
                            first.Start();
                            second.Start();
                            first.Terminate();
                            first.Join();
                            second.Terminate();
                            second.Join();
                        }
                    }
                    """,
                    """
                    using System.Diagnostics;

                    class B
                    {
                        void M(Process p, Process q, bool stop)
                        {
                            p.WaitForExit(100);
                            if (stop)
                            {
                                p.Kill();
                                p.WaitForExit(100);
                                return;
                            }

                            q.WaitForExit(100);
                            q.Kill();
                            q.WaitForExit(100);
                            if (p.Id == 0) return;
                            q.WaitForExit(100);
                        }
                    }
                    """,
                },
            },
        };
        return test.RunAsync();
    }

    [Fact]
    public Task FixAll_DaemonMovesTwoFiles()
    {
        var test = new Verify.Test
        {
            TestState =
            {
                Sources =
                {
                    """
                    using Lockstep;

                    class A
                    {
                        void M()
                        {
                            var w = new Worker(() => { });
                            w.Start();
                            {|LS4002:w.IsDaemon = true;|}
                            w.Join();
                        }
                    }
                    """,
                    """
                    using System.Diagnostics;
                    using Lockstep;

                    class B
                    {
                        void M(ProcessStartInfo info)
                        {
                            var c = new ChildProcess(info);
                            c.Start();
                            {|LS4002:c.IsDaemon = false;|}
                            c.Join();
                        }
                    }
                    """,
                },
            },
            FixedState =
            {
                Sources =
                {
                    """
                    using Lockstep;

                    class A
                    {
                        void M()
                        {
                            var w = new Worker(() => { });
                            w.IsDaemon = true;
                            w.Start();
                            w.Join();
                        }
                    }
                    """,
                    """
                    using System.Diagnostics;
                    using Lockstep;

                    class B
                    {
                        void M(ProcessStartInfo info)
                        {
                            var c = new ChildProcess(info);
                            c.IsDaemon = false;
                            c.Start();
                            c.Join();
                        }
                    }
                    """,
                },
            },
        };
        return test.RunAsync();
    }

    [Fact]
    public Task FixAll_JoinAtEndTwoFiles()
    {
        var test = new Verify.Test
        {
            TestState =
            {
                Sources =
                {
                    """
                    using Lockstep;

                    class A
                    {
                        void M()
                        {
                            var a = new Worker(() => { });
                            var b = new Worker(() => { });
                            {|LS4003:a.Start()|};
                            {|LS4003:b.Start()|};
                        }
                    }
                    """,
                    """
                    using System.Threading;

                    class B
                    {
                        void M()
                        {
                            var t = new Thread(() => { });
                            {|LS4003:t.Start()|};
                        }
                    }
                    """,
                },
            },
            FixedState =
            {
                Sources =
                {
                    """
                    using Lockstep;

                    class A
                    {
                        void M()
                        {
                            var a = new Worker(() => { });
                            var b = new Worker(() => { });
                            a.Start();
                            b.Start();
                            a.Join();
                            b.Join();
                        }
                    }
                    """,
                    """
                    using System.Threading;

                    class B
                    {
                        void M()
                        {
                            var t = new Thread(() => { });
                            t.Start();
                            t.Join();
                        }
                    }
                    """,
                },
            },
        };
        return test.RunAsync();
    }
}
