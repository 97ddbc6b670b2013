using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.DeadlockAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS2xxx;

public class LS2004Tests
{
    [Fact]
    public Task MonitorWaitGuardedByIf_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private bool _ready;

            void M()
            {
                lock (_gate)
                {
                    if (!_ready)
                    {
                        {|#0:Monitor.Wait(_gate)|};
                    }
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS2004_ConditionWaitOutsideLoop).WithLocation(0).WithArguments("Monitor.Wait"));

    [Fact]
    public Task LockstepConditionWaitGuardedByIf_Reports() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.Lock _gate = new();
            private readonly Lockstep.Condition _changed;
            private int _count;

            C() => _changed = new Lockstep.Condition(_gate);

            void M()
            {
                using (_gate.Acquire())
                {
                    if (_count == 0)
                        {|LS2004:_changed.Wait()|};
                }
            }
        }
        """);

    // ---- true negatives

    [Fact]
    public Task WaitInWhileLoop_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();
            private bool _ready;

            void M()
            {
                lock (_gate)
                {
                    while (!_ready)
                    {
                        if (_ready) break;
                        Monitor.Wait(_gate);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task WaitForPredicate_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.Lock _gate = new();
            private readonly Lockstep.Condition _changed;
            private int _count;

            C() => _changed = new Lockstep.Condition(_gate);

            void M()
            {
                using (_gate.Acquire())
                {
                    _changed.WaitFor(() => _count > 0);
                }
            }
        }
        """);
}
