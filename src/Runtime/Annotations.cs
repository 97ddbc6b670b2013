namespace Lockstep;

/// <summary>
/// Declares that a field or property may be read or written only while holding the lock named by
/// <see cref="LockMember"/> (analyzer rule LS5002).
/// </summary>
/// <remarks>
/// <para>Java: <c>@GuardedBy("lock")</c>; Clang: <c>GUARDED_BY(mu)</c>. Python has no equivalent.
/// Write <c>[GuardedBy(nameof(_gate))] private int _count;</c>.</para>
/// <para>The analyzers match this attribute by its full name <c>Lockstep.GuardedByAttribute</c>, so a source copy
/// (see docs/runtime.md, "Using only the analyzers") works without referencing this assembly.</para>
/// </remarks>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class GuardedByAttribute : Attribute
{
    /// <summary>Names the lock that guards the annotated member.</summary>
    /// <param name="lockMember">The name of the field or property holding the lock (use <see langword="nameof"/>).</param>
    public GuardedByAttribute(string lockMember) => LockMember = lockMember;

    /// <summary>The name of the field or property holding the lock.</summary>
    public string LockMember { get; }
}

/// <summary>
/// Declares that the annotated method acquires a lock and returns holding it, so that callers are checked as if it were
/// a primitive's acquire (pairing rules LS1xxx, ordering LS2001, guarded access LS5002).
/// </summary>
/// <remarks>
/// Without an argument the lock is the containing object itself (a user-defined lock type); with one it is the named
/// field or property of the containing type. Clang: <c>ACQUIRE(mu)</c>. Matched by full name <c>Lockstep.AcquiresAttribute</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class AcquiresAttribute : Attribute
{
    /// <summary>The method acquires the containing object (it is itself a lock).</summary>
    public AcquiresAttribute()
    {
    }

    /// <summary>The method acquires the lock held in <paramref name="lockMember"/>.</summary>
    /// <param name="lockMember">The name of the field or property holding the lock (use <see langword="nameof"/>).</param>
    public AcquiresAttribute(string lockMember) => LockMember = lockMember;

    /// <summary>The name of the field or property holding the acquired lock, or <see langword="null"/> for the containing object.</summary>
    public string? LockMember { get; }
}

/// <summary>
/// Declares that the annotated method releases a lock that its caller holds, so that callers are checked as if it were
/// a primitive's release.
/// </summary>
/// <remarks>
/// Without an argument the lock is the containing object itself; with one it is the named field or property of the
/// containing type. Clang: <c>RELEASE(mu)</c>. Matched by full name <c>Lockstep.ReleasesAttribute</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class ReleasesAttribute : Attribute
{
    /// <summary>The method releases the containing object (it is itself a lock).</summary>
    public ReleasesAttribute()
    {
    }

    /// <summary>The method releases the lock held in <paramref name="lockMember"/>.</summary>
    /// <param name="lockMember">The name of the field or property holding the lock (use <see langword="nameof"/>).</param>
    public ReleasesAttribute(string lockMember) => LockMember = lockMember;

    /// <summary>The name of the field or property holding the released lock, or <see langword="null"/> for the containing object.</summary>
    public string? LockMember { get; }
}

/// <summary>
/// Declares that the lock in the annotated field or property is always acquired before the locks named in
/// <see cref="Members"/> (a lock-ordering contract, checked with LS2001).
/// </summary>
/// <remarks>Clang: <c>ACQUIRED_BEFORE(...)</c>. Matched by full name <c>Lockstep.AcquiredBeforeAttribute</c>.</remarks>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = true, Inherited = true)]
public sealed class AcquiredBeforeAttribute : Attribute
{
    /// <summary>Names the locks that must be acquired after this one.</summary>
    /// <param name="members">Names of fields or properties holding locks (use <see langword="nameof"/>).</param>
    public AcquiredBeforeAttribute(params string[] members) => Members = members;

    /// <summary>The names of the locks acquired after this one.</summary>
    public IReadOnlyList<string> Members { get; }
}

/// <summary>
/// Declares that the lock in the annotated field or property is always acquired after the locks named in
/// <see cref="Members"/> (a lock-ordering contract, checked with LS2001).
/// </summary>
/// <remarks>Clang: <c>ACQUIRED_AFTER(...)</c>. Matched by full name <c>Lockstep.AcquiredAfterAttribute</c>.</remarks>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = true, Inherited = true)]
public sealed class AcquiredAfterAttribute : Attribute
{
    /// <summary>Names the locks that must be acquired before this one.</summary>
    /// <param name="members">Names of fields or properties holding locks (use <see langword="nameof"/>).</param>
    public AcquiredAfterAttribute(params string[] members) => Members = members;

    /// <summary>The names of the locks acquired before this one.</summary>
    public IReadOnlyList<string> Members { get; }
}
