using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.QueueAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS3xxx;

public class LS3001Tests
{
    // ---- true positives

    [Fact]
    public Task NotIsEmptyThenGetNoWait_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<string> _jobs = new();

            void Poll()
            {
                if ({|#0:!_jobs.IsEmpty|})
                {
                    var job = _jobs.GetNoWait();
                    System.Console.WriteLine(job);
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS3001_QueueCheckThenTake).WithLocation(0)
        .WithArguments("_jobs", "IsEmpty", "GetNoWait", "11", "use 'TryGet'"));

    [Fact]
    public Task CountGreaterThanZeroThenGet_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new();
            private int _last;

            void Poll()
            {
                if ([|_queue.Count > 0|])
                {
                    _last = _queue.Get();
                }
            }
        }
        """);

    [Fact]
    public Task NotIsFullThenPutNoWait_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new(10);

            void Offer(int value)
            {
                if ({|#0:!_queue.IsFull|})
                    _queue.PutNoWait(value);
            }
        }
        """, Verify.Diagnostic(Descriptors.LS3001_QueueCheckThenPut).WithLocation(0)
        .WithArguments("_queue", "IsFull", "PutNoWait", "10", "use 'TryPut'"));

    [Fact]
    public Task WhileCountThenGet_Reports() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new();

            void DrainOnShutdown()
            {
                while ([|_queue.Count > 0|])
                {
                    Console.WriteLine(_queue.Get());
                }
            }
        }
        """);

    [Fact]
    public Task InvertedCheckWithElse_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly JoinableQueue<string> _queue = new();

            string Next()
            {
                if ([|_queue.IsEmpty|])
                {
                    return "";
                }
                else
                {
                    return _queue.GetNoWait();
                }
            }
        }
        """);

    [Fact]
    public Task EarlyReturnGuard_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<string> _queue = new();

            void Handle()
            {
                if ([|_queue.IsEmpty|]) return;
                var item = _queue.Get();
                System.Console.WriteLine(item);
            }
        }
        """);

    [Fact]
    public Task CountEqualsZeroContinue_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<string> _queue = new();

            void Poll(CancellationToken token)
            {
                while (!token.IsCancellationRequested)
                {
                    if ([|_queue.Count == 0|])
                    {
                        Thread.Sleep(10);
                        continue;
                    }

                    System.Console.WriteLine(_queue.Get());
                }
            }
        }
        """);

    [Fact]
    public Task IsEmptyEqualsFalseWithOtherCondition_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<string> _queue = new();
            private bool _ready;

            void Poll()
            {
                if (_ready && [|_queue.IsEmpty == false|])
                {
                    System.Console.WriteLine(_queue.GetNoWait());
                }
            }
        }
        """);

    [Fact]
    public Task BlockingCollectionCountThenTake_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class C
        {
            private readonly BlockingCollection<int> _items = new();

            int Next()
            {
                if ({|#0:_items.Count != 0|})
                {
                    return _items.Take();
                }

                return -1;
            }
        }
        """, Verify.Diagnostic(Descriptors.LS3001_QueueCheckThenTake).WithLocation(0)
        .WithArguments("_items", "Count", "Take", "11", "use 'TryTake'"));

    [Fact]
    public Task BlockingCollectionBoundedCapacityThenAdd_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class C
        {
            private readonly BlockingCollection<int> _items = new(100);

            void Offer(int value)
            {
                if ({|#0:_items.Count < _items.BoundedCapacity|})
                {
                    _items.Add(value);
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS3001_QueueCheckThenPut).WithLocation(0)
        .WithArguments("_items", "Count", "Add", "11", "use 'TryAdd'"));

    [Fact]
    public Task ConcurrentQueueTryDequeueResultIgnored_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class C
        {
            private readonly ConcurrentQueue<string> _queue = new();

            int Length()
            {
                if ({|#0:!_queue.IsEmpty|})
                {
                    _queue.TryDequeue(out var item);
                    return item.Length;
                }

                return 0;
            }
        }
        """, Verify.Diagnostic(Descriptors.LS3001_QueueCheckThenTake).WithLocation(0)
        .WithArguments("_queue", "IsEmpty", "TryDequeue", "11", "test the 'bool' that 'TryDequeue' returns instead"));

    [Fact]
    public Task ConcurrentStackDiscardedTryPop_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class C
        {
            private readonly ConcurrentStack<int> _stack = new();

            int Top()
            {
                int top = -1;
                if ([|_stack.Count > 0|])
                {
                    _ = _stack.TryPop(out top);
                }

                return top;
            }
        }
        """);

    [Fact]
    public Task ConcurrentBagAnyThenTryTake_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using System.Linq;

        class C
        {
            private readonly ConcurrentBag<string> _bag = new();

            string Any()
            {
                if ([|_bag.Any()|])
                {
                    _bag.TryTake(out var item);
                    return item;
                }

                return "";
            }
        }
        """);

    [Fact]
    public Task ChannelReaderCountThenReadAsync_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading.Channels;
        using System.Threading.Tasks;

        class C
        {
            private readonly Channel<int> _channel = Channel.CreateUnbounded<int>();

            async Task<int> NextAsync(ChannelReader<int> reader)
            {
                if ({|#0:reader.Count > 0|})
                {
                    return await reader.ReadAsync();
                }

                return 0;
            }
        }
        """, Verify.Diagnostic(Descriptors.LS3001_QueueCheckThenTake).WithLocation(0)
        .WithArguments("reader", "Count", "ReadAsync", "12", "use 'TryRead'"));

    [Fact]
    public Task ParameterQueueInTernary_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            string Peek(BlockingQueue<string> queue) => [|queue.Count >= 1|] ? queue.GetNoWait() : "";
        }
        """);

    [Fact]
    public Task LocalCapturedByWorker_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using System.Threading.Tasks;

        class C
        {
            void Run()
            {
                var queue = new ConcurrentQueue<int>();
                var producer = Task.Run(() => queue.Enqueue(1));
                if ({|#0:!queue.IsEmpty|})
                {
                    queue.TryDequeue(out var item);
                    System.Console.WriteLine(item);
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS3001_QueueCheckThenTake).WithLocation(0)
        .WithArguments("queue", "IsEmpty", "TryDequeue", "12", "test the 'bool' that 'TryDequeue' returns instead"));

    [Fact]
    public Task PatternCountIsGreaterThanZero_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new();

            int Next()
            {
                if ([|_queue.Count is > 0|])
                {
                    return _queue.GetNoWait();
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task FullCheckThroughMaxSizeThenPut_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new(4);

            void Offer(int value)
            {
                if ({|LS3001:_queue.Count < _queue.MaxSize|})
                {
                    _queue.Put(value);
                }
            }
        }
        """);

    [Fact]
    public Task NegatedDisjunction_Reports() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<string> _queue = new();
            private bool _paused;

            string Next()
            {
                if (!([|_queue.IsEmpty|] || _paused))
                {
                    return _queue.GetNoWait();
                }

                return "";
            }
        }
        """);

    // ---- true negatives

    [Fact]
    public Task TryGet_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<string> _jobs = new();

            void Poll()
            {
                if (_jobs.TryGet(out var job))
                {
                    System.Console.WriteLine(job);
                }
            }
        }
        """);

    [Fact]
    public Task TryPut_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new(10);

            void Offer(int value)
            {
                _queue.TryPut(value);
            }
        }
        """);

    [Fact]
    public Task PlainQueueOfT_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Generic;

        class C
        {
            private readonly Queue<int> _queue = new();
            private readonly Stack<int> _stack = new();

            int Next()
            {
                if (_queue.Count > 0)
                {
                    return _queue.Dequeue();
                }

                while (_stack.Count > 0)
                {
                    _stack.Pop();
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task CountOnlyLogged_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<string> _queue = new();

            void Report(Action<int> log)
            {
                log(_queue.Count);
                if (_queue.Count > 100)
                {
                    Console.WriteLine("backlog: " + _queue.Count);
                }
            }
        }
        """);

    [Fact]
    public Task ConcurrentQueueTryDequeueResultUsed_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class C
        {
            private readonly ConcurrentQueue<int> _queue = new();

            int Sum()
            {
                var sum = 0;
                while (_queue.Count > 0)
                {
                    if (_queue.TryDequeue(out var item))
                    {
                        sum += item;
                    }
                }

                if (!_queue.IsEmpty && _queue.TryDequeue(out var last))
                {
                    sum += last;
                }

                return sum;
            }
        }
        """);

    [Fact]
    public Task LocalBlockingCollectionNeverShared_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class C
        {
            int Run(int[] values)
            {
                using var items = new BlockingCollection<int>();
                foreach (var v in values)
                {
                    items.Add(v);
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
    public Task IsCompletedIsNotAnEmptinessCheck_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class C
        {
            private readonly BlockingCollection<int> _items = new();

            void Consume()
            {
                if (!_items.IsAddingCompleted)
                {
                    _items.Add(1);
                }

                if (!_items.IsCompleted)
                {
                    System.Console.WriteLine(_items.Take());
                }
            }
        }
        """);

    [Fact]
    public Task SingleConsumerUnderOneLock_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class C
        {
            private readonly object _gate = new();
            private readonly BlockingCollection<int> _items = new();

            public void Add(int value)
            {
                lock (_gate)
                {
                    _items.Add(value);
                }
            }

            public int Next()
            {
                lock (_gate)
                {
                    if (_items.Count > 0)
                    {
                        return _items.Take();
                    }

                    return -1;
                }
            }
        }
        """);

    [Fact]
    public Task CheckUnderLockButAddOutsideIt_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class C
        {
            private readonly object _gate = new();
            private readonly BlockingCollection<int> _items = new();

            public void Add(int value) => _items.Add(value);

            public int Next()
            {
                lock (_gate)
                {
                    if ([|_items.Count > 0|])
                    {
                        return _items.Take();
                    }

                    return -1;
                }
            }
        }
        """);

    [Fact]
    public Task SingleConsumerUnderOneLockstepLock_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class C
        {
            private readonly Lockstep.Lock _gate = new();
            private readonly ConcurrentStack<int> _undo = new();

            public void Push(int value)
            {
                using (_gate.Acquire())
                {
                    _undo.Push(value);
                }
            }

            public int Pop()
            {
                using var scope = _gate.Acquire();
                if (!_undo.IsEmpty)
                {
                    _undo.TryPop(out var value);
                    return value;
                }

                return -1;
            }
        }
        """);

    [Fact]
    public Task LockedButQueueIsPublic_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class C
        {
            private readonly object _gate = new();
            public readonly ConcurrentQueue<int> Items = new();

            public int Next()
            {
                lock (_gate)
                {
                    if ([|Items.Count > 0|])
                    {
                        Items.TryDequeue(out var value);
                        return value;
                    }

                    return -1;
                }
            }
        }
        """);

    [Fact]
    public Task FullCheckBeforeGet_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new(4);

            void M()
            {
                if (_queue.IsFull)
                {
                    _queue.Get();
                }

                if (_queue.Count < 3)
                {
                    _queue.Get();
                }

                if (_queue.IsEmpty)
                {
                    _queue.Put(1);
                }
            }
        }
        """);

    [Fact]
    public Task CheckOfAnotherQueue_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _high = new();
            private readonly BlockingQueue<int> _low = new();

            int Next()
            {
                if (_high.IsEmpty)
                {
                    return _low.Get();
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task WaitingForDrain_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new();

            void WaitUntilDrained()
            {
                while (!_queue.IsEmpty)
                {
                    Thread.Sleep(10);
                }
            }
        }
        """);

    [Fact]
    public Task TryPeekDiscardedItem_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;

        class C
        {
            private readonly ConcurrentQueue<int> _queue = new();

            void DropOne()
            {
                if (!_queue.IsEmpty)
                {
                    _queue.TryDequeue(out _);
                }
            }
        }
        """);

    [Fact]
    public Task IgnoredTryPutAfterFullCheck_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new(4);

            void Offer(int value)
            {
                if (!_queue.IsFull)
                {
                    _queue.TryPut(value);
                }
            }
        }
        """);

    [Fact]
    public Task ProducerClosesAndConsumerUsesConsume_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new();

            void Consumer(CancellationToken token)
            {
                foreach (var item in _queue.Consume(token))
                {
                    System.Console.WriteLine(item);
                }
            }

            void Producer()
            {
                _queue.Put(1);
                _queue.Close();
            }
        }
        """);

    [Fact]
    public Task GetInsideNestedLambda_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new();

            Func<int>? Later()
            {
                if (!_queue.IsEmpty)
                {
                    return () => _queue.Get();
                }

                return null;
            }
        }
        """);

    [Fact]
    public Task ThresholdCheck_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Collections.Concurrent;
        using Lockstep;

        class C
        {
            private const int MaxBacklog = 1000;
            private readonly BlockingQueue<int> _queue = new();
            private readonly ConcurrentQueue<string> _log = new();

            int Next()
            {
                if (_queue.Count > 5)
                {
                    return _queue.GetNoWait();
                }

                while (_log.Count > MaxBacklog)
                {
                    _log.TryDequeue(out var dropped);
                    System.Console.WriteLine("dropped " + dropped);
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task BrokenCode_DoesNotReportOrThrow() => Verify.VerifyNoDiagnosticOnBrokenCodeAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new();

            void M()
            {
                if (!_queue.IsEmpty)
                {
                    var x = _queue.GetNoWait(
                }
                if (_missing.Count > 0) _missing.Get();
        }
        """);
}
