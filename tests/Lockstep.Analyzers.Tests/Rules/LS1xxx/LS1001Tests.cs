using Lockstep.Analyzers.Rules;
using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.LockPairingAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS1xxx;

public class LS1001Tests
{
    [Fact]
    public Task MonitorEnterWithoutExit_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly object _gate = new();

            void M()
            {
                {|LS1001:Monitor.Enter(_gate)|};
            }
        }
        """);

    [Fact]
    public Task LockstepLockInUsing_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.Lock _gate = new();

            void M()
            {
                using (_gate.Acquire())
                {
                }
            }
        }
        """);
}
