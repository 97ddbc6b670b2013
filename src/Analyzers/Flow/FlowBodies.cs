using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Flow;

/// <summary>One body the engine analyzes on its own: a method, a local function or a lambda.</summary>
internal readonly struct FlowBody
{
    public FlowBody(ControlFlowGraph graph, IMethodSymbol? method, bool isNested = false)
    {
        Graph = graph;
        Method = method;
        IsNested = isNested;
    }

    /// <summary>A lambda or local function inside the member, not the member's own body.</summary>
    public bool IsNested { get; }

    public ControlFlowGraph Graph { get; }

    /// <summary>The method or local function whose body this is; null for a lambda.</summary>
    public IMethodSymbol? Method { get; }
}

internal static class FlowBodies
{
    /// <summary>
    /// The control-flow graphs of an operation block and of every lambda and local function inside
    /// it. Call only after a cheap pre-check found a primitive: building graphs is the expensive part.
    /// </summary>
    public static List<FlowBody> Collect(OperationBlockAnalysisContext context)
    {
        var bodies = new List<FlowBody>();
        foreach (var block in context.OperationBlocks)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (block.Kind is not (OperationKind.Block or OperationKind.MethodBody or OperationKind.ConstructorBody or OperationKind.FieldInitializer or OperationKind.PropertyInitializer))
            {
                continue;
            }

            if (HasSyntaxErrors(block.Syntax.SyntaxTree, context.CancellationToken))
            {
                // Code being typed (a brace not yet closed shifts everything after it): no report until the file parses.
                continue;
            }

            ControlFlowGraph? graph;
            try
            {
                graph = context.GetControlFlowGraph(block);
            }
            catch (ArgumentException)
            {
                // Broken code Roslyn declines to build a graph for: nothing to report.
                continue;
            }

            if (!bodies.Any(b => ReferenceEquals(b.Graph, graph)))
            {
                Add(graph, context.OwningSymbol as IMethodSymbol, bodies, context.CancellationToken, nested: false);
            }
        }

        return bodies;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SyntaxTree, object> TreesWithErrors = new();
    private static readonly object Yes = new();
    private static readonly object No = new();

    /// <summary>Whether the file has a syntax error; computed once per tree, and only when the tree has diagnostics at all.</summary>
    public static bool HasSyntaxErrors(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var root = tree.GetRoot(cancellationToken);
        if (!root.ContainsDiagnostics)
        {
            return false;
        }

        return ReferenceEquals(TreesWithErrors.GetValue(tree, t => t.GetDiagnostics(cancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error) ? Yes : No), Yes);
    }

    private static void Add(ControlFlowGraph graph, IMethodSymbol? method, List<FlowBody> bodies, CancellationToken cancellationToken, bool nested = true)
    {
        bodies.Add(new FlowBody(graph, method, nested));
        foreach (var localFunction in graph.LocalFunctions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Add(graph.GetLocalFunctionControlFlowGraph(localFunction, cancellationToken), localFunction, bodies, cancellationToken);
        }

        foreach (var block in graph.Blocks)
        {
            foreach (var operation in block.Operations)
            {
                foreach (var lambda in operation.DescendantsAndSelf().OfType<IFlowAnonymousFunctionOperation>())
                {
                    Add(graph.GetAnonymousFunctionControlFlowGraph(lambda, cancellationToken), null, bodies, cancellationToken);
                }
            }

            if (block.BranchValue is not null)
            {
                foreach (var lambda in block.BranchValue.DescendantsAndSelf().OfType<IFlowAnonymousFunctionOperation>())
                {
                    Add(graph.GetAnonymousFunctionControlFlowGraph(lambda, cancellationToken), null, bodies, cancellationToken);
                }
            }
        }
    }
}
