using System.Runtime.CompilerServices;

namespace Lockstep.Analyzers.Flow;

/// <summary>How the end-of-compilation passes ask to be compiled.</summary>
internal static class Jit
{
    /// <summary>
    /// <c>MethodImplOptions.AggressiveOptimization</c> (absent from netstandard2.0's enum; every runtime that loads the
    /// analyzers honours it). The compilation-end passes run once per compilation: under tiered compilation such a method
    /// never reaches the call count that gets it optimized, so it ran as unoptimized code, patched loop by loop
    /// (on-stack replacement) while it ran. LS5001's end pass measured 4.5 to 58 ms from one run to the next that way,
    /// 4.4 to 6.5 ms compiled optimized at once. Only for code that runs once per compilation: the per-member paths run
    /// often enough to be optimized with profile data, which this option gives up (so helpers the per-member path also
    /// calls, such as LS5001's message parts, go without it). One-line helpers go without it too: a method carrying it
    /// is unlikely to be inlined, and inlined into an optimized caller they are optimized anyway. Iterators go without
    /// it (it would apply to the stub, not to the state machine that runs the loop).
    /// </summary>
    internal const MethodImplOptions OncePerCompilation = (MethodImplOptions)512;
}
