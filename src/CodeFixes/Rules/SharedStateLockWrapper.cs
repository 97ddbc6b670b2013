using Lockstep.Analyzers.Catalog;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Lockstep.CodeFixes.Rules;

/// <summary>
/// Puts one statement (or an expression-bodied member's expression) inside the scoped form of a lock:
/// <c>lock (o) { … }</c> for a plain object, <c>using (x.Acquire()) { … }</c> for a Lockstep lock,
/// <c>using (x.EnterScope()) { … }</c> for <c>System.Threading.Lock</c>, and
/// <c>acquire; try { … } finally { release; }</c> for the rest. Planned only when the result keeps the
/// meaning: no <c>await</c> inside, no local declared by the statement used after it, the lock binds
/// where the statement is.
/// </summary>
internal sealed class SharedStateLockWrapper
{
    private SharedStateLockWrapper(SyntaxNode target, bool isMember, ExpressionSyntax lockExpression, LockFamily family, bool readMode, bool returnsValue)
    {
        Target = target;
        IsMember = isMember;
        LockExpression = lockExpression;
        Family = family;
        ReadMode = readMode;
        ReturnsValue = returnsValue;
    }

    /// <summary>The statement to wrap, or the expression-bodied member to give a block body.</summary>
    public SyntaxNode Target { get; }

    /// <summary><see cref="Target"/> is an expression-bodied member (or accessor, or local function), not a statement.</summary>
    public bool IsMember { get; }

    public ExpressionSyntax LockExpression { get; }
    public LockFamily Family { get; }
    public bool ReadMode { get; }

    /// <summary>For an expression-bodied member: the expression is returned (a getter, a non-void method).</summary>
    public bool ReturnsValue { get; }

    public string LockDisplay => LockExpression.ToString();

    /// <summary>
    /// Plans the wrap of the statement around <paramref name="access"/>. The lock expression is the
    /// access with its last name replaced by the lock member (<c>other._count</c> → <c>other._gate</c>),
    /// or its receiver for <c>"this"</c>.
    /// </summary>
    public static SharedStateLockWrapper? TryPlan(ExpressionSyntax access, string lockMember, string? familyName, string? mode, SemanticModel model, CancellationToken cancellationToken)
    {
        if (familyName is null || !Enum.TryParse<LockFamily>(familyName, out var family) || !HasScopedForm(family))
        {
            return null;
        }

        if (LockExpressionFor(access, lockMember) is not { } lockExpression)
        {
            return null;
        }

        var target = TargetOf(access, model, cancellationToken, out var returnsValue, out var isMember);
        if (target is null || target.DescendantNodesAndSelf().Any(n => n is AwaitExpressionSyntax && !IsInsideFunction(n, target)))
        {
            return null;
        }

        // The lock must mean the same object where the statement is (in scope, not shadowed, not an instance member in a static context).
        var position = access.SpanStart;
        var staticContext = model.GetEnclosingSymbol(position, cancellationToken) is { IsStatic: true };
        if (lockExpression is ThisExpressionSyntax)
        {
            if (staticContext)
            {
                return null;
            }
        }
        else
        {
            var bound = model.GetSpeculativeSymbolInfo(position, lockExpression, SpeculativeBindingOption.BindAsExpression).Symbol;
            if (bound is null || (lockMember != "this" && bound.Name != lockMember)
                || (!bound.IsStatic && bound is IFieldSymbol or IPropertySymbol && lockExpression is IdentifierNameSyntax && staticContext))
            {
                return null;
            }
        }

        return new SharedStateLockWrapper(target, isMember, lockExpression, family, mode == "Read", returnsValue);
    }

    /// <summary>Rewrites <paramref name="current"/> (the <see cref="Target"/> as it stands now, maybe with nested fixes applied).</summary>
    public SyntaxNode Apply(SyntaxNode current)
    {
        if (IsMember)
        {
            if (ArrowOf(current) is not { } arrow)
            {
                return current;
            }

            StatementSyntax inner = ReturnsValue ? ReturnStatement(arrow.Expression.WithoutTrivia()) : ExpressionStatement(arrow.Expression.WithoutTrivia());
            return WithBlockBody(current, Block(Wrap(inner))) ?? current;
        }

        switch (current)
        {
            case StatementSyntax statement:
                var wrapped = Wrap(statement.WithoutTrivia());
                if (wrapped.Count == 1)
                {
                    return wrapped[0].WithLeadingTrivia(statement.GetLeadingTrivia()).WithTrailingTrivia(statement.GetTrailingTrivia()).WithAdditionalAnnotations(Formatter.Annotation);
                }

                // Two statements (acquire; try/finally) where only one fits: a block, which the caller splices into its parent block.
                return Block(wrapped).WithLeadingTrivia(statement.GetLeadingTrivia()).WithTrailingTrivia(statement.GetTrailingTrivia()).WithAdditionalAnnotations(Formatter.Annotation, SpliceAnnotation);

            default:
                return current;
        }
    }

