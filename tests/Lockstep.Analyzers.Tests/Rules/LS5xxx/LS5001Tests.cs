using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.SharedStateAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS5xxx;

public class LS5001Tests
{
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
}
