using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Flow;

/// <summary>
/// What the flow engine follows: calls that take a resource (a lock, a queue item to mark done, a child
/// to join) and calls that give it back. <see cref="PrimitiveCatalog"/> is the lock catalogue; other rule
/// families plug their own pairs into the same engine.
/// </summary>
internal interface IResourceCatalog
{
    /// <summary>Classifies a call as taking or giving back a resource.</summary>
    bool TryClassify(IInvocationOperation invocation, out LockOperation operation);

    /// <summary>
    /// A resource held in a local or parameter that escapes (returned, stored in a field, passed to an
    /// unknown method, captured by a lambda) stops being followed: someone else may give it back.
    /// Locks are named by where they live, so for them escapes do not matter.
    /// </summary>
    bool EscapeEndsTracking { get; }
}

/// <summary>
/// A catalogue whose "resource" is a state of the object a variable holds (a child that was started,
/// or terminated), not a unit taken from a shared primitive. The engine then treats it as a state:
/// acquiring it again while held does not stack (one release ends it; the repeat is still recorded in
/// <see cref="LockFlowResult.AcquiredWhileHeld"/>), and assigning another object to the local,
/// parameter or field that names it ends it for that name (recorded in
/// <see cref="LockFlowResult.ReboundWhileHeld"/>), so a loop that creates a fresh object each pass is
/// not mistaken for the same object twice.
/// </summary>
internal interface ITypestateCatalog : IResourceCatalog
{
}

/// <summary>
/// Optional for a catalogue: conditions that ask whether a resource is held
/// (<c>Monitor.IsEntered(o)</c>, <c>rw.IsReadLockHeld</c>). A branch on one only continues the paths
/// that agree with it, so <c>if (rw.IsReadLockHeld) rw.ExitReadLock();</c> is not a stray release.
/// </summary>
internal interface IHeldCheckCatalog
{
    bool TryGetHeldCheck(IOperation condition, out IOperation? lockObject, out LockMode mode);
}
