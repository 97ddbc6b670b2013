using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Catalog;

/// <summary>
/// Calls that can block the calling thread for an unbounded or long time (LS2003): sleeping, joining,
/// waiting for a task or a process, taking from a blocking queue. Acquiring another lock is a
/// lock-order question (LS2001), and a condition wait releases its lock, so neither is listed.
/// Users add their own with the <c>.editorconfig</c> key <see cref="OptionKey"/>.
/// </summary>
internal static class BlockingCalls
{
    /// <summary>Comma-separated full names (<c>Namespace.Type.Method</c>) of more blocking methods.</summary>
    public const string OptionKey = "lockstep.LS2003.blocking_methods";

    private static readonly ImmutableDictionary<string, ImmutableHashSet<string>> Methods = new Dictionary<string, ImmutableHashSet<string>>
    {
        ["System.Threading.Thread"] = ImmutableHashSet.Create("Sleep", "Join"),
        ["System.Threading.Tasks.Task"] = ImmutableHashSet.Create("Wait", "WaitAll", "WaitAny"),
        ["System.Runtime.CompilerServices.TaskAwaiter"] = ImmutableHashSet.Create("GetResult"),
        ["System.Runtime.CompilerServices.ValueTaskAwaiter"] = ImmutableHashSet.Create("GetResult"),
        ["System.Runtime.CompilerServices.ConfiguredTaskAwaitable.ConfiguredTaskAwaiter"] = ImmutableHashSet.Create("GetResult"),
        ["System.Diagnostics.Process"] = ImmutableHashSet.Create("WaitForExit"),
        ["System.Threading.WaitHandle"] = ImmutableHashSet.Create("WaitOne", "WaitAll", "WaitAny"),
        ["System.Threading.ManualResetEventSlim"] = ImmutableHashSet.Create("Wait"),
        ["System.Threading.CountdownEvent"] = ImmutableHashSet.Create("Wait"),
        ["System.Threading.Barrier"] = ImmutableHashSet.Create("SignalAndWait"),
        ["System.Collections.Concurrent.BlockingCollection"] = ImmutableHashSet.Create("Take"),
        ["Lockstep.BlockingQueue"] = ImmutableHashSet.Create("Get", "Put"),
        ["Lockstep.JoinableQueue"] = ImmutableHashSet.Create("Get", "Put", "Join"),
        ["Lockstep.Worker"] = ImmutableHashSet.Create("Join"),
        ["Lockstep.ChildProcess"] = ImmutableHashSet.Create("Join"),
        ["Lockstep.IChild"] = ImmutableHashSet.Create("Join"),
        ["Lockstep.Event"] = ImmutableHashSet.Create("Wait"),
    }.ToImmutableDictionary();

    /// <summary>Every method name above: a cheap first test before any type name is built.</summary>
    private static readonly ImmutableHashSet<string> BlockingNames = Methods.Values.SelectMany(v => v).ToImmutableHashSet(StringComparer.Ordinal);

    /// <summary>The display name of a blocking call (<c>Thread.Sleep</c>), or null.</summary>
    public static string? Describe(IOperation operation, PrimitiveCatalog catalog, ImmutableHashSet<string> extra)
    {
        switch (operation)
        {
            case IPropertyReferenceOperation { Property.Name: "Result" } property
                when property.Property.ContainingType is { Name: "Task" or "ValueTask", IsGenericType: true } taskType && Namespace(taskType) == "System.Threading.Tasks":
                return taskType.Name + ".Result";
            case IInvocationOperation invocation when extra.Count > 0 || BlockingNames.Contains(invocation.TargetMethod.Name):
                var method = invocation.TargetMethod;
                var type = method.ContainingType;
                if (type is null || catalog.TryClassify(invocation, out _))
                {
                    return null;
                }

                var typeName = Namespace(type) is { Length: > 0 } ns ? ns + "." + NestedName(type) : NestedName(type);
                if (extra.Contains(typeName + "." + method.Name))
                {
                    return type.Name + "." + method.Name;
                }

                if (!Methods.TryGetValue(typeName, out var names) || !names.Contains(method.Name))
                {
                    return null;
                }

                // A zero sleep yields; a timed queue call is bounded (and has its own Try form).
                if (method.Name == "Sleep" && invocation.Arguments.Length == 1 && invocation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: 0 })
                {
                    return null;
                }

                if (typeName.StartsWith("Lockstep.", StringComparison.Ordinal) && method.Name is "Get" or "Put"
                    && method.Parameters.Any(p => p.Type.Name == "TimeSpan"))
                {
                    return null;
                }

                return type.Name + "." + method.Name;
            default:
                return null;
        }
    }

    public static ImmutableHashSet<string> ParseOption(string? value)
        => string.IsNullOrWhiteSpace(value)
            ? ImmutableHashSet<string>.Empty
            : value!.Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).Where(s => s.Length > 0).ToImmutableHashSet(StringComparer.Ordinal);

    private static string NestedName(INamedTypeSymbol type)
        => type.ContainingType is { } outer ? NestedName(outer) + "." + type.Name : type.Name;

    private static string Namespace(INamedTypeSymbol type)
    {
        for (var outer = type; ; outer = outer.ContainingType)
        {
            if (outer.ContainingType is null)
            {
                return outer.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty;
            }
        }
    }
}
