using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Flow;

/// <summary>
/// The identity of a lock inside one method: the field, property, local or parameter it is read from,
/// plus the receiver for an instance member read through another object (<c>this._gate</c> and
/// <c>_gate</c> are one lock; <c>other._gate</c> is another). A reader-writer lock's modes are separate locks.
/// </summary>
internal sealed class LockKey : IEquatable<LockKey>
{
    public LockKey(ISymbol symbol, ISymbol? receiver, LockMode mode, bool isThis = false)
    {
        Symbol = symbol;
        Receiver = receiver;
        Mode = mode;
        IsThis = isThis;
    }

    /// <summary>The member or variable the lock is read from (the containing type for <c>lock (this)</c>).</summary>
    public ISymbol Symbol { get; }

    /// <summary>The local or parameter an instance member is read through; null for <c>this</c> and statics.</summary>
    public ISymbol? Receiver { get; }

    public LockMode Mode { get; }

    /// <summary>The lock is the instance itself (<c>lock (this)</c>).</summary>
    public bool IsThis { get; }

    /// <summary>The lock's name without its mode: <c>_gate</c>, <c>other._rw</c>, <c>this</c>.</summary>
    public string ObjectName => IsThis ? "this" : Receiver is null ? Symbol.Name : Receiver.Name + "." + Symbol.Name;

    /// <summary>The name a message shows: <c>_gate</c>, <c>other._gate</c>, <c>this</c>, <c>_rw (read)</c>.</summary>
    public string DisplayName
    {
        get
        {
            if (IsThis)
            {
                return "this";
            }

            var name = ObjectName;
            return Mode switch
            {
                LockMode.Read => name + " (read)",
                LockMode.Write => name + " (write)",
                LockMode.UpgradeableRead => name + " (upgradeable read)",
                _ => name,
            };
        }
    }

    /// <summary>A field or property of the type itself (static, or read through <c>this</c>).</summary>
    public bool IsMemberOfThis => Receiver is null && !IsThis && Symbol is IFieldSymbol or IPropertySymbol;

    public bool Equals(LockKey? other) => other is not null
        && other.Mode == Mode
        && other.IsThis == IsThis
        && SymbolEqualityComparer.Default.Equals(other.Symbol, Symbol)
        && SymbolEqualityComparer.Default.Equals(other.Receiver, Receiver);

    public override bool Equals(object? obj) => Equals(obj as LockKey);

    /// <summary>The same lock object, whatever the mode (a reader-writer lock's read and write sides).</summary>
    public bool IsSameObject(LockKey other) => other.IsThis == IsThis
        && SymbolEqualityComparer.Default.Equals(other.Symbol, Symbol)
        && SymbolEqualityComparer.Default.Equals(other.Receiver, Receiver);

    public override int GetHashCode()
    {
        unchecked
        {
            var hash = SymbolEqualityComparer.Default.GetHashCode(Symbol);
            hash = (hash * 397) ^ (Receiver is null ? 0 : SymbolEqualityComparer.Default.GetHashCode(Receiver));
            return (hash * 397) ^ ((int)Mode << 1) ^ (IsThis ? 1 : 0);
        }
    }

    public override string ToString() => DisplayName;

