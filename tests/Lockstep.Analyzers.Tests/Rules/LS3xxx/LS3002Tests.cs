using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.QueueAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS3xxx;

public class LS3002Tests
{
    // ---- true positives

    [Fact]
    public Task WorkerLambdaWhileNotEmpty_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<string> _jobs = new();

            public Task Start() => Task.Run(() =>
            {
                while ({|#0:!_jobs.IsEmpty|})
                {
                    var job = _jobs.Get();
                    Console.WriteLine(job);
                }
            });

            public void Submit(string job) => _jobs.Put(job);
        }
        """, Verify.Diagnostic(Descriptors.LS3002_ConsumerStopsWhenEmpty).WithLocation(0)
        .WithArguments("_jobs", "IsEmpty", "consume with 'foreach (var item in _jobs.Consume(token))' and have the producers call 'Close()'"));

    [Fact]
    public Task BreakWhenEmptyAfterGet_Reports() => Verify.VerifyAnalyzerAsync("""
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
                        var job = _jobs.Get();
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
        """);

    [Fact]
    public Task ConsumerMethodWhileCount_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<int> _queue = new();

            void Consumer()
            {
                while ({|LS3002:_queue.Count > 0|})
                {
                    Console.WriteLine(_queue.Get());
                }
            }

            void Producer()
            {
                for (var i = 0; i < 10; i++)
                {
                    _queue.Put(i);
                }
            }
        }
        """);

    [Fact]
    public Task BackgroundServiceExecuteAsync_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        abstract class BackgroundService
        {
            protected abstract Task ExecuteAsync(CancellationToken stoppingToken);
        }

        sealed class Indexer : BackgroundService
        {
            private readonly BlockingQueue<string> _pending = new();

