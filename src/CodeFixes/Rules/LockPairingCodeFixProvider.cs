using System.Collections.Immutable;
using System.Composition;
using Lockstep.Analyzers;
using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lockstep.CodeFixes.Rules;

/// <summary>
/// LS1001/LS1003: turns <c>acquire … release</c> into a scoped form — <c>using (x.Acquire())</c>,
/// <c>lock (o)</c>, or <c>try { … } finally { release; }</c> — so every path, exceptions included,
/// gives the lock back.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LockPairingCodeFixProvider)), Shared]
public sealed class LockPairingCodeFixProvider : CodeFixProvider
{
    public const string UsingScopeKey = "Lockstep.LockPairing.UsingScope";
    public const string LockStatementKey = "Lockstep.LockPairing.LockStatement";
    public const string TryFinallyKey = "Lockstep.LockPairing.TryFinally";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.LockNotReleased, RuleIds.LockNotReleasedOnException);

    public override FixAllProvider GetFixAllProvider() => RegionFixAllProvider.Instance;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        var catalog = PrimitiveCatalog.For(model.Compilation);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (AcquireStatement(root, diagnostic) is not { } statement
                || LockRegionRewriter.TryPlan(statement, model, catalog, context.CancellationToken) is not { } plan)
            {
                continue;
            }

            var (title, key) = plan.Form switch
            {
                RegionForm.Using => ("Hold the lock in a 'using' scope", UsingScopeKey),
                RegionForm.Lock => ("Use a 'lock' statement", LockStatementKey),
                _ => ("Release the lock in 'finally'", TryFinallyKey),
            };
            context.RegisterCodeFix(
                CodeAction.Create(title, _ => Task.FromResult(context.Document.WithSyntaxRoot(plan.Apply(root))), key),
                diagnostic);
        }
    }

    internal static ExpressionStatementSyntax? AcquireStatement(SyntaxNode root, Diagnostic diagnostic)
    {
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        return node.AncestorsAndSelf().OfType<ExpressionStatementSyntax>().FirstOrDefault();
    }

    /// <summary>
    /// Region rewrites overlap (two acquires in one block), so Fix All rewrites one region at a time,
    /// last first, re-planning each on the document as it stands.
    /// </summary>
    private sealed class RegionFixAllProvider : DocumentBasedFixAllProvider
    {
        public static readonly RegionFixAllProvider Instance = new();

        protected override string GetFixAllTitle(FixAllContext fixAllContext) => "Hold locks in scoped forms";

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var root = await document.GetSyntaxRootAsync(fixAllContext.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var marker = new SyntaxAnnotation("LockstepAcquire");
            var statements = diagnostics
                .Select(d => AcquireStatement(root, d))
                .Where(s => s is not null)
                .Select(s => s!)
                .Distinct()
                .ToList();
            root = root.ReplaceNodes(statements, (_, rewritten) => rewritten.WithAdditionalAnnotations(marker));
            document = document.WithSyntaxRoot(root);

            for (var remaining = statements.Count; remaining > 0; remaining--)
            {
                root = (await document.GetSyntaxRootAsync(fixAllContext.CancellationToken).ConfigureAwait(false))!;
                var next = root.GetAnnotatedNodes(marker).OfType<ExpressionStatementSyntax>().OrderByDescending(s => s.SpanStart).FirstOrDefault();
                if (next is null)
                {
                    break;
                }

                // Unmark first (spans do not move), then plan on a fresh semantic model of that tree.
                var span = next.Span;
                root = root.ReplaceNode(next, next.WithoutAnnotations(marker));
                document = document.WithSyntaxRoot(root);
                var model = (await document.GetSemanticModelAsync(fixAllContext.CancellationToken).ConfigureAwait(false))!;
                root = (await document.GetSyntaxRootAsync(fixAllContext.CancellationToken).ConfigureAwait(false))!;
                if (root.FindNode(span, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<ExpressionStatementSyntax>().FirstOrDefault() is { } current
                    && LockRegionRewriter.TryPlan(current, model, PrimitiveCatalog.For(model.Compilation), fixAllContext.CancellationToken) is { } plan)
                {
                    document = document.WithSyntaxRoot(plan.Apply(root));
                }
            }

            return document;
        }
    }
}
