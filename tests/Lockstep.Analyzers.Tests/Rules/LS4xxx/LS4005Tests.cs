using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.ChildLifecycleAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS4xxx;

public class LS4005Tests
{
    // ------------------------------------------------------------ true positives

    [Fact]
    public Task PoolSubmitResultInLoop_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using Lockstep;

        class C
        {
            List<int> M(WorkerPool pool, int[] items)
            {
                var results = new List<int>();
                foreach (var item in items)
                {
                    results.Add({|#0:pool.Submit(() => item * item).Result|});
                }

                return results;
            }
        }
        """, Verify.Diagnostic(Descriptors.LS4005_SubmitAndWaitInLoop).WithLocation(0).WithArguments("pool.Submit(…)", ".Result"));

    [Fact]
    public Task AwaitPoolSubmitInLoop_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            async Task M(WorkerPool pool, string[] files)
            {
                foreach (var file in files)
                {
                    {|#0:await pool.Submit(() => System.IO.File.Delete(file))|};
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS4005_SubmitAndWaitInLoop).WithLocation(0).WithArguments("pool.Submit(…)", "await"));

    [Fact]
    public Task PoolSubmitWaitInLoop_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            void M(WorkerPool pool, string[] files)
            {
                foreach (var file in files)
                {
                    {|LS4005:pool.Submit(() => Compress(file)).Wait()|};
                }
            }

            static void Compress(string file) { }
        }
        """);

    [Fact]
    public Task GetAwaiterGetResultInLoop_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using Lockstep;

        class C
        {
            void M(WorkerPool pool, int[] items, List<string> output)
            {
                foreach (var item in items)
                {
                    output.Add({|#0:pool.Submit(() => item.ToString()).GetAwaiter().GetResult()|});
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS4005_SubmitAndWaitInLoop).WithLocation(0).WithArguments("pool.Submit(…)", ".GetAwaiter().GetResult()"));

    [Fact]
    public Task AwaitTaskRunCollectingResults_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            async Task<List<int>> M(IEnumerable<string> inputs)
            {
                var lengths = new List<int>();
                foreach (var input in inputs)
                {
                    lengths.Add({|#0:await Task.Run(() => Hash(input))|});
                }

                return lengths;
            }

            static int Hash(string s) => s.GetHashCode();
        }
        """, Verify.Diagnostic(Descriptors.LS4005_SubmitAndWaitInLoop).WithLocation(0).WithArguments("Task.Run(…)", "await"));

    [Fact]
    public Task TaskRunResultInForLoop_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            void M(double[] values, double[] output)
            {
                for (var i = 0; i < values.Length; i++)
                {
                    var v = values[i];
                    output[i] = {|LS4005:Task.Run(() => System.Math.Sqrt(v)).Result|};
                }
            }
        }
        """);

    [Fact]
    public Task TaskFactoryStartNewWaitInWhileLoop_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            void M(Queue<string> pending)
            {
                while (pending.Count > 0)
                {
                    var next = pending.Dequeue();
                    {|LS4005:Task.Factory.StartNew(() => Send(next)).Wait()|};
                }
            }

            static void Send(string message) { }
        }
        """);

    [Fact]
    public Task AwaitTaskRunConfigureAwait_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task M(string[] urls)
            {
                foreach (var url in urls)
                {
                    {|LS4005:await Task.Run(() => Download(url)).ConfigureAwait(false)|};
                }
            }

            static void Download(string url) { }
        }
        """);

    [Fact]
    public Task ResultAssignedToLocalThenCollected_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            async Task<List<string>> M(string[] names)
            {
                var upper = new List<string>();
                foreach (var name in names)
                {
                    var result = {|LS4005:await Task.Run(() => name.ToUpperInvariant())|};
                    upper.Add(result);
                }

                return upper;
            }
        }
        """);

    [Fact]
    public Task ResultsSummedAfterEach_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            long M(WorkerPool pool, int[] sizes)
            {
                long total = 0;
                foreach (var size in sizes)
                {
                    total += {|LS4005:pool.Submit(() => (long)size * size).Result|};
                }

                return total;
            }
        }
        """);

