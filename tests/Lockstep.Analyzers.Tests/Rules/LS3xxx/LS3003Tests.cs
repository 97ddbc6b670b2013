using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.QueueAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS3xxx;

public class LS3003Tests
{
    // ---- true positives

    [Fact]
    public Task ContinueSkipsTaskDone_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _jobs = new();

            void Work()
            {
                while (true)
                {
                    var job = {|#0:_jobs.Get()|};
                    if (job.Length == 0)
                    {
                        continue;
                    }

                    try
                    {
                        System.Console.WriteLine(job);
                    }
                    finally
                    {
                        _jobs.TaskDone();
                    }
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS3003_JoinableQueueItemNotDone).WithLocation(0)
        .WithArguments("_jobs", "the next pass of the loop"));

    [Fact]
    public Task EarlyReturnSkipsTaskDone_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _jobs = new();

            void HandleOne()
            {
                var job = {|#0:_jobs.Get()|};
                if (job.Length == 0)
                {
                    return;
                }

                _jobs.TaskDone();
                System.Console.WriteLine(job);
            }
        }
        """, Verify.Diagnostic(Descriptors.LS3003_JoinableQueueItemNotDone).WithLocation(0)
        .WithArguments("_jobs", "the path that leaves the method after line 10"));

    [Fact]
    public Task ExceptionInProcessingSkipsTaskDone_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _jobs = new();

            void Work()
            {
                while (true)
                {
                    var job = {|#0:_jobs.Get()|};
                    System.Console.WriteLine(job);
                    _jobs.TaskDone();
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS3003_JoinableQueueItemNotDoneOnException).WithLocation(0)
        .WithArguments("_jobs", "the call to 'WriteLine' at line 12"));

    [Fact]
    public Task TryGetThenReturnWithoutTaskDone_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _jobs = new();

            bool Poll()
            {
                if ({|LS3003:_jobs.TryGet(out var job)|})
                {
                    if (job.Length == 0)
                    {
                        return false;
                    }

                    _jobs.TaskDone();
                }

                return true;
            }
        }
        """);

    [Fact]
    public Task GetAsyncContinueSkipsTaskDone_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<int> _queue = new();

