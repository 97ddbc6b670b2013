using System.Runtime.CompilerServices;
using Lockstep.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Catalog;

/// <summary>The kinds of child whose lifecycle the LS4xxx rules follow.</summary>
internal enum ChildKind : byte
{
    /// <summary>Lockstep <c>Worker</c>, <c>ChildProcess</c> or anything typed <c>IChild</c>.</summary>
    Lockstep,
    /// <summary><c>System.Threading.Thread</c>.</summary>
    Thread,
    /// <summary><c>System.Diagnostics.Process</c>.</summary>
    Process,
}

/// <summary>What a call does to a child's lifecycle: created → started → terminated → joined.</summary>
internal enum LifecycleCallKind : byte
{
    None,
    /// <summary><c>x.Start()</c>.</summary>
    Start,
    /// <summary>A static factory that returns a started child: <c>Process.Start(…)</c>, <c>ChildProcess.Start(…)</c>.</summary>
    StartFactory,
    /// <summary><c>Terminate()</c> or <c>Kill()</c>: asks the child to stop and returns at once.</summary>
    Terminate,
    /// <summary><c>Join</c>, <c>JoinAsync</c>, <c>WaitForExit</c>, <c>WaitForExitAsync</c>.</summary>
    Join,
}

/// <summary>One lifecycle call: its kind, the kind of child, and the operation that denotes the child.</summary>
internal readonly struct LifecycleCall
{
    public LifecycleCall(LifecycleCallKind kind, ChildKind child, IOperation? target, bool isTimed)
    {
        Kind = kind;
        Child = child;
        Target = target;
        IsTimed = isTimed;
    }

    public LifecycleCallKind Kind { get; }
    public ChildKind Child { get; }

    /// <summary>The receiver, or for a factory the variable its result is assigned to (null when it is not assigned).</summary>
    public IOperation? Target { get; }

    /// <summary>A join with a timeout (<c>Join(TimeSpan)</c>, <c>WaitForExit(int)</c>).</summary>
    public bool IsTimed { get; }
}

/// <summary>How a work item is handed to a pool (LS4005).</summary>
internal enum SubmitKind : byte
{
    None,
    /// <summary>Lockstep <c>WorkerPool.Submit</c>.</summary>
    PoolSubmit,
    /// <summary><c>Task.Run</c>.</summary>
    TaskRun,
    /// <summary><c>Task.Factory.StartNew</c>.</summary>
    StartNew,
}

/// <summary>
/// The lifecycle vocabulary of Lockstep children, threads and processes, resolved once per
/// compilation, and the three pairings the flow engine follows for the LS4xxx rules: terminate →
/// join (LS4001), start → join (LS4003, a join never started for LS4004), and start alone (a second
/// start and a late <c>IsDaemon</c> for LS4002/LS4004).
/// </summary>
internal sealed class LifecycleCatalog
{
    private static readonly ConditionalWeakTable<Compilation, LifecycleCatalog> Cache = new();

    private readonly WellKnownTypes _types;

    private LifecycleCatalog(WellKnownTypes types)
    {
        _types = types;
        Termination = new Pairing(this, LifecycleCallKind.Terminate, joinReleases: true, kind => kind is ChildKind.Lockstep or ChildKind.Process);
        StartToJoin = new Pairing(this, LifecycleCallKind.Start, joinReleases: true, static _ => true);
        Starts = new Pairing(this, LifecycleCallKind.Start, joinReleases: false, kind => kind is ChildKind.Lockstep or ChildKind.Thread);
    }

    /// <summary>The catalogue of a compilation, built once and shared by the analyzer and its fixes.</summary>
    public static LifecycleCatalog For(Compilation compilation)
        => Cache.GetValue(compilation, static c => new LifecycleCatalog(PrimitiveCatalog.For(c).Types));

    public WellKnownTypes Types => _types;

    /// <summary>No child type is known to the compilation (then only LS4005's <c>Task.Run</c> remains).</summary>
    public bool HasNoChildTypes => _types.LockstepWorker is null && _types.LockstepChildProcess is null && _types.LockstepIChild is null
        && _types.Thread is null && _types.Process is null;

    /// <summary>Terminate/Kill held until Join/WaitForExit (LS4001).</summary>
    public IResourceCatalog Termination { get; }

    /// <summary>Start held until Join/WaitForExit (LS4003; a join that finds nothing held is LS4004's).</summary>
    public IResourceCatalog StartToJoin { get; }