    [Fact]
    public Task TwoSubmissionsPerPass_ReportsBoth() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task M(string[] files)
            {
                foreach (var file in files)
                {
                    var size = {|LS4005:await Task.Run(() => file.Length)|};
                    var hash = {|LS4005:await Task.Run(() => file.GetHashCode())|};
                    System.Console.WriteLine(size + hash);
                }
            }
        }
        """);

    [Fact]
    public Task InsideLambdaLoop_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            Action M(int[] items) => () =>
            {
                foreach (var item in items)
                {
                    {|LS4005:Task.Run(() => Console.WriteLine(item)).Wait()|};
                }
            };
        }
        """);

    [Fact]
    public Task DoWhileLoop_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            void M(Stack<int> work, List<int> done)
            {
                do
                {
                    var item = work.Pop();
                    done.Add({|LS4005:Task.Run(() => item * 2).Result|});
                }
                while (work.Count > 0);
            }
        }
        """);

    // ------------------------------------------------------------ true negatives

    [Fact]
    public Task ResultFeedsNextSubmission_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task<string> M(string seed, int rounds)
            {
                var state = seed;
                for (var i = 0; i < rounds; i++)
                {
                    state = await Task.Run(() => Step(state));
                }

                return state;
            }

            static string Step(string s) => s + "!";
        }
        """);

    [Fact]
    public Task ResultFedThroughLocal_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            int M(WorkerPool pool, int n)
            {
                var previous = 0;
                for (var i = 0; i < n; i++)
                {
                    var input = previous + i;
                    previous = pool.Submit(() => input * 2).Result;
                }

                return previous;
            }
        }
        """);

    [Fact]
    public Task ResultMutatesSharedModel_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            async Task M(List<int> model, int[] inputs)
            {
                foreach (var input in inputs)
                {
                    var next = await Task.Run(() => model.Count + input);
                    model.Add(next);
                }
            }
        }
        """);

    [Fact]
    public Task BreakOnResult_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task<string?> M(string[] mirrors)
            {
                string? found = null;
                foreach (var mirror in mirrors)
                {
                    if (await Task.Run(() => Probe(mirror)))
                    {
                        found = mirror;
                        break;
                    }
                }

                return found;
            }

            static bool Probe(string url) => url.Length > 3;
        }
        """);

    [Fact]
    public Task ReturnOnResult_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            int M(WorkerPool pool, int[] items)
            {
                foreach (var item in items)
                {
                    var r = pool.Submit(() => item - 1).Result;
                    if (r < 0)
                    {
                        return r;
                    }
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task PacedWithDelay_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task M(string[] batches)
            {
                foreach (var batch in batches)
                {
                    await Task.Run(() => Upload(batch));
                    await Task.Delay(1000);
                }
            }

            static void Upload(string batch) { }
        }
        """);

    [Fact]
    public Task ProgressReportedPerItem_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            async Task M(string[] files, IProgress<int> progress)
            {
                var done = 0;
                foreach (var file in files)
                {
                    await Task.Run(() => Convert(file));
                    progress.Report(++done);
                }
            }

            static void Convert(string file) { }
        }
        """);

    [Fact]
    public Task WorkWritesSharedCounter_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private int _processed;

            void M(WorkerPool pool, int[] items)
            {
                foreach (var item in items)
                {
                    pool.Submit(() => { _processed += item; }).Wait();
                }
            }
        }
        """);

    [Fact]
    public Task TasksCollectedThenAwaited_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            async Task<int[]> M(int[] items)
            {
                var tasks = new List<Task<int>>();
                foreach (var item in items)
                {
                    tasks.Add(Task.Run(() => item * 2));
                }

                return await Task.WhenAll(tasks);
            }
        }
        """);

    [Fact]
    public Task SubmitAndWaitOutsideLoop_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task<int> M(int x) => await Task.Run(() => x * 2);
        }
        """);

    [Fact]
    public Task WaitInLoopCondition_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task M()
            {
                while (await Task.Run(() => Poll()))
                {
                }
            }

            static bool Poll() => false;
        }
        """);

    [Fact]
    public Task SubmitInLoopWaitedInsideLambda_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            List<Func<int>> M(int[] items)
            {
                var later = new List<Func<int>>();
                foreach (var item in items)
                {
                    later.Add(() => Task.Run(() => item).Result);
                }

                return later;
            }
        }
        """);

    [Fact]
    public Task InstanceStateChangedBetweenSubmissions_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            private int _offset;

            async Task M(int[] items)
            {
                foreach (var item in items)
                {
                    var r = await Task.Run(() => Shift(item));
                    Remember(r);
                }
            }

            int Shift(int x) => x + _offset;

            void Remember(int r) => _offset = r;
        }
        """);

    [Fact]
    public Task ThrowOnFailure_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading.Tasks;

        class C
        {
            void M(string[] steps)
            {
                foreach (var step in steps)
                {
                    if (!Task.Run(() => Execute(step)).Result)
                    {
                        throw new InvalidOperationException(step);
                    }
                }
            }

            static bool Execute(string step) => true;
        }
        """);

    [Fact]
    public Task StatusShownPerItem_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Status
        {
            public string Text { get; set; } = "";
        }

        class C
        {
            private readonly Status _status = new();

            async Task M(string[] files)
            {
                foreach (var file in files)
                {
                    _status.Text = "Converting " + file;
                    await Task.Run(() => Convert(file));
                }
            }

            static void Convert(string file) { }
        }
        """);

    [Fact]
    public Task FieldAccumulatesResults_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            private long _bytes;

            async Task M(string[] files)
            {
                foreach (var file in files)
                {
                    _bytes += {|LS4005:await Task.Run(() => (long)file.Length)|};
                }
            }
        }
        """);

    [Fact]
    public Task StartNewOfAsyncLambda_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task M(int[] items)
            {
                foreach (var item in items)
                {
                    await Task.Factory.StartNew(async () => await Task.Delay(item));
                }
            }
        }
        """);

    [Fact]
    public Task ConsumingEnumerable_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using Lockstep;

        class C
        {
            void M(WorkerPool pool, BlockingCollection<string> jobs)
            {
                foreach (var job in jobs.GetConsumingEnumerable())
                {
                    pool.Submit(() => Run(job)).Wait();
                }
            }

            static void Run(string job) { }
        }
        """);

    [Fact]
    public Task LoopUntilResultSaysDone_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class C
        {
            async Task M()
            {
                var done = false;
                while (!done)
                {
                    done = await Task.Run(() => TryOnce());
                }
            }

            static bool TryOnce() => true;
        }
        """);

    [Fact]
    public Task ServiceLoopUntilCancelled_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            async Task M(CancellationToken token)
            {
                while (!token.IsCancellationRequested)
                {
                    await Task.Run(() => Tick(), token);
                }
            }

            static void Tick() { }
        }
        """);

    [Fact]
    public Task AwaitForeachStream_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            async Task M(IAsyncEnumerable<int> source)
            {
                await foreach (var item in source)
                {
                    await Task.Run(() => Handle(item));
                }
            }

            static void Handle(int item) { }
        }
        """);

    [Fact]
    public Task WorkCallsInstanceMethod_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        class C
        {
            private readonly List<int> _results = new();

            async Task M(int[] items, CancellationToken token)
            {
                foreach (var item in items)
                {
                    var result = {|LS4005:await Task.Run(() => Compute(item), token)|};
                    _results.Add(result);
                }
            }

            int Compute(int x) => x * 2;
        }
        """);

    [Fact]
    public Task ProgressCounterPerItem_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;

        class Bar
        {
            public int Value { get; set; }
        }

        class C
        {
            private readonly Bar _bar = new();

            async Task M(string[] files)
            {
                foreach (var f in files)
                {
                    await Task.Run(() => System.Console.WriteLine(f));
                    _bar.Value++;
                }
            }
        }
        """);
}
