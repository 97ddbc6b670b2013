using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Flow;

/// <summary>
/// The operations of one member that any Lockstep rule looks at first, gathered by a single walk and
/// shared by every analyzer (the driver hands them all the same operation tree). Registering operation
/// actions per member costs more than the analysis of a member without concurrency; one block action per
/// analyzer, reading this index, keeps code that uses no primitive nearly free.
/// </summary>
internal sealed class BlockIndex
{
    private static readonly OperationCache<BlockIndex> Cache = new();
    private static readonly BlockIndex Empty = new();

    // Each list is made at its final size once the walk is done (the walk fills the thread's scratch lists), or is the
    // shared empty one: most members have no creation, assignment or property access, and regrowing lists as a walk
    // went was the largest share of what the index allocated. Nothing may add to these lists.
    public List<IInvocationOperation> Invocations { get; private set; } = SharedEmpty<List<IInvocationOperation>>.Instance;

    public List<IObjectCreationOperation> ObjectCreations { get; private set; } = SharedEmpty<List<IObjectCreationOperation>>.Instance;

    public List<ISimpleAssignmentOperation> SimpleAssignments { get; private set; } = SharedEmpty<List<ISimpleAssignmentOperation>>.Instance;

    public List<IPropertyReferenceOperation> PropertyReferences { get; private set; } = SharedEmpty<List<IPropertyReferenceOperation>>.Instance;

    public bool HasLockStatement { get; private set; }

    /// <summary>
    /// Every operation the shared-state scan looks at (<see cref="SharedStateScan.IsInteresting"/>), in pre-order with
    /// children in source order: the scan reads this list instead of walking the member again.
    /// </summary>
    public List<IOperation> Scannable { get; private set; } = SharedEmpty<List<IOperation>>.Instance;

    /// <summary>Some operation of the member did not bind (<see cref="OperationKind.Invalid"/>).</summary>
    public bool HasInvalid { get; private set; }

    public static BlockIndex For(OperationBlockAnalysisContext context) => For(context.OperationBlocks, context.CancellationToken);

    public static BlockIndex For(ImmutableArray<IOperation> blocks, CancellationToken cancellationToken)
    {
        if (blocks.IsEmpty)
        {
            return Empty;
        }

        return Cache.GetOrCreate(blocks[0], (blocks, cancellationToken), static state => Build(state.blocks, state.cancellationToken));
    }

    private static BlockIndex Build(ImmutableArray<IOperation> blocks, CancellationToken cancellationToken)
    {
        var index = new BlockIndex();
        var scratch = Scratch.Rent();
        var stack = WalkStack.Rent();
        try
        {
            // Pre-order, children in source order: pushed last to first on one explicit stack.
            for (var i = blocks.Length - 1; i >= 0; i--)
            {
                stack.Push(blocks[i]);
            }

            var visited = 0;
            while (stack.Count > 0)
            {
                if ((++visited & 255) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var operation = stack.Pop();
                var kind = operation.Kind;
                if (SharedStateScan.IsInteresting(kind))
                {
                    scratch.Scannable.Add(operation);
                }

                // By kind (a field read), not by interface type tests: this runs on every operation of every member looked at.
                switch (kind)
                {
                    case OperationKind.Invocation when operation is IInvocationOperation invocation:
                        scratch.Invocations.Add(invocation);
                        break;
                    case OperationKind.ObjectCreation when operation is IObjectCreationOperation creation:
                        scratch.ObjectCreations.Add(creation);
                        break;
                    case OperationKind.SimpleAssignment when operation is ISimpleAssignmentOperation assignment:
                        scratch.SimpleAssignments.Add(assignment);
                        break;
                    case OperationKind.PropertyReference when operation is IPropertyReferenceOperation property:
                        scratch.PropertyReferences.Add(property);
                        break;
                    case OperationKind.Lock:
                        index.HasLockStatement = true;
                        break;
                    case OperationKind.Invalid:
                        index.HasInvalid = true;
                        break;
                }

                foreach (var child in operation.ChildOperations.Reverse())
                {
                    stack.Push(child);
                }
            }

            // Source order, as the driver would have called the operation actions.
            index.Invocations = Sorted(scratch.Invocations, index.Invocations);
            index.ObjectCreations = Sorted(scratch.ObjectCreations, index.ObjectCreations);
            index.SimpleAssignments = Sorted(scratch.SimpleAssignments, index.SimpleAssignments);
            index.PropertyReferences = Sorted(scratch.PropertyReferences, index.PropertyReferences);
            index.Scannable = scratch.Scannable.Count == 0 ? index.Scannable : new List<IOperation>(scratch.Scannable);
        }
        finally
        {
            WalkStack.Return(stack);
            Scratch.Return(scratch);
        }

        return index;
    }

    /// <summary>A copy of <paramref name="found"/> at its exact size, in source order; <paramref name="empty"/> when nothing was found.</summary>
    private static List<T> Sorted<T>(List<T> found, List<T> empty)
        where T : IOperation
    {
        if (found.Count == 0)
        {
            return empty;
        }

        var list = new List<T>(found);
        Sort(list);
        return list;
    }

    private static void Sort<T>(List<T> operations)
        where T : IOperation
    {
        // Pre-order is source order unless a parent lists its children out of it (named arguments, for one).
        for (var i = 1; i < operations.Count; i++)
        {
            if (BySpan(operations[i - 1], operations[i]) > 0)
            {
                operations.Sort(BySpan);
                return;
            }
        }
    }

    // Source order, outer first. Compared by full spans: within one tree they order nodes as their spans do (a node and
    // the first token under it share their leading trivia), and a full span is two fields away while a span's start
    // walks down to the node's first token (that walk was most of this check's cost).
    private static int BySpan<T>(T x, T y)
        where T : IOperation
    {
        var a = x.Syntax.FullSpan;
        var b = y.Syntax.FullSpan;
        return a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length);
    }

    /// <summary>
    /// The lists one walk fills, kept per analysis thread and reused like <see cref="WalkStack"/>; emptied when handed
    /// back, so they keep no operation tree alive.
    /// </summary>
    private sealed class Scratch
    {
        private const int KeepAtMost = 4096;

        [ThreadStatic]
        private static Scratch? t_spare;

        public List<IOperation> Scannable { get; } = new(64);
        public List<IInvocationOperation> Invocations { get; } = new(16);
        public List<IObjectCreationOperation> ObjectCreations { get; } = new();
        public List<ISimpleAssignmentOperation> SimpleAssignments { get; } = new();
        public List<IPropertyReferenceOperation> PropertyReferences { get; } = new();

        public static Scratch Rent()
        {
            var scratch = t_spare ?? new Scratch();
            t_spare = null; // a nested walk on this thread gets a new one
            return scratch;
        }

        public static void Return(Scratch scratch)
        {
            if (scratch.Scannable.Capacity > KeepAtMost)
            {
                return; // a huge member: its arrays are not kept for the life of the thread
            }

            scratch.Scannable.Clear();
            scratch.Invocations.Clear();
            scratch.ObjectCreations.Clear();
            scratch.SimpleAssignments.Clear();
            scratch.PropertyReferences.Clear();
            t_spare = scratch;
        }
    }
}
