using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lockstep.Analyzers.Catalog;

/// <summary>The lock a <c>[GuardedBy]</c> field or property names.</summary>
internal sealed class GuardInfo
{
    public GuardInfo(ISymbol? lockMember, bool isThis, string name)
    {
        LockMember = lockMember;
        IsThis = isThis;
        Name = name;
    }

    /// <summary>The field or property that holds the lock; null for <c>[GuardedBy("this")]</c>.</summary>
    public ISymbol? LockMember { get; }

    /// <summary><c>[GuardedBy("this")]</c>: the instance itself is the lock (<c>lock (this)</c>).</summary>
    public bool IsThis { get; }

    public string Name { get; }
}

/// <summary>
/// Reads <c>[GuardedBy]</c> (matched by full name, so a pasted source copy of the attribute works) once
/// per member for the compilation, and knows which counting semaphores admit more than one thread.
/// </summary>
internal sealed class GuardedMembers
{
    public const string GuardedByAttribute = "Lockstep.GuardedByAttribute";

    private readonly ConcurrentDictionary<ISymbol, GuardInfo?> _guards = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<ISymbol, bool> _multiSlot = new(SymbolEqualityComparer.Default);

    /// <summary>The guard of a field or property, or null when it has none (or names nothing that exists).</summary>
    public GuardInfo? GuardOf(ISymbol member)
        => member is IFieldSymbol or IPropertySymbol && !member.OriginalDefinition.GetAttributes().IsEmpty
            ? _guards.GetOrAdd(member.OriginalDefinition, Read)
            : null; // most members carry no attribute at all: no lookup (this runs for every member reference)

    private static GuardInfo? Read(ISymbol member)
    {
        foreach (var attribute in member.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() != GuardedByAttribute
                || attribute.ConstructorArguments.Length != 1
                || attribute.ConstructorArguments[0].Value is not string name)
            {
                continue;
            }

            if (name == "this")
            {
                return member.IsStatic ? null : new GuardInfo(null, isThis: true, name);
            }

            for (var type = member.ContainingType; type is not null; type = type.BaseType)
            {
                var lockMember = type.GetMembers(name).FirstOrDefault(m => m is IFieldSymbol or IPropertySymbol);
                if (lockMember is not null)
                {
                    // A static field guarded by an instance lock means nothing: no object to take it on.
                    return member.IsStatic && !lockMember.IsStatic ? null : new GuardInfo(lockMember, isThis: false, name);
                }
            }

            return null;
        }

        return null;
    }

    /// <summary>
    /// A counting semaphore created with more than one slot (<c>new SemaphoreSlim(4)</c>): holding it
    /// does not keep two threads apart. Unknown creation counts as one slot (no report).
    /// </summary>
    public bool IsKnownMultiSlot(ISymbol symbol, CancellationToken cancellationToken)
        => _multiSlot.GetOrAdd(symbol.OriginalDefinition, s => CreatedWithMoreThanOneSlot(s, cancellationToken));

    private static bool CreatedWithMoreThanOneSlot(ISymbol symbol, CancellationToken cancellationToken)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            var initializer = reference.GetSyntax(cancellationToken) switch
            {
                VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                PropertyDeclarationSyntax property => property.Initializer?.Value,
                _ => null,
            };
            var arguments = initializer switch
            {
                ObjectCreationExpressionSyntax creation => creation.ArgumentList?.Arguments,
                ImplicitObjectCreationExpressionSyntax implicitCreation => implicitCreation.ArgumentList.Arguments,
                _ => null,
            };
            if (arguments is { Count: >= 1 } list
                && list[0].Expression is LiteralExpressionSyntax literal
                && literal.IsKind(SyntaxKind.NumericLiteralExpression)
                && literal.Token.Value is int slots)
            {
                return slots > 1;
            }
        }

        return false;
    }
}
