using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpCodeFixVerifier<Lockstep.Analyzers.Rules.ChildLifecycleAnalyzer, Lockstep.CodeFixes.Rules.ChildLifecycleSubmitAllCodeFixProvider>;

namespace Lockstep.Analyzers.Tests.Rules.LS4xxx;

public class SubmitAllCodeFixTests
{
    [Fact]
    public Task AwaitTaskRunCollected_WhenAll() => Verify.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            async Task<List<int>> M(IEnumerable<string> inputs)
            {
                var lengths = new List<int>();
                foreach (var input in inputs)
                {
                    // hash each input
                    lengths.Add({|LS4005:await Task.Run(() => Hash(input))|});
                }

                return lengths;
            }

            static int Hash(string s) => s.GetHashCode();
        }
        """, """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            async Task<List<int>> M(IEnumerable<string> inputs)
            {
                var lengths = new List<int>();
                var tasks = new List<Task<int>>();
                foreach (var input in inputs)
                {
                    // hash each input
                    tasks.Add(Task.Run(() => Hash(input)));
                }

                lengths.AddRange(await Task.WhenAll(tasks));

                return lengths;
            }

            static int Hash(string s) => s.GetHashCode();
        }
        """);

    [Fact]
    public Task PoolSubmitResultCollected_UsingsAdded() => Verify.VerifyCodeFixAsync("""
        using Lockstep;

        class C
        {
            void M(WorkerPool pool, int[] items, System.Collections.Generic.List<long> squares)
            {
                foreach (var item in items)
                    squares.Add({|LS4005:pool.Submit(() => (long)item * item).Result|});
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            void M(WorkerPool pool, int[] items, System.Collections.Generic.List<long> squares)
            {
                var tasks = new List<Task<long>>();
                foreach (var item in items)
                    tasks.Add(pool.Submit(() => (long)item * item));
                squares.AddRange(Task.WhenAll(tasks).Result);
            }
        }
        """);

    [Fact]
    public Task AwaitDiscarded_WhenAllWithConfigureAwait() => Verify.VerifyCodeFixAsync("""
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
        """, """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            async Task M(string[] urls)
            {
                var tasks = new List<Task>();
                foreach (var url in urls)
                {
                    tasks.Add(Task.Run(() => Download(url)));
                }

                await Task.WhenAll(tasks).ConfigureAwait(false);
            }

            static void Download(string url) { }
        }
        """);

    [Fact]
    public Task WaitDiscarded_WaitAll() => Verify.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            void M(List<string> files)
            {
                var tasks = 0;
                foreach (var file in files)
                {
                    {|LS4005:Task.Factory.StartNew(() => Compress(file)).Wait()|};
                }
            }

            static void Compress(string file) { }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        class C
        {
            void M(List<string> files)
            {
                var tasks = 0;
                var tasks2 = new List<Task>();
                foreach (var file in files)
                {
                    tasks2.Add(Task.Factory.StartNew(() => Compress(file)));
                }

                Task.WaitAll(tasks2.ToArray());
            }

            static void Compress(string file) { }
        }
        """);

    [Fact]
    public Task LocalThenAdd_GetResult() => Verify.VerifyCodeFixAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            List<string> M(WorkerPool pool, int[] ids)
            {
                var names = new List<string>();
                foreach (var id in ids)
                {
                    var name = {|LS4005:pool.Submit(() => "item" + id).GetAwaiter().GetResult()|};
                    names.Add(name);
                }

                return names;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Lockstep;

        class C
        {
            List<string> M(WorkerPool pool, int[] ids)
            {
                var names = new List<string>();
                var tasks = new List<Task<string>>();
                foreach (var id in ids)
                {
                    tasks.Add(pool.Submit(() => "item" + id));
                }

                names.AddRange(Task.WhenAll(tasks).GetAwaiter().GetResult());

                return names;
            }
        }
        """);

    [Fact]
    public Task ForLoop_NoFix()
    {
        var source = """
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
            """;
        return Verify.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public Task BodyDoesMore_NoFix()
    {
        var source = """
            using System.Threading.Tasks;

            class C
            {
                async Task M(string[] files)
                {
                    foreach (var file in files)
                    {
                        var size = {|LS4005:await Task.Run(() => file.Length)|};
                        System.Console.WriteLine(size);
                    }
                }
            }
            """;
        return Verify.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public Task AnonymousResult_NoFix()
    {
        var source = """
            using System.Threading.Tasks;

            class C
            {
                async Task M(int[] items)
                {
                    foreach (var item in items)
                    {
                        {|LS4005:await Task.Run(() => new { item, Square = item * item })|};
                    }
                }
            }
            """;
        return Verify.VerifyCodeFixAsync(source, source);
    }

    [Fact]
    public Task FixAll_TwoFilesAndTwoLoops()
    {
        var test = new Verify.Test
        {
            TestState =
            {
                Sources =
                {
                    """
                    using System.Collections.Generic;
                    using System.Threading.Tasks;

                    class A
                    {
                        async Task<List<int>> M(int[] xs, int[] ys)
                        {
                            var results = new List<int>();
                            foreach (var x in xs)
                            {
                                results.Add({|LS4005:await Task.Run(() => x * 2)|});
                            }

                            foreach (var y in ys)
                            {
                                results.Add({|LS4005:await Task.Run(() => y * 3)|});
                            }

                            return results;
                        }
                    }
                    """,
                    """
                    using Lockstep;

                    class B
                    {
                        void M(WorkerPool pool, string[] files)
                        {
                            foreach (var file in files)
                            {
                                {|LS4005:pool.Submit(() => System.IO.File.Delete(file)).Wait()|};
                            }
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
                    using System.Collections.Generic;
                    using System.Threading.Tasks;

                    class A
                    {
                        async Task<List<int>> M(int[] xs, int[] ys)
                        {
                            var results = new List<int>();
                            var tasks = new List<Task<int>>();
                            foreach (var x in xs)
                            {
                                tasks.Add(Task.Run(() => x * 2));
                            }

                            results.AddRange(await Task.WhenAll(tasks));

                            var tasks2 = new List<Task<int>>();
                            foreach (var y in ys)
                            {
                                tasks2.Add(Task.Run(() => y * 3));
                            }

                            results.AddRange(await Task.WhenAll(tasks2));

                            return results;
                        }
                    }
                    """,
                    """
                    using System.Collections.Generic;
                    using System.Threading.Tasks;
                    using Lockstep;

                    class B
                    {
                        void M(WorkerPool pool, string[] files)
                        {
                            var tasks = new List<Task>();
                            foreach (var file in files)
                            {
                                tasks.Add(pool.Submit(() => System.IO.File.Delete(file)));
                            }

                            Task.WaitAll(tasks.ToArray());
                        }
                    }
                    """,
                },
            },
        };
        return test.RunAsync();
    }
}
