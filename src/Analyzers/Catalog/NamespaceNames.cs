using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers.Catalog;

/// <summary>Namespace checks that do not build the namespace's display string (these run once per member or call).</summary>
internal static class NamespaceNames
{
    /// <summary>The namespace is exactly <paramref name="dotted"/> (for example <c>"System.Threading.Tasks"</c>).</summary>
    public static bool Is(INamespaceSymbol? ns, string dotted)
    {
        var end = dotted.Length;
        while (ns is { IsGlobalNamespace: false } && end > 0)
        {
            var start = dotted.LastIndexOf('.', end - 1) + 1;
            var length = end - start;
            var name = ns.Name;
            if (length != name.Length || string.CompareOrdinal(dotted, start, name, 0, length) != 0)
            {
                return false;
            }

            end = start - 1;
            ns = ns.ContainingNamespace;
            if (end < 0)
            {
                return ns is null || ns.IsGlobalNamespace;
            }
        }

        return false;
    }
}
