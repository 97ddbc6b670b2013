using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<Lockstep.Analyzers.Rules.QueueAnalyzer, Lockstep.CodeFixes.Rules.QueueConsumerCodeFixProvider>;

namespace Lockstep.Analyzers.Tests.Rules.LS3xxx;

public class QueueConsumerCodeFixTests
{
    [Fact]
    public Task WhileNotEmpty_BecomesConsumeWithToken() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<string> _jobs = new();

            public Task Start(CancellationToken token) => Task.Run(() =>
            {
                // One job at a time.
                while ({|LS3002:!_jobs.IsEmpty|})
                {
                    var job = _jobs.Get();
                    Console.WriteLine(job); // done
                }
            });

            public void Submit(string job) => _jobs.Put(job);
        }
        """, """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<string> _jobs = new();

            public Task Start(CancellationToken token) => Task.Run(() =>
            {
                // One job at a time.
                foreach (var job in _jobs.Consume(token))
                {
                    Console.WriteLine(job); // done
                }
            });

            public void Submit(string job) => _jobs.Put(job);
        }
        """);

    [Fact]
    public Task BlockingCollectionTakeAsArgument_BecomesGetConsumingEnumerable() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Collections.Concurrent;
        using System.Threading;

        class Pipeline
        {
            private readonly BlockingCollection<int> _items = new();

            public void Start() => new Thread(Drain).Start();

            public void Add(int item) => _items.Add(item);

            private void Drain()
            {
                while ({|LS3002:_items.Count > 0|})
                {
                    Console.WriteLine(_items.Take());
                }
            }
        }
        """, """
        using System;
        using System.Collections.Concurrent;
        using System.Threading;

        class Pipeline
        {
            private readonly BlockingCollection<int> _items = new();

            public void Start() => new Thread(Drain).Start();

            public void Add(int item) => _items.Add(item);

            private void Drain()
            {
                foreach (var item in _items.GetConsumingEnumerable())
                {
                    Console.WriteLine(item);
                }
            }
        }
        """);

    [Fact]
    public Task BreakWhenEmpty_IsRemoved() => Verify.VerifyCodeFixAsync("""
        using System;
        using System.Threading;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<string> _jobs = new();

            public void Start()
            {
                new Thread(() =>
                {
                    while (true)
                    {
                        string job = _jobs.Get();
                        Console.WriteLine(job);
                        if ({|LS3002:_jobs.IsEmpty|})
                        {
                            break;
                        }
                    }
                }).Start();
            }

            public void Submit(string job) => _jobs.Put(job);
        }
        """, """
        using System;
        using System.Threading;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<string> _jobs = new();

            public void Start()
            {
                new Thread(() =>
                {
                    foreach (string job in _jobs.Consume())
                    {
                        Console.WriteLine(job);
                    }
                }).Start();
            }

            public void Submit(string job) => _jobs.Put(job);
        }
        """);

    [Fact]
    public Task GetAsync_BecomesAwaitForeachConsumeAsync() => Verify.VerifyCodeFixAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<int> _queue = new();

            public ValueTask AddAsync(int value, CancellationToken token) => _queue.PutAsync(value, token);

            public async Task ConsumeAsync(CancellationToken token)
            {
                while ({|LS3002:_queue.Count != 0|})
                {
                    var value = await _queue.GetAsync(token);
                    System.Console.WriteLine(value);
                }
            }
        }
        """, """
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<int> _queue = new();

            public ValueTask AddAsync(int value, CancellationToken token) => _queue.PutAsync(value, token);

            public async Task ConsumeAsync(CancellationToken token)
            {
                await foreach (var value in _queue.ConsumeAsync(token))
                {
                    System.Console.WriteLine(value);
                }
            }
        }
        """);

    [Fact]
    public Task ConcurrentQueue_NoFixOffered() => Verify.VerifyCodeFixAsync("""
        using System.Collections.Concurrent;
        using System.Threading.Tasks;

        class Pipeline
        {
            private readonly ConcurrentQueue<int> _queue = new();

            public void Post(int value) => _queue.Enqueue(value);

            public Task Start() => Task.Run(() =>
            {
                while ({|LS3002:!_queue.IsEmpty|})
                {
                    if (_queue.TryDequeue(out var item))
                    {
                        System.Console.WriteLine(item);
                    }
                }
            });
        }
        """, """
        using System.Collections.Concurrent;
        using System.Threading.Tasks;

        class Pipeline
        {
            private readonly ConcurrentQueue<int> _queue = new();

            public void Post(int value) => _queue.Enqueue(value);

            public Task Start() => Task.Run(() =>
            {
                while ({|LS3002:!_queue.IsEmpty|})
                {
                    if (_queue.TryDequeue(out var item))
                    {
                        System.Console.WriteLine(item);
                    }
                }
            });
        }
        """);

    [Fact]
    public Task CombinedCondition_NoFixOffered() => Verify.VerifyCodeFixAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<int> _queue = new();

            public void Add(int value) => _queue.Put(value);

            public Task Start(CancellationToken token) => Task.Run(() =>
            {
                while ({|LS3002:!_queue.IsEmpty|} && !token.IsCancellationRequested)
                {
                    var item = _queue.Get();
                    System.Console.WriteLine(item);
                }
            });
        }
        """, """
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<int> _queue = new();

            public void Add(int value) => _queue.Put(value);

            public Task Start(CancellationToken token) => Task.Run(() =>
            {
                while ({|LS3002:!_queue.IsEmpty|} && !token.IsCancellationRequested)
                {
                    var item = _queue.Get();
                    System.Console.WriteLine(item);
                }
            });
        }
        """);

    [Fact]
    public Task ItemReassignedInBody_NoFixOffered() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<string> _queue = new();

            public void Add(string value) => _queue.Put(value);

            public Task Start() => Task.Run(() =>
            {
                while ({|LS3002:!_queue.IsEmpty|})
                {
                    var line = _queue.Get();
                    line = line.Trim();
                    System.Console.WriteLine(line);
                }
            });
        }
        """, """
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<string> _queue = new();

            public void Add(string value) => _queue.Put(value);

            public Task Start() => Task.Run(() =>
            {
                while ({|LS3002:!_queue.IsEmpty|})
                {
                    var line = _queue.Get();
                    line = line.Trim();
                    System.Console.WriteLine(line);
                }
            });
        }
        """);

    [Fact]
    public Task FixAll_InTwoDocuments()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("A.cs", """
            using System.Threading.Tasks;
            using Lockstep;

            class A
            {
                private readonly BlockingQueue<int> _queue = new();

                public void Add(int value) => _queue.Put(value);

                public Task Start() => Task.Run(() =>
                {
                    while ({|LS3002:_queue.Count > 0|})
                    {
                        var value = _queue.Get();
                        System.Console.WriteLine(value);
                    }
                });
            }
            """));
        test.TestState.Sources.Add(("B.cs", """
            using System.Collections.Concurrent;
            using System.Threading;

            class B
            {
                private readonly BlockingCollection<string> _lines = new();

                public void Add(string line) => _lines.Add(line);

                public void Worker(CancellationToken token)
                {
                    while ({|LS3002:_lines.Count > 0|})
                    {
                        var line = _lines.Take(token);
                        System.Console.WriteLine(line);
                    }
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", """
            using System.Threading.Tasks;
            using Lockstep;

            class A
            {
                private readonly BlockingQueue<int> _queue = new();

                public void Add(int value) => _queue.Put(value);

                public Task Start() => Task.Run(() =>
                {
                    foreach (var value in _queue.Consume())
                    {
                        System.Console.WriteLine(value);
                    }
                });
            }
            """));
        test.FixedState.Sources.Add(("B.cs", """
            using System.Collections.Concurrent;
            using System.Threading;

            class B
            {
                private readonly BlockingCollection<string> _lines = new();

                public void Add(string line) => _lines.Add(line);

                public void Worker(CancellationToken token)
                {
                    foreach (var line in _lines.GetConsumingEnumerable(token))
                    {
                        System.Console.WriteLine(line);
                    }
                }
            }
            """));
        return test.RunAsync();
    }
}
