using System.Runtime.CompilerServices;
using Lockstep.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Catalog;

/// <summary>The queues shared between threads that the LS3xxx rules know. Plain <c>Queue&lt;T&gt;</c>/<c>Stack&lt;T&gt;</c> are not among them.</summary>
internal enum QueueKind : byte
{
    LockstepBlockingQueue,
    LockstepJoinableQueue,
    BlockingCollection,
    ConcurrentQueue,
    ConcurrentStack,
    ConcurrentBag,
    ChannelReader,
}

internal enum QueueActKind : byte
{
    /// <summary>Removes an item: <c>Get</c>, <c>Take</c>, <c>TryDequeue</c>, <c>ReadAsync</c>.</summary>
    Take,
    /// <summary>Reads the next item without removing it: <c>TryPeek</c>.</summary>
    Peek,
    /// <summary>Adds an item: <c>Put</c>, <c>Add</c>, <c>TryPut</c>.</summary>
    Put,
}

/// <summary>A call that takes from, peeks at or puts into a shared queue.</summary>
internal readonly struct QueueAct
{
    public QueueAct(QueueActKind kind, QueueKind queue, IInvocationOperation invocation, IOperation? receiver, bool isTry)
    {
        Kind = kind;
        Queue = queue;
        Invocation = invocation;
        Receiver = receiver;
        IsTry = isTry;
    }

    public QueueActKind Kind { get; }
    public QueueKind Queue { get; }
    public IInvocationOperation Invocation { get; }

    /// <summary>The operation that denotes the queue.</summary>
    public IOperation? Receiver { get; }

    /// <summary>A <c>Try…</c> form: it reports failure through its <see langword="bool"/> instead of blocking or throwing.</summary>
    public bool IsTry { get; }

    public string Name => Invocation.TargetMethod.Name;
}

internal enum QueueProbeKind : byte
{
    /// <summary><c>IsEmpty</c>, <c>Empty()</c>.</summary>
    IsEmpty,
    /// <summary>LINQ <c>Any()</c>: true when the queue is not empty.</summary>
    Any,
    /// <summary><c>IsFull</c>, <c>Full()</c>.</summary>
    IsFull,
    /// <summary><c>Count</c>, <c>Count()</c>.</summary>
    Count,
    /// <summary><c>MaxSize</c>, <c>BoundedCapacity</c>: what <see cref="Count"/> is when the queue is full.</summary>
    Capacity,
}

/// <summary>A read of a queue's state: a snapshot that another thread can make stale at once.</summary>
internal readonly struct QueueProbe
{
    public QueueProbe(QueueProbeKind kind, QueueKind queue, IOperation operation, IOperation? receiver, string name)
    {
        Kind = kind;
        Queue = queue;
        Operation = operation;
        Receiver = receiver;
        Name = name;
    }

    public QueueProbeKind Kind { get; }
    public QueueKind Queue { get; }
    public IOperation Operation { get; }
    public IOperation? Receiver { get; }

    /// <summary>The member as a message shows it: <c>IsEmpty</c>, <c>Count</c>, <c>Any()</c>.</summary>
    public string Name { get; }
}

/// <summary>
/// The queue vocabulary, built once per compilation from <see cref="WellKnownTypes"/>: which types are
/// shared queues, which calls take and put, which members probe the state. It is also the
/// <see cref="IResourceCatalog"/> the flow engine follows for LS3003: a <c>JoinableQueue</c>
/// <c>Get</c> holds an unfinished item (keyed by the queue) until <c>TaskDone()</c>.
/// </summary>
internal sealed class QueueCatalog : IResourceCatalog
{
    private static readonly ConditionalWeakTable<Compilation, QueueCatalog> Cache = new();

    private readonly WellKnownTypes _types;
    private readonly Dictionary<INamedTypeSymbol, QueueKind> _queueTypes = new(SymbolEqualityComparer.Default);