            public void Enqueue(string path) => _pending.Put(path);

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while ({|LS3002:!_pending.IsEmpty|} && !stoppingToken.IsCancellationRequested)
                {
                    var path = await _pending.GetAsync(stoppingToken);
                    System.Console.WriteLine(path);
                }
            }
        }
        """);

    [Fact]
    public Task MethodGroupStartedOnThread_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using System.Threading;

        class Pipeline
        {
            private readonly BlockingCollection<int> _items = new();

            public void Start() => new Thread(Drain) { IsBackground = true }.Start();

            public void Add(int item) => _items.Add(item);

            private void Drain()
            {
                while ({|#0:_items.Count > 0|})
                {
                    System.Console.WriteLine(_items.Take());
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS3002_ConsumerStopsWhenEmpty).WithLocation(0)
        .WithArguments("_items", "Count", "consume with 'foreach (var item in _items.GetConsumingEnumerable(token))' and have the producers call 'CompleteAdding()'"));

    [Fact]
    public Task LocalFunctionHandedToTaskRun_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using System.Threading.Tasks;

        class Pipeline
        {
            private readonly ConcurrentQueue<int> _queue = new();

            public void Post(int value) => _queue.Enqueue(value);

            public Task Start()
            {
                return Task.Run(Loop);

                void Loop()
                {
                    while ({|#0:!_queue.IsEmpty|})
                    {
                        if (_queue.TryDequeue(out var item))
                        {
                            System.Console.WriteLine(item);
                        }
                    }
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS3002_ConsumerStopsWhenEmpty).WithLocation(0)
        .WithArguments("_queue", "IsEmpty", "hand items over with a BlockingCollection or a Channel and consume until the producers complete it"));

    [Fact]
    public Task MainThreadConsumesWhileProducerRuns_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        class Program
        {
            static void Main()
            {
                var queue = new BlockingQueue<int>();
                var producer = Task.Run(() =>
                {
                    for (var i = 0; i < 100; i++)
                    {
                        queue.Put(i);
                    }
                });

                while ({|LS3002:!queue.IsEmpty|})
                {
                    System.Console.WriteLine(queue.Get());
                }

                producer.Wait();
            }
        }
        """);

    [Fact]
    public Task ConsumersStartedBeforeProducing_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using System.Threading.Tasks;

        class Program
        {
            static async Task Main()
            {
                var queue = new ConcurrentQueue<int>();
                var consumer = Task.Run(() =>
                {
                    while ({|LS3002:queue.Count != 0|})
                    {
                        if (queue.TryDequeue(out var item))
                        {
                            System.Console.WriteLine(item);
                        }
                    }
                });

                for (var i = 0; i < 100; i++)
                {
                    queue.Enqueue(i);
                }

                await consumer;
            }
        }
        """);

    [Fact]
    public Task ChannelReaderCountInWorker_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Pipeline
        {
            public Task Start(ChannelReader<int> reader) => Task.Run(() =>
            {
                while ({|#0:reader.Count > 0|})
                {
                    if (reader.TryRead(out var item))
                    {
                        System.Console.WriteLine(item);
                    }
                }
            });
        }
        """, Verify.Diagnostic(Descriptors.LS3002_ConsumerStopsWhenEmpty).WithLocation(0)
        .WithArguments("reader", "Count", "consume with 'await foreach (var item in reader.ReadAllAsync(token))' and have the producers call 'Writer.Complete()'"));

    [Fact]
    public Task ReturnWhenEmptyInsideWorkerLoop_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        class Pipeline
        {
            private readonly JoinableQueue<string> _queue = new();

            public void Add(string item) => _queue.Put(item);

            public void Start()
            {
                ThreadPool.QueueUserWorkItem(_ =>
                {
                    while (true)
                    {
                        if (_queue.TryGet(out var item))
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

                        if ({|LS3002:_queue.IsEmpty|})
                        {
                            return;
                        }
                    }
                });
            }
        }
        """);

    [Fact]
    public Task WorkerMethodWithParameterQueue_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        static class Workers
        {
            public static void RunWorker(BlockingQueue<int> queue)
            {
                for (; {|LS3002:queue.Count > 0|};)
                {
                    System.Console.WriteLine(queue.GetNoWait());
                }
            }
        }
        """);

    [Fact]
    public Task LockstepWorkerDoWhile_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<int> _queue = new();

            public void Add(int value) => _queue.Put(value);

            public Worker Start()
            {
                var worker = new Worker(() =>
                {
                    do
                    {
                        System.Console.WriteLine(_queue.Get());
                    }
                    while ({|LS3002:!_queue.IsEmpty|});
                });
                worker.Start();
                return worker;
            }
        }
        """);

    [Fact]
    public Task ParallelForEachConsumers_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using System.Linq;
        using System.Threading.Tasks;

        class Pipeline
        {
            private readonly BlockingCollection<int> _items = new();

            public void Add(int value) => _items.Add(value);

            public void Consume(int workers)
            {
                Parallel.ForEach(Enumerable.Range(0, workers), _ =>
                {
                    while ({|LS3002:_items.Any()|})
                    {
                        System.Console.WriteLine(_items.Take());
                    }
                });
            }
        }
        """);

    [Fact]
    public Task CountPatternIsZeroBreak_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<int> _queue = new();

            public void Add(int value) => _queue.Put(value);

            public Task Start() => Task.Factory.StartNew(() =>
            {
                for (;;)
                {
                    if ({|LS3002:_queue.Count is 0|})
                        break;
                    System.Console.WriteLine(_queue.Get());
                }
            });
        }
        """);

    [Fact]
    public Task EmptyOrStoppedBreak_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<int> _queue = new();

            public void Add(int value) => _queue.Put(value);

            public Task Start(CancellationToken token) => Task.Run(() =>
            {
                while (true)
                {
                    if (token.IsCancellationRequested || {|LS3002:_queue.IsEmpty|})
                    {
                        break;
                    }

                    System.Console.WriteLine(_queue.Get());
                }
            });
        }
        """);

    [Fact]
    public Task ConsumeAsyncMethodName_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<int> _queue = new();

            public ValueTask AddAsync(int value, CancellationToken token) => _queue.PutAsync(value, token);

            public async Task ConsumeAsync(CancellationToken token)
            {
                while ({|LS3002:!_queue.IsEmpty|})
                {
                    var value = await _queue.GetAsync(token);
                    System.Console.WriteLine(value);
                }
            }
        }
        """);

    // ---- true negatives

    [Fact]
    public Task ConsumeUntilClosed_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<string> _jobs = new();

            public Task Start(CancellationToken token) => Task.Run(() =>
            {
                foreach (var job in _jobs.Consume(token))
                {
                    System.Console.WriteLine(job);
                }
            });

            public void Submit(string job) => _jobs.Put(job);

            public void Finish() => _jobs.Close();
        }
        """);

    [Fact]
    public Task GetConsumingEnumerable_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using System.Threading.Tasks;

        class Pipeline
        {
            private readonly BlockingCollection<int> _items = new();

            public Task Start() => Task.Run(() =>
            {
                foreach (var item in _items.GetConsumingEnumerable())
                {
                    System.Console.WriteLine(_items.Count);
                }
            });

            public void Add(int item) => _items.Add(item);

            public void Finish() => _items.CompleteAdding();
        }
        """);

    [Fact]
    public Task ExitNeedsClosedAndEmpty_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<string> _jobs = new();

            public void Submit(string job) => _jobs.Put(job);

            public Task Start() => Task.Run(() =>
            {
                while (!(_jobs.IsClosed && _jobs.IsEmpty))
                {
                    if (_jobs.TryGet(out var job, TimeSpan.FromMilliseconds(100)))
                    {
                        Console.WriteLine(job);
                    }
                }
            });
        }
        """);

    [Fact]
    public Task WhileNotCompleted_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using System.Threading.Tasks;

        class Pipeline
        {
            private readonly BlockingCollection<int> _items = new();

            public void Add(int item) => _items.Add(item);

            public Task Start() => Task.Run(() =>
            {
                while (!_items.IsCompleted)
                {
                    if (_items.TryTake(out var item, 100))
                    {
                        System.Console.WriteLine(item);
                    }
                }
            });
        }
        """);

    [Fact]
    public Task PrefilledLocalQueueDrainedByWorkers_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using System.Linq;
        using System.Threading.Tasks;

        class Program
        {
            static Task Process(string[] files)
            {
                var queue = new ConcurrentQueue<string>(files);
                queue.Enqueue("extra.txt");
                var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
                {
                    while (!queue.IsEmpty)
                    {
                        if (queue.TryDequeue(out var file))
                        {
                            System.Console.WriteLine(file);
                        }
                    }
                }));
                return Task.WhenAll(workers);
            }
        }
        """);

    [Fact]
    public Task PrefilledFieldInConstructor_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using System.Threading.Tasks;

        class Crawler
        {
            private readonly ConcurrentQueue<string> _urls = new();

            public Crawler(string[] seeds)
            {
                foreach (var seed in seeds)
                {
                    _urls.Enqueue(seed);
                }
            }

            public Task Run() => Task.Run(() =>
            {
                while (!_urls.IsEmpty)
                {
                    if (_urls.TryDequeue(out var url))
                    {
                        System.Console.WriteLine(url);
                    }
                }
            });
        }
        """);

    [Fact]
    public Task FieldFilledBeforeStartingWorkerMethods_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using System.Linq;
        using System.Threading.Tasks;

        class Copier
        {
            private readonly ConcurrentQueue<string> _files = new();

            public Task CopyAll(string[] files)
            {
                foreach (var file in files)
                {
                    _files.Enqueue(file);
                }

                return Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(Worker)));
            }

            private void Worker()
            {
                while (!_files.IsEmpty)
                {
                    if (_files.TryDequeue(out var file))
                    {
                        System.Console.WriteLine(file);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task ConsumeRemainingWithoutToken_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class Batcher
        {
            private readonly ConcurrentQueue<int> _pending = new();

            public void Add(int value) => _pending.Enqueue(value);

            public int ConsumeRemaining()
            {
                var sum = 0;
                while (!_pending.IsEmpty)
                {
                    if (_pending.TryDequeue(out var value))
                    {
                        sum += value;
                    }
                }

                return sum;
            }
        }
        """);

    [Fact]
    public Task DrainAfterProducerJoined_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        class Program
        {
            static void Main()
            {
                var queue = new BlockingQueue<int>();
                var producer = new Thread(() =>
                {
                    for (var i = 0; i < 100; i++)
                    {
                        queue.Put(i);
                    }
                });
                producer.Start();
                producer.Join();

                while (!queue.IsEmpty)
                {
                    if (queue.TryGet(out var item))
                    {
                        System.Console.WriteLine(item);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task FlushMethodNotAWorker_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class Batcher
        {
            private readonly ConcurrentQueue<int> _pending = new();

            public void Add(int value) => _pending.Enqueue(value);

            public int Flush()
            {
                var sum = 0;
                while (!_pending.IsEmpty)
                {
                    if (_pending.TryDequeue(out var value))
                    {
                        sum += value;
                    }
                }

                return sum;
            }
        }
        """);

    [Fact]
    public Task ExitNeedsProducersDone_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using System.Threading.Tasks;

        class Pipeline
        {
            private readonly ConcurrentQueue<int> _queue = new();
            private volatile bool _producing = true;

            public void Add(int value) => _queue.Enqueue(value);

            public void Done() => _producing = false;

            public Task Start() => Task.Run(() =>
            {
                while (_producing || !_queue.IsEmpty)
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
    public Task SignalledDrainInsideOuterLoop_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using System.Threading;
        using System.Threading.Tasks;

        class Pipeline
        {
            private readonly ConcurrentQueue<int> _queue = new();
            private readonly SemaphoreSlim _signal = new(0);

            public void Add(int value)
            {
                _queue.Enqueue(value);
                _signal.Release();
            }

            public Task Start(CancellationToken token) => Task.Run(async () =>
            {
                while (!token.IsCancellationRequested)
                {
                    await _signal.WaitAsync(token);
                    while (!_queue.IsEmpty)
                    {
                        if (_queue.TryDequeue(out var item))
                        {
                            System.Console.WriteLine(item);
                        }
                    }
                }
            });
        }
        """);

    [Fact]
    public Task WorkerWaitsForDrainWithoutTaking_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<int> _queue = new();

            public void Add(int value) => _queue.Put(value);

            public Task Monitor() => Task.Run(() =>
            {
                while (!_queue.IsEmpty)
                {
                    Thread.Sleep(100);
                }

                System.Console.WriteLine("drained");
            });
        }
        """);

    [Fact]
    public Task PlainQueueInWorker_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class Pipeline
        {
            public Task Start(int[] values) => Task.Run(() =>
            {
                var queue = new Queue<int>(values);
                while (queue.Count > 0)
                {
                    System.Console.WriteLine(queue.Dequeue());
                }
            });
        }
        """);

    [Fact]
    public Task LocalCollectionOfTheWorkerItself_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class Pipeline
        {
            public int Worker(int[] values)
            {
                var items = new BlockingCollection<int>();
                foreach (var value in values)
                {
                    items.Add(value);
                }

                var sum = 0;
                while (items.Count > 0)
                {
                    sum += items.Take();
                }

                return sum;
            }
        }
        """);

    [Fact]
    public Task CountOnlyLoggedInWorker_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<int> _queue = new();

            public void Add(int value) => _queue.Put(value);

            public Task Start(CancellationToken token) => Task.Run(() =>
            {
                while (!token.IsCancellationRequested)
                {
                    var item = _queue.Get(token);
                    System.Console.WriteLine($"{item}, {_queue.Count} left");
                }
            });
        }
        """);

    [Fact]
    public Task ReadAllAsync_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class Pipeline
        {
            public Task Start(ChannelReader<int> reader, CancellationToken token) => Task.Run(async () =>
            {
                await foreach (var item in reader.ReadAllAsync(token))
                {
                    System.Console.WriteLine(reader.Count);
                }
            });
        }
        """);

    [Fact]
    public Task ClosedCheckWithTimedGet_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using System.Threading.Tasks;
        using Lockstep;

        class Pipeline
        {
            private readonly BlockingQueue<int> _queue = new();

            public void Add(int value) => _queue.Put(value);

            public Task Start() => Task.Run(() =>
            {
                while (!_queue.IsClosed)
                {
                    if (_queue.TryGet(out var item, TimeSpan.FromSeconds(1)))
                    {
                        Console.WriteLine(item);
                    }
                }
            });
        }
        """);
}
