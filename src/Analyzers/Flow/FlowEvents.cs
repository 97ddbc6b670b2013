using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers.Flow;

internal enum FlowEventKind : byte
{
    /// <summary>The lock is held from here on.</summary>
    Acquire,
    /// <summary>A conditional acquire whose result lands in a local or capture (or is dropped): the path splits.</summary>
    TryAcquire,
    /// <summary><c>Enter(o, ref taken)</c>: held, and <c>taken</c> is true.</summary>
    AcquireWithTakenFlag,
    /// <summary><c>TryEnter(o, ref taken)</c>: the path splits on <c>taken</c>.</summary>
    TryAcquireWithTakenFlag,
    /// <summary>An explicit release: reported when the path does not hold the lock.</summary>
    Release,
    /// <summary><c>Dispose()</c> of an acquire's scope: releases once, a second dispose is a no-op.</summary>
    ScopeRelease,
    SetFact,
    CopyFact,
    KillFact,
    /// <summary>An <c>await</c>: the method may resume on another thread.</summary>
    Await,
    /// <summary>The next operation may throw: the state before it flows to the enclosing handlers.</summary>
    MayThrow,
    /// <summary>An operation an observer asked to see with the held locks at that point.</summary>
    Observe,
    /// <summary>The variable that names a typestate resource gets another object (<see cref="ITypestateCatalog"/>).</summary>
    Rebind,
}

/// <summary>One thing that happens to the lock state, in evaluation order within a block.</summary>
internal readonly struct FlowEvent
{
    public FlowEvent(FlowEventKind kind, IOperation operation, LockKey? key = null, LockFamily family = default, object? factKey = null, object? sourceFactKey = null, bool factValue = false)
    {
        Kind = kind;
        Operation = operation;
        Key = key;
        Family = family;
        FactKey = factKey;
        SourceFactKey = sourceFactKey;
        FactValue = factValue;
    }

    public FlowEventKind Kind { get; }
    public IOperation Operation { get; }
    public LockKey? Key { get; }
    public LockFamily Family { get; }
    public object? FactKey { get; }
    public object? SourceFactKey { get; }
    public bool FactValue { get; }
}

/// <summary>What a branch condition tells about the locks and facts of each successor.</summary>
internal readonly struct BranchCondition
{
    public BranchCondition(IOperation? tryAcquire, LockKey? key, LockFamily family, object? factKey, bool negated, LockKey? heldCheck = null)
    {
        HeldCheck = heldCheck;
        TryAcquire = tryAcquire;
        Key = key;
        Family = family;
        FactKey = factKey;
        Negated = negated;
    }

    /// <summary>A conditional acquire tested directly: <c>if (Monitor.TryEnter(o))</c>.</summary>
    public IOperation? TryAcquire { get; }
    public LockKey? Key { get; }
    public LockFamily Family { get; }

    /// <summary>A tracked boolean tested: <c>if (lockTaken)</c>.</summary>
    public object? FactKey { get; }

    /// <summary>The condition is the negation of the acquire or fact.</summary>
    public bool Negated { get; }

    /// <summary>The condition asks whether this lock is held (<c>if (rw.IsReadLockHeld)</c>).</summary>
    public LockKey? HeldCheck { get; }

    public bool IsNone => TryAcquire is null && FactKey is null && HeldCheck is null;
}
