using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers;

/// <summary>
/// The one place descriptors are built. The help link and the category are derived from the ID, so a
/// rule cannot point at the wrong page or drift into the wrong family.
/// </summary>
public static partial class Descriptors
{
    /// <summary>Where each rule's page lives: <c>docs/rules/LSxxxx.md</c> in the repository.</summary>
    public const string HelpLinkBase = "https://github.com/lockstep-dotnet/lockstep/blob/main/docs/rules/";

    /// <summary>The help link of a rule ID.</summary>
    public static string HelpLink(string id) => HelpLinkBase + id + ".md";

    /// <summary>The category of a rule ID, from its family digit.</summary>
    public static string Category(string id) => id.Length > 2 ? id[2] switch
    {
        '1' => "Lockstep.LockPairing",
        '2' => "Lockstep.Deadlock",
        '3' => "Lockstep.Queues",
        '4' => "Lockstep.ChildLifecycle",
        '5' => "Lockstep.SharedState",
        _ => "Lockstep",
    } : "Lockstep";

#pragma warning disable RS0030 // This factory is the one allowed caller of the descriptor constructor.
    private static DiagnosticDescriptor Create(
        string id,
        string title,
        string messageFormat,
        DiagnosticSeverity severity,
        string description,
        params string[] customTags)
        => new(
            id,
            title,
            messageFormat,
            Category(id),
            severity,
            isEnabledByDefault: true,
            description,
            HelpLink(id),
            customTags);
#pragma warning restore RS0030
}
