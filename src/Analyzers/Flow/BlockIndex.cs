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

    public List<IInvocationOperation> Invocations { get; } = new();

    public List<IObjectCreationOperation> ObjectCreations { get; } = new();

    public List<ISimpleAssignmentOperation> SimpleAssignments { get; } = new();

    public List<IPropertyReferenceOperation> PropertyReferences { get; } = new();

    public bool HasLockStatement { get; private set; }

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
        var stack = WalkStack.Rent();
        try
        {
            foreach (var block in blocks)
            {
                stack.Push(block);
            }

            var visited = 0;
            while (stack.Count > 0)
            {
                if ((++visited & 255) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var operation = stack.Pop();
                // By kind (a field read), not by interface type tests: this runs on every operation of every member looked at.
                switch (operation.Kind)
                {
                    case OperationKind.Invocation when operation is IInvocationOperation invocation:
                        index.Invocations.Add(invocation);
                        break;
                    case OperationKind.ObjectCreation when operation is IObjectCreationOperation creation:
                        index.ObjectCreations.Add(creation);
                        break;
                    case OperationKind.SimpleAssignment when operation is ISimpleAssignmentOperation assignment:
                        index.SimpleAssignments.Add(assignment);
                        break;
                    case OperationKind.PropertyReference when operation is IPropertyReferenceOperation property:
                        index.PropertyReferences.Add(property);
                        break;
                    case OperationKind.Lock:
                        index.HasLockStatement = true;
                        break;
                }

                foreach (var child in operation.ChildOperations)
                {
                    stack.Push(child);
                }
            }
        }
        finally
        {
            WalkStack.Return(stack);
        }

        // Source order, as the driver would have called the operation actions.
        Sort(index.Invocations);
        Sort(index.ObjectCreations);
        Sort(index.SimpleAssignments);
        Sort(index.PropertyReferences);
        return index;
    }

    private static void Sort<T>(List<T> operations)
        where T : IOperation
    {
        if (operations.Count > 1)
        {
            operations.Sort(BySpan);
        }
    }

    private static int BySpan<T>(T x, T y)
        where T : IOperation
        => x.Syntax.SpanStart != y.Syntax.SpanStart ? x.Syntax.SpanStart.CompareTo(y.Syntax.SpanStart) : y.Syntax.Span.Length.CompareTo(x.Syntax.Span.Length);
}
