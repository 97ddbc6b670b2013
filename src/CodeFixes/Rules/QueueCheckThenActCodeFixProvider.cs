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
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Lockstep.CodeFixes.Rules;

/// <summary>
/// LS3001: lets the queue operation decide instead of a stale check.
/// <c>if (!q.IsEmpty) { var x = q.GetNoWait(); … }</c> → <c>if (q.TryGet(out var x)) { … }</c>;
/// <c>if (!q.IsFull) q.PutNoWait(v);</c> → <c>q.TryPut(v);</c>; <c>BlockingCollection</c> → <c>TryTake</c>/<c>TryAdd</c>;
/// an ignored <c>TryDequeue</c> moves into the condition. The same for <c>while</c>, <c>else</c> and
/// early-return guards (<c>if (q.IsEmpty) return; var x = q.Get();</c> → <c>if (!q.TryGet(out var x)) return;</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(QueueCheckThenActCodeFixProvider)), Shared]
public sealed class QueueCheckThenActCodeFixProvider : CodeFixProvider
{
    /// <summary>Take the item with a Try call (<c>TryGet</c>, <c>TryTake</c>, <c>TryRead</c>) in the condition.</summary>
    public const string TryTakeKey = "Lockstep.Queues.TryTake";

    /// <summary>Put with a Try call (<c>TryPut</c>, <c>TryAdd</c>).</summary>
    public const string TryPutKey = "Lockstep.Queues.TryPut";

