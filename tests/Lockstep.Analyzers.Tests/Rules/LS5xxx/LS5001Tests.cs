using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.SharedStateAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS5xxx;

public class LS5001Tests
{
    private static Task VerifyProgramAsync(string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected)
    {
        var test = new Verify.Test { TestCode = source };
        test.TestState.OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication;
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    // ------------------------------------------------------------------ true positives

    [Fact]
    public Task CounterRaceWithTwoThreads_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class Program
        {
            static int _count;

            static void Work()
            {
                for (var i = 0; i < 100_000; i++)
                {
                    {|#0:_count++|};
                }
            }

            static void Main()
            {
                var a = new Thread(Work);
                var b = new Thread(Work);
                a.Start();
                b.Start();
                a.Join();
                b.Join();
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("_count", "incremented", "new Thread in Program.Main", "Interlocked.Increment or a lock"));

    [Fact]
    public Task SingleStartInsideAFunctionSeveralThreadsRun_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class Counter
        {
            private int _count;

            public void Run()
            {
                for (var i = 0; i < 2; i++)
                {
                    new Thread(Outer).Start();
                }
            }

            // One start here, but two threads run this method: two tasks run Inner at once (known only once the
            // concurrency of Outer is: the second round of the end pass's fixpoint).
            private void Outer() => Task.Run(Inner);

            private void Inner() => {|#0:_count++|};
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("_count", "incremented", "Task.Run in Counter.Outer", "Interlocked.Increment or a lock"));

    [Fact]
    public Task CounterRaceWithParallelFor_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Program
        {
            static int _count;

            static void Main()
            {
                Parallel.For(0, 1000, i => {|#0:_count++|});
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("_count", "incremented", "Parallel.For in Program.Main", "Interlocked.Increment or a lock"));

    [Fact]
    public Task CounterRaceInTopLevelStatements_Reports() => VerifyProgramAsync("""
        using System;
        using System.Threading;

        var counter = 0;
        var threads = new Thread[4];
        for (var t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(() =>
            {
                for (var i = 0; i < 100_000; i++)
                {
                    {|#0:counter++|};
                }
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Console.WriteLine(counter);
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedCapturedReadModifyWrite).WithLocation(0)
            .WithArguments("counter", "incremented", "new Thread in a loop in the top-level statements", "Interlocked.Increment or a lock"));

    [Fact]
    public Task CapturedLocalInParallelFor_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Program
        {
            static int Sum(int[] values)
            {
                var total = 0;
                Parallel.For(0, values.Length, i => {|#0:total += values[i]|});
                return total;
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedCapturedReadModifyWrite).WithLocation(0)
            .WithArguments("total", "updated", "Parallel.For in Program.Sum", "Interlocked.Add or a lock"));

    [Fact]
    public Task InstanceFieldOfObjectSharedByParallelBody_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Counter
        {
            private int _value;

            public void Increment() => {|#0:_value++|};

            public int Value => _value;
        }

        class Program
        {
            static int Count(int n)
            {
                var counter = new Counter();
                Parallel.For(0, n, i => counter.Increment());
                return counter.Value;
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("_value", "incremented", "Parallel.For in Program.Count", "Interlocked.Increment or a lock"));

    [Fact]
    public Task InstanceMethodStartedTwiceOnThis_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class Crawler
        {
            private long _pages;

            public void Run()
            {
                var first = new Thread(Crawl);
                var second = new Thread(Crawl);
                first.Start();
                second.Start();
                first.Join();
                second.Join();
            }

            private void Crawl()
            {
                {|#0:_pages = _pages + 1|};
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("_pages", "updated", "new Thread in Crawler.Run", "Interlocked.Add or a lock"));

    [Fact]
    public Task TaskRunInLoopThroughCallIntoAnotherClass_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        static class Stats
        {
            public static double TotalSeconds;

            public static void Record(double seconds) => {|#0:TotalSeconds += seconds|};
        }

        class Downloader
        {
            public async Task DownloadAll(IEnumerable<string> urls)
            {
                var tasks = new List<Task>();
                foreach (var url in urls)
                {
                    tasks.Add(Task.Run(() => Fetch(url)));
                }

                await Task.WhenAll(tasks);
            }

            private static void Fetch(string url) => Stats.Record(url.Length / 100.0);
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("TotalSeconds", "updated", "Task.Run in a loop in Downloader.DownloadAll", "a lock"));

    [Fact]
    public Task LockstepWorkersSharingALambda_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Program
        {
            static int _done;

            static void Main()
            {
                var a = new Worker(() => {|#0:_done++|});
                var b = new Worker(() => {|#1:_done++|});
                a.Start();
                b.Start();
                a.Join();
                b.Join();
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("_done", "incremented", "new Worker in Program.Main", "Interlocked.Increment or a lock"),
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(1)
            .WithArguments("_done", "incremented", "new Worker in Program.Main", "Interlocked.Increment or a lock"));

    [Fact]
    public Task WorkerPoolSubmitInLoop_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Indexer
        {
            private int _indexed;

            public void IndexAll(string[] files)
            {
                using var pool = new WorkerPool(4);
                foreach (var file in files)
                {
                    pool.Submit(() => Index(file));
                }
            }

            private void Index(string file)
            {
                if (file.Length > 0)
                {
                    {|#0:_indexed++|};
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("_indexed", "incremented", "WorkerPool.Submit in a loop in Indexer.IndexAll", "Interlocked.Increment or a lock"));

    [Fact]
    public Task WorkerPoolMap_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Linq;
        using Lockstep;

        class Program
        {
            static long _bytes;

            static int[] Sizes(WorkerPool pool, string[] files)
                => pool.Map(file => { {|#0:_bytes -= file.Length|}; return file.Length; }, files).ToArray();
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("_bytes", "updated", "WorkerPool.Map in Program.Sizes", "Interlocked.Add or a lock"));

    [Fact]
    public Task ThreadPoolQueueInLoop_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class Program
        {
            static int _pending;

            static void Main()
            {
                for (var i = 0; i < 10; i++)
                {
                    ThreadPool.QueueUserWorkItem(_ => {|#0:_pending--|});
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("_pending", "decremented", "ThreadPool.QueueUserWorkItem in a loop in Program.Main", "Interlocked.Decrement or a lock"));

    [Fact]
    public Task ParallelInvokeOfTwoMethodsWritingOneField_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Program
        {
            static int _hits;

            static void Left() => {|#0:_hits += 2|};

            static void Right() => {|#1:_hits++|};

            static void Main() => Parallel.Invoke(Left, Right);
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("_hits", "updated", "Parallel.Invoke in Program.Main", "Interlocked.Add or a lock"),
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(1)
            .WithArguments("_hits", "incremented", "Parallel.Invoke in Program.Main", "Interlocked.Increment or a lock"));

    [Fact]
    public Task TaskFactoryStartNewTwice_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Program
        {
            static int _flags;

            static void Main()
            {
                var a = Task.Factory.StartNew(() => {|#0:_flags |= 1|});
                var b = Task.Factory.StartNew(() => {|#1:_flags |= 2|});
                Task.WaitAll(a, b);
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("_flags", "updated", "Task.Factory.StartNew in Program.Main", "a lock"),
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(1)
            .WithArguments("_flags", "updated", "Task.Factory.StartNew in Program.Main", "a lock"));

    [Fact]
    public Task ParallelForEachLocalFinally_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class Program
        {
            static long Total(List<int> values)
            {
                long total = 0;
                Parallel.ForEach(values, () => 0L, (v, state, local) => local + v, local => {|#0:total += local|});
                return total;
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedCapturedReadModifyWrite).WithLocation(0)
            .WithArguments("total", "updated", "Parallel.ForEach in Program.Total", "Interlocked.Add or a lock"));

    [Fact]
    public Task StaticCounterInConstructorCalledFromParallelBody_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Order
        {
            private static int s_created;

            public Order() => {|#0:s_created++|};
        }

        class Program
        {
            static void Main() => Parallel.For(0, 100, i => new Order());
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("s_created", "incremented", "Parallel.For in Program.Main", "Interlocked.Increment or a lock"));

    [Fact]
    public Task DelegateLocalStartedTwice_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class Program
        {
            static int Run()
            {
                var ticks = 0;
                ThreadStart work = () => {|#0:ticks++|};
                var a = new Thread(work);
                var b = new Thread(work);
                a.Start();
                b.Start();
                a.Join();
                b.Join();
                return ticks;
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedCapturedReadModifyWrite).WithLocation(0)
            .WithArguments("ticks", "incremented", "new Thread in Program.Run", "Interlocked.Increment or a lock"));

    [Fact]
    public Task FieldOfSharedMemberObject_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class Metrics
        {
            public int Requests;
        }

        class Server
        {
            private readonly Metrics _metrics = new();

            public void Start()
            {
                for (var i = 0; i < 4; i++)
                {
                    new Thread(Serve).Start();
                }
            }

            private void Serve()
            {
                {|#0:_metrics.Requests++|};
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("Requests", "incremented", "new Thread in a loop in Server.Start", "Interlocked.Increment or a lock"));

    [Fact]
    public Task UnderASemaphoreWithSeveralSlots_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class Program
        {
            static readonly SemaphoreSlim Throttle = new(4);
            static int _active;

            static void Main()
            {
                Parallel.For(0, 100, i =>
                {
                    Throttle.Wait();
                    try
                    {
                        {|#0:_active++|};
                    }
                    finally
                    {
                        Throttle.Release();
                    }
                });
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("_active", "incremented", "Parallel.For in Program.Main", "Interlocked.Increment or a lock"));

    [Fact]
    public Task OnlyTheUnlockedOneOfTwoUpdates_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class Program
        {
            static readonly object Gate = new();
            static int _total;

            static void Add(int n)
            {
                lock (Gate)
                {
                    _total += n;
                }
            }

            static void Reset() => {|#0:_total -= _total|};

            static void Main()
            {
                new Thread(() => Add(1)).Start();
                new Thread(Reset).Start();
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("_total", "updated", "new Thread in Program.Main", "Interlocked.Add or a lock"));

    [Fact]
    public Task StartedFromAPlainLambda_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading.Tasks;

        class Clicker
        {
            private int _clicks;

            public void Attach(Action<Action> onClick) => onClick(() => Task.Run(() => { {|#0:_clicks++|}; }));
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedReadModifyWrite).WithLocation(0)
            .WithArguments("_clicks", "incremented", "Task.Run in Clicker.Attach", "Interlocked.Increment or a lock"));

    [Fact]
    public Task ForLoopVariableSharedByEveryPass_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Program
        {
            static void Main()
            {
                for (var i = 0; i < 10; i++)
                {
                    Task.Run(() => { {|#0:i += 2|}; });
                }
            }
        }
        """,
        Verify.Diagnostic(Descriptors.LS5001_UnsynchronizedCapturedReadModifyWrite).WithLocation(0)
            .WithArguments("i", "updated", "Task.Run in a loop in Program.Main", "Interlocked.Add or a lock"));

    // ------------------------------------------------------------------ true negatives

    [Fact]
    public Task InterlockedIncrement_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class Program
        {
            static int _count;

            static void Main()
            {
                Parallel.For(0, 1000, i => Interlocked.Increment(ref _count));
            }
        }
        """);

    [Fact]
    public Task IncrementUnderLock_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Program
        {
            static readonly object Gate = new();
            static int _count;

            static void Main()
            {
                Parallel.For(0, 1000, i =>
                {
                    lock (Gate)
                    {
                        _count++;
                    }
                });
            }
        }
        """);

    [Fact]
    public Task IncrementUnderOtherLockKinds_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class Program
        {
            static readonly object Gate = new();
            static readonly SemaphoreSlim Single = new(1, 1);
            static readonly Lockstep.Lock Mutex = new();
            static int _a, _b, _c;

            static void Main()
            {
                Parallel.For(0, 1000, i =>
                {
                    Monitor.Enter(Gate);
                    try { _a++; } finally { Monitor.Exit(Gate); }

                    Single.Wait();
                    try { _b++; } finally { Single.Release(); }

                    using (Mutex.Acquire())
                    {
                        _c++;
                    }
                });
            }
        }
        """);

    [Fact]
    public Task CallMadeUnderLock_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Program
        {
            static readonly object Gate = new();
            static int _count;

            static void Bump() => _count++;

            static void Main()
            {
                Parallel.For(0, 1000, i =>
                {
                    lock (Gate)
                    {
                        Bump();
                    }
                });
            }
        }
        """);

    [Fact]
    public Task SingleStartInsideAFunctionOneThreadRuns_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class Counter
        {
            private int _count;

            public void Run() => new Thread(Outer).Start();

            private void Outer() => Task.Run(Inner);

            private void Inner() => _count++;
        }
        """);

    [Fact]
    public Task SingleBackgroundTask_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Poller
        {
            private int _polls;

            public Task Start() => Task.Run(() =>
            {
                for (var i = 0; i < 10; i++)
                {
                    _polls++;
                }
            });
        }
        """);

    [Fact]
    public Task FieldWrittenBySingleWorkerOnly_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class Program
        {
            static int _produced;
            static int _consumed;

            static void Produce() { for (var i = 0; i < 10; i++) _produced++; }

            static void Consume() { for (var i = 0; i < 10; i++) _consumed++; }

            static void Main()
            {
                var producer = new Thread(Produce);
                var consumer = new Thread(Consume);
                producer.Start();
                consumer.Start();
            }
        }
        """);

    [Fact]
    public Task ThreadStaticAndThreadLocal_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class Program
        {
            [ThreadStatic]
            static int t_depth;

            static readonly ThreadLocal<int> Calls = new(() => 0);

            static void Main()
            {
                Parallel.For(0, 1000, i =>
                {
                    t_depth++;
                    Calls.Value++;
                });
            }
        }
        """);

    [Fact]
    public Task LocalsDeclaredInsideTheBody_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Program
        {
            static void Main()
            {
                Parallel.For(0, 1000, i =>
                {
                    var hits = 0;
                    for (var j = 0; j < i; j++)
                    {
                        hits++;
                    }

                    System.Console.WriteLine(hits);
                });
            }
        }
        """);

    [Fact]
    public Task CapturedLocalDeclaredInsideTheLoop_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class Program
        {
            static List<Task> Start(int n)
            {
                var tasks = new List<Task>();
                for (var i = 0; i < n; i++)
                {
                    var progress = 0;
                    tasks.Add(Task.Run(() =>
                    {
                        while (progress < 100)
                        {
                            progress += 10;
                        }
                    }));
                }

                return tasks;
            }
        }
        """);

    [Fact]
    public Task FreshObjectPerThread_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class Job
        {
            private int _steps;

            public void Run()
            {
                for (var i = 0; i < 10; i++)
                {
                    _steps++;
                }
            }
        }

        class Program
        {
            static void Main(Job[] jobs)
            {
                for (var i = 0; i < 4; i++)
                {
                    new Thread(new Job().Run).Start();
                }

                foreach (var job in jobs)
                {
                    new Thread(job.Run).Start();
                }
            }
        }
        """);

    [Fact]
    public Task ObjectsCreatedInsideTheBody_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Counter
        {
            private int _value;

            public void Increment() => _value++;
        }

        class Program
        {
            static void Main()
            {
                Parallel.For(0, 100, i =>
                {
                    var counter = new Counter();
                    counter.Increment();
                });
            }
        }
        """);

    [Fact]
    public Task ParameterOfTheBody_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class Item
        {
            public int Retries;
        }

        class Program
        {
            static void Main(List<Item> items) => Parallel.ForEach(items, item => item.Retries++);
        }
        """);

    [Fact]
    public Task AwaitedOneAfterTheOther_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Program
        {
            static int _step;

            static async Task Main()
            {
                await Task.Run(() => _step++);
                await Task.Run(() => _step++);
                for (var i = 0; i < 3; i++)
                {
                    Task.Run(() => _step++).Wait();
                }
            }
        }
        """);

