using System.Collections.Immutable;
using System.Composition;
using Lockstep.Analyzers;
using Lockstep.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Lockstep.CodeFixes.Rules;

/// <summary>
/// LS5001: <c>_count++</c> becomes <c>Interlocked.Increment(ref _count)</c> (also Decrement, Add, Or,
/// And) where the type and operator allow; otherwise, when one lock guards the field everywhere else,
/// the statement is wrapped in it. LS5002: the statement that touches the guarded field is wrapped in
/// its lock's scoped form. No fix when the rewrite would change the meaning (a postfix value that is
/// used, an <c>await</c> in the statement, a local used after it, a lock that does not bind there).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SharedStateCodeFixProvider)), Shared]
public sealed class SharedStateCodeFixProvider : CodeFixProvider
{
    public const string InterlockedKey = "Lockstep.SharedState.Interlocked";
    public const string HoldLockKey = "Lockstep.SharedState.HoldLock";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnsynchronizedReadModifyWrite, RuleIds.GuardedFieldAccessedWithoutLock);

    public override FixAllProvider GetFixAllProvider() => SharedStateFixAllProvider.Instance;

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
            if (Plan(root, model, diagnostic, context.CancellationToken) is not { } plan)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(plan.Title, _ => Task.FromResult(context.Document.WithSyntaxRoot(Apply(root, new[] { plan }))), plan.Key),
                diagnostic);
        }
    }

    /// <summary>One rewrite: a node, what it becomes, under which equivalence key.</summary>
    private sealed class FixPlan
    {
        public FixPlan(SyntaxNode target, Func<SyntaxNode, SyntaxNode> rewrite, string title, string key)
        {
            Target = target;
            Rewrite = rewrite;
            Title = title;
            Key = key;
        }

        public SyntaxNode Target { get; }
        public Func<SyntaxNode, SyntaxNode> Rewrite { get; }
        public string Title { get; }
        public string Key { get; }
    }

    private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var properties = diagnostic.Properties;
        if (diagnostic.Id == RuleIds.UnsynchronizedReadModifyWrite)
        {
            var update = node.AncestorsAndSelf().FirstOrDefault(n => n.Span == diagnostic.Location.SourceSpan && n is ExpressionSyntax) as ExpressionSyntax;
            if (update is null)
            {
                return null;
            }

            if (properties.TryGetValue(SharedStateAnalyzer.InterlockedProperty, out var method) && method is not null)
            {
                var negate = properties.TryGetValue(SharedStateAnalyzer.NegateProperty, out var negated) && negated == "true";
                return InterlockedRewrite(update, method, negate) is null
                    ? null
                    : new FixPlan(update, current => InterlockedRewrite((ExpressionSyntax)current, method, negate) ?? current, "Use Interlocked." + method, InterlockedKey);
            }

            return UpdatedLocation(update) is { } target ? LockPlan(target, properties, model, cancellationToken) : null;
        }

        return node is ExpressionSyntax access && (access is IdentifierNameSyntax || access is MemberAccessExpressionSyntax)
            ? LockPlan(access, properties, model, cancellationToken)
            : null;
    }

    private static FixPlan? LockPlan(ExpressionSyntax access, ImmutableDictionary<string, string?> properties, SemanticModel model, CancellationToken cancellationToken)
    {
        if (!properties.TryGetValue(SharedStateAnalyzer.LockMemberProperty, out var lockMember) || lockMember is null)
        {
            return null;
        }

        properties.TryGetValue(SharedStateAnalyzer.LockFamilyProperty, out var family);
        properties.TryGetValue(SharedStateAnalyzer.LockModeProperty, out var mode);
        var wrapper = SharedStateLockWrapper.TryPlan(access, lockMember, family, mode, model, cancellationToken);
        return wrapper is null
            ? null
            : new FixPlan(wrapper.Target, wrapper.Apply, "Hold '" + wrapper.LockDisplay + "' here", HoldLockKey);
    }

    /// <summary>Applies non-conflicting plans at once: nested targets are rewritten inside out, duplicates once.</summary>
    private static SyntaxNode Apply(SyntaxNode root, IEnumerable<FixPlan> plans)
    {
        var byTarget = new Dictionary<SyntaxNode, FixPlan>();
        foreach (var plan in plans)
        {
            if (!byTarget.ContainsKey(plan.Target))
            {
                byTarget[plan.Target] = plan;
            }
        }

        var rewritten = root.ReplaceNodes(byTarget.Keys, (original, current) => byTarget[original].Rewrite(current));
        return SharedStateLockWrapper.Splice(rewritten);
    }

    /// <summary>The location an update writes: <c>_count</c> in <c>_count++</c>, <c>x</c> in <c>x = x + 1</c>.</summary>
    private static ExpressionSyntax? UpdatedLocation(ExpressionSyntax update) => update switch
    {
        PostfixUnaryExpressionSyntax postfix => postfix.Operand,
        PrefixUnaryExpressionSyntax prefix => prefix.Operand,
        AssignmentExpressionSyntax assignment => assignment.Left,
        _ => null,
    } is { } target && (target is IdentifierNameSyntax || target is MemberAccessExpressionSyntax) ? target : null;

    /// <summary>
    /// <c>x++</c> → <c>Interlocked.Increment(ref x)</c>; <c>x += n</c>, <c>x = x + n</c> → <c>Interlocked.Add(ref x, n)</c>;
    /// <c>x -= n</c> → <c>Interlocked.Add(ref x, -n)</c>; <c>x |= m</c> → <c>Interlocked.Or(ref x, m)</c>.
    /// </summary>
    private static ExpressionSyntax? InterlockedRewrite(ExpressionSyntax update, string method, bool negate)
    {
        ExpressionSyntax? target;
        ExpressionSyntax? amount = null;
        switch (update)
        {
            case PostfixUnaryExpressionSyntax postfix when method is "Increment" or "Decrement":
                target = postfix.Operand;
                break;
            case PrefixUnaryExpressionSyntax prefix when method is "Increment" or "Decrement":
                target = prefix.Operand;
                break;
            case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment
                when Strip(assignment.Right) is BinaryExpressionSyntax binary:
                target = assignment.Left;
                amount = SameText(Strip(binary.Left), target) ? binary.Right : SameText(Strip(binary.Right), target) && !negate ? binary.Left : null;
                if (amount is null)
                {
                    return null;
                }

                break;
            case AssignmentExpressionSyntax compound:
                target = compound.Left;
                amount = compound.Right;
                break;
            default:
                return null;
        }

        var arguments = new List<ArgumentSyntax> { Argument(target.WithoutTrivia()).WithRefKindKeyword(Token(SyntaxKind.RefKeyword)) };
        if (amount is not null)
        {
            var value = amount.WithoutTrivia();
            arguments.Add(Argument(negate ? PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, IsSimple(value) ? value : ParenthesizedExpression(value)) : value));
        }

        // Simplified to Interlocked where System.Threading is imported; left qualified (and correct) where it is not.
        var interlocked = ParseExpression("System.Threading.Interlocked").WithAdditionalAnnotations(Simplifier.Annotation);
        return InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, interlocked, IdentifierName(method)),
                ArgumentList(SeparatedList(arguments)))
            .WithTriviaFrom(update);
    }

    private static bool IsSimple(ExpressionSyntax expression)
        => expression is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax or ParenthesizedExpressionSyntax
           || (expression is LiteralExpressionSyntax && !expression.ToString().StartsWith("-", StringComparison.Ordinal));

    private static ExpressionSyntax Strip(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return expression;
    }

    private static bool SameText(ExpressionSyntax a, ExpressionSyntax b)
        => SyntaxFactory.AreEquivalent(a, b, topLevel: false);

    /// <summary>
    /// Fix All: every diagnostic of the document whose fix has the chosen key, applied in one
    /// <c>ReplaceNodes</c> so that a fix inside another fix's statement composes.
    /// </summary>
    private sealed class SharedStateFixAllProvider : DocumentBasedFixAllProvider
    {
        public static readonly SharedStateFixAllProvider Instance = new();

        protected override string GetFixAllTitle(FixAllContext fixAllContext)
            => fixAllContext.CodeActionEquivalenceKey == InterlockedKey ? "Use Interlocked for every update" : "Hold the lock around every access";

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var root = await document.GetSyntaxRootAsync(fixAllContext.CancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(fixAllContext.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return document;
            }

            var plans = new List<FixPlan>();
            foreach (var diagnostic in diagnostics)
            {
                if (Plan(root, model, diagnostic, fixAllContext.CancellationToken) is { } plan && plan.Key == fixAllContext.CodeActionEquivalenceKey)
                {
                    plans.Add(plan);
                }
            }

            return plans.Count == 0 ? document : document.WithSyntaxRoot(Apply(root, plans));
        }
    }
}
