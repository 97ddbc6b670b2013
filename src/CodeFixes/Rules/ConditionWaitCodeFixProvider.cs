using System.Collections.Immutable;
using System.Composition;
using Lockstep.Analyzers;
using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Lockstep.CodeFixes.Rules;

/// <summary>
/// LS2004: <c>if (!ready) Monitor.Wait(o);</c> → <c>while (!ready) Monitor.Wait(o);</c>; for a Lockstep
/// <c>Condition</c> also <c>if (!ready) c.Wait();</c> → <c>c.WaitFor(() => ready);</c>. Offered when the
/// <c>if</c> has no <c>else</c> and its body is only the wait.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ConditionWaitCodeFixProvider)), Shared]
public sealed class ConditionWaitCodeFixProvider : CodeFixProvider
{
    public const string WhileLoopKey = "Lockstep.Deadlock.WaitInWhileLoop";
    public const string WaitForKey = "Lockstep.Deadlock.WaitForPredicate";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ConditionWaitOutsideLoop);

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
            var wait = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
            if (wait?.Parent is not ExpressionStatementSyntax waitStatement || GuardOf(waitStatement) is not { } guard)
            {
                continue;
            }

            var loop = WhileStatement(guard.Condition.WithoutTrivia(), guard.Statement)
                .WithTriviaFrom(guard)
                .WithAdditionalAnnotations(Formatter.Annotation);
            context.RegisterCodeFix(
                CodeAction.Create("Re-check the condition in a 'while' loop", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(guard, loop))), WhileLoopKey),
                diagnostic);

            if (model.GetSymbolInfo(wait, context.CancellationToken).Symbol is IMethodSymbol { Parameters.Length: 0 } method
                && SymbolEqualityComparer.Default.Equals(method.ContainingType, PrimitiveCatalog.For(model.Compilation).Types.LockstepCondition)
                && wait.Expression is MemberAccessExpressionSyntax access)
            {
                var predicate = ParenthesizedLambdaExpression(Negate(guard.Condition.WithoutTrivia()));
                var waitFor = ExpressionStatement(InvocationExpression(access.WithName(IdentifierName("WaitFor")), ArgumentList(SingletonSeparatedList(Argument(predicate)))))
                    .WithTriviaFrom(guard)
                    .WithAdditionalAnnotations(Formatter.Annotation);
                context.RegisterCodeFix(
                    CodeAction.Create("Use 'WaitFor' with the condition", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(guard, waitFor))), WaitForKey),
                    diagnostic);
            }
        }
    }

    /// <summary>The <c>if</c> (without <c>else</c>) whose whole body is the wait.</summary>
    private static IfStatementSyntax? GuardOf(ExpressionStatementSyntax wait)
    {
        var parent = wait.Parent is BlockSyntax { Statements.Count: 1 } block ? block.Parent : wait.Parent;
        return parent is IfStatementSyntax { Else: null } guard ? guard : null;
    }

    private static ExpressionSyntax Negate(ExpressionSyntax condition) => condition switch
    {
        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not => not.Operand is ParenthesizedExpressionSyntax inner ? inner.Expression : not.Operand,
        BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression } equals => BinaryExpression(SyntaxKind.NotEqualsExpression, equals.Left, equals.Right),
        BinaryExpressionSyntax { RawKind: (int)SyntaxKind.NotEqualsExpression } notEquals => BinaryExpression(SyntaxKind.EqualsExpression, notEquals.Left, notEquals.Right),
        IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax => PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, condition),
        _ => PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, ParenthesizedExpression(condition)),
    };
}
