using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers;

public static partial class Descriptors
{
    private const string LS5001Title = "Unsynchronized read-modify-write of shared state";

    private const string LS5001Message = "'{0}' is {1} on several threads at once ({2}) with no lock held; use {3}";

    private const string LS5001Description = "x++, x += n and x = x op y read the value, compute, and write it back in three steps. Two threads doing it at once both read the same old value and one update is lost. Use Interlocked (Increment, Decrement, Add) or do the update under a lock that every writer takes.";

    private const string LS5002Title = "Field guarded by a lock accessed without it";

    private const string LS5002Description = "A field marked [GuardedBy(nameof(_lock))] may only be read or written while holding that lock. Without it a reader can see a half-made update and two writers can lose each other's changes.";

    /// <summary>
    /// LS5001 on a field: decided at the end of the compilation, because the threads that reach the
    /// update are found through calls across the whole compilation.
    /// </summary>
    public static readonly DiagnosticDescriptor LS5001_UnsynchronizedReadModifyWrite = Create(
        RuleIds.UnsynchronizedReadModifyWrite,
        LS5001Title,
        LS5001Message,
        DiagnosticSeverity.Warning,
        LS5001Description,
        CompilationEnd);

    /// <summary>LS5001 on a local or parameter captured by the concurrent lambdas: decided within the method that declares it.</summary>
    public static readonly DiagnosticDescriptor LS5001_UnsynchronizedCapturedReadModifyWrite = Create(
        RuleIds.UnsynchronizedReadModifyWrite,
        LS5001Title,
        LS5001Message,
        DiagnosticSeverity.Warning,
        LS5001Description);

    /// <summary>LS5002: a write of a guarded field on a path that does not hold its lock.</summary>
    public static readonly DiagnosticDescriptor LS5002_GuardedFieldWrittenWithoutLock = Create(
        RuleIds.GuardedFieldAccessedWithoutLock,
        LS5002Title,
        "'{0}' is written without holding '{1}', which guards it",
        DiagnosticSeverity.Warning,
        LS5002Description);

    /// <summary>LS5002: a read of a guarded field on a path that does not hold its lock.</summary>
    public static readonly DiagnosticDescriptor LS5002_GuardedFieldReadWithoutLock = Create(
        RuleIds.GuardedFieldAccessedWithoutLock,
        LS5002Title,
        "'{0}' is read without holding '{1}', which guards it",
        DiagnosticSeverity.Warning,
        LS5002Description);

    /// <summary>
    /// LS5002 in a private or internal helper: the helper does not take the lock, and not every call of
    /// it does either (decided at the end of the compilation, when every call is known).
    /// </summary>
    public static readonly DiagnosticDescriptor LS5002_GuardedFieldWrittenInHelperWithoutLock = Create(
        RuleIds.GuardedFieldAccessedWithoutLock,
        LS5002Title,
        "'{0}' is written without holding '{1}', which guards it, and {2}",
        DiagnosticSeverity.Warning,
        LS5002Description,
        CompilationEnd);

    /// <summary>LS5002 read in a private or internal helper that some call reaches without the lock.</summary>
    public static readonly DiagnosticDescriptor LS5002_GuardedFieldReadInHelperWithoutLock = Create(
        RuleIds.GuardedFieldAccessedWithoutLock,
        LS5002Title,
        "'{0}' is read without holding '{1}', which guards it, and {2}",
        DiagnosticSeverity.Warning,
        LS5002Description,
        CompilationEnd);
}