    /// <summary>Marks a block made of an acquire and its try/finally, to be spliced into the enclosing block.</summary>
    public static SyntaxAnnotation SpliceAnnotation { get; } = new("LockstepSpliceIntoParent");

    private static ArrowExpressionClauseSyntax? ArrowOf(SyntaxNode member) => member switch
    {
        BaseMethodDeclarationSyntax method => method.ExpressionBody,
        LocalFunctionStatementSyntax local => local.ExpressionBody,
        AccessorDeclarationSyntax accessor => accessor.ExpressionBody,
        BasePropertyDeclarationSyntax property => property switch
        {
            PropertyDeclarationSyntax p => p.ExpressionBody,
            IndexerDeclarationSyntax i => i.ExpressionBody,
            _ => null,
        },
        _ => null,
    };

    /// <summary>The member (or accessor) with <paramref name="body"/> instead of its arrow; null when it is not such a member.</summary>
    private static SyntaxNode? WithBlockBody(SyntaxNode member, BlockSyntax body)
    {
        var formatted = body.WithAdditionalAnnotations(Formatter.Annotation);
        switch (member)
        {
            case MethodDeclarationSyntax method:
                return method.WithExpressionBody(null).WithSemicolonToken(default).WithBody(formatted).WithAdditionalAnnotations(Formatter.Annotation);
            case LocalFunctionStatementSyntax local:
                return local.WithExpressionBody(null).WithSemicolonToken(default).WithBody(formatted).WithAdditionalAnnotations(Formatter.Annotation);
            case AccessorDeclarationSyntax accessor:
                return accessor.WithExpressionBody(null).WithSemicolonToken(default).WithBody(formatted).WithAdditionalAnnotations(Formatter.Annotation);
            case OperatorDeclarationSyntax op:
                return op.WithExpressionBody(null).WithSemicolonToken(default).WithBody(formatted).WithAdditionalAnnotations(Formatter.Annotation);
            case PropertyDeclarationSyntax property:
                var getter = AccessorDeclaration(SyntaxKind.GetAccessorDeclaration, formatted);
                return property.WithExpressionBody(null).WithSemicolonToken(default)
                    .WithAccessorList(AccessorList(SingletonList(getter)))
                    .WithAdditionalAnnotations(Formatter.Annotation);
            case IndexerDeclarationSyntax indexer:
                var indexerGetter = AccessorDeclaration(SyntaxKind.GetAccessorDeclaration, formatted);
                return indexer.WithExpressionBody(null).WithSemicolonToken(default)
                    .WithAccessorList(AccessorList(SingletonList(indexerGetter)))
                    .WithAdditionalAnnotations(Formatter.Annotation);
            default:
                return null;
        }
    }

    /// <summary>Splices the acquire/try-finally pairs made for statements that sat directly in a block.</summary>
    public static SyntaxNode Splice(SyntaxNode root)
    {
        var marked = root.GetAnnotatedNodes(SpliceAnnotation).OfType<BlockSyntax>().Where(b => b.Parent is BlockSyntax).ToList();
        if (marked.Count == 0)
        {
            return root;
        }

        var parents = marked.Select(b => (BlockSyntax)b.Parent!).Distinct().ToList();
        return root.ReplaceNodes(parents, (original, rewritten) =>
        {
            var statements = new List<StatementSyntax>();
            foreach (var statement in rewritten.Statements)
            {
                if (statement is BlockSyntax inner && inner.HasAnnotation(SpliceAnnotation))
                {
                    var first = true;
                    foreach (var part in inner.Statements)
                    {
                        statements.Add(first ? part.WithLeadingTrivia(inner.GetLeadingTrivia()) : part);
                        first = false;
                    }

                    if (statements.Count > 0)
                    {
                        statements[statements.Count - 1] = statements[statements.Count - 1].WithTrailingTrivia(inner.GetTrailingTrivia());
                    }
                }
                else
                {
                    statements.Add(statement);
                }
            }

            return rewritten.WithStatements(List(statements));
        });
    }

