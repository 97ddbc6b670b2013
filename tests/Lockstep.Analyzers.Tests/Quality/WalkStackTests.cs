using Lockstep.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Lockstep.Analyzers.Tests.Quality;

/// <summary>The per-thread stack the member walks reuse.</summary>
public class WalkStackTests
{
    [Fact]
    public void Returned_Stack_IsReusedEmpty_AndKeepsNoOperation()
    {
        var operation = AnyOperation();
        var first = WalkStack.Rent();
        first.Push(operation);
        first.Push(operation);
        WalkStack.Return(first);

        var second = WalkStack.Rent();
        Assert.Same(first, second);
        Assert.Empty(second);
        WalkStack.Return(second);
    }

    [Fact]
    public void NestedRent_GetsItsOwnStack()
    {
        var outer = WalkStack.Rent();
        var inner = WalkStack.Rent();
        Assert.NotSame(outer, inner);
        WalkStack.Return(inner);
        WalkStack.Return(outer);
    }

    [Fact]
    public async Task Threads_DoNotShareAStack()
    {
        var mine = WalkStack.Rent();
        Stack<IOperation>? theirs = null;
        await Task.Factory.StartNew(() => { theirs = WalkStack.Rent(); WalkStack.Return(theirs); }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.NotSame(mine, theirs);
        WalkStack.Return(mine);
    }

    private static IOperation AnyOperation()
    {
        var tree = CSharpSyntaxTree.ParseText("class C { int M() => 1; }");
        var compilation = CSharpCompilation.Create("C", new[] { tree }, new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) });
        var body = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ArrowExpressionClauseSyntax>().Single();
        return compilation.GetSemanticModel(tree).GetOperation(body)!;
    }
}