    [Fact]
    public Task SynchronousParallelCallsAfterAwaitedTasks_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Program
        {
            static int _step;

            static void Left() => _step++;

            static async Task Main()
            {
                await Task.Run(() => _step++);
                Parallel.For(0, 10, new ParallelOptions { MaxDegreeOfParallelism = 1 }, i => _step++);
                Parallel.Invoke(Left);
            }
        }
        """);

    [Fact]
    public Task ParallelForWithOneDegree_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Program
        {
            static int _count;

            static void Main()
            {
                Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = 1 }, i => _count++);
            }
        }
        """);

    [Fact]
    public Task PlainAssignmentAndReads_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Program
        {
            static int _last;
            static int _max;

            static void Main()
            {
                Parallel.For(0, 100, i =>
                {
                    _last = i;
                    if (_max < 100)
                    {
                        System.Console.WriteLine(_max);
                    }
                });
            }
        }
        """);

    [Fact]
    public Task DifferentFieldsInParallelInvoke_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Program
        {
            static int _left;
            static int _right;

            static void Main() => Parallel.Invoke(() => _left++, () => _right++);
        }
        """);

    [Fact]
    public Task UpdateOnlyInTheStartingMethod_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class Program
        {
            static int _started;

            static void Main()
            {
                for (var i = 0; i < 4; i++)
                {
                    new Thread(() => System.Console.WriteLine("hi")).Start();
                    _started++;
                }
            }
        }
        """);

    [Fact]
    public Task SynchronousLambdaUnderLockInConcurrentBody_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class Program
        {
            static readonly object Gate = new();
            static int _sum;

            static void Main(List<int> values)
            {
                Parallel.For(0, 10, i =>
                {
                    lock (Gate)
                    {
                        values.ForEach(v => _sum += v);
                    }
                });
            }
        }
        """);

    [Fact]
    public Task LazyInitializationAndLambdaReads_DoNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading.Tasks;

        class Program
        {
            static string? _name;
            static Func<int>? _next;
            static int _seed;

            static void Main()
            {
                Parallel.For(0, 10, i =>
                {
                    _name = _name ?? "default";
                    _next = () => _seed + 1;
                });
            }
        }
        """);

    [Fact]
    public Task GuardedFieldIsLeftToLS5002_ReportsOnlyThat() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        class Program
        {
            private static readonly object Gate = new();

            [GuardedBy(nameof(Gate))]
            private static int s_count;

            static void Main() => Parallel.For(0, 100, i => { {|LS5002:s_count|}++; });
        }
        """);

    [Fact]
    public Task BrokenCode_DoesNotReport() => Verify.VerifyNoDiagnosticOnBrokenCodeAsync("""
        using System.Threading.Tasks;

        class Program
        {
            static int _count;

            static void Main()
            {
                Parallel.For(0, 1000, i => _count++ +);
                Parallel.For(0, 1000, i => _missing++);
            }
        }
        """);
}
