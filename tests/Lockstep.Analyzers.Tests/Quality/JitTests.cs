using System.Reflection;
using Lockstep.Analyzers.Flow;
using Lockstep.Analyzers.Rules;
using Xunit;

namespace Lockstep.Analyzers.Tests.Quality;

/// <summary>
/// The compilation-end passes run once per compilation, too rarely for tiered compilation to optimize them: they ask
/// to be compiled optimized at once (<see cref="Jit.OncePerCompilation"/>), and the per-member paths do not.
/// </summary>
public class JitTests
{
    public static TheoryData<Type, string> EndPasses => new()
    {
        { typeof(SharedStateAnalyzer), "ReportAtEnd" },
        { typeof(DeadlockAnalyzer), "ReportAtEnd" },
        { typeof(ConcurrencyGraph), "Resolve" },
        { typeof(ConcurrencyGraph), "Reach" },
        { typeof(GuardedHelperCalls), "Resolve" },
        { typeof(LockOrderGraph.Resolved), "Cycles" },
        { typeof(LockOrderGraph.Resolved), "Summary" },
        { typeof(LockOrderGraph.Resolved), "IndexFacts" },
    };

    [Theory]
    [MemberData(nameof(EndPasses))]
    public void EndPass_IsCompiledOptimizedAtOnce(Type type, string name)
    {
        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.Name == name)
            .ToList();
        Assert.NotEmpty(methods);
        Assert.All(methods, m => Assert.True(m.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveOptimization), type.Name + "." + name));
    }

    [Theory]
    [InlineData(typeof(ConcurrencyGraph), "AddSites")]
    [InlineData(typeof(SharedStateAnalyzer), "DescribeSources")]
    [InlineData(typeof(SharedStateAnalyzer), "WithLock")]
    public void PerMemberPath_IsLeftToTieredCompilation(Type type, string name)
    {
        // Called from the per-member callbacks: optimized by the tiers with profile data, which the option would give up.
        var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance)!;
        Assert.False(method.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveOptimization));
    }
}