    /// <summary>Start held for ever: a child is started once in its life (LS4002, LS4004).</summary>
    public IResourceCatalog Starts { get; }

    /// <summary>Whether the type is a child type the rules follow, and which kind.</summary>
    public bool TryGetChildKind(ITypeSymbol? type, out ChildKind kind)
    {
        kind = default;
        if (type is not INamedTypeSymbol named)
        {
            return false;
        }

        if (Is(named, _types.LockstepIChild))
        {
            kind = ChildKind.Lockstep;
            return true;
        }

        for (var current = named; current is not null; current = current.BaseType)
        {
            var definition = current.OriginalDefinition;
            if (Is(definition, _types.LockstepWorker) || Is(definition, _types.LockstepChildProcess))
            {
                kind = ChildKind.Lockstep;
                return true;
            }

            if (Is(definition, _types.Thread))
            {
                kind = ChildKind.Thread;
                return true;
            }

            if (Is(definition, _types.Process))
            {
                kind = ChildKind.Process;
                return true;
            }
        }

        return false;
    }

    /// <summary>Classifies a call by what it does to a child's lifecycle.</summary>
    public LifecycleCall Classify(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.IsStatic)
        {
            // var p = Process.Start(…) / ChildProcess.Start(…): a child that is already running.
            if (method.Name == "Start" && TryGetChildKind(method.ReturnType, out var created) && created != ChildKind.Thread
                && TryGetChildKind(method.ContainingType, out _))
            {
                return new LifecycleCall(LifecycleCallKind.StartFactory, created, AssignedTo(invocation), isTimed: false);
            }

            return default;
        }

        // The name first (every call of a member goes through here): only a call some kind of child would classify can
        // be one, and that is asked of the same table before any type is looked at.
        if (!CanBeLifecycleCall(method)
            || !TryGetChildKind(invocation.Instance?.Type ?? method.ContainingType, out var kind) || !TryGetChildKind(method.ContainingType, out _))
        {
            return default;
        }

        var callKind = CallKindOf(kind, method);
        if (callKind == LifecycleCallKind.None)
        {
            return default;
        }

