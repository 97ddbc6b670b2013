using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lockstep.CodeFixes.Rules;

/// <summary>Small syntax helpers the queue fixes share.</summary>
internal static class QueueSyntax
{
    /// <summary>The outermost parentheses around an expression (the expression itself when there are none).</summary>
    public static ExpressionSyntax WalkUpParentheses(this ExpressionSyntax expression)
    {
        while (expression.Parent is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized;
        }

        return expression;
    }

    /// <summary>The expression inside any number of parentheses.</summary>
    public static ExpressionSyntax WalkDownParentheses(this ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return expression;
    }

    public static bool HasComments(SyntaxNode node)
        => node.DescendantTrivia(descendIntoTrivia: true).Any(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia));

    /// <summary>The simple name of a member chain's last part: <c>_q</c> in <c>this._q</c>.</summary>
    public static string? LastIdentifier(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        ParenthesizedExpressionSyntax parenthesized => LastIdentifier(parenthesized.Expression),
        _ => null,
    };

    /// <summary>
    /// A jump that leaves <paramref name="region"/>: <c>return</c>, <c>throw</c>, <c>yield break</c>, or a
    /// <c>break</c>/<c>continue</c> whose loop (or switch) encloses the region.
    /// </summary>
    public static bool IsJumpOutOf(StatementSyntax statement, SyntaxNode region)
    {
        switch (statement)
        {
            case ReturnStatementSyntax:
            case ThrowStatementSyntax:
            case YieldStatementSyntax { RawKind: (int)SyntaxKind.YieldBreakStatement }:
                return true;
            case BreakStatementSyntax:
            case ContinueStatementSyntax:
                var target = statement.Ancestors().FirstOrDefault(a => a is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax
                    || (statement is BreakStatementSyntax && a is SwitchStatementSyntax));
                return target is not null && !region.Span.Contains(target.Span);
            default:
                return false;
        }
    }

    /// <summary>Whether a statement declares a name (a local, a pattern or out variable, a local function) that code after it uses.</summary>
    public static bool DeclaresNameUsedIn(IEnumerable<StatementSyntax> declaring, IEnumerable<StatementSyntax> after)
    {
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var statement in declaring)
        {
            foreach (var node in statement.DescendantNodesAndSelf(n => n == statement || n is not (BlockSyntax or AnonymousFunctionExpressionSyntax)))
            {
                switch (node)
                {
                    case VariableDeclaratorSyntax declarator when node.Parent?.Parent is LocalDeclarationStatementSyntax:
                        declared.Add(declarator.Identifier.ValueText);
                        break;
                    case SingleVariableDesignationSyntax designation:
                        declared.Add(designation.Identifier.ValueText);
                        break;
                    case LocalFunctionStatementSyntax localFunction:
                        declared.Add(localFunction.Identifier.ValueText);
                        break;
                }
            }
        }

        return declared.Count > 0
            && after.Any(statement => statement.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(i => declared.Contains(i.Identifier.ValueText)));
    }
}