    /// <summary>
    /// The lock an operation denotes, seeing through conversions and the flow captures the control-flow
    /// graph introduces; null when it is not a stable storage location (a call result, an array element).
    /// </summary>
    public static LockKey? Resolve(IOperation? operation, LockMode mode, IReadOnlyDictionary<CaptureId, IOperation> captures)
    {
        var current = Unwrap(operation, captures);
        switch (current)
        {
            case IFieldReferenceOperation field:
                return Member(field.Field, field.Instance, mode, captures);
            case IPropertyReferenceOperation { Arguments.Length: 0 } property:
                return Member(property.Property, property.Instance, mode, captures);
            case ILocalReferenceOperation local:
                return new LockKey(local.Local, null, mode);
            case IParameterReferenceOperation parameter:
                return new LockKey(parameter.Parameter, null, mode);
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } instance when instance.Type is not null:
                return new LockKey(instance.Type, null, mode, isThis: true);
            case ITypeOfOperation typeOf:
                return new LockKey(typeOf.TypeOperand, null, mode);
            default:
                return null;
        }
    }

    /// <summary>The key of the lock a catalogued operation names: its lock object, or a member of the receiver (annotated wrappers).</summary>
    public static LockKey? For(in LockOperation operation, IReadOnlyDictionary<CaptureId, IOperation> captures)
        => operation.LockMember is { } member
            ? Member(member, operation.LockObject, operation.Mode, captures)
            : Resolve(operation.LockObject, operation.Mode, captures);

    private static LockKey? Member(ISymbol member, IOperation? instance, LockMode mode, IReadOnlyDictionary<CaptureId, IOperation> captures)
    {
        if (member.IsStatic)
        {
            return new LockKey(member, null, mode);
        }

        switch (Unwrap(instance, captures))
        {
            case null:
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                return new LockKey(member, null, mode);
            case ILocalReferenceOperation local:
                return new LockKey(member, local.Local, mode);
            case IParameterReferenceOperation parameter:
                return new LockKey(member, parameter.Parameter, mode);
            case IFieldReferenceOperation { Field.IsStatic: true } staticField:
                return new LockKey(member, staticField.Field, mode);
            case IFieldReferenceOperation field when Unwrap(field.Instance, captures) is null or IInstanceReferenceOperation:
                return new LockKey(member, field.Field, mode);
            default:
                return null;
        }
    }

    /// <summary>
    /// The task of <c>task.ConfigureAwait(…)</c> (a <c>Task</c> or <c>ValueTask</c> method, or an extension of
    /// <c>System.Threading.Tasks</c>), seen through conversions and flow captures; null for anything else. Awaiting the
    /// configured task completes, or throws, exactly when awaiting the task would, and configuring it does not throw, so
    /// <c>await s.WaitAsync().ConfigureAwait(false)</c> acquires where <c>await s.WaitAsync()</c> does. Only when every
    /// argument is a constant or a plain reference (nothing in between can run code of its own).
    /// </summary>
    public static IOperation? ConfiguredTask(IOperation? operation, IReadOnlyDictionary<CaptureId, IOperation> captures)
    {
        if (Unwrap(operation, captures) is not IInvocationOperation { TargetMethod: { Name: "ConfigureAwait" } method } configure
            || !NamespaceNames.Is(method.ContainingType?.ContainingNamespace, "System.Threading.Tasks"))
        {
            return null;
        }

        var instance = configure.Instance ?? (method.IsExtensionMethod && configure.Arguments.Length > 0 ? configure.Arguments[0].Value : null);
        foreach (var argument in configure.Arguments)
        {
            if (!ReferenceEquals(argument.Value, instance) && !IsPlainValue(argument.Value))
            {
                return null;
            }
        }

        return instance;
    }

    /// <summary>What an <c>await</c> waits for, seen through conversions, flow captures and <see cref="ConfiguredTask"/>.</summary>
    public static IOperation? Awaited(IAwaitOperation awaitOperation, IReadOnlyDictionary<CaptureId, IOperation> captures)
    {
        var task = Unwrap(awaitOperation.Operation, captures);
        return ConfiguredTask(task, captures) is { } configured ? Unwrap(configured, captures) : task;
    }

    /// <summary>For callers outside a control-flow graph: no flow captures to see through.</summary>
    public static readonly IReadOnlyDictionary<CaptureId, IOperation> NoCaptures = new Dictionary<CaptureId, IOperation>();

    private static bool IsPlainValue(IOperation value)
    {
        while (value is IConversionOperation { Conversion.IsUserDefined: false } conversion)
        {
            value = conversion.Operand;
        }

        return value.ConstantValue.HasValue
            || value is ILiteralOperation or ILocalReferenceOperation or IParameterReferenceOperation or IFlowCaptureReferenceOperation
            || (value is IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation });
    }

    /// <summary>Strips conversions, parentheses and flow captures.</summary>
    public static IOperation? Unwrap(IOperation? operation, IReadOnlyDictionary<CaptureId, IOperation> captures)
    {
        for (var depth = 0; operation is not null && depth < 32; depth++)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    continue;
                case IFlowCaptureReferenceOperation reference when captures.TryGetValue(reference.Id, out var captured):
                    operation = captured;
                    continue;
                default:
                    return operation;
            }
        }

        return operation;
    }
}
