using Verify = Lockstep.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<Lockstep.Analyzers.Rules.DeadlockAnalyzer>;

namespace Lockstep.Analyzers.Tests.Rules.LS2xxx;

public class LS2002Tests
{
    [Fact]
    public Task LockstepLockTakenTwice_Reports() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.Lock _gate = new();

            void M()
            {
                using (_gate.Acquire())
                {
                    using ({|#0:_gate.Acquire()|})
                    {
                    }
                }
            }
        }
        """, Verify.Diagnostic(Descriptors.LS2002_NonReentrantLockReacquired).WithLocation(0)
            .WithArguments("_gate", "Lockstep.Lock", "7", "the second acquire waits for ever (use RLock if re-entry is intended)"));

    [Fact]
    public Task SemaphoreSlimWithOneSlotTakenTwice_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            void M()
            {
                _gate.Wait();
                try
                {
                    {|LS2002:_gate.Wait()|};
                    _gate.Release();
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """);

    [Fact]
    public Task SemaphoreSlimTakenTwiceInNestedTryFinallyPairs_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _gate = new(1, 1);

            void M()
            {
                _gate.Wait();
                try
                {
                    {|LS2002:_gate.Wait()|};
                    try
                    {
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """);

    [Fact]
    public Task ReaderWriterLockReenteredThroughCall_Reports() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class Cache
        {
            private readonly ReaderWriterLockSlim _rw = new();
            private int _value;

            public int Get()
            {
                _rw.EnterReadLock();
                try
                {
                    return _value;
                }
                finally
                {
                    _rw.ExitReadLock();
                }
            }

            public int GetTwice()
            {
                _rw.EnterReadLock();
                try
                {
                    return {|LS2002:Get()|};
                }
                finally
                {
                    _rw.ExitReadLock();
                }
            }
        }
        """);

    // ---- true negatives

    [Fact]
    public Task MonitorIsReentrant_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly object _gate = new();

            void M()
            {
                lock (_gate)
                {
                    lock (_gate)
                    {
                    }
                }
            }
        }
        """);

    [Fact]
    public Task RLockIsReentrant_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class C
        {
            private readonly Lockstep.RLock _gate = new();

            void M()
            {
                using (_gate.Acquire())
                {
                    using (_gate.Acquire())
                    {
                    }
                }
            }
        }
        """);

    [Fact]
    public Task SemaphoreWithSeveralSlots_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly SemaphoreSlim _slots = new(4, 4);

            void M()
            {
                _slots.Wait();
                _slots.Wait();
                _slots.Release(2);
            }
        }
        """);

    [Fact]
    public Task RecursionPolicySupportsRecursion_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        using System.Threading;

        class C
        {
            private readonly ReaderWriterLockSlim _rw = new(LockRecursionPolicy.SupportsRecursion);

            void M()
            {
                _rw.EnterReadLock();
                try
                {
                    _rw.EnterReadLock();
                    _rw.ExitReadLock();
                }
                finally
                {
                    _rw.ExitReadLock();
                }
            }
        }
        """);

    [Fact]
    public Task SameFieldOfAnotherInstance_DoesNotReport() => Verify.VerifyAnalyzerAsync("""
        class Node
        {
            private readonly Lockstep.Lock _gate = new();

            void Link(Node other)
            {
                using (_gate.Acquire())
                {
                    using (other._gate.Acquire())
                    {
                    }
                }
            }
        }
        """);
}
