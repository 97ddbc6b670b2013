namespace Lockstep.Analyzers.Flow;

/// <summary>
/// One empty instance per collection type, for state that is created on first use: readers see this until the owner
/// adds something, so a block that records nothing allocates nothing. Nothing may ever add to it (owners add through
/// their own field, created on first write); <c>StructuredLocksTests</c> checks the lock engine's after a full run.
/// </summary>
internal static class SharedEmpty<T>
    where T : class, new()
{
    public static readonly T Instance = new();
}
