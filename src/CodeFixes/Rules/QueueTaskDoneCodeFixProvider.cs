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
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Lockstep.CodeFixes.Rules;

/// <summary>
/// LS3003: the processing of an item taken from a <c>JoinableQueue</c> goes into <c>try { … } finally {
/// q.TaskDone(); }</c>, so every path, exceptions included, marks it done. The get stays before the
/// <c>try</c> (a get that throws took nothing); <c>TaskDone()</c> calls that the <c>finally</c> now makes
/// (the last one of the block, and those right before a jump out of the region) go away. Planned only when
/// the rewrite keeps the meaning: no <c>goto</c> or label in the region, no local of the region used after
/// it, no other <c>TaskDone()</c> of the queue inside it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(QueueTaskDoneCodeFixProvider)), Shared]
public sealed class QueueTaskDoneCodeFixProvider : CodeFixProvider
{
    /// <summary>Call <c>TaskDone()</c> in a <c>finally</c>.</summary>
    public const string TaskDoneInFinallyKey = "Lockstep.Queues.TaskDoneInFinally";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.JoinableQueueItemNotDone);

    public override FixAllProvider GetFixAllProvider() => new QueueFixAllProvider("Call 'TaskDone()' in 'finally'", FixAsync);

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
                || await FixAsync(context.Document, anchor, diagnostic.Properties, context.CancellationToken).ConfigureAwait(false) is not { } fixedDocument)
            {
                continue;
            }

            context.RegisterCodeFix(CodeAction.Create("Call 'TaskDone()' in 'finally'", _ => Task.FromResult(fixedDocument), TaskDoneInFinallyKey), diagnostic);
        }
    }

    private static async Task<Document?> FixAsync(Document document, SyntaxNode anchor, ImmutableDictionary<string, string?> properties, CancellationToken cancellationToken)
    {
        if (anchor is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } get
            || await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false) is not { } model
            || await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false) is not { } root
            || model.GetOperation(get, cancellationToken) is not IInvocationOperation invocation
            || !QueueCatalog.For(model.Compilation).TryClassify(invocation, out var operation)
            || !operation.IsAcquire)
        {
            return null;
        }

        var queue = access.Expression;
        if (Region(get) is not { } region)
        {
            return null;
        }

        var (block, start) = region;
        var statements = block.Statements;

        // The region runs to the last `q.TaskDone();` of the block (which the finally replaces), or to its end.
        var finalIndex = -1;
        for (var i = start; i < statements.Count; i++)
        {
            if (IsTaskDone(statements[i], queue))
            {
                finalIndex = i;
            }
        }

        var regionEnd = finalIndex >= 0 ? finalIndex - 1 : statements.Count - 1;
        if (regionEnd < start)
        {
            return null;
        }

        var regionStatements = new List<StatementSyntax>();
        for (var i = start; i <= regionEnd; i++)
        {
            regionStatements.Add(statements[i]);
        }

        // Nested `q.TaskDone();` calls must sit right before leaving the region: the finally makes them.
        var nested = new List<StatementSyntax>();
        foreach (var statement in regionStatements)
        {
            foreach (var node in statement.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                switch (node)
                {
                    case GotoStatementSyntax:
                    case LabeledStatementSyntax:
                        return null;
                    case ExpressionStatementSyntax nestedDone when IsTaskDone(nestedDone, queue):
                        if (!LeavesRegionRightAfter(nestedDone, block, regionEnd))
                        {
                            return null;
                        }

                        nested.Add(nestedDone);
                        break;
                    case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "TaskDone" } call } done
                        when done.Parent is not ExpressionStatementSyntax && AreEquivalent(call.Expression, queue):
                        return null;
                }
            }
        }

        var after = new List<StatementSyntax>();
        for (var i = (finalIndex >= 0 ? finalIndex : regionEnd) + 1; i < statements.Count; i++)
        {
            after.Add(statements[i]);
        }

        if (QueueSyntax.DeclaresNameUsedIn(regionStatements, after))
        {
            return null;
        }

        // Build `try { region } finally { q.TaskDone(); }`.
        var marker = new SyntaxAnnotation("LockstepTaskDoneInRegion");
        var annotatedBlock = block.ReplaceNodes(nested, (_, rewritten) => rewritten.WithAdditionalAnnotations(marker));
        var body = Block(Enumerable.Range(start, regionEnd - start + 1).Select(i => annotatedBlock.Statements[i]));
        while (body.GetAnnotatedNodes(marker).FirstOrDefault() is StatementSyntax redundant)
        {
            var keep = QueueSyntax.HasComments(redundant) ? SyntaxRemoveOptions.KeepLeadingTrivia : SyntaxRemoveOptions.KeepNoTrivia;
            body = body.RemoveNode(redundant, keep | SyntaxRemoveOptions.KeepUnbalancedDirectives)!;
        }

        var taskDone = ExpressionStatement(InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, queue.WithoutTrivia(), IdentifierName("TaskDone"))));
        var last = finalIndex >= 0 ? statements[finalIndex] : statements[regionEnd];
        var tryStatement = TryStatement(body, default, FinallyClause(Block(taskDone)))
            .WithLeadingTrivia(LayoutOnly(statements[start].GetLeadingTrivia()))
            .WithTrailingTrivia(last.GetTrailingTrivia())
            .WithAdditionalAnnotations(Formatter.Annotation);

        var newStatements = statements;
        var removeCount = (finalIndex >= 0 ? finalIndex : regionEnd) - start + 1;
        for (var i = 0; i < removeCount; i++)
        {
            newStatements = newStatements.RemoveAt(start);
        }

        newStatements = newStatements.Insert(start, tryStatement);
        return document.WithSyntaxRoot(root.ReplaceNode(block, block.WithStatements(newStatements)));
    }

    /// <summary>
    /// Where the item's processing is: the statements after the get in its block (<c>var x = q.Get();</c>,
    /// <c>if (!q.TryGet(out var x)) return;</c>), or the body a <c>TryGet</c> condition guards
    /// (<c>if (q.TryGet(out var x)) { … }</c>, <c>while (q.TryGet(out var x)) { … }</c>).
    /// </summary>
    private static (BlockSyntax Block, int Start)? Region(InvocationExpressionSyntax get)
    {
        ExpressionSyntax value = get;
        if (value.Parent is AwaitExpressionSyntax awaited)
        {
            value = awaited;
        }

        value = value.WalkUpParentheses();
        switch (value.Parent)
        {
            // var x = q.Get();
            case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0 } declaration } } }:
                return After(declaration);
            // x = q.Get();
            case AssignmentExpressionSyntax { Parent: ExpressionStatementSyntax assignment } assigned when assigned.Right == value:
                return After(assignment);
            // q.TryGet(out var x) as a whole condition
            case IfStatementSyntax ifStatement when ifStatement.Condition == value && ifStatement.Statement is BlockSyntax thenBlock:
                return (thenBlock, 0);
            case WhileStatementSyntax whileStatement when whileStatement.Condition == value && whileStatement.Statement is BlockSyntax whileBody:
                return (whileBody, 0);
            // if (!q.TryGet(out var x)) return;
            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not
                when not.WalkUpParentheses().Parent is IfStatementSyntax { Else: null } guard && guard.Condition == not.WalkUpParentheses() && AlwaysLeaves(guard.Statement):
                return After(guard);
            default:
                return null;
        }
    }

    /// <summary>The blank lines and indentation of a leading trivia, without its comments (they stay with their statement, inside the try).</summary>
    private static SyntaxTriviaList LayoutOnly(SyntaxTriviaList leading)
    {
        var lastComment = -1;
        for (var i = 0; i < leading.Count; i++)
        {
            if (!leading[i].IsKind(SyntaxKind.WhitespaceTrivia) && !leading[i].IsKind(SyntaxKind.EndOfLineTrivia))
            {
                lastComment = i;
            }
        }

        if (lastComment < 0)
        {
            return leading;
        }

        // Blank lines before the first comment, then the indentation of the statement's own line.
        var layout = new List<SyntaxTrivia>();
        for (var i = 0; i < leading.Count && (leading[i].IsKind(SyntaxKind.WhitespaceTrivia) || leading[i].IsKind(SyntaxKind.EndOfLineTrivia)); i++)
        {
            layout.Add(leading[i]);
        }

        while (layout.Count > 0 && layout[layout.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia))
        {
            layout.RemoveAt(layout.Count - 1);
        }

        for (var i = lastComment + 1; i < leading.Count; i++)
        {
            if (leading[i].IsKind(SyntaxKind.WhitespaceTrivia))
            {
                layout.Add(leading[i]);
            }
        }

        return TriviaList(layout);
    }

    private static (BlockSyntax Block, int Start)? After(StatementSyntax statement)
        => statement.Parent is BlockSyntax block ? (block, block.Statements.IndexOf(statement) + 1) : null;

    private static bool AlwaysLeaves(StatementSyntax statement)
    {
        var last = statement is BlockSyntax block ? block.Statements.LastOrDefault() : statement;
        return last is ReturnStatementSyntax or ThrowStatementSyntax or BreakStatementSyntax or ContinueStatementSyntax;
    }

    private static bool IsTaskDone(StatementSyntax statement, ExpressionSyntax queue)
        => statement is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "TaskDone" } access } }
           && AreEquivalent(access.Expression, queue);

    /// <summary>Control leaves the region right after <paramref name="statement"/>: a jump out of it follows, or the region ends.</summary>
    private static bool LeavesRegionRightAfter(StatementSyntax statement, BlockSyntax regionBlock, int regionEnd)
    {
        var current = statement;
        for (var depth = 0; depth < 32; depth++)
        {
            if (current.Parent is BlockSyntax parentBlock)
            {
                var siblings = parentBlock.Statements;
                var position = siblings.IndexOf(current);
                if (parentBlock == regionBlock)
                {
                    return position == regionEnd;
                }

                if (position + 1 < siblings.Count)
                {
                    return QueueSyntax.IsJumpOutOf(siblings[position + 1], regionBlock);
                }

                current = parentBlock;
                continue;
            }

            switch (current.Parent)
            {
                case IfStatementSyntax ifStatement:
                    current = ifStatement;
                    continue;
                case ElseClauseSyntax { Parent: IfStatementSyntax elseOwner }:
                    current = elseOwner;
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }
}
