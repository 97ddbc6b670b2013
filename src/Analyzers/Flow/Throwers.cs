using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Lockstep.Analyzers.Flow;

/// <summary>How a message names the operation whose exception leaves a resource held (LS1003, LS3003).</summary>
internal static class Throwers
{
    /// <summary><c>the call to 'Save' at line 12</c>, <c>'new Order' at line 9</c>, <c>the 'throw' at line 14</c>…</summary>
    public static string Describe(IOperation thrower)
    {
        var line = thrower.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
        return thrower switch
        {
            IInvocationOperation invocation => "the call to '" + invocation.TargetMethod.Name + "' at line " + line,
            // `throw new X(…)`: the throw is what throws, not the creation of its exception.
            IObjectCreationOperation creation when IsThrown(creation) => "the 'throw' at line " + line,
            IObjectCreationOperation creation => "'new " + (creation.Type?.Name ?? "object") + "' at line " + line,
            IPropertyReferenceOperation { Arguments.Length: > 0 } indexer => "the indexer of '" + (indexer.Property.ContainingType?.Name ?? "object") + "' at line " + line,
            IArrayElementReferenceOperation => "the array element access at line " + line,
            IConversionOperation conversion => "the cast to '" + (conversion.Type?.Name ?? "object") + "' at line " + line,
            IAwaitOperation => "the 'await' at line " + line,
            IThrowOperation => "the 'throw' at line " + line,
            _ => "the code at line " + line,
        };
    }

    private static bool IsThrown(IOperation operation)
    {
        var current = operation;
        while (current.Parent is IConversionOperation)
        {
            current = current.Parent;
        }

        if (current.Parent is IThrowOperation)
        {
            return true;
        }

        // In a control-flow graph the thrown value is a block's branch value, with no parent: ask the syntax.
        var syntax = current.Syntax.Parent;
        while (syntax is ParenthesizedExpressionSyntax)
        {
            syntax = syntax.Parent;
        }

        return current.Parent is null && syntax is ThrowStatementSyntax or ThrowExpressionSyntax;
    }
}