    private QueueCatalog(WellKnownTypes types)
    {
        _types = types;
        Add(types.LockstepBlockingQueue, QueueKind.LockstepBlockingQueue);
        Add(types.LockstepJoinableQueue, QueueKind.LockstepJoinableQueue);
        Add(types.BlockingCollection, QueueKind.BlockingCollection);
        Add(types.ConcurrentQueue, QueueKind.ConcurrentQueue);
        Add(types.ConcurrentStack, QueueKind.ConcurrentStack);
        Add(types.ConcurrentBag, QueueKind.ConcurrentBag);
        Add(types.ChannelReader, QueueKind.ChannelReader);
    }

    /// <summary>The catalogue of a compilation, built once.</summary>
    public static QueueCatalog For(Compilation compilation) => Cache.GetValue(compilation, static c => new QueueCatalog(WellKnownTypes.Create(c)));

    public WellKnownTypes Types => _types;

    /// <summary>The compilation references no shared queue type: nothing to analyze.</summary>
    public bool IsEmpty => _queueTypes.Count == 0;

    /// <summary>Whether the compilation has a Lockstep <c>JoinableQueue</c> (LS3003).</summary>
    public bool HasJoinableQueue => _types.LockstepJoinableQueue is not null;

    /// <summary>An item handed to code this body cannot see may be marked done there.</summary>
    public bool EscapeEndsTracking => true;