    private List<StatementSyntax> Wrap(StatementSyntax statement)
    {
        var body = Block(statement);
        var target = LockExpression.WithoutTrivia();
        switch (Family)
        {
            case LockFamily.Monitor:
                return new List<StatementSyntax> { LockStatement(target, body) };
            case LockFamily.LockstepLock:
            case LockFamily.LockstepRLock:
            case LockFamily.LockstepSemaphore:
            case LockFamily.LockstepBoundedSemaphore:
                return new List<StatementSyntax> { UsingStatement(null, Call(target, "Acquire"), body) };
            case LockFamily.SystemLock:
                return new List<StatementSyntax> { UsingStatement(null, Call(target, "EnterScope"), body) };
            default:
                var (acquire, release) = Family switch
                {
                    LockFamily.SemaphoreSlim => ("Wait", "Release"),
                    LockFamily.Semaphore => ("WaitOne", "Release"),
                    LockFamily.Mutex => ("WaitOne", "ReleaseMutex"),
                    _ => ReadMode ? ("EnterReadLock", "ExitReadLock") : ("EnterWriteLock", "ExitWriteLock"),
                };
                return new List<StatementSyntax>
                {
                    ExpressionStatement(Call(target, acquire)),
                    TryStatement(body, default, FinallyClause(Block(ExpressionStatement(Call(target, release))))),
                };
        }
    }

    private static InvocationExpressionSyntax Call(ExpressionSyntax target, string method)
        => InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, target, IdentifierName(method)));

    private static bool HasScopedForm(LockFamily family) => family is LockFamily.Monitor or LockFamily.SystemLock
        or LockFamily.LockstepLock or LockFamily.LockstepRLock or LockFamily.LockstepSemaphore or LockFamily.LockstepBoundedSemaphore
        or LockFamily.SemaphoreSlim or LockFamily.Semaphore or LockFamily.Mutex or LockFamily.ReaderWriterLockSlim;

    private static ExpressionSyntax? LockExpressionFor(ExpressionSyntax access, string lockMember)
    {
        if (lockMember == "this")
        {
            return access switch
            {
                IdentifierNameSyntax => ThisExpression(),
                MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } memberAccess => memberAccess.Expression.WithoutTrivia(),
                _ => null,
            };
        }

        return access switch
        {
            IdentifierNameSyntax => IdentifierName(lockMember),
            MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } memberAccess
                => memberAccess.WithName(IdentifierName(lockMember)).WithoutTrivia(),
            _ => null,
        };
    }

    /// <summary>The statement that contains the access (not across a lambda), or the arrow of an expression-bodied member.</summary>
    private static SyntaxNode? TargetOf(SyntaxNode access, SemanticModel model, CancellationToken cancellationToken, out bool returnsValue, out bool isMember)
    {
        returnsValue = false;
        isMember = false;
        foreach (var ancestor in access.Ancestors())
        {
            switch (ancestor)
            {
                case AnonymousFunctionExpressionSyntax:
                    return null;
                case ExpressionStatementSyntax:
                case ReturnStatementSyntax:
                case ThrowStatementSyntax:
                    return ancestor;
                case LocalDeclarationStatementSyntax declaration:
                    return declaration.UsingKeyword.IsKind(SyntaxKind.None) && !DeclaredLocalsUsedAfter(declaration) ? declaration : null;
                case StatementSyntax:
                    return null;
                case ArrowExpressionClauseSyntax arrow:
                    isMember = true;
                    return ArrowTarget(arrow, model, cancellationToken, out returnsValue);
                case MemberDeclarationSyntax:
                    return null;
            }
        }

        return null;
    }

    private static SyntaxNode? ArrowTarget(ArrowExpressionClauseSyntax arrow, SemanticModel model, CancellationToken cancellationToken, out bool returnsValue)
    {
        returnsValue = false;
        switch (arrow.Parent)
        {
            case PropertyDeclarationSyntax:
            case IndexerDeclarationSyntax:
            case OperatorDeclarationSyntax:
            case AccessorDeclarationSyntax { RawKind: (int)SyntaxKind.GetAccessorDeclaration }:
                returnsValue = true;
                return arrow.Parent;
            case AccessorDeclarationSyntax:
                return arrow.Parent;
            case MethodDeclarationSyntax or LocalFunctionStatementSyntax:
                var symbol = model.GetDeclaredSymbol(arrow.Parent, cancellationToken) as IMethodSymbol;
                if (symbol is null || symbol.IsAsync)
                {
                    return null;
                }

                returnsValue = !symbol.ReturnsVoid;
                return arrow.Parent;
            default:
                return null;
        }
    }

    private static bool DeclaredLocalsUsedAfter(LocalDeclarationStatementSyntax declaration)
    {
        if (declaration.Parent is not BlockSyntax block)
        {
            return true;
        }

        var names = new HashSet<string>(declaration.Declaration.Variables.Select(v => v.Identifier.ValueText), StringComparer.Ordinal);
        var index = block.Statements.IndexOf(declaration);
        for (var i = index + 1; i < block.Statements.Count; i++)
        {
            if (block.Statements[i].DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(id => names.Contains(id.Identifier.ValueText)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInsideFunction(SyntaxNode node, SyntaxNode stop)
    {
        for (var current = node.Parent; current is not null && current != stop; current = current.Parent)
        {
            if (current is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
            {
                return true;
            }
        }

        return false;
    }
}
