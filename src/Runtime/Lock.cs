namespace Lockstep;

/// <summary>Placeholder until the runtime lands.</summary>
public sealed class Lock
{
    /// <summary>Acquires the lock.</summary>
    public Scope Acquire() => new Scope(this);

    /// <summary>Releases the lock.</summary>
    public void Release() { }

    /// <summary>Releases the lock when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Lock? _owner;
        internal Scope(Lock owner) => _owner = owner;

        /// <summary>Releases the lock.</summary>
        public void Dispose() => _owner?.Release();
    }
}