            async Task RunAsync(CancellationToken token)
            {
                while (!token.IsCancellationRequested)
                {
                    var item = await {|LS3003:_queue.GetAsync(token)|};
                    if (item < 0)
                    {
                        continue;
                    }

                    _queue.TaskDone();
                }
            }
        }
        """);

    [Fact]
    public Task SentinelBreakWithoutTaskDone_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string?> _queue = new();

            void Worker()
            {
                while (true)
                {
                    var item = {|LS3003:_queue.Get()|};
                    if (item is null)
                    {
                        break;
                    }

                    _queue.TaskDone();
                }
            }
        }
        """);

    [Fact]
    public Task ContinueInCatchSkipsTaskDone_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.IO;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _files = new();

            public Task Start() => Task.Run(() =>
            {
                while (true)
                {
                    var path = {|LS3003:_files.Get()|};
                    try
                    {
                        Console.WriteLine(File.ReadAllText(path));
                    }
                    catch (Exception)
                    {
                        continue;
                    }

                    _files.TaskDone();
                }
            });
        }
        """);

    [Fact]
    public Task LocalFunctionConsumer_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        class Pipeline
        {
            public void Start(JoinableQueue<int> queue)
            {
                new Thread(Loop).Start();

                void Loop()
                {
                    while (true)
                    {
                        var item = {|LS3003:queue.Get()|};
                        if (item == 0)
                        {
                            continue;
                        }

                        queue.TaskDone();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task TimedGetReturnsEarly_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<int> _queue = new();

            int Next()
            {
                var item = {|LS3003:_queue.Get(TimeSpan.FromSeconds(1))|};
                if (item > 100)
                {
                    return -1;
                }

                _queue.TaskDone();
                return item;
            }
        }
        """);

    [Fact]
    public Task TaskDoneInOneBranchOnly_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<int> _queue = new();
            private int _errors;

            void HandleOne()
            {
                var item = {|LS3003:_queue.GetNoWait()|};
                if (item >= 0)
                {
                    _queue.TaskDone();
                }
                else
                {
                    _errors++;
                }
            }
        }
        """);

    [Fact]
    public Task SwitchCaseReturnsEarly_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _commands = new();

            string Dispatch()
            {
                var command = {|LS3003:_commands.Get()|};
                switch (command)
                {
                    case "stop":
                        return "stopping";
                    default:
                        _commands.TaskDone();
                        return "ok";
                }
            }
        }
        """);

    [Fact]
    public Task ParameterQueueExceptionPath_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.IO;
        using Lockstep;

        static class Workers
        {
            public static void Copy(JoinableQueue<string> queue, string target)
            {
                while (true)
                {
                    var path = {|#0:queue.Get()|};
                    File.Copy(path, Path.Combine(target, Path.GetFileName(path)));
                    queue.TaskDone();
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS3003_JoinableQueueItemNotDoneOnException).WithLocation(0)
        .WithArguments("queue", "the call to 'GetFileName' at line 11"));

    [Fact]
    public Task AwaitBetweenGetAndTaskDone_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _queue = new();

            async Task DrainAsync(CancellationToken token)
            {
                while (true)
                {
                    var line = await {|LS3003:_queue.GetAsync(token)|};
                    await File.AppendAllTextAsync("log.txt", line, token);
                    _queue.TaskDone();
                }
            }
        }
        """);

    [Fact]
    public Task SpecificCatchSwallowsWithoutTaskDone_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.IO;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _files = new();

            void Work()
            {
                while (true)
                {
                    var path = {|LS3003:_files.Get()|};
                    try
                    {
                        File.Delete(path);
                        _files.TaskDone();
                    }
                    catch (IOException)
                    {
                        System.Console.WriteLine("failed: " + path);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task LambdaWorkerReturnsEarly_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<int> _queue = new();

            public Action Handler() => () =>
            {
                var item = {|LS3003:_queue.Get()|};
                if (item == 0)
                {
                    return;
                }

                _queue.TaskDone();
            };
        }
        """);

    [Fact]
    public Task TryGetInWhileConditionContinues_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<int> _queue = new();

            int Drain()
            {
                var sum = 0;
                while ({|LS3003:_queue.TryGet(out var item)|})
                {
                    if (item < 0)
                    {
                        continue;
                    }

                    sum += item;
                    _queue.TaskDone();
                }

                return sum;
            }
        }
        """);

    // ---- true negatives

    [Fact]
    public Task TaskDoneInFinally_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _jobs = new();

            void Work()
            {
                while (true)
                {
                    var job = _jobs.Get();
                    try
                    {
                        if (job.Length == 0)
                        {
                            continue;
                        }

                        System.Console.WriteLine(job);
                    }
                    finally
                    {
                        _jobs.TaskDone();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task TaskDoneRightAfterGet_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _jobs = new();

            void Work()
            {
                var job = _jobs.Get();
                _jobs.TaskDone();
                System.Console.WriteLine(job);
            }
        }
        """);

    [Fact]
    public Task GetOnlyHandOff_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _jobs = new();

            public string Next()
            {
                var job = _jobs.Get();
                if (job.Length == 0)
                {
                    return "";
                }

                return job;
            }

            public void Done() => _jobs.TaskDone();
        }
        """);

    [Fact]
    public Task PlainBlockingQueue_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<string> _jobs = new();

            void Work()
            {
                while (true)
                {
                    var job = _jobs.Get();
                    if (job.Length == 0)
                    {
                        continue;
                    }

                    System.Console.WriteLine(job);
                }
            }
        }
        """);

    [Fact]
    public Task ItemHandedToLambdaThatMarksDone_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _jobs = new();

            void Dispatch()
            {
                while (true)
                {
                    var job = _jobs.Get();
                    if (job.StartsWith("slow"))
                    {
                        ThreadPool.QueueUserWorkItem(_ =>
                        {
                            try
                            {
                                System.Console.WriteLine(job);
                            }
                            finally
                            {
                                _jobs.TaskDone();
                            }
                        });
                        continue;
                    }

                    _jobs.TaskDone();
                }
            }
        }
        """);

    [Fact]
    public Task BatchGetThenMarkAllDone_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<int> _queue = new();

            void ProcessBatch(int size)
            {
                var batch = new List<int>();
                for (var i = 0; i < size; i++)
                {
                    batch.Add(_queue.Get());
                }

                try
                {
                    System.Console.WriteLine(batch.Count);
                }
                finally
                {
                    for (var i = 0; i < batch.Count; i++)
                    {
                        _queue.TaskDone();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task TryGetFalseBranchReturns_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<int> _queue = new();

            void Poll()
            {
                if (!_queue.TryGet(out var item))
                {
                    return;
                }

                try
                {
                    System.Console.WriteLine(item);
                }
                finally
                {
                    _queue.TaskDone();
                }
            }
        }
        """);

    [Fact]
    public Task CatchAllMarksDoneAndRethrows_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<int> _queue = new();

            void HandleOne()
            {
                var item = _queue.Get();
                try
                {
                    Console.WriteLine(item);
                }
                catch (Exception)
                {
                    _queue.TaskDone();
                    throw;
                }

                _queue.TaskDone();
            }
        }
        """);

    [Fact]
    public Task TaskDoneBeforeContinue_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<int> _queue = new();

            void Work()
            {
                while (true)
                {
                    var item = _queue.Get();
                    _queue.TaskDone();
                    if (item < 0)
                    {
                        continue;
                    }

                    System.Console.WriteLine(item);
                }
            }
        }
        """);

    [Fact]
    public Task QueuePassedToHelperThatMarksDone_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        static class Workers
        {
            public static void Work(JoinableQueue<int> queue)
            {
                while (true)
                {
                    var item = queue.Get();
                    if (item < 0)
                    {
                        Finish(queue, item);
                        continue;
                    }

                    queue.TaskDone();
                }
            }

            private static void Finish(JoinableQueue<int> queue, int item)
            {
                System.Console.WriteLine(item);
                queue.TaskDone();
            }
        }
        """);

    [Fact]
    public Task ConsumeWithFinally_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<int> _queue = new();

            void Consumer(CancellationToken token)
            {
                foreach (var item in _queue.Consume(token))
                {
                    try
                    {
                        System.Console.WriteLine(item);
                    }
                    finally
                    {
                        _queue.TaskDone();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task ProducerPutsAndJoins_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<int> _queue = new();

            void Produce()
            {
                for (var i = 0; i < 10; i++)
                {
                    _queue.Put(i);
                }

                _queue.Join();
            }
        }
        """);

    [Fact]
    public Task BlockingCollectionTake_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class Pipeline
        {
            private readonly BlockingCollection<int> _items = new();

            void Work()
            {
                while (true)
                {
                    var item = _items.Take();
                    if (item < 0)
                    {
                        continue;
                    }

                    System.Console.WriteLine(item);
                }
            }
        }
        """);

    [Fact]
    public Task NestedTryFinallyInLoop_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.IO;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _files = new();

            void Work()
            {
                while (true)
                {
                    var path = _files.Get();
                    try
                    {
                        try
                        {
                            File.Delete(path);
                        }
                        catch (IOException e)
                        {
                            Console.WriteLine(e.Message);
                            continue;
                        }

                        Console.WriteLine("deleted " + path);
                    }
                    finally
                    {
                        _files.TaskDone();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task GetFromOneQueueTaskDoneOnAnother_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<int> _input = new();
            private readonly JoinableQueue<int> _output = new();

            void Forward()
            {
                var item = _input.Get();
                _output.Put(item * 2);
            }

            void Acknowledge() => _output.TaskDone();
        }
        """);

    [Fact]
    public Task ItemReturnedToCaller_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _jobs = new();

            public string Next()
            {
                while (true)
                {
                    var job = _jobs.Get();
                    if (job == "heartbeat")
                    {
                        _jobs.TaskDone();
                        continue;
                    }

                    return job;
                }
            }
        }
        """);

    [Fact]
    public Task BrokenCode_DoesNotReportOrThrow() => Verify.VerifyNoDiagnosticOnBrokenCodeAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<int> _queue = new();

            void Work()
            {
                var item = _queue.Get(
                if (item < 0) return;
                _queue.TaskDone();
        }
        """);
}
