using System.Collections.Immutable;
using System.Composition;
using Lockstep.Analyzers;
using Lockstep.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lockstep.CodeFixes.Rules;

/// <summary>
/// LS2001: <c>lock (b) { lock (a) { … } }</c> → <c>lock (a) { lock (b) { … } }</c> when the two scopes
/// are directly nested with nothing between them and the swap restores the order used elsewhere.
/// Works for <c>lock</c> statements and for <c>using</c> scopes of the same kind.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LockOrderCodeFixProvider)), Shared]
public sealed class LockOrderCodeFixProvider : CodeFixProvider
{
    public const string SwapKey = "Lockstep.Deadlock.SwapNestedScopes";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.InconsistentLockOrder);

    public override FixAllProvider GetFixAllProvider() => OneSideFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DeadlockAnalyzer.SwapRestoresOrderProperty, out var swappable) || swappable != "true")
            {
                continue;
            }

            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (TrySwap(node) is not { } swap)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Swap the nested locks into the order used elsewhere", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNodes(new[] { swap.Outer }, (_, _) => swap.Replacement))), SwapKey),
                diagnostic);
        }
    }

    /// <summary>The outer scope and what it becomes, when the inner acquire at <paramref name="node"/> is directly nested in it.</summary>
    private static (StatementSyntax Outer, StatementSyntax Replacement)? TrySwap(SyntaxNode node)
    {
        var inner = node.AncestorsAndSelf().FirstOrDefault(n => n is LockStatementSyntax or UsingStatementSyntax) as StatementSyntax;
        if (inner is null)
        {
            return null;
        }

        var container = inner.Parent is BlockSyntax { Statements.Count: 1 } onlyChild ? onlyChild.Parent : inner.Parent;
        switch (inner, container)
        {
            case (LockStatementSyntax innerLock, LockStatementSyntax outerLock) when innerLock.Expression.Span.Contains(node.Span):
                var swappedLocks = outerLock
                    .WithExpression(innerLock.Expression.WithTriviaFrom(outerLock.Expression))
                    .WithStatement(ReplaceInner(outerLock.Statement, innerLock, innerLock.WithExpression(outerLock.Expression.WithTriviaFrom(innerLock.Expression))));
                return (outerLock, swappedLocks);
            case (UsingStatementSyntax { Expression: { } innerResource } innerUsing, UsingStatementSyntax { Expression: { } outerResource, Declaration: null } outerUsing)
                when innerUsing.Declaration is null && innerResource.Span.Contains(node.Span):
                var swappedUsings = outerUsing
                    .WithExpression(innerResource.WithTriviaFrom(outerResource))
                    .WithStatement(ReplaceInner(outerUsing.Statement, innerUsing, innerUsing.WithExpression(outerResource.WithTriviaFrom(innerResource))));
                return (outerUsing, swappedUsings);
            default:
                return null;
        }
    }

    /// <summary>
    /// Each side of a two-lock cycle is reported; swapping both would just mirror the cycle. Fix All
    /// swaps only the side that comes first in the solution (the one a single fix would take).
    /// </summary>
    private sealed class OneSideFixAllProvider : DocumentBasedFixAllProvider
    {
        public static readonly OneSideFixAllProvider Instance = new();

        protected override string GetFixAllTitle(FixAllContext fixAllContext) => "Swap nested locks into the order used elsewhere";

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var root = await document.GetSyntaxRootAsync(fixAllContext.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var swaps = new List<(StatementSyntax Outer, StatementSyntax Replacement)>();
            foreach (var diagnostic in diagnostics)
            {
                if (diagnostic.Properties.TryGetValue(DeadlockAnalyzer.SwapRestoresOrderProperty, out var swappable) && swappable == "true"
                    && diagnostic.AdditionalLocations.All(other => ComesFirst(diagnostic.Location, other))
                    && TrySwap(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)) is { } swap
                    && !swaps.Any(s => s.Outer.Span.IntersectsWith(swap.Outer.Span)))
                {
                    swaps.Add(swap);
                }
            }

            return document.WithSyntaxRoot(root.ReplaceNodes(swaps.Select(s => s.Outer), (original, _) => swaps.First(s => s.Outer == original).Replacement));
        }

        private static bool ComesFirst(Location location, Location other)
        {
            var byPath = string.CompareOrdinal(location.SourceTree?.FilePath, other.SourceTree?.FilePath);
            return byPath < 0 || (byPath == 0 && location.SourceSpan.Start < other.SourceSpan.Start);
        }
    }

    private static StatementSyntax ReplaceInner(StatementSyntax body, StatementSyntax inner, StatementSyntax replacement)
        => ReferenceEquals(body, inner) ? replacement : body.ReplaceNode(inner, replacement);
}
