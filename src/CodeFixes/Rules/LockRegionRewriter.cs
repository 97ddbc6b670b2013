using Lockstep.Analyzers.Catalog;
using Lockstep.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Lockstep.CodeFixes.Rules;

/// <summary>The scoped form a held region becomes.</summary>
internal enum RegionForm
{
    /// <summary><c>using (x.Acquire()) { … }</c> (Lockstep locks, <c>System.Threading.Lock.EnterScope()</c>).</summary>
    Using,
    /// <summary><c>lock (o) { … }</c> for <c>Monitor.Enter(o)</c>.</summary>
    Lock,
    /// <summary><c>acquire; try { … } finally { release; }</c> for every other primitive.</summary>
    TryFinally,
}

/// <summary>
/// Plans and applies the LS1001/LS1003 rewrite: the statements from an acquire to the last release of
/// the same lock in the same block (or to the end of the block) become a scoped region, and releases
/// that sit right before a jump out of the region go away. Planned only when the rewrite keeps the
/// meaning: no <c>goto</c> or label in the region, no local of the region used after it, every
/// release in the region followed at once by leaving the region, no <c>await</c> inside a <c>lock</c>.
/// </summary>
internal sealed class LockRegionRewriter
{

    private LockRegionRewriter(
        ExpressionStatementSyntax acquire,
        BlockSyntax block,
        int regionEnd,
        StatementSyntax? finalRelease,
        IReadOnlyList<StatementSyntax> nestedReleases,
        RegionForm form,
        ExpressionSyntax scopeExpression,
        StatementSyntax? releaseStatement)
    {
        Acquire = acquire;
        Block = block;
        RegionEnd = regionEnd;
        FinalRelease = finalRelease;
        NestedReleases = nestedReleases;
        Form = form;
        ScopeExpression = scopeExpression;
        ReleaseStatement = releaseStatement;
    }

    public ExpressionStatementSyntax Acquire { get; }
    public BlockSyntax Block { get; }

    /// <summary>Index in <see cref="Block"/> of the last statement of the region (before the final release).</summary>
    public int RegionEnd { get; }
    public StatementSyntax? FinalRelease { get; }
    public IReadOnlyList<StatementSyntax> NestedReleases { get; }
    public RegionForm Form { get; }

    /// <summary>The <c>using</c> resource or the <c>lock</c> object.</summary>
    public ExpressionSyntax ScopeExpression { get; }

    /// <summary>The release that goes into the <c>finally</c> (for <see cref="RegionForm.TryFinally"/>).</summary>
    public StatementSyntax? ReleaseStatement { get; }

    public static LockRegionRewriter? TryPlan(ExpressionStatementSyntax statement, SemanticModel model, PrimitiveCatalog catalog, CancellationToken cancellationToken)
    {
        if (statement.Parent is not BlockSyntax block)
        {
            return null;
        }

        var expression = statement.Expression;
        // `await s.WaitAsync()`, `await s.WaitAsync().ConfigureAwait(false)` or a plain call.
        var operation = model.GetOperation(expression, cancellationToken);
        var called = operation is IAwaitOperation awaitOperation ? LockKey.Awaited(awaitOperation, LockKey.NoCaptures) : operation;
        if (called is not IInvocationOperation { Syntax: InvocationExpressionSyntax invocationSyntax } invocation
            || !catalog.TryClassify(invocation, out var op)
            || op.Kind != LockOpKind.Acquire
            || LockKey.Resolve(op.LockObject, op.Mode, LockKey.NoCaptures) is not { } key)
        {
            return null;
        }

        var statements = block.Statements;
        var index = statements.IndexOf(statement);
        var finalIndex = -1;
        for (var i = index + 1; i < statements.Count; i++)
        {
            if (IsReleaseOf(statements[i], key, model, catalog, cancellationToken))
            {
                finalIndex = i;
            }
        }

        var regionEnd = finalIndex >= 0 ? finalIndex - 1 : statements.Count - 1;
        var region = new List<StatementSyntax>();
        for (var i = index + 1; i <= regionEnd; i++)
        {
            region.Add(statements[i]);
        }

        var form = FormFor(op, invocation);
        if (form is null)
        {
            return null;
        }

        // What the rewrite must not change: control flow into the region, locals used after it, awaits in a lock.
        var nestedReleases = new List<StatementSyntax>();
        foreach (var regionStatement in region)
        {
            foreach (var node in regionStatement.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                switch (node)
                {
                    case GotoStatementSyntax:
                    case LabeledStatementSyntax:
                        return null;
                    case AwaitExpressionSyntax when form == RegionForm.Lock:
                        return null;
                    case ExpressionStatementSyntax nested when IsReleaseOf(nested, key, model, catalog, cancellationToken):
                        if (!LeavesRegionRightAfter(nested, block, regionEnd))
                        {
                            return null;
                        }

                        nestedReleases.Add(nested);
                        break;
                    case InvocationExpressionSyntax call when call.Parent is not ExpressionStatementSyntax && IsAcquireOrReleaseCall(call, key, model, catalog, cancellationToken):
                        // A release used as a value, or another acquire of the same lock: too clever to rewrite.
                        return null;
                }
            }
        }

        if (UsesRegionLocalsAfter(region, block, finalIndex >= 0 ? finalIndex + 1 : statements.Count))
        {
            return null;
        }

        var finalRelease = finalIndex >= 0 ? statements[finalIndex] : null;
        var scopeExpression = form switch
        {
            RegionForm.Using when op.Family == LockFamily.SystemLock =>
                invocationSyntax.WithExpression(RenameMember(invocationSyntax.Expression, "EnterScope")),
            RegionForm.Using => expression,
            RegionForm.Lock => ((ArgumentSyntax)invocationSyntax.ArgumentList.Arguments[0]).Expression,
            _ => expression,
        };

        StatementSyntax? releaseStatement = null;
        if (form == RegionForm.TryFinally)
        {
            releaseStatement = finalRelease ?? SynthesizeRelease(op, invocationSyntax);
            if (releaseStatement is null)
            {
                return null;
            }
        }

        return new LockRegionRewriter(statement, block, regionEnd, finalRelease, nestedReleases, form.Value, scopeExpression, releaseStatement);
    }

