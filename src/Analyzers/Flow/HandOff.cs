using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lockstep.Analyzers.Flow;

/// <summary>
/// Deliberate hand-offs: a method whose contract is to leave a lock held for its caller (or to release
/// one its caller took) is not a leak. Recognised by name, by the runtime's <c>[Acquires]</c> /
/// <c>[Releases]</c> annotations (matched by full name, so a pasted source copy works), by returning a
/// releaser, and by a twin member of the same type that releases the lock without taking it.
/// </summary>
internal static class HandOff
{
    public const string AcquiresAttribute = "Lockstep.AcquiresAttribute";
    public const string ReleasesAttribute = "Lockstep.ReleasesAttribute";

    private static readonly string[] AcquirePrefixes = { "Acquire", "Enter", "Lock" };
    private static readonly string[] ReleasePrefixes = { "Release", "Exit", "Unlock", "Leave" };
    private static readonly HashSet<string> ReleaseCalls = new(StringComparer.Ordinal)
    {
        "Exit", "Release", "ReleaseMutex", "ExitReadLock", "ExitWriteLock", "ExitUpgradeableReadLock",
    };

    private static readonly HashSet<string> AcquireCalls = new(StringComparer.Ordinal)
    {
        "Enter", "TryEnter", "Wait", "WaitAsync", "WaitOne", "Acquire", "AcquireAsync", "TryAcquire", "EnterScope",
        "EnterReadLock", "EnterWriteLock", "EnterUpgradeableReadLock", "TryEnterReadLock", "TryEnterWriteLock", "TryEnterUpgradeableReadLock",
    };

    /// <summary>The method's job is to leave the lock held for its caller.</summary>
    public static bool IsAcquireMethod(IMethodSymbol? method)
    {
        if (method is null)
        {
            return false;
        }

        if (HasAttribute(method, AcquiresAttribute) || StartsWithAny(TrimName(method.Name), AcquirePrefixes))
        {
            return true;
        }

        // A constructor of a disposable type, or a method returning a disposable: the releaser owns the lock now.
        if (method.MethodKind == MethodKind.Constructor && (ImplementsDisposable(method.ContainingType) || DeclaresDispose(method.ContainingType)))
        {
            return true;
        }

        var returned = method.ReturnType;
        if (returned is INamedTypeSymbol { Name: "Task" or "ValueTask" } task && NamespaceNames.Is(task.ContainingNamespace, "System.Threading.Tasks"))
        {
            // An async method hands back its result, not the task (which is disposable, but not a releaser).
            if (task.Arity != 1)
            {
                return false;
            }

            returned = task.TypeArguments[0];
        }

        return ImplementsDisposable(returned);
    }

    /// <summary>The method's job is to release a lock its caller took.</summary>
    public static bool IsReleaseMethod(IMethodSymbol? method)
    {
        if (method is null)
        {
            return false;
        }

        var name = TrimName(method.Name);
        return HasAttribute(method, ReleasesAttribute) || StartsWithAny(name, ReleasePrefixes) || name is "Dispose" or "DisposeAsync" or "Finalize";
    }

    /// <summary>
    /// Another member of the lock's type releases it without taking it (a <c>BeginX</c>/<c>EndX</c>
    /// pair, a releaser struct): the lock is handed between members on purpose. A syntax-only scan, run
    /// only for a would-be diagnostic.
    /// </summary>
    public static bool HasReleaseOnlyTwin(LockKey key, IMethodSymbol? current, CancellationToken cancellationToken)
    {
        if (!key.IsMemberOfThis || key.Symbol.ContainingType is not { } type)
        {
            return false;
        }

        var name = key.Symbol.Name;
        var currentSyntax = current?.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).ToList();
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
            {
                continue;
            }

            foreach (var member in declaration.DescendantNodes().OfType<MemberDeclarationSyntax>())
            {
                if (member is BaseTypeDeclarationSyntax || (currentSyntax is not null && currentSyntax.Any(s => s == member || s.Ancestors().Contains(member) || member.Ancestors().Contains(s))))
                {
                    continue;
                }

                var releases = false;
                var acquires = false;
                foreach (var invocation in member.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (invocation.Expression is not MemberAccessExpressionSyntax access)
                    {
                        continue;
                    }

                    var method = access.Name.Identifier.ValueText;
                    var mentionsLock = LastIdentifier(access.Expression) == name
                        || invocation.ArgumentList.Arguments.Any(a => LastIdentifier(a.Expression) == name);
                    if (!mentionsLock)
                    {
                        continue;
                    }

                    releases |= ReleaseCalls.Contains(method);
                    acquires |= AcquireCalls.Contains(method);
                }

                if (releases && !acquires)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string? LastIdentifier(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        ParenthesizedExpressionSyntax parenthesized => LastIdentifier(parenthesized.Expression),
        CastExpressionSyntax cast => LastIdentifier(cast.Expression),
        _ => null,
    };

    private static string TrimName(string name)
    {
        // An explicit interface implementation is named after its interface (`ISemaphore.Release`): its own name is the last part.
        var dot = name.LastIndexOf('.');
        if (dot >= 0 && dot + 1 < name.Length)
        {
            name = name.Substring(dot + 1);
        }

        if (name.StartsWith("Try", StringComparison.Ordinal) && name.Length > 3 && char.IsUpper(name[3]))
        {
            name = name.Substring(3);
        }

        return name;
    }

    private static bool StartsWithAny(string name, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && (name.Length == prefix.Length || !char.IsLower(name[prefix.Length])))
            {
                return true;
            }
        }

        return false;
    }

    public static bool HasAttribute(ISymbol symbol, string fullName)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (IsAttribute(attribute, fullName))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether an attribute is the Lockstep annotation <paramref name="fullName"/> (<c>Lockstep.XAttribute</c>), by name: no string is built on this hot path.</summary>
    public static bool IsAttribute(AttributeData attribute, string fullName)
        => attribute.AttributeClass is { } type
           && fullName.Length == WellKnownTypesNamespaceLength + type.Name.Length
           && fullName.EndsWith(type.Name, StringComparison.Ordinal)
           && type.ContainingNamespace is { Name: Catalog.WellKnownTypes.LockstepNamespace } ns
           && ns.ContainingNamespace is { IsGlobalNamespace: true }
           && type.ContainingType is null;

    private const int WellKnownTypesNamespaceLength = 9; // "Lockstep."


    /// <summary>
    /// The type has a parameterless <c>Dispose()</c> of its own: a lock holder whose <c>IDisposable</c> comes through an
    /// interface that does not bind here (a file compiled without the rest of its project), or a <c>ref struct</c>
    /// disposed by pattern.
    /// </summary>
    private static bool DeclaresDispose(INamedTypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        foreach (var member in type.GetMembers("Dispose"))
        {
            if (member is IMethodSymbol { Parameters.Length: 0, IsStatic: false })
            {
                return true;
            }
        }

        return false;
    }

    private static bool ImplementsDisposable(ITypeSymbol? type)
    {
        if (type is null || type.SpecialType != SpecialType.None)
        {
            return false;
        }

        if (type.Name is "IDisposable" or "IAsyncDisposable" && NamespaceNames.Is(type.ContainingNamespace, "System"))
        {
            return true;
        }

        foreach (var @interface in type.AllInterfaces)
        {
            if (@interface.Name is "IDisposable" or "IAsyncDisposable" && NamespaceNames.Is(@interface.ContainingNamespace, "System"))
            {
                return true;
            }
        }

        return false;
    }
}
