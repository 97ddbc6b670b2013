using System.Collections.Immutable;
using System.Composition;
using Lockstep.Analyzers;
using Lockstep.Analyzers.Catalog;
using Lockstep.Analyzers.Flow;
using Lockstep.Analyzers.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Lockstep.CodeFixes.Rules;

/// <summary>
/// LS3002: a consumer that stops when the queue looks empty becomes one that consumes until the queue is
/// closed. <c>while (!q.IsEmpty) { var x = q.Get(); … }</c> → <c>foreach (var x in q.Consume(token)) { … }</c>
/// (<c>await foreach … ConsumeAsync</c> for <c>GetAsync</c>, <c>GetConsumingEnumerable</c> for a
/// <c>BlockingCollection</c>). The producers must then call <c>Close()</c> / <c>CompleteAdding()</c>; the
/// rule's page shows that side.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(QueueConsumerCodeFixProvider)), Shared]
public sealed class QueueConsumerCodeFixProvider : CodeFixProvider
{
    /// <summary>Consume until the queue is closed / completed.</summary>
    public const string ConsumeUntilClosedKey = "Lockstep.Queues.ConsumeUntilClosed";


    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.ConsumerStopsWhenEmpty);

    public override FixAllProvider GetFixAllProvider() => new QueueFixAllProvider("Consume until the queues are closed", FixAsync);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (QueueFixAllProvider.Anchor(root, diagnostic) is not { } anchor
                || await PlanAsync(context.Document, anchor, diagnostic.Properties, context.CancellationToken).ConfigureAwait(false) is not { } plan)
            {
                continue;
            }

            context.RegisterCodeFix(CodeAction.Create(plan.Title, _ => Task.FromResult(plan.Document), ConsumeUntilClosedKey), diagnostic);
        }
    }

    private static async Task<Document?> FixAsync(Document document, SyntaxNode anchor, ImmutableDictionary<string, string?> properties, CancellationToken cancellationToken)
        => (await PlanAsync(document, anchor, properties, cancellationToken).ConfigureAwait(false))?.Document;

    private static async Task<(Document Document, string Title)?> PlanAsync(Document document, SyntaxNode anchor, ImmutableDictionary<string, string?> properties, CancellationToken cancellationToken)
    {
        if (anchor is not ExpressionSyntax check
            || !properties.TryGetValue(QueueAnalyzer.ReplaceableProperty, out var replaceable) || replaceable != "true"
            || !properties.TryGetValue(QueueAnalyzer.ExitProperty, out var exit)
            || await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false) is not { } model
            || await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not { } root)
        {
            return null;
        }

        // The loop, and the exit the rewrite removes.
        WhileStatementSyntax? loop = null;
        StatementSyntax? exitStatement = null;
        var condition = check.WalkUpParentheses();
        switch (exit)
        {
            // while (check) { … }
            case QueueAnalyzer.Exits.Condition when condition.Parent is WhileStatementSyntax whileLoop && whileLoop.Condition == condition:
                loop = whileLoop;
                break;
            // while (true) { …; if (check) break; … }
            case QueueAnalyzer.Exits.Break when condition.Parent is IfStatementSyntax { Else: null, Parent: BlockSyntax { Parent: WhileStatementSyntax whileTrue } } exitIf
                                               && exitIf.Condition == condition
                                               && (exitIf.Statement is BreakStatementSyntax || exitIf.Statement is BlockSyntax { Statements.Count: 1 } single && single.Statements[0] is BreakStatementSyntax)
                                               && !QueueSyntax.HasComments(exitIf):
                (loop, exitStatement) = (whileTrue, exitIf);
                break;
        }

        if (loop is null)
        {
            return null;
        }

        var catalog = QueueCatalog.For(model.Compilation);
        if (model.GetOperation(check, cancellationToken) is not { } checkOperation
            || checkOperation.DescendantsAndSelf().FirstOrDefault(o => catalog.TryClassifyProbe(o, out var p) && p.Kind != QueueProbeKind.Capacity) is not { } probeOperation
            || !catalog.TryClassifyProbe(probeOperation, out var probe)
            || LockKey.Resolve(probe.Receiver, LockMode.Exclusive, LockKey.NoCaptures) is not { } key)
        {
            return null;
        }

        var statements = loop.Statement is BlockSyntax body ? body.Statements.ToList() : new List<StatementSyntax> { loop.Statement };
        if (exitStatement is not null)
        {
            statements.Remove(exitStatement);
        }

        if (statements.Count == 0 || Take(statements[0], model, catalog, key, cancellationToken) is not { } take)
        {
            return null;
        }

        // The item variable of a foreach is read-only.
        var rest = statements.Skip(1).ToList();
        if (take.Name is { } name && rest.Any(s => Writes(s, name)))
        {
            return null;
        }

        var itemName = take.Name ?? FreshName(loop, "item");
        var token = take.Token ?? TokenInScope(loop, model, cancellationToken);
        var (method, awaitForeach) = (take.Queue, take.Async) switch
        {
            (QueueKind.LockstepBlockingQueue or QueueKind.LockstepJoinableQueue, false) => ("Consume", false),
            (QueueKind.LockstepBlockingQueue or QueueKind.LockstepJoinableQueue, true) => ("ConsumeAsync", true),
            (QueueKind.BlockingCollection, false) => ("GetConsumingEnumerable", false),
            _ => ((string?)null, false),
        };
        if (method is null)
        {
            return null;
        }

        var source = InvocationExpression(
            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, take.Receiver.WithoutTrivia(), IdentifierName(method)),
            token is null ? ArgumentList() : ArgumentList(SingletonSeparatedList(Argument(token.WithoutTrivia()))));

        var newStatements = new List<StatementSyntax>();
        if (take.Remaining is { } remaining)
        {
            newStatements.Add(remaining);
        }

        newStatements.AddRange(rest);
        var newBody = loop.Statement is BlockSyntax original
            ? original.WithStatements(List(newStatements))
            : Block(newStatements);
        var forEach = ForEachStatement(take.Type ?? IdentifierName("var"), Identifier(itemName), source, newBody);
        if (awaitForeach)
        {
            forEach = forEach.WithAwaitKeyword(Token(SyntaxKind.AwaitKeyword));
        }

        var newRoot = root.ReplaceNode(loop, forEach.WithTriviaFrom(loop).WithAdditionalAnnotations(Formatter.Annotation));
        var title = take.Queue == QueueKind.BlockingCollection
            ? "Consume with 'GetConsumingEnumerable' until adding is completed"
            : "Consume with '" + method + "' until the queue is closed";
        return (document.WithSyntaxRoot(newRoot), title);
    }

    private sealed class TakeStatement
    {
        public TakeStatement(QueueKind queue, ExpressionSyntax receiver, string? name, TypeSyntax? type, ExpressionSyntax? token, bool async, StatementSyntax? remaining)
        {
            Queue = queue;
            Receiver = receiver;
            Name = name;
            Type = type;
            Token = token;
            Async = async;
            Remaining = remaining;
        }

        public QueueKind Queue { get; }
        public ExpressionSyntax Receiver { get; }

        /// <summary>The local the take declared; null when the item was used in place (<c>Process(q.Get())</c>).</summary>
        public string? Name { get; }
        public TypeSyntax? Type { get; }

        /// <summary>The cancellation token the take was given, if any.</summary>
        public ExpressionSyntax? Token { get; }
        public bool Async { get; }

        /// <summary>What is left of the statement once the item comes from the loop (<c>Process(item);</c>).</summary>
        public StatementSyntax? Remaining { get; }
    }

    /// <summary>The first statement takes one item: <c>var x = q.Get();</c>, <c>var x = await q.GetAsync(token);</c>, <c>Process(bc.Take());</c>.</summary>
    private static TakeStatement? Take(StatementSyntax statement, SemanticModel model, QueueCatalog catalog, LockKey key, CancellationToken cancellationToken)
    {
        ExpressionSyntax value;
        string? name = null;
        TypeSyntax? type = null;
        InvocationExpressionSyntax? user = null;
        switch (statement)
        {
            // var x = q.Get();
            case LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, Modifiers.Count: 0, Declaration.Variables.Count: 1 } declaration
                when declaration.Declaration.Variables[0] is { Initializer: { } initializer } variable:
                value = initializer.Value;
                name = variable.Identifier.ValueText;
                type = declaration.Declaration.Type.IsVar ? null : declaration.Declaration.Type.WithoutTrivia();
                break;
            // Process(q.Get());  — the take is the call's only argument, and nothing else is evaluated first.
            case ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } call }
                when call.ArgumentList.Arguments[0] is { RefKindKeyword.RawKind: 0, NameColon: null } only && IsPlainTarget(call.Expression):
                value = only.Expression;
                user = call;
                break;
            default:
                return null;
        }

        var isAsync = false;
        if (value is AwaitExpressionSyntax awaited)
        {
            isAsync = true;
            value = awaited.Expression;
        }

        if (value is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } invocationSyntax
            || model.GetOperation(invocationSyntax, cancellationToken) is not IInvocationOperation invocation
            || !catalog.TryClassifyAct(invocation, out var act)
            || act.Kind != QueueActKind.Take || act.IsTry
            || !key.Equals(LockKey.Resolve(act.Receiver, LockMode.Exclusive, LockKey.NoCaptures)))
        {
            return null;
        }

        // Get(), GetNoWait(), Get(token), await GetAsync([token]), Take(), Take(token); not the timed forms.
        ExpressionSyntax? token = null;
        foreach (var parameter in invocation.TargetMethod.Parameters)
        {
            if (!IsCancellationToken(parameter.Type))
            {
                return null;
            }
        }

        foreach (var argument in invocation.Arguments)
        {
            if (!argument.IsImplicit && argument.Syntax is ArgumentSyntax argumentSyntax)
            {
                token = argumentSyntax.Expression;
            }
        }

        var methodName = invocation.TargetMethod.Name;
        var expected = act.Queue switch
        {
            QueueKind.LockstepBlockingQueue or QueueKind.LockstepJoinableQueue => isAsync ? methodName == "GetAsync" : methodName is "Get" or "GetNoWait",
            QueueKind.BlockingCollection => !isAsync && methodName == "Take",
            _ => false,
        };
        if (!expected)
        {
            return null;
        }

        StatementSyntax? remaining = null;
        if (user is not null)
        {
            var itemName = FreshName(statement, "item");
            remaining = statement.ReplaceNode(user.ArgumentList.Arguments[0].Expression, IdentifierName(itemName));
            name = null;
        }

        return new TakeStatement(act.Queue, access.Expression, name, type, token, isAsync, remaining);
    }

    private static bool IsPlainTarget(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax or GenericNameSyntax => true,
        MemberAccessExpressionSyntax access => access.Expression is IdentifierNameSyntax or ThisExpressionSyntax or PredefinedTypeSyntax || IsPlainTarget(access.Expression),
        _ => false,
    };

    private static bool IsCancellationToken(ITypeSymbol type) => type.Name == "CancellationToken" && type.ContainingNamespace?.ToDisplayString() == "System.Threading";

    /// <summary>A <c>CancellationToken</c> parameter of the enclosing lambda, local function or method.</summary>
    private static ExpressionSyntax? TokenInScope(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        for (var symbol = model.GetEnclosingSymbol(node.SpanStart, cancellationToken); symbol is IMethodSymbol method; symbol = method.ContainingSymbol)
        {
            foreach (var parameter in method.Parameters)
            {
                if (IsCancellationToken(parameter.Type) && !string.IsNullOrEmpty(parameter.Name))
                {
                    return IdentifierName(parameter.Name);
                }
            }
        }

        return null;
    }

    /// <summary>A name no code in the member uses yet.</summary>
    private static string FreshName(SyntaxNode near, string stem)
    {
        var member = near.Ancestors().OfType<MemberDeclarationSyntax>().FirstOrDefault() ?? near;
        var used = new HashSet<string>(member.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText), StringComparer.Ordinal);
        var name = stem;
        for (var i = 2; used.Contains(name); i++)
        {
            name = stem + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return name;
    }

    /// <summary>Whether a statement assigns the variable (the iteration variable of a foreach cannot be).</summary>
    private static bool Writes(StatementSyntax statement, string name)
    {
        foreach (var node in statement.DescendantNodesAndSelf())
        {
            switch (node)
            {
                case AssignmentExpressionSyntax assignment when QueueSyntax.LastIdentifier(assignment.Left) == name && assignment.Left is IdentifierNameSyntax:
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression, Operand: IdentifierNameSyntax { Identifier.ValueText: var prefixed } } when prefixed == name:
                case PostfixUnaryExpressionSyntax { Operand: IdentifierNameSyntax { Identifier.ValueText: var postfixed } } when postfixed == name:
                case ArgumentSyntax { RefKindKeyword.RawKind: not 0, Expression: IdentifierNameSyntax { Identifier.ValueText: var passed } } when passed == name:
                    return true;
            }
        }

        return false;
    }
}