    /// <summary>The queue kind of a type, seeing through derived types; a JoinableQueue is reported as such.</summary>
    public bool TryGetQueueKind(ITypeSymbol? type, out QueueKind kind)
    {
        for (var current = type as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (_queueTypes.TryGetValue(current.OriginalDefinition, out kind))
            {
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>Whether a type is one of the shared queue types.</summary>
    public bool IsQueueType(ITypeSymbol? type) => TryGetQueueKind(type, out _);

    /// <summary>Classifies a call as a take, peek or put on a shared queue.</summary>
    public bool TryClassifyAct(IInvocationOperation invocation, out QueueAct act)
    {
        act = default;
        var method = invocation.TargetMethod;
        if (method.IsStatic || !TryGetQueueKind(invocation.Instance?.Type ?? method.ContainingType, out var queue))
        {
            return false;
        }

        QueueActKind kind;
        bool isTry;
        switch (queue, method.Name)
        {
            // q.Get(), q.Get(timeout), q.GetNoWait(), await q.GetAsync(token)
            case (QueueKind.LockstepBlockingQueue or QueueKind.LockstepJoinableQueue, "Get" or "GetNoWait" or "GetAsync"):
                (kind, isTry) = (QueueActKind.Take, false);
                break;
            // q.TryGet(out x), q.TryGet(out x, timeout)
            case (QueueKind.LockstepBlockingQueue or QueueKind.LockstepJoinableQueue, "TryGet"):
                (kind, isTry) = (QueueActKind.Take, true);
                break;
            // q.Put(v), q.Put(v, timeout), q.PutNoWait(v), await q.PutAsync(v, token)
            case (QueueKind.LockstepBlockingQueue or QueueKind.LockstepJoinableQueue, "Put" or "PutNoWait" or "PutAsync"):
                (kind, isTry) = (QueueActKind.Put, false);
                break;
            // q.TryPut(v), q.TryPut(v, timeout)
            case (QueueKind.LockstepBlockingQueue or QueueKind.LockstepJoinableQueue, "TryPut"):
                (kind, isTry) = (QueueActKind.Put, true);
                break;
            // bc.Take(), bc.Take(token)
            case (QueueKind.BlockingCollection, "Take"):
                (kind, isTry) = (QueueActKind.Take, false);
                break;
            // bc.TryTake(out x), bc.TryTake(out x, timeout)
            case (QueueKind.BlockingCollection, "TryTake"):
                (kind, isTry) = (QueueActKind.Take, true);
                break;
            // bc.Add(v) blocks while a bounded collection is full
            case (QueueKind.BlockingCollection, "Add"):
                (kind, isTry) = (QueueActKind.Put, false);
                break;
            case (QueueKind.BlockingCollection, "TryAdd"):
                (kind, isTry) = (QueueActKind.Put, true);
                break;
            // cq.TryDequeue(out x), stack.TryPop(out x), bag.TryTake(out x)
            case (QueueKind.ConcurrentQueue, "TryDequeue"):
            case (QueueKind.ConcurrentStack, "TryPop"):
            case (QueueKind.ConcurrentBag, "TryTake"):
            case (QueueKind.ChannelReader, "TryRead"):
                (kind, isTry) = (QueueActKind.Take, true);
                break;
            // x.TryPeek(out x): reads the head, which another thread can remove first
            case (QueueKind.ConcurrentQueue or QueueKind.ConcurrentStack or QueueKind.ConcurrentBag or QueueKind.ChannelReader, "TryPeek"):
                (kind, isTry) = (QueueActKind.Peek, true);
                break;
            // cq.Enqueue(v), stack.Push(v), bag.Add(v): unbounded, they never wait (producers, for LS3002)
            case (QueueKind.ConcurrentQueue, "Enqueue"):
            case (QueueKind.ConcurrentStack, "Push" or "PushRange"):
            case (QueueKind.ConcurrentBag, "Add"):
                (kind, isTry) = (QueueActKind.Put, false);
                break;
            // await reader.ReadAsync(token) waits for an item
            case (QueueKind.ChannelReader, "ReadAsync"):
                (kind, isTry) = (QueueActKind.Take, false);
                break;
            default:
                return false;
        }

        if (isTry && method.ReturnType.SpecialType != SpecialType.System_Boolean)
        {
            return false;
        }

        act = new QueueAct(kind, queue, invocation, invocation.Instance, isTry);
        return true;
    }

    /// <summary>Classifies a read of a queue's state: a property, a parameterless method, or a LINQ <c>Any()</c>/<c>Count()</c>.</summary>
    public bool TryClassifyProbe(IOperation operation, out QueueProbe probe)
    {
        probe = default;
        switch (operation)
        {
            // q.IsEmpty, q.IsFull, q.Count, q.MaxSize, bc.BoundedCapacity, reader.Count
            case IPropertyReferenceOperation { Property.IsStatic: false, Property.Parameters.Length: 0 } property
                when TryGetQueueKind(property.Instance?.Type ?? property.Property.ContainingType, out var queue):
                QueueProbeKind? kind = property.Property.Name switch
                {
                    "IsEmpty" when property.Type?.SpecialType == SpecialType.System_Boolean => QueueProbeKind.IsEmpty,
                    "IsFull" when property.Type?.SpecialType == SpecialType.System_Boolean => QueueProbeKind.IsFull,
                    "Count" => QueueProbeKind.Count,
                    "MaxSize" or "BoundedCapacity" => QueueProbeKind.Capacity,
                    _ => null,
                };
                if (kind is null)
                {
                    return false;
                }

                probe = new QueueProbe(kind.Value, queue, operation, property.Instance, property.Property.Name);
                return true;

            // q.Empty(), q.Full() (Python-style spellings, where the type has them)
            case IInvocationOperation { TargetMethod.IsStatic: false, TargetMethod.Parameters.Length: 0 } call
                when call.Type?.SpecialType == SpecialType.System_Boolean && call.TargetMethod.Name is "Empty" or "Full"
                     && TryGetQueueKind(call.Instance?.Type, out var queue):
                probe = new QueueProbe(call.TargetMethod.Name == "Empty" ? QueueProbeKind.IsEmpty : QueueProbeKind.IsFull, queue, operation, call.Instance, call.TargetMethod.Name + "()");
                return true;

            // q.Any(), q.Count() through System.Linq.Enumerable
            case IInvocationOperation { TargetMethod.IsStatic: true, Arguments.Length: 1 } linq
                when linq.TargetMethod.Name is "Any" or "Count"
                     && SymbolEqualityComparer.Default.Equals(linq.TargetMethod.ContainingType, _types.Enumerable)
                     && Strip(linq.Arguments[0].Value) is { } source
                     && TryGetQueueKind(source.Type, out var queue):
                probe = new QueueProbe(linq.TargetMethod.Name == "Any" ? QueueProbeKind.Any : QueueProbeKind.Count, queue, operation, source, linq.TargetMethod.Name + "()");
                return true;

            default:
                return false;
        }
    }

    /// <summary>
    /// A call that runs its delegate argument on another thread: <c>new Thread(…)</c>, Lockstep
    /// <c>new Worker(…)</c>, <c>new Task(…)</c>, <c>Task.Run</c>, <c>Task.Factory.StartNew</c>,
    /// <c>ThreadPool.QueueUserWorkItem</c>, <c>Parallel.*</c>, Lockstep <c>WorkerPool.Submit/Map</c>.
    /// </summary>
    public bool IsWorkerStart(IOperation operation)
    {
        switch (operation)
        {
            case IObjectCreationOperation creation:
                var created = creation.Type?.OriginalDefinition as INamedTypeSymbol;
                return Is(created, _types.Thread) || Is(created, _types.LockstepWorker) || Is(created, _types.Task) || Is(created, _types.TaskOfT);
            case IInvocationOperation invocation:
                var method = invocation.TargetMethod;
                var type = method.ContainingType?.OriginalDefinition;
                return (Is(type, _types.Task) && method.Name == "Run")
                    || ((Is(type, _types.TaskFactory) || Is(type, _types.TaskFactoryOfT)) && method.Name == "StartNew")
                    || (Is(type, _types.ThreadPool) && method.Name is "QueueUserWorkItem" or "UnsafeQueueUserWorkItem")
                    || Is(type, _types.Parallel)
                    || (Is(type, _types.LockstepWorkerPool) && method.Name is "Submit" or "Map");
            default:
                return false;
        }
    }

    /// <summary>LS3003: a JoinableQueue get holds an unfinished item until <c>TaskDone()</c>.</summary>
    public bool TryClassify(IInvocationOperation invocation, out LockOperation operation)
    {
        operation = default;
        var method = invocation.TargetMethod;
        if (method.IsStatic || _types.LockstepJoinableQueue is null
            || !TryGetQueueKind(invocation.Instance?.Type, out var queue) || queue != QueueKind.LockstepJoinableQueue)
        {
            return false;
        }

        switch (method.Name)
        {
            // q.Get(), q.Get(timeout), q.GetNoWait(), await q.GetAsync(token): may fail without taking anything
            case "Get" or "GetNoWait" or "GetAsync":
                operation = new LockOperation(LockOpKind.Acquire, LockFamily.Resource, LockMode.Exclusive, invocation.Instance, mayFail: true, takenFlag: null, returnsScope: false);
                return true;
            // q.TryGet(out x): an item to mark done only when it returned true
            case "TryGet" when method.ReturnType.SpecialType == SpecialType.System_Boolean:
                operation = new LockOperation(LockOpKind.TryAcquire, LockFamily.Resource, LockMode.Exclusive, invocation.Instance, mayFail: true, takenFlag: null, returnsScope: false);
                return true;
            case "TaskDone" when method.Parameters.Length == 0:
                operation = new LockOperation(LockOpKind.Release, LockFamily.Resource, LockMode.Exclusive, invocation.Instance, mayFail: false, takenFlag: null, returnsScope: false);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Whether a call is <c>TaskDone()</c> of a JoinableQueue.</summary>
    public bool IsTaskDone(IInvocationOperation invocation)
        => TryClassify(invocation, out var operation) && operation.Kind == LockOpKind.Release;

    /// <summary>The user-facing name of a queue kind.</summary>
    public static string DisplayName(QueueKind kind) => kind switch
    {
        QueueKind.LockstepBlockingQueue => "BlockingQueue",
        QueueKind.LockstepJoinableQueue => "JoinableQueue",
        QueueKind.BlockingCollection => "BlockingCollection",
        QueueKind.ConcurrentQueue => "ConcurrentQueue",
        QueueKind.ConcurrentStack => "ConcurrentStack",
        QueueKind.ConcurrentBag => "ConcurrentBag",
        _ => "ChannelReader",
    };

    private static bool Is(INamedTypeSymbol? type, INamedTypeSymbol? wellKnown)
        => wellKnown is not null && SymbolEqualityComparer.Default.Equals(type, wellKnown);

    private static IOperation? Strip(IOperation? operation)
    {
        while (operation is IConversionOperation or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }

        return operation;
    }

    private void Add(INamedTypeSymbol? type, QueueKind kind)
    {
        if (type is not null)
        {
            _queueTypes[type] = kind;
        }
    }
}
