using System.Collections.Immutable;
using System.Composition;
using Lockstep.Analyzers;
using Lockstep.Analyzers.Catalog;
using Lockstep.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Lockstep.CodeFixes.Rules;

/// <summary>
/// LS2002 on a Lockstep <c>Lock</c> field: change its type to <c>RLock</c>, the reentrant lock, when
/// re-entry is intended. Offered for a non-public field declared in the same document whose type
/// never uses the async acquire (<c>RLock</c> is thread-owned and has none).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReentrantLockCodeFixProvider)), Shared]
public sealed class ReentrantLockCodeFixProvider : CodeFixProvider
{
    public const string UseRLockKey = "Lockstep.Deadlock.UseRLock";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.NonReentrantLockReacquired);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DeadlockAnalyzer.FamilyProperty, out var family) || family != nameof(LockFamily.LockstepLock)
                || !diagnostic.Properties.TryGetValue(DeadlockAnalyzer.LockMemberProperty, out var member) || member is null)
            {
                continue;
            }

            var type = root.FindNode(diagnostic.Location.SourceSpan).AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault();
            var field = type?.Members.OfType<FieldDeclarationSyntax>().FirstOrDefault(f => f.Declaration.Variables.Count == 1 && f.Declaration.Variables[0].Identifier.ValueText == member);
            if (type is null || field is null || field.Modifiers.Any(m => m.ValueText is "public" or "protected")
                || type.DescendantNodes().OfType<MemberAccessExpressionSyntax>().Any(a => a.Name.Identifier.ValueText == "AcquireAsync" && LastName(a.Expression) == member)
                || RenameType(field.Declaration.Type) is not { } rlockType)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Make '" + member + "' a reentrant RLock", _ =>
                {
                    var creations = type.DescendantNodes().OfType<ObjectCreationExpressionSyntax>()
                        .Where(c => c.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax v } && v.Identifier.ValueText == member
                            || c.Parent is AssignmentExpressionSyntax a && LastName(a.Left) == member)
                        .ToList();
                    var updated = root.ReplaceNodes(
                        creations.Cast<SyntaxNode>().Append(field.Declaration.Type),
                        (original, _) => original is ObjectCreationExpressionSyntax creation && RenameType(creation.Type) is { } renamed
                            ? creation.WithType(renamed.WithTriviaFrom(creation.Type))
                            : original is TypeSyntax ? rlockType.WithTriviaFrom(original) : original);
                    return Task.FromResult(context.Document.WithSyntaxRoot(updated));
                }, UseRLockKey),
                diagnostic);
        }
    }

    private static TypeSyntax? RenameType(TypeSyntax type) => type switch
    {
        IdentifierNameSyntax { Identifier.ValueText: "Lock" } => IdentifierName("RLock"),
        QualifiedNameSyntax { Right.Identifier.ValueText: "Lock" } qualified => qualified.WithRight(IdentifierName("RLock")),
        AliasQualifiedNameSyntax { Name.Identifier.ValueText: "Lock" } alias => alias.WithName(IdentifierName("RLock")),
        _ => null,
    };

    private static string? LastName(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        _ => null,
    };
}