    /// <summary>Test the <see langword="bool"/> of a Try call that was ignored (<c>TryDequeue</c>, <c>TryPop</c>, …).</summary>
    public const string UseTryResultKey = "Lockstep.Queues.UseTryResult";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.QueueCheckThenAct);

    public override FixAllProvider GetFixAllProvider() => new QueueFixAllProvider("Let the queue operations decide", FixAsync);

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

            context.RegisterCodeFix(CodeAction.Create(plan.Title, _ => Task.FromResult(plan.Document), plan.Key), diagnostic);
        }
    }

    private static async Task<Document?> FixAsync(Document document, SyntaxNode anchor, ImmutableDictionary<string, string?> properties, CancellationToken cancellationToken)
        => (await PlanAsync(document, anchor, properties, cancellationToken).ConfigureAwait(false))?.Document;

    private sealed class Plan
    {
        public Plan(Document document, string title, string key)
        {
            Document = document;
            Title = title;
            Key = key;
        }

        public Document Document { get; }
        public string Title { get; }
        public string Key { get; }
    }

    private static async Task<Plan?> PlanAsync(Document document, SyntaxNode anchor, ImmutableDictionary<string, string?> properties, CancellationToken cancellationToken)
    {
        if (anchor is not ExpressionSyntax check
            || !properties.TryGetValue(QueueAnalyzer.ReplaceableProperty, out var replaceable) || replaceable != "true"
            || !properties.TryGetValue(QueueAnalyzer.GuardProperty, out var guard)
            || await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false) is not { } model
            || await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not { } root)
        {
            return null;
        }

        var catalog = QueueCatalog.For(model.Compilation);
        if (CheckedQueue(check, model, catalog, cancellationToken) is not { } key)
        {
            return null;
        }

        // Where the act is: the first statement the check guards.
        StatementSyntax? owner = null;
        StatementSyntax? actStatement = null;
        StatementSyntax? actScope = null;
        ExpressionSyntax replaced = check;
        var inverted = false;
        switch (guard)
        {
            // if (check) { act; … }
            case QueueAnalyzer.Guards.Then when ConditionRoot(check) is { Parent: IfStatementSyntax thenOwner } thenCondition && thenOwner.Condition == thenCondition:
                (owner, actScope) = (thenOwner, thenOwner.Statement);
                actStatement = FirstStatement(thenOwner.Statement);
                break;
            // while (check) { act; … }
            case QueueAnalyzer.Guards.While when ConditionRoot(check) is { Parent: WhileStatementSyntax whileOwner } whileCondition && whileOwner.Condition == whileCondition:
                owner = whileOwner;
                actStatement = FirstStatement(whileOwner.Statement);
                break;
            // if (check) { … } else { act; … }
            case QueueAnalyzer.Guards.Else when check.WalkUpParentheses() is { Parent: IfStatementSyntax { Else: { } elseClause } elseOwner } elseCondition && elseOwner.Condition == elseCondition:
                (owner, actScope, replaced, inverted) = (elseOwner, elseClause.Statement, elseCondition, true);
                actStatement = FirstStatement(elseClause.Statement);
                break;
            // if (check) return; act;
            case QueueAnalyzer.Guards.After when check.WalkUpParentheses() is { Parent: IfStatementSyntax { Else: null, Parent: BlockSyntax } afterOwner } afterCondition && afterOwner.Condition == afterCondition:
                (owner, replaced, inverted) = (afterOwner, afterCondition, true);
                actStatement = NextStatement(afterOwner);
                break;
        }

        if (owner is null || actStatement is null
            || Act(actStatement, model, catalog, key, cancellationToken) is not { Replacement: { } replacement } act)
        {
            return null;
        }

        // An out variable declared in an if condition is in scope in the whole enclosing block.
        if (act.DeclaredName is { } name && actScope is not null && !CanWiden(name, owner, actScope))
        {
            return null;
        }

        ExpressionSyntax newCall = replacement.WithoutTrivia();
        var newOwner = owner.ReplaceNodes(
            new SyntaxNode[] { replaced, actStatement }.Where(n => owner.Span.Contains(n.Span)),
            (original, rewritten) => original == actStatement
                ? rewritten.WithAdditionalAnnotations(RemovedMarker)
                : inverted
                    ? PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, newCall).WithTriviaFrom(original)
                    : newCall.WithTriviaFrom(original));

        SyntaxNode newRoot;
        if (guard == QueueAnalyzer.Guards.After)
        {
            var block = (BlockSyntax)owner.Parent!;
            var index = block.Statements.IndexOf(owner);
            var statements = block.Statements;
            if (index + 2 < statements.Count && !HasComments(actStatement))
            {
                // The blank line that set the act apart now sets apart what follows it.
                statements = statements.Replace(statements[index + 2], statements[index + 2].WithLeadingTrivia(actStatement.GetLeadingTrivia()));
            }

            statements = statements.RemoveAt(index + 1).RemoveAt(index).Insert(index, newOwner.WithAdditionalAnnotations(Formatter.Annotation));
            newRoot = root.ReplaceNode(block, block.WithStatements(statements));
        }
        else
        {
            newOwner = RemoveMarked(newOwner);
            if (newOwner is IfStatementSyntax { Else: { } emptyElse } withElse && emptyElse.Statement is BlockSyntax { Statements.Count: 0 } && !HasComments(emptyElse))
            {
                newOwner = withElse.WithElse(null);
            }

            // if (!q.IsFull) q.PutNoWait(v);  →  q.TryPut(v);
            if (act.Kind == QueueActKind.Put && newOwner is IfStatementSyntax { Else: null } onlyPut && AreEquivalent(onlyPut.Condition, newCall)
                && onlyPut.Statement is BlockSyntax { Statements.Count: 0 } && !HasComments(onlyPut.Statement))
            {
                newOwner = ExpressionStatement(newCall).WithTriviaFrom(owner);
            }

            newRoot = root.ReplaceNode(owner, newOwner.WithAdditionalAnnotations(Formatter.Annotation));
        }

        var (title, fixKey) = act.Kind switch
        {
            _ when act.IsTry => ("Test the result of '" + act.Name + "'", UseTryResultKey),
            QueueActKind.Put => ("Use '" + act.ReplacementName + "'", TryPutKey),
            _ => ("Use '" + act.ReplacementName + "'", TryTakeKey),
        };
        return new Plan(document.WithSyntaxRoot(newRoot), title, fixKey);
    }

    private static readonly SyntaxAnnotation RemovedMarker = new("LockstepQueueActRemoved");

    private static StatementSyntax RemoveMarked(StatementSyntax owner)
    {
        if (owner.GetAnnotatedNodes(RemovedMarker).FirstOrDefault() is not StatementSyntax marked)
        {
            return owner;
        }

        if (marked.Parent is BlockSyntax)
        {
            var keep = HasComments(marked) ? SyntaxRemoveOptions.KeepLeadingTrivia : SyntaxRemoveOptions.KeepNoTrivia;
            return owner.RemoveNode(marked, keep | SyntaxRemoveOptions.KeepUnbalancedDirectives) ?? owner;
        }

        // A single embedded statement (`if (c) act;`) becomes an empty block.
        return owner.ReplaceNode(marked, Block());
    }

    private static bool HasComments(SyntaxNode node) => QueueSyntax.HasComments(node);

    /// <summary>The whole condition a check is the last <c>&amp;&amp;</c> operand of.</summary>
    private static ExpressionSyntax ConditionRoot(ExpressionSyntax check)
    {
        var current = check.WalkUpParentheses();
        while (current.Parent is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression } and && and.Right.WalkDownParentheses() == current.WalkDownParentheses())
        {
            current = and.WalkUpParentheses();
        }

        return current;
    }

    private static StatementSyntax? FirstStatement(StatementSyntax statement)
        => statement is BlockSyntax block ? block.Statements.FirstOrDefault() : statement;

    private static StatementSyntax? NextStatement(StatementSyntax statement)
    {
        if (statement.Parent is not BlockSyntax block)
        {
            return null;
        }

        var index = block.Statements.IndexOf(statement);
        return index + 1 < block.Statements.Count ? block.Statements[index + 1] : null;
    }

    /// <summary>The queue the check reads, as the flow engine names it.</summary>
    private static LockKey? CheckedQueue(ExpressionSyntax check, SemanticModel model, QueueCatalog catalog, CancellationToken cancellationToken)
    {
        if (model.GetOperation(check, cancellationToken) is not { } operation)
        {
            return null;
        }

        foreach (var node in operation.DescendantsAndSelf())
        {
            if (catalog.TryClassifyProbe(node, out var probe) && probe.Kind != QueueProbeKind.Capacity)
            {
                return LockKey.Resolve(probe.Receiver, LockMode.Exclusive, NoCaptures);
            }
        }

        return null;
    }

    private static readonly IReadOnlyDictionary<Microsoft.CodeAnalysis.FlowAnalysis.CaptureId, IOperation> NoCaptures
        = new Dictionary<Microsoft.CodeAnalysis.FlowAnalysis.CaptureId, IOperation>();

    private sealed class ActRewrite
    {
        public ActRewrite(QueueActKind kind, bool isTry, string name, InvocationExpressionSyntax? replacement, string replacementName, string? declaredName)
        {
            Kind = kind;
            IsTry = isTry;
            Name = name;
            Replacement = replacement;
            ReplacementName = replacementName;
            DeclaredName = declaredName;
        }

        public QueueActKind Kind { get; }
        public bool IsTry { get; }
        public string Name { get; }

        /// <summary>The Try call that takes the check's place; null when the act has no Try twin we can write.</summary>
        public InvocationExpressionSyntax? Replacement { get; }
        public string ReplacementName { get; }

        /// <summary>The local the act declared (<c>var x = q.Get();</c>), now declared by <c>out var x</c>.</summary>
        public string? DeclaredName { get; }
    }

    /// <summary>Reads the guarded statement: <c>var x = q.Get();</c>, <c>x = q.Take();</c>, <c>q.TryDequeue(out var x);</c>, <c>q.PutNoWait(v);</c>.</summary>
    private static ActRewrite? Act(StatementSyntax statement, SemanticModel model, QueueCatalog catalog, LockKey key, CancellationToken cancellationToken)
    {
        ExpressionSyntax? value;
        ArgumentSyntax? outTarget = null;
        string? declaredName = null;
        switch (statement)
        {
            // var x = q.Get();  T x = await reader.ReadAsync();
            case LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, Declaration.Variables.Count: 1 } declaration
                when declaration.Modifiers.Count == 0 && declaration.Declaration.Variables[0].Initializer is { } initializer:
                var variable = declaration.Declaration.Variables[0];
                value = initializer.Value;
                declaredName = variable.Identifier.ValueText;
                outTarget = Argument(DeclarationExpression(declaration.Declaration.Type.WithoutTrivia(), SingleVariableDesignation(variable.Identifier.WithoutTrivia())))
                    .WithRefKindKeyword(Token(SyntaxKind.OutKeyword));
                break;
            // x = q.Take();
            case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax target } assignment }
                when model.GetSymbolInfo(target, cancellationToken).Symbol is ILocalSymbol or IParameterSymbol or IFieldSymbol:
                value = assignment.Right;
                outTarget = Argument(target.WithoutTrivia()).WithRefKindKeyword(Token(SyntaxKind.OutKeyword));
                break;
            // _ = q.TryDequeue(out var x);
            case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } discard }:
                value = discard.Right;
                break;
            // q.TryDequeue(out var x);  q.PutNoWait(v);
            case ExpressionStatementSyntax expressionStatement:
                value = expressionStatement.Expression;
                break;
            default:
                return null;
        }

        var awaited = false;
        if (value is AwaitExpressionSyntax awaitExpression)
        {
            awaited = true;
            value = awaitExpression.Expression;
        }

        if (value is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } invocationSyntax
            || model.GetOperation(invocationSyntax, cancellationToken) is not IInvocationOperation invocation
            || !catalog.TryClassifyAct(invocation, out var act)
            || !key.Equals(LockKey.Resolve(act.Receiver, LockMode.Exclusive, NoCaptures)))
        {
            return null;
        }

        var method = invocation.TargetMethod;
        if (act.IsTry)
        {
            // The Try call itself goes into the condition, its result no longer ignored.
            var declared = invocationSyntax.ArgumentList.Arguments
                .Select(a => (a.Expression as DeclarationExpressionSyntax)?.Designation as SingleVariableDesignationSyntax)
                .FirstOrDefault(d => d is not null)?.Identifier.ValueText;
            return act.Kind == QueueActKind.Put || outTarget is not null
                ? null
                : new ActRewrite(act.Kind, isTry: true, method.Name, invocationSyntax, method.Name, declared);
        }

        if (act.Kind == QueueActKind.Put)
        {
            // q.Put(v) / q.PutNoWait(v) / q.Put(v, timeout) → q.TryPut(v[, timeout]); bc.Add(v) → bc.TryAdd(v)
            if (outTarget is not null || awaited)
            {
                return null;
            }

            var (putName, ok) = (act.Queue, method.Name, method.Parameters.Length) switch
            {
                (QueueKind.LockstepBlockingQueue or QueueKind.LockstepJoinableQueue, "Put" or "PutNoWait", 1) => ("TryPut", true),
                (QueueKind.LockstepBlockingQueue or QueueKind.LockstepJoinableQueue, "Put", 2) when IsTimeSpan(method.Parameters[1].Type) => ("TryPut", true),
                (QueueKind.BlockingCollection, "Add", 1) => ("TryAdd", true),
                _ => ("", false),
            };
            return ok
                ? new ActRewrite(act.Kind, isTry: false, method.Name, invocationSyntax.WithExpression(access.WithName(IdentifierName(putName))), putName, declaredName: null)
                : null;
        }

        // var x = q.Get() / GetNoWait() / Get(timeout) → q.TryGet(out var x[, timeout]); bc.Take() → bc.TryTake(out var x);
        // await reader.ReadAsync([token]) → reader.TryRead(out var x)
        var (takeName, keepArguments) = (act.Queue, method.Name, method.Parameters.Length, awaited) switch
        {
            (QueueKind.LockstepBlockingQueue or QueueKind.LockstepJoinableQueue, "Get" or "GetNoWait", 0, false) => ("TryGet", true),
            (QueueKind.LockstepBlockingQueue or QueueKind.LockstepJoinableQueue, "Get", 1, false) when IsTimeSpan(method.Parameters[0].Type) => ("TryGet", true),
            (QueueKind.BlockingCollection, "Take", 0, false) => ("TryTake", true),
            (QueueKind.ChannelReader, "ReadAsync", _, true) => ("TryRead", false),
            _ => ((string?)null, false),
        };
        if (takeName is null)
        {
            return null;
        }

        var outArgument = outTarget ?? Argument(IdentifierName("_")).WithRefKindKeyword(Token(SyntaxKind.OutKeyword));
        var arguments = SeparatedList(new[] { outArgument }.Concat(keepArguments ? invocationSyntax.ArgumentList.Arguments.Select(a => a.WithoutTrivia()) : Enumerable.Empty<ArgumentSyntax>()));
        var replacement = InvocationExpression(access.WithName(IdentifierName(takeName)).WithoutTrivia(), ArgumentList(arguments));
        return new ActRewrite(act.Kind, isTry: false, method.Name, replacement, takeName, declaredName);
    }

    private static bool IsTimeSpan(ITypeSymbol type) => type.Name == "TimeSpan" && type.ContainingNamespace?.ToDisplayString() == "System";

    /// <summary>
    /// <c>out var x</c> in an <c>if</c> condition is in scope in the whole enclosing block: no other declaration
    /// there may use the name, and no code outside the branch the local came from may mean something else by it.
    /// </summary>
    private static bool CanWiden(string name, StatementSyntax owner, StatementSyntax actScope)
    {
        if (owner.Parent is not BlockSyntax enclosing)
        {
            // An embedded statement (`else if`, a loop body without braces) is its own scope; a switch section is not.
            return owner.Parent is not (SwitchSectionSyntax or GlobalStatementSyntax or null);
        }

        foreach (var node in enclosing.DescendantNodes())
        {
            if (actScope.Span.Contains(node.Span))
            {
                continue;
            }

            var uses = node switch
            {
                VariableDeclaratorSyntax declarator => declarator.Identifier.ValueText == name,
                SingleVariableDesignationSyntax designation => designation.Identifier.ValueText == name,
                ForEachStatementSyntax forEach => forEach.Identifier.ValueText == name,
                CatchDeclarationSyntax catchDeclaration => catchDeclaration.Identifier.ValueText == name,
                ParameterSyntax parameter => parameter.Identifier.ValueText == name,
                LocalFunctionStatementSyntax localFunction => localFunction.Identifier.ValueText == name,
                IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
                _ => false,
            };
            if (uses)
            {
                return false;
            }
        }

        return true;
    }
}
