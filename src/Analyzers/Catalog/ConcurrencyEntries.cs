using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Catalog;

/// <summary>One delegate handed to an API that runs it on another thread.</summary>
internal readonly struct ConcurrencyEntry
{
    public ConcurrencyEntry(IOperation start, IOperation body, string api, bool runsManyAtOnce, bool waitedAtOnce)
    {
        Start = start;
        Body = body;
        Api = api;
        RunsManyAtOnce = runsManyAtOnce;
        WaitedAtOnce = waitedAtOnce;
    }

    /// <summary>The call or creation that starts the work (<c>Task.Run(…)</c>, <c>new Thread(…)</c>).</summary>
    public IOperation Start { get; }

    /// <summary>The delegate argument: a lambda, a method group, or a delegate local.</summary>
    public IOperation Body { get; }

    /// <summary>How a message names the API: <c>Parallel.For</c>, <c>new Thread</c>.</summary>
    public string Api { get; }

    /// <summary>The API itself runs the body on several threads at once (<c>Parallel.For</c>, <c>WorkerPool.Map</c>).</summary>
    public bool RunsManyAtOnce { get; }

    /// <summary>
    /// The start returns only when its bodies are done (<c>Parallel.For</c>), or the started task is awaited or
    /// waited for right away (<c>await Task.Run(…)</c>, <c>pool.Submit(…).Result</c>): it does not overlap the
    /// next one its starter runs (the bodies of one start still overlap each other).
    /// </summary>
    public bool WaitedAtOnce { get; }
}

/// <summary>
/// The APIs that run a delegate on another thread: <c>new Thread</c>, Lockstep <c>Worker</c> and
/// <c>WorkerPool.Submit</c>/<c>Map</c>, <c>Task.Run</c>, <c>TaskFactory.StartNew</c>, <c>Parallel.For</c>/
/// <c>ForEach</c>/<c>Invoke</c> (and their async twins), <c>ThreadPool.QueueUserWorkItem</c>.
/// </summary>
internal sealed class ConcurrencyEntries
{
    private readonly WellKnownTypes _types;

    public ConcurrencyEntries(WellKnownTypes types) => _types = types;

    /// <summary>No API that starts concurrent work is referenced: LS5001 has nothing to find.</summary>
    public bool IsEmpty => _types.Thread is null && _types.Task is null && _types.Parallel is null && _types.ThreadPool is null
        && _types.LockstepWorker is null && _types.LockstepWorkerPool is null;

    /// <summary>Adds the delegates <paramref name="operation"/> runs on other threads, if it is such a call or creation.</summary>
    public bool TryClassify(IOperation operation, List<ConcurrencyEntry> entries)
    {
        switch (operation.Kind) // the kind before any interface type test: this runs for every call and creation
        {
            case OperationKind.ObjectCreation when operation is IObjectCreationOperation { Constructor: { } constructor } creation:
                if (constructor.ContainingType?.Name is not ("Thread" or "Worker"))
                {
                    return false; // by name first: this runs for every creation of every member
                }

                var created = constructor.ContainingType.OriginalDefinition;
                if (Is(created, _types.Thread))
                {
                    return AddDelegates(creation, creation.Arguments, "new Thread", many: false, entries);
                }

                if (Is(created, _types.LockstepWorker))
                {
                    return AddDelegates(creation, creation.Arguments, "new Worker", many: false, entries);
                }

                return false;

            case OperationKind.Invocation when operation is IInvocationOperation invocation:
                var method = invocation.TargetMethod;
                if (!IsStartName(method.Name))
                {
                    return false; // by name first: this runs for every call of every member
                }

                var type = method.ContainingType?.OriginalDefinition;
                if (type is null)
                {
                    return false;
                }

                if (Is(type, _types.Task) && method.IsStatic && method.Name == "Run")
                {
                    return AddDelegates(invocation, invocation.Arguments, "Task.Run", many: false, entries);
                }

                if ((Is(type, _types.TaskFactory) || Is(type, _types.TaskFactoryOfT)) && method.Name == "StartNew")
                {
                    return AddDelegates(invocation, invocation.Arguments, "Task.Factory.StartNew", many: false, entries);
                }

                if (Is(type, _types.Parallel))
                {
                    // For, ForEach and Invoke return when every body is done: they do not overlap what their caller starts next.
                    return method.Name switch
                    {
                        "For" or "ForEach" => AddDelegates(invocation, invocation.Arguments, "Parallel." + method.Name, many: !IsSequential(invocation), entries, synchronous: true),
                        "ForAsync" or "ForEachAsync" => AddDelegates(invocation, invocation.Arguments, "Parallel." + method.Name, many: !IsSequential(invocation), entries),
                        // Parallel.Invoke runs each action once, all at the same time.
                        "Invoke" => AddDelegates(invocation, invocation.Arguments, "Parallel.Invoke", many: false, entries, synchronous: true),
                        _ => false,
                    };
                }

                if (Is(type, _types.ThreadPool) && method.Name is "QueueUserWorkItem" or "UnsafeQueueUserWorkItem")
                {
                    return AddDelegates(invocation, invocation.Arguments, "ThreadPool.QueueUserWorkItem", many: false, entries);
                }

                if (Is(type, _types.LockstepWorkerPool))
                {
                    return method.Name switch
                    {
                        "Submit" => AddDelegates(invocation, invocation.Arguments, "WorkerPool.Submit", many: false, entries),
                        "Map" => AddDelegates(invocation, invocation.Arguments, "WorkerPool.Map", many: true, entries),
                        _ => false,
                    };
                }

                return false;

            default:
                return false;
        }
    }

