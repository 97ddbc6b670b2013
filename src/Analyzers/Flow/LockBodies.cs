using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace Lockstep.Analyzers.Flow;

/// <summary>
/// One body of a member as the lock rules see it: analyzed from the operation tree when every lock in the
/// member is scoped (<see cref="StructuredLocks"/>), from its control-flow graph otherwise
/// (<see cref="LockFlowAnalysis"/>). The rules ask for results without knowing which path gave them.
/// </summary>
internal readonly struct LockBody
{
    private readonly StructuredLocks.Recording? _recording;
    private readonly PrimitiveCatalog _catalog;

    private LockBody(IMethodSymbol? method, bool isNested, ControlFlowGraph? graph, StructuredLocks.Recording? recording, PrimitiveCatalog catalog)
    {
        Method = method;
        IsNested = isNested;
        Graph = graph;
        _recording = recording;
        _catalog = catalog;
    }

    /// <summary>The method or local function whose body this is; null for a lambda.</summary>
    public IMethodSymbol? Method { get; }

    /// <summary>A lambda or local function inside the member, not the member's own body.</summary>
    public bool IsNested { get; }

    /// <summary>The graph, when the body needed one; null on the structured path.</summary>
    public ControlFlowGraph? Graph { get; }

    /// <summary>The lock flow of the body, fed to <paramref name="observer"/>; null when the engine gave up on it.</summary>
    public LockFlowResult? Analyze(ILockFlowObserver? observer, CancellationToken cancellationToken)
        => _recording is not null
            ? _recording.Replay(observer)
            : LockFlowAnalysis.Analyze(Graph!, _catalog, observer, cancellationToken);

    /// <summary>Every body of the member: no graph at all when the structured path takes the member.</summary>
    public static List<LockBody> Collect(OperationBlockAnalysisContext context, PrimitiveCatalog catalog)
    {
        var bodies = new List<LockBody>();
        if (StructuredLocks.TryCollect(context, catalog) is { } structured)
        {
            foreach (var (body, recording) in structured)
            {
                bodies.Add(new LockBody(body.Method, body.IsNested, graph: null, recording, catalog));
            }
        }
        else
        {
            foreach (var body in FlowBodies.Collect(context))
            {
                bodies.Add(new LockBody(body.Method, body.IsNested, body.Graph, recording: null, catalog));
            }
        }

        return bodies;
    }
}
