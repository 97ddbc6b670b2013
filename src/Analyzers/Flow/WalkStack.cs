using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers.Flow;

/// <summary>
/// The explicit stack the per-member walks push operations on, kept per analysis thread and reused: every member of
/// the compilation is walked, and a fresh stack each time (its array regrown as the tree deepens) was a steady share
/// of what the analyzers allocated. A walk rents it and returns it in a <c>finally</c>, however it ends (an early
/// return on broken code, cancellation).
/// </summary>
internal static class WalkStack
{
    [ThreadStatic]
    private static Stack<IOperation>? t_spare;

    /// <summary>An empty stack for one walk; the thread's spare when it has one (a nested walk gets a new one).</summary>
    public static Stack<IOperation> Rent()
    {
        var stack = t_spare;
        if (stack is null)
        {
            return new Stack<IOperation>(64);
        }

        t_spare = null;
        return stack;
    }

    /// <summary>Hands the stack back, emptied (so it keeps no operation tree alive, whatever the walk left on it).</summary>
    public static void Return(Stack<IOperation> stack)
    {
        stack.Clear();
        t_spare = stack;
    }
}
