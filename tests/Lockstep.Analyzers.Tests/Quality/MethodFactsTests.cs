using Lockstep.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Lockstep.Analyzers.Tests.Quality;

/// <summary>LS2001's per-method facts: indexed as runs of the handed-over facts, made into sets on first read.</summary>
public class MethodFactsTests
{
    [Fact]
    public void Runs_AreReadIntoSets_InFirstSeenOrder_EachOnce()
    {
        var (m, a, b, c, gate, other) = Symbols();
        var facts = new[]
        {
            new SummaryFact(m, b, SummaryFactKind.Call),
            new SummaryFact(m, a, SummaryFactKind.CallOnThis),
            new SummaryFact(m, gate, SummaryFactKind.AcquireOnThis),
            new SummaryFact(a, c, SummaryFactKind.Call), // another method's run, skipped
            new SummaryFact(m, b, SummaryFactKind.CallOnThis), // a second run of m: b again, now on this
            new SummaryFact(m, c, SummaryFactKind.Call),
            new SummaryFact(m, other, SummaryFactKind.Acquire),
        };

        var entry = new MethodFacts();
        entry.AddRun(facts, 0, 3);
        entry.AddRun(facts, 4, 7);

        Assert.Equal(new ISymbol[] { b, a, c }, entry.Callees!);
        Assert.Equal(new ISymbol[] { a, b }, entry.SelfCallees!);
        Assert.Equal(new ISymbol[] { gate, other }, entry.Acquires!);
        Assert.Equal(new ISymbol[] { gate }, entry.SelfAcquires!);
    }

    [Fact]
    public void NoFactOfAKind_LeavesItsSetNull()
    {
        var (m, a, _, _, _, _) = Symbols();
        var entry = new MethodFacts();
        entry.AddRun(new[] { new SummaryFact(m, a, SummaryFactKind.Call) }, 0, 1);

        Assert.Equal(new ISymbol[] { a }, entry.Callees!);
        Assert.Null(entry.SelfCallees);
        Assert.Null(entry.Acquires);
        Assert.Null(entry.SelfAcquires);
    }

    private static (IMethodSymbol M, IMethodSymbol A, IMethodSymbol B, IMethodSymbol C, IFieldSymbol Gate, IFieldSymbol Other) Symbols()
    {
        var tree = CSharpSyntaxTree.ParseText("class T { object _gate, _other; void M() { } void A() { } void B() { } void C() { } }");
        var compilation = CSharpCompilation.Create("T", new[] { tree }, new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) });
        var type = compilation.GetTypeByMetadataName("T")!;
        IMethodSymbol Method(string name) => type.GetMembers(name).OfType<IMethodSymbol>().Single();
        IFieldSymbol Field(string name) => type.GetMembers(name).OfType<IFieldSymbol>().Single();
        return (Method("M"), Method("A"), Method("B"), Method("C"), Field("_gate"), Field("_other"));
    }
}
