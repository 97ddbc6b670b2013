using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lockstep.Analyzers.Catalog;

/// <summary>
/// What the code says about how a lock was created, read from its field or local initializer (or
/// the one assignment of a <c>new</c> to it in its type): a <c>SemaphoreSlim</c> with one slot, a
/// <c>ReaderWriterLockSlim</c> without recursion. Unknown creation means "not known to be
/// non-reentrant": no report. Answers are cached per symbol for the compilation.
/// </summary>
internal sealed class LockFacts
{
    private readonly ConcurrentDictionary<ISymbol, ObjectCreationInfo?> _creations = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// Why taking this lock again on the same thread fails, or null when it does not (reentrant, or
    /// its creation is unknown).
    /// </summary>
    public string? NonReentrantConsequence(ISymbol symbol, LockFamily family, CancellationToken cancellationToken)
    {
        switch (family)
        {
            case LockFamily.LockstepLock:
                return "the second acquire waits for ever (use RLock if re-entry is intended)";
            case LockFamily.SemaphoreSlim:
                var semaphore = Creation(symbol, cancellationToken);
                return semaphore is { Arguments.Count: >= 1 } && IsLiteral(semaphore.Value.Arguments[0], 1)
                    ? "a SemaphoreSlim with one slot blocks the second Wait for ever"
                    : null;
            case LockFamily.ReaderWriterLockSlim:
                var rw = Creation(symbol, cancellationToken);
                if (rw is null)
                {
                    return null;
                }

                var arguments = rw.Value.Arguments;
                var noRecursion = arguments.Count == 0
                    || (arguments[0].Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "NoRecursion" });
                return noRecursion ? "a ReaderWriterLockSlim without SupportsRecursion throws LockRecursionException" : null;
            default:
                return null;
        }
    }

    private ObjectCreationInfo? Creation(ISymbol symbol, CancellationToken cancellationToken)
        => _creations.GetOrAdd(symbol.OriginalDefinition, s => FindCreation(s, cancellationToken));

    private static ObjectCreationInfo? FindCreation(ISymbol symbol, CancellationToken cancellationToken)
    {
        if (symbol is not (IFieldSymbol or ILocalSymbol or IPropertySymbol))
        {
            return null;
        }

        ObjectCreationInfo? found = null;
        var count = 0;
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax(cancellationToken);
            var initializer = syntax switch
            {
                VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                PropertyDeclarationSyntax property => property.Initializer?.Value,
                _ => null,
            };
            if (AsCreation(initializer) is { } creation)
            {
                found = creation;
                count++;
            }
        }

        if (symbol is IFieldSymbol or IPropertySymbol && symbol.ContainingType is { } type)
        {
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                foreach (var assignment in reference.GetSyntax(cancellationToken).DescendantNodes().OfType<AssignmentExpressionSyntax>())
                {
                    var target = assignment.Left switch
                    {
                        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access => access.Name.Identifier.ValueText,
                        _ => null,
                    };
                    if (target == symbol.Name && AsCreation(assignment.Right) is { } creation)
                    {
                        found = creation;
                        count++;
                    }
                }
            }
        }

        // Created in more than one place: which one runs is not known.
        return count == 1 ? found : null;
    }

    private static ObjectCreationInfo? AsCreation(ExpressionSyntax? expression) => expression switch
    {
        ObjectCreationExpressionSyntax creation => new ObjectCreationInfo(creation.ArgumentList?.Arguments ?? default),
        ImplicitObjectCreationExpressionSyntax implicitCreation => new ObjectCreationInfo(implicitCreation.ArgumentList.Arguments),
        _ => null,
    };

    private static bool IsLiteral(ArgumentSyntax argument, int value)
        => argument.Expression is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.NumericLiteralExpression) && literal.Token.Value is int actual && actual == value;

    private readonly struct ObjectCreationInfo
    {
        public ObjectCreationInfo(SeparatedSyntaxList<ArgumentSyntax> arguments) => Arguments = arguments;

        public SeparatedSyntaxList<ArgumentSyntax> Arguments { get; }
    }
}
