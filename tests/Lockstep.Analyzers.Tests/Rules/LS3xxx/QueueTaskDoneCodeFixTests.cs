using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<Lockstep.Analyzers.Rules.QueueAnalyzer, Lockstep.CodeFixes.Rules.QueueTaskDoneCodeFixProvider>;

namespace Lockstep.Analyzers.Tests.Rules.LS3xxx;

public class QueueTaskDoneCodeFixTests
{
    [Fact]
    public Task ExceptionPath_TaskDoneMovesToFinally() => Verify.VerifyCodeFixAsync("""
        using System;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _jobs = new();

            void Work()
            {
                while (true)
                {
                    var job = {|LS3003:_jobs.Get()|};
                    // process
                    Console.WriteLine(job);
                    _jobs.TaskDone();
                }
            }
        }
        """, """
        using System;
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
                        // process
                        Console.WriteLine(job);
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
    public Task ContinueBeforeTaskDone_IsCoveredByFinally() => Verify.VerifyCodeFixAsync("""
        using System;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _jobs = new();

            void Work()
            {
                while (true)
                {
                    var job = {|LS3003:_jobs.Get()|};
                    if (job.Length == 0)
                    {
                        continue;
                    }

                    Console.WriteLine(job);
                    _jobs.TaskDone();
                }
            }
        }
        """, """
        using System;
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

                        Console.WriteLine(job);
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
    public Task TaskDoneBeforeReturn_IsRemoved() => Verify.VerifyCodeFixAsync("""
        using System;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<int> _queue = new();

            int HandleOne()
            {
                var item = {|LS3003:_queue.Get()|};
                if (item < 0)
                {
                    _queue.TaskDone();
                    return -1;
                }

                if (item == 0)
                {
                    return 0;
                }

                Console.WriteLine(item);
                _queue.TaskDone();
                return item;
            }
        }
        """, """
        using System;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<int> _queue = new();

            int HandleOne()
            {
                var item = _queue.Get();
                try
                {
                    if (item < 0)
                    {
                        return -1;
                    }

                    if (item == 0)
                    {
                        return 0;
                    }

                    Console.WriteLine(item);
                }
                finally
                {
                    _queue.TaskDone();
                }
                return item;
            }
        }
        """);

    [Fact]
    public Task TryGetCondition_BodyIsWrapped() => Verify.VerifyCodeFixAsync("""
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

                    System.Console.WriteLine(job);
                    _jobs.TaskDone();
                }

                return true;
            }
        }
        """, """
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _jobs = new();

            bool Poll()
            {
                if (_jobs.TryGet(out var job))
                {
                    try
                    {
                        if (job.Length == 0)
                        {
                            return false;
                        }

                        System.Console.WriteLine(job);
                    }
                    finally
                    {
                        _jobs.TaskDone();
                    }
                }

                return true;
            }
        }
        """);

    [Fact]
    public Task AsyncGet_RegionIsWrapped() => Verify.VerifyCodeFixAsync("""
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
        """, """
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
                    var line = await _queue.GetAsync(token);
                    try
                    {
                        await File.AppendAllTextAsync("log.txt", line, token);
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
    public Task TaskDoneInTheMiddle_NoFixOffered() => Verify.VerifyCodeFixAsync("""
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
                    System.Console.WriteLine(item);
                }
                else
                {
                    _errors++;
                }
            }
        }
        """, """
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
                    System.Console.WriteLine(item);
                }
                else
                {
                    _errors++;
                }
            }
        }
        """);

    [Fact]
    public Task FixAll_InTwoDocuments()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("A.cs", """
            using Lockstep;

            class A
            {
                private readonly JoinableQueue<int> _queue = new();

                void Work()
                {
                    while (true)
                    {
                        var item = {|LS3003:_queue.Get()|};
                        System.Console.WriteLine(item);
                        _queue.TaskDone();
                    }
                }

                void Other()
                {
                    var item = {|LS3003:_queue.Get()|};
                    if (item == 0)
                    {
                        return;
                    }

                    _queue.TaskDone();
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", """
            using Lockstep;

            static class B
            {
                public static void Work(JoinableQueue<string> queue)
                {
                    while ({|LS3003:queue.TryGet(out var line)|})
                    {
                        System.Console.WriteLine(line);
                        queue.TaskDone();
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", """
            using Lockstep;

            class A
            {
                private readonly JoinableQueue<int> _queue = new();

                void Work()
                {
                    while (true)
                    {
                        var item = _queue.Get();
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

                void Other()
                {
                    var item = _queue.Get();
                    try
                    {
                        if (item == 0)
                        {
                            return;
                        }
                    }
                    finally
                    {
                        _queue.TaskDone();
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", """
            using Lockstep;

            static class B
            {
                public static void Work(JoinableQueue<string> queue)
                {
                    while (queue.TryGet(out var line))
                    {
                        try
                        {
                            System.Console.WriteLine(line);
                        }
                        finally
                        {
                            queue.TaskDone();
                        }
                    }
                }
            }
            """));
        return test.RunAsync();
    }
}