        var timed = callKind == LifecycleCallKind.Join && method.Parameters.Any(p => p.Type.SpecialType == SpecialType.System_Int32
            || SymbolEqualityComparer.Default.Equals(p.Type, _types.TimeSpan));
        return new LifecycleCall(callKind, kind, invocation.Instance, timed);
    }

    /// <summary>What a call of <paramref name="method"/> on a child of <paramref name="kind"/> does to its lifecycle.</summary>
    private static LifecycleCallKind CallKindOf(ChildKind kind, IMethodSymbol method) => (kind, method.Name) switch
    {
        (_, "Start") when method.Parameters.Length == 0 || kind == ChildKind.Thread => LifecycleCallKind.Start,
        (ChildKind.Thread, "UnsafeStart") => LifecycleCallKind.Start,
        (ChildKind.Lockstep, "Terminate") => LifecycleCallKind.Terminate,
        (ChildKind.Lockstep or ChildKind.Process, "Kill") => LifecycleCallKind.Terminate,
        (ChildKind.Lockstep or ChildKind.Thread, "Join") => LifecycleCallKind.Join,
        (ChildKind.Lockstep, "JoinAsync") => LifecycleCallKind.Join,
        (ChildKind.Process, "WaitForExit" or "WaitForExitAsync") => LifecycleCallKind.Join,
        _ => LifecycleCallKind.None,
    };

    private static bool CanBeLifecycleCall(IMethodSymbol method)
        => CallKindOf(ChildKind.Thread, method) != LifecycleCallKind.None
           || CallKindOf(ChildKind.Lockstep, method) != LifecycleCallKind.None
           || CallKindOf(ChildKind.Process, method) != LifecycleCallKind.None;

    /// <summary>The property that makes a child a daemon (<c>IsDaemon</c>) or a thread a background thread (<c>IsBackground</c>).</summary>
    public bool IsDaemonFlag(IPropertySymbol property, out ChildKind kind)
    {
        kind = default;
        return property.Name is "IsDaemon" or "IsBackground" && TryGetChildKind(property.ContainingType, out kind)
            && (property.Name == "IsDaemon" ? kind == ChildKind.Lockstep : kind == ChildKind.Thread);
    }

    /// <summary>Classifies a call that hands a work item to a pool and returns its task.</summary>
    public SubmitKind ClassifySubmit(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var containing = method.ContainingType?.OriginalDefinition;
        if (containing is null)
        {
            return SubmitKind.None;
        }

        if (method.Name == "Submit" && !method.IsStatic && Is(containing, _types.LockstepWorkerPool))
        {
            return SubmitKind.PoolSubmit;
        }

        if (method.Name == "Run" && method.IsStatic && Is(containing, _types.Task))
        {
            return SubmitKind.TaskRun;
        }

        if (method.Name == "StartNew" && (Is(containing, _types.TaskFactory) || Is(containing, _types.TaskFactoryOfT)))
        {
            // StartNew(async () => …) returns Task<Task>: waiting for it does not wait for the work.
            return IsTaskType(method.ReturnType is INamedTypeSymbol { TypeArguments.Length: 1 } wrapper ? wrapper.TypeArguments[0] : null)
                ? SubmitKind.None
                : SubmitKind.StartNew;
        }

        return SubmitKind.None;
    }

    /// <summary><c>Task</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask</c> or <c>ValueTask&lt;T&gt;</c>.</summary>
    public bool IsTaskType(ITypeSymbol? type)
    {
        var definition = type?.OriginalDefinition;
        return definition is not null && (Is(definition, _types.Task) || Is(definition, _types.TaskOfT) || Is(definition, _types.ValueTask) || Is(definition, _types.ValueTaskOfT));
    }

    private static bool Is(ITypeSymbol type, INamedTypeSymbol? known) => known is not null && SymbolEqualityComparer.Default.Equals(type, known);

    /// <summary>The variable a call's result is assigned to, seeing through conversions.</summary>
    private static IOperation? AssignedTo(IOperation invocation)
    {
        var current = invocation;
        while (current.Parent is IConversionOperation or IParenthesizedOperation)
        {
            current = current.Parent;
        }

        return current.Parent is ISimpleAssignmentOperation assignment && ReferenceEquals(assignment.Value, current) ? assignment.Target : null;
    }

    /// <summary>One question about the lifecycle, put to the flow engine as an acquire/release pairing over the child.</summary>
    private sealed class Pairing : ITypestateCatalog
    {
        private readonly LifecycleCatalog _owner;
        private readonly LifecycleCallKind _acquire;
        private readonly bool _joinReleases;
        private readonly Func<ChildKind, bool> _kinds;

        public Pairing(LifecycleCatalog owner, LifecycleCallKind acquire, bool joinReleases, Func<ChildKind, bool> kinds)
        {
            _owner = owner;
            _acquire = acquire;
            _joinReleases = joinReleases;
            _kinds = kinds;
        }

        private bool PassesToken(IInvocationOperation invocation)
            => invocation.Arguments.Any(a => a.ArgumentKind == ArgumentKind.Explicit
                && SymbolEqualityComparer.Default.Equals(a.Parameter?.Type, _owner._types.CancellationToken)
                && a.Value is not IDefaultValueOperation
                && !(a.Value is IPropertyReferenceOperation { Property.Name: "None" } none && SymbolEqualityComparer.Default.Equals(none.Property.ContainingType, _owner._types.CancellationToken)));

        /// <summary>A child handed to code this method cannot see may be joined (or started) there.</summary>
        public bool EscapeEndsTracking => true;

        public bool TryClassify(IInvocationOperation invocation, out LockOperation operation)
        {
            operation = default;
            var call = _owner.Classify(invocation);
            if (call.Target is null || !_kinds(call.Child))
            {
                return false;
            }

            var kind = call.Kind == LifecycleCallKind.StartFactory ? LifecycleCallKind.Start : call.Kind;
            if (kind == _acquire)
            {
                operation = new LockOperation(LockOpKind.Acquire, LockFamily.Resource, LockMode.Exclusive, call.Target, mayFail: false, takenFlag: null, returnsScope: false);
                return true;
            }

            if (kind == LifecycleCallKind.Join && _joinReleases)
            {
                // A wait given a cancellation token may end in OperationCanceledException with the child still running.
                operation = new LockOperation(LockOpKind.Release, LockFamily.Resource, LockMode.Exclusive, call.Target, mayFail: PassesToken(invocation), takenFlag: null, returnsScope: false);
                return true;
            }

            return false;
        }
    }
}