    public SyntaxNode Apply(SyntaxNode root)
    {
        var marker = new SyntaxAnnotation("LockstepReleaseInRegion");
        var block = Block.ReplaceNodes(NestedReleases, (_, rewritten) => rewritten.WithAdditionalAnnotations(marker));
        var index = Block.Statements.IndexOf(Acquire);
        var regionStatements = new List<StatementSyntax>();
        for (var i = index + 1; i <= RegionEnd; i++)
        {
            regionStatements.Add(block.Statements[i]);
        }

        // Drop the releases the scoped form now performs; a comment on them stays.
        var body = SyntaxFactory.Block(regionStatements);
        while (body.GetAnnotatedNodes(marker).FirstOrDefault() is StatementSyntax release)
        {
            var keepComments = release.GetLeadingTrivia().Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia));
            body = body.RemoveNode(release, (keepComments ? SyntaxRemoveOptions.KeepLeadingTrivia : SyntaxRemoveOptions.KeepNoTrivia) | SyntaxRemoveOptions.KeepUnbalancedDirectives)!;
        }

        var leading = Acquire.GetLeadingTrivia();
        var last = FinalRelease ?? (RegionEnd > index ? Block.Statements[RegionEnd] : Acquire);
        var trailing = last.GetTrailingTrivia();
        var replacement = new List<StatementSyntax>();
        switch (Form)
        {
            case RegionForm.Using:
                replacement.Add(UsingStatement(null, ScopeExpression.WithoutTrivia(), body).WithLeadingTrivia(leading).WithTrailingTrivia(trailing));
                break;
            case RegionForm.Lock:
                replacement.Add(LockStatement(ScopeExpression.WithoutTrivia(), body).WithLeadingTrivia(leading).WithTrailingTrivia(trailing));
                break;
            default:
                replacement.Add(Acquire);
                var release = ReleaseStatement!.WithoutTrivia();
                replacement.Add(TryStatement(body, default, FinallyClause(SyntaxFactory.Block(release))).WithTrailingTrivia(trailing));
                break;
        }

        var newStatements = block.Statements;
        var removeCount = (FinalRelease is null ? RegionEnd : RegionEnd + 1) - index + 1;
        for (var i = 0; i < removeCount; i++)
        {
            newStatements = newStatements.RemoveAt(index);
        }

        newStatements = newStatements.InsertRange(index, replacement.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)));
        return root.ReplaceNode(Block, block.WithStatements(newStatements));
    }

    private static RegionForm? FormFor(LockOperation op, IInvocationOperation invocation)
    {
        switch (op.Family)
        {
            case LockFamily.LockstepLock:
            case LockFamily.LockstepRLock:
            case LockFamily.LockstepSemaphore:
            case LockFamily.LockstepBoundedSemaphore:
                return op.ReturnsScope ? RegionForm.Using : RegionForm.TryFinally;
            case LockFamily.SystemLock:
                return invocation.TargetMethod.Name == "Enter" ? RegionForm.Using : null;
            case LockFamily.Monitor:
                return invocation.Arguments.Length == 1 ? RegionForm.Lock : null;
            case LockFamily.SemaphoreSlim:
            case LockFamily.Semaphore:
            case LockFamily.Mutex:
            case LockFamily.ReaderWriterLockSlim:
                return RegionForm.TryFinally;
            default:
                return null;
        }
    }

    private static StatementSyntax? SynthesizeRelease(LockOperation op, InvocationExpressionSyntax acquire)
    {
        if (acquire.Expression is not MemberAccessExpressionSyntax access)
        {
            return null;
        }

        var name = op.Family switch
        {
            LockFamily.Mutex => "ReleaseMutex",
            LockFamily.ReaderWriterLockSlim => op.Mode switch
            {
                LockMode.Read => "ExitReadLock",
                LockMode.Write => "ExitWriteLock",
                LockMode.UpgradeableRead => "ExitUpgradeableReadLock",
                _ => null,
            },
            _ => "Release",
        };

        return name is null
            ? null
            : ExpressionStatement(InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, access.Expression.WithoutTrivia(), IdentifierName(name))));
    }

    private static ExpressionSyntax RenameMember(ExpressionSyntax expression, string name)
        => expression is MemberAccessExpressionSyntax access ? access.WithName(IdentifierName(name)) : expression;

    private static bool IsReleaseOf(StatementSyntax statement, LockKey key, SemanticModel model, PrimitiveCatalog catalog, CancellationToken cancellationToken)
        => statement is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax call }
           && model.GetOperation(call, cancellationToken) is IInvocationOperation invocation
           && catalog.TryClassify(invocation, out var op)
           && op.Kind == LockOpKind.Release
           && key.Equals(LockKey.Resolve(op.LockObject, op.Mode, LockKey.NoCaptures));

    private static bool IsAcquireOrReleaseCall(InvocationExpressionSyntax call, LockKey key, SemanticModel model, PrimitiveCatalog catalog, CancellationToken cancellationToken)
        => model.GetOperation(call, cancellationToken) is IInvocationOperation invocation
           && catalog.TryClassify(invocation, out var op)
           && op.Kind != LockOpKind.ScopeDispose
           && LockKey.Resolve(op.LockObject, op.Mode, LockKey.NoCaptures) is { } other
           && other.IsSameObject(key);

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
                if (ReferenceEquals(parentBlock, regionBlock))
                {
                    return position == regionEnd;
                }

                if (position + 1 < siblings.Count)
                {
                    return IsJumpOutOf(siblings[position + 1], regionBlock);
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

    private static bool IsJumpOutOf(StatementSyntax statement, BlockSyntax regionBlock)
    {
        switch (statement)
        {
            case ReturnStatementSyntax:
            case ThrowStatementSyntax:
            case YieldStatementSyntax { RawKind: (int)SyntaxKind.YieldBreakStatement }:
                return true;
            case BreakStatementSyntax:
            case ContinueStatementSyntax:
                // Out of the region only when the loop or switch it leaves encloses the region.
                var target = statement.Ancestors().FirstOrDefault(a => a is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax
                    || (statement is BreakStatementSyntax && a is SwitchStatementSyntax));
                return target is not null && regionBlock.Ancestors().Contains(target);
            default:
                return false;
        }
    }

    private static bool UsesRegionLocalsAfter(List<StatementSyntax> region, BlockSyntax block, int afterIndex)
    {
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var statement in region)
        {
            if (statement is LocalDeclarationStatementSyntax declaration)
            {
                foreach (var variable in declaration.Declaration.Variables)
                {
                    declared.Add(variable.Identifier.ValueText);
                }
            }
            else if (statement is LocalFunctionStatementSyntax localFunction)
            {
                declared.Add(localFunction.Identifier.ValueText);
            }

            foreach (var designation in statement.DescendantNodesAndSelf(n => n is not (BlockSyntax or AnonymousFunctionExpressionSyntax) || n == statement)
                         .OfType<SingleVariableDesignationSyntax>())
            {
                declared.Add(designation.Identifier.ValueText);
            }
        }

        if (declared.Count == 0)
        {
            return false;
        }

        for (var i = afterIndex; i < block.Statements.Count; i++)
        {
            foreach (var identifier in block.Statements[i].DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                if (declared.Contains(identifier.Identifier.ValueText))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