    /// <summary>The method names <see cref="TryClassify"/> can accept (kept in step with it; a test pins each API).</summary>
    private static bool IsStartName(string name)
        => name is "Run" or "StartNew" or "For" or "ForEach" or "ForAsync" or "ForEachAsync" or "Invoke"
            or "QueueUserWorkItem" or "UnsafeQueueUserWorkItem" or "Submit" or "Map";

    private static bool AddDelegates(IOperation start, IEnumerable<IArgumentOperation> arguments, string api, bool many, List<ConcurrencyEntry> entries, bool synchronous = false)
    {
        var waited = synchronous || IsWaitedAtOnce(start);
        var added = false;
        foreach (var argument in arguments)
        {
            var value = argument.Value;
            if (argument.ArgumentKind == ArgumentKind.ParamArray && value is IArrayCreationOperation { Initializer: { } initializer })
            {
                // Parallel.Invoke(a, b, c): each element is a body of its own.
                foreach (var element in initializer.ElementValues)
                {
                    if (element.Type?.TypeKind == TypeKind.Delegate)
                    {
                        entries.Add(new ConcurrencyEntry(start, element, api, many, waited));
                        added = true;
                    }
                }

                continue;
            }

            if (argument.Parameter?.Type.TypeKind == TypeKind.Delegate)
            {
                entries.Add(new ConcurrencyEntry(start, value, api, many, waited));
                added = true;
            }
        }

        return added;
    }

    /// <summary><c>Parallel.For(…, new ParallelOptions { MaxDegreeOfParallelism = 1 }, …)</c> runs one body at a time.</summary>
    private bool IsSequential(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (!Is(argument.Parameter?.Type.OriginalDefinition, _types.ParallelOptions)
                || Strip(argument.Value) is not IObjectCreationOperation { Initializer: { } initializer })
            {
                continue;
            }

            foreach (var member in initializer.Initializers)
            {
                if (member is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "MaxDegreeOfParallelism" }, Value.ConstantValue: { HasValue: true, Value: 1 } })
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The started task is consumed at once: <c>await</c>ed, <c>.Wait()</c>ed, <c>.Result</c>, <c>.GetAwaiter().GetResult()</c>.</summary>
    private static bool IsWaitedAtOnce(IOperation start)
    {
        var current = start;
        for (var depth = 0; depth < 6; depth++)
        {
            var parent = current.Parent;
            while (parent is IConversionOperation or IParenthesizedOperation)
            {
                current = parent;
                parent = current.Parent;
            }

            switch (parent)
            {
                case IAwaitOperation:
                    return true;
                case IPropertyReferenceOperation { Property.Name: "Result" }:
                    return true;
                case IInvocationOperation { TargetMethod.Name: "Wait" or "GetResult" } call when ReferenceEquals(call.Instance, current):
                    return true;
                case IInvocationOperation { TargetMethod.Name: "ConfigureAwait" or "GetAwaiter" } call when ReferenceEquals(call.Instance, current):
                    current = call;
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    private static IOperation? Strip(IOperation? operation)
    {
        while (operation is IConversionOperation or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }

        return operation;
    }

    private static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected)
        => expected is not null && SymbolEqualityComparer.Default.Equals(type, expected);
}
