using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<Lockstep.Analyzers.Rules.QueueAnalyzer, Lockstep.CodeFixes.Rules.QueueCheckThenActCodeFixProvider>;

namespace Lockstep.Analyzers.Tests.Rules.LS3xxx;

public class QueueCheckThenActCodeFixTests
{
    [Fact]
    public Task GetNoWaitUnderIsEmpty_BecomesTryGet() => Verify.VerifyCodeFixAsync("""
        using System;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<string> _jobs = new();

            void Poll()
            {
                if ({|LS3001:!_jobs.IsEmpty|})
                {
                    var job = _jobs.GetNoWait();
                    // run it
                    Console.WriteLine(job);
                }
            }
        }
        """, """
        using System;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<string> _jobs = new();

            void Poll()
            {
                if (_jobs.TryGet(out var job))
                {
                    // run it
                    Console.WriteLine(job);
                }
            }
        }
        """);

    [Fact]
    public Task PutNoWaitUnderIsFull_BecomesTryPut() => Verify.VerifyCodeFixAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new(10);

            void Offer(int value)
            {
                // Drop the value when the queue is full.
                if ({|LS3001:!_queue.IsFull|})
                    _queue.PutNoWait(value);
            }
        }
        """, """
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new(10);

            void Offer(int value)
            {
                // Drop the value when the queue is full.
                _queue.TryPut(value);
            }
        }
        """);

    [Fact]
    public Task PutWithMoreWork_KeepsTheIf() => Verify.VerifyCodeFixAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new(10);
            private int _accepted;

            void Offer(int value)
            {
                if ({|LS3001:_queue.Count < _queue.MaxSize|})
                {
                    _queue.Put(value);
                    _accepted++;
                }
            }
        }
        """, """
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new(10);
            private int _accepted;

            void Offer(int value)
            {
                if (_queue.TryPut(value))
                {
                    _accepted++;
                }
            }
        }
        """);

    [Fact]
    public Task BlockingCollectionTake_BecomesTryTake() => Verify.VerifyCodeFixAsync("""
        using System.Collections.Concurrent;

        class C
        {
            private readonly BlockingCollection<int> _items = new();

            int Next()
            {
                if ({|LS3001:_items.Count > 0|})
                {
                    int item = _items.Take();
                    return item * 2;
                }

                return -1;
            }
        }
        """, """
        using System.Collections.Concurrent;

        class C
        {
            private readonly BlockingCollection<int> _items = new();

            int Next()
            {
                if (_items.TryTake(out int item))
                {
                    return item * 2;
                }

                return -1;
            }
        }
        """);

    [Fact]
    public Task BlockingCollectionAdd_BecomesTryAdd() => Verify.VerifyCodeFixAsync("""
        using System.Collections.Concurrent;

        class C
        {
            private readonly BlockingCollection<int> _items = new(100);

            void Offer(int value)
            {
                if ({|LS3001:_items.Count < _items.BoundedCapacity|})
                {
                    _items.Add(value);
                }
            }
        }
        """, """
        using System.Collections.Concurrent;

        class C
        {
            private readonly BlockingCollection<int> _items = new(100);

            void Offer(int value)
            {
                _items.TryAdd(value);
            }
        }
        """);

    [Fact]
    public Task IgnoredTryDequeue_MovesIntoCondition() => Verify.VerifyCodeFixAsync("""
        using System.Collections.Concurrent;

        class C
        {
            private readonly ConcurrentQueue<string> _queue = new();

            int Length()
            {
                if ({|LS3001:!_queue.IsEmpty|})
                {
                    _queue.TryDequeue(out var item);
                    return item.Length;
                }

                return 0;
            }
        }
        """, """
        using System.Collections.Concurrent;

        class C
        {
            private readonly ConcurrentQueue<string> _queue = new();

            int Length()
            {
                if (_queue.TryDequeue(out var item))
                {
                    return item.Length;
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task WhileCount_BecomesWhileTryGet() => Verify.VerifyCodeFixAsync("""
        using System;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new();

            void DrainOnShutdown()
            {
                while ({|LS3001:_queue.Count > 0|})
                {
                    var item = _queue.Get();
                    Console.WriteLine(item);
                }
            }
        }
        """, """
        using System;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new();

            void DrainOnShutdown()
            {
                while (_queue.TryGet(out var item))
                {
                    Console.WriteLine(item);
                }
            }
        }
        """);

    [Fact]
    public Task ElseBranch_BecomesNegatedTryGet() => Verify.VerifyCodeFixAsync("""
        using Lockstep;

        class C
        {
            private readonly JoinableQueue<string> _queue = new();

            string Next()
            {
                if ({|LS3001:_queue.IsEmpty|})
                {
                    return "";
                }
                else
                {
                    var item = _queue.GetNoWait();
                    return item.Trim();
                }
            }
        }
        """, """
        using Lockstep;

        class C
        {
            private readonly JoinableQueue<string> _queue = new();

            string Next()
            {
                if (!_queue.TryGet(out var item))
                {
                    return "";
                }
                else
                {
                    return item.Trim();
                }
            }
        }
        """);

    [Fact]
    public Task EarlyReturnGuard_BecomesNegatedTryGet() => Verify.VerifyCodeFixAsync("""
        using System;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<string> _queue = new();

            void Handle()
            {
                if ({|LS3001:_queue.Count == 0|}) return;
                var item = _queue.Get(TimeSpan.FromSeconds(1));
                Console.WriteLine(item);
            }
        }
        """, """
        using System;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<string> _queue = new();

            void Handle()
            {
                if (!_queue.TryGet(out var item, TimeSpan.FromSeconds(1))) return;
                Console.WriteLine(item);
            }
        }
        """);

    [Fact]
    public Task LastConjunct_IsReplaced() => Verify.VerifyCodeFixAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<string> _queue = new();
            private bool _ready;
            private string _last = "";

            void Poll()
            {
                if (_ready && {|LS3001:_queue.IsEmpty == false|})
                {
                    _last = _queue.GetNoWait();
                }
            }
        }
        """, """
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<string> _queue = new();
            private bool _ready;
            private string _last = "";

            void Poll()
            {
                if (_ready && _queue.TryGet(out _last))
                {
                }
            }
        }
        """);

    [Fact]
    public Task GetWithCancellationToken_NoFixOffered() => Verify.VerifyCodeFixAsync("""
        using System.Threading;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new();

            int Next(CancellationToken token)
            {
                if ({|LS3001:_queue.Count > 0|})
                {
                    var item = _queue.Get(token);
                    return item;
                }

                return 0;
            }
        }
        """, """
        using System.Threading;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new();

            int Next(CancellationToken token)
            {
                if ({|LS3001:_queue.Count > 0|})
                {
                    var item = _queue.Get(token);
                    return item;
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task NameTakenInEnclosingBlock_NoFixOffered() => Verify.VerifyCodeFixAsync("""
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new();

            int Sum(int[] values)
            {
                if ({|LS3001:!_queue.IsEmpty|})
                {
                    var item = _queue.GetNoWait();
                    return item;
                }

                foreach (var item in values)
                {
                    System.Console.WriteLine(item);
                }

                return 0;
            }
        }
        """, """
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new();

            int Sum(int[] values)
            {
                if ({|LS3001:!_queue.IsEmpty|})
                {
                    var item = _queue.GetNoWait();
                    return item;
                }

                foreach (var item in values)
                {
                    System.Console.WriteLine(item);
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task GetAsync_NoFixOffered() => Verify.VerifyCodeFixAsync("""
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new();

            async Task<int> NextAsync()
            {
                if ({|LS3001:!_queue.IsEmpty|})
                {
                    return await _queue.GetAsync();
                }

                return 0;
            }
        }
        """, """
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            private readonly BlockingQueue<int> _queue = new();

            async Task<int> NextAsync()
            {
                if ({|LS3001:!_queue.IsEmpty|})
                {
                    return await _queue.GetAsync();
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task FixAll_InOneDocument()
    {
        var test = new Verify.Test
        {
            TestCode = """
                using Lockstep;

                class C
                {
                    private readonly BlockingQueue<int> _a = new(4);
                    private readonly BlockingQueue<int> _b = new(4);

                    int Move()
                    {
                        if ({|LS3001:!_a.IsEmpty|})
                        {
                            var item = _a.GetNoWait();
                            if ({|LS3001:!_b.IsFull|})
                            {
                                _b.PutNoWait(item);
                            }

                            return item;
                        }

                        return -1;
                    }
                }
                """,
            FixedCode = """
                using Lockstep;

                class C
                {
                    private readonly BlockingQueue<int> _a = new(4);
                    private readonly BlockingQueue<int> _b = new(4);

                    int Move()
                    {
                        if (_a.TryGet(out var item))
                        {
                            _b.TryPut(item);

                            return item;
                        }

                        return -1;
                    }
                }
                """,
        };
        return test.RunAsync();
    }

    [Fact]
    public Task FixAll_InTwoDocuments()
    {
        var test = new Verify.Test();
        test.TestState.Sources.Add(("A.cs", """
            using Lockstep;

            class A
            {
                private readonly BlockingQueue<string> _queue = new();

                string Next()
                {
                    if ({|LS3001:_queue.IsEmpty|}) return "";
                    var item = _queue.GetNoWait();
                    return item;
                }
            }
            """));
        test.TestState.Sources.Add(("B.cs", """
            using System.Collections.Concurrent;

            class B
            {
                private readonly BlockingCollection<int> _items = new(10);

                void Offer(int value)
                {
                    if ({|LS3001:_items.Count < _items.BoundedCapacity|})
                        _items.Add(value);
                }
            }
            """));
        test.FixedState.Sources.Add(("A.cs", """
            using Lockstep;

            class A
            {
                private readonly BlockingQueue<string> _queue = new();

                string Next()
                {
                    if (!_queue.TryGet(out var item)) return "";
                    return item;
                }
            }
            """));
        test.FixedState.Sources.Add(("B.cs", """
            using System.Collections.Concurrent;

            class B
            {
                private readonly BlockingCollection<int> _items = new(10);

                void Offer(int value)
                {
                    _items.TryAdd(value);
                }
            }
            """));
        return test.RunAsync();
    }
}
