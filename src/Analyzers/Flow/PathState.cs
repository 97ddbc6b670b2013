using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace Lockstep.Analyzers.Flow;

/// <summary>
/// Where a path goes when the <c>finally</c> it is running ends: to a branch destination (normal leave)
/// or on with an exception. Finally blocks are analyzed once per continuation, so a release in a
/// <c>finally</c> is credited to exactly the paths that run it.
/// </summary>
internal sealed class Continuation : IEquatable<Continuation>
{
    public Continuation(ControlFlowRegion finallyRegion, ImmutableArray<ControlFlowRegion> pendingFinallys, BasicBlock? destination, bool isException, Continuation? parent)
    {
        FinallyRegion = finallyRegion;
        PendingFinallys = pendingFinallys;
        Destination = destination;
        IsException = isException;
        Parent = parent;
    }

    /// <summary>The finally whose end pops this continuation.</summary>
    public ControlFlowRegion FinallyRegion { get; }

    /// <summary>Finally regions still to run after this one (innermost first).</summary>
    public ImmutableArray<ControlFlowRegion> PendingFinallys { get; }

    /// <summary>The block a normal leave goes to once every finally has run.</summary>
    public BasicBlock? Destination { get; }

    /// <summary>The finally runs because an exception is propagating.</summary>
    public bool IsException { get; }

    /// <summary>The continuation of an enclosing finally that this path is also inside.</summary>
    public Continuation? Parent { get; }

    public bool Equals(Continuation? other) => other is not null
        && ReferenceEquals(FinallyRegion, other.FinallyRegion)
        && ReferenceEquals(Destination, other.Destination)
        && IsException == other.IsException
        && PendingFinallys.SequenceEqual(other.PendingFinallys)
        && Equals(Parent, other.Parent);

    public override bool Equals(object? obj) => Equals(obj as Continuation);

    public override int GetHashCode()
    {
        unchecked
        {
            var hash = FinallyRegion.GetHashCode();
            hash = (hash * 397) ^ (Destination?.Ordinal ?? -1);
            hash = (hash * 397) ^ PendingFinallys.Length;
            hash = (hash * 397) ^ (IsException ? 1 : 0);
            return (hash * 397) ^ (Parent?.GetHashCode() ?? 0);
        }
    }
}

/// <summary>
/// One path's facts: which locks are held (with the acquires that hold them, innermost last), the
/// known values of the booleans that later branches test (<c>lockTaken</c>, a <c>TryEnter</c> result),
/// and where the path goes when its current <c>finally</c> ends.
/// </summary>
internal sealed class PathState : IEquatable<PathState>
{
    public const int MaxHoldDepth = 3;

    public static readonly PathState Initial = new(
        ImmutableDictionary<LockKey, ImmutableArray<IOperation>>.Empty,
        ImmutableDictionary<object, bool>.Empty,
        continuation: null,
        thrower: null);

    private int _hash;

    public PathState(
        ImmutableDictionary<LockKey, ImmutableArray<IOperation>> held,
        ImmutableDictionary<object, bool> facts,
        Continuation? continuation,
        IOperation? thrower)
    {
        Held = held;
        Facts = facts;
        Continuation = continuation;
        Thrower = thrower;
    }

    /// <summary>Each held lock with the acquire operations that hold it, oldest first.</summary>
    public ImmutableDictionary<LockKey, ImmutableArray<IOperation>> Held { get; }

    /// <summary>Known values of tested booleans, keyed by symbol or <see cref="CaptureId"/>.</summary>
    public ImmutableDictionary<object, bool> Facts { get; }

    public Continuation? Continuation { get; }

    /// <summary>On a path that an exception took: the operation that threw.</summary>
    public IOperation? Thrower { get; }

    public bool IsExceptional => Thrower is not null;

    public PathState WithHeld(ImmutableDictionary<LockKey, ImmutableArray<IOperation>> held) => new(held, Facts, Continuation, Thrower);

    public PathState WithFacts(ImmutableDictionary<object, bool> facts) => new(Held, facts, Continuation, Thrower);

    public PathState WithContinuation(Continuation? continuation) => new(Held, Facts, continuation, Thrower);

    public PathState WithThrower(IOperation? thrower) => new(Held, Facts, Continuation, thrower);

    public PathState Acquire(LockKey key, IOperation site)
    {
        var stack = Held.TryGetValue(key, out var existing) ? existing : ImmutableArray<IOperation>.Empty;
        if (stack.Length >= MaxHoldDepth)
        {
            stack = stack.RemoveAt(0);
        }

        return WithHeld(Held.SetItem(key, stack.Add(site)));
    }

    public PathState Release(LockKey key)
    {
        var stack = Held[key];
        return WithHeld(stack.Length == 1 ? Held.Remove(key) : Held.SetItem(key, stack.RemoveAt(stack.Length - 1)));
    }

    public bool IsHeld(LockKey key) => Held.ContainsKey(key);

    public bool Equals(PathState? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.GetHashCode() != GetHashCode() || other.Held.Count != Held.Count || other.Facts.Count != Facts.Count
            || !ReferenceEquals(other.Thrower, Thrower) || !Equals(other.Continuation, Continuation))
        {
            return false;
        }

        foreach (var pair in Held)
        {
            if (!other.Held.TryGetValue(pair.Key, out var stack) || !stack.SequenceEqual(pair.Value))
            {
                return false;
            }
        }

        foreach (var pair in Facts)
        {
            if (!other.Facts.TryGetValue(pair.Key, out var value) || value != pair.Value)
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as PathState);

    public override int GetHashCode()
    {
        if (_hash == 0)
        {
            unchecked
            {
                var hash = 17;
                foreach (var pair in Held)
                {
                    var h = pair.Key.GetHashCode();
                    foreach (var site in pair.Value)
                    {
                        h = (h * 31) ^ site.GetHashCode();
                    }

                    hash += h;
                }

                foreach (var pair in Facts)
                {
                    hash += pair.Key.GetHashCode() ^ (pair.Value ? 0x5bd1e995 : 0x1b873593);
                }

                hash = (hash * 397) ^ (Continuation?.GetHashCode() ?? 0);
                hash = (hash * 397) ^ (Thrower?.GetHashCode() ?? 0);
                _hash = hash == 0 ? 1 : hash;
            }
        }

        return _hash;
    }
}
