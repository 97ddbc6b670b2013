using System.Reflection;

namespace Lockstep.Runtime.Tests;

public class AnnotationTests
{
    private readonly Lock _gate = new();
    private readonly Lock _inner = new();

    [GuardedBy(nameof(_gate))]
    private int _guarded;

    [AcquiredBefore(nameof(_inner))]
    private Lock Outer => _gate;

    [AcquiredAfter(nameof(_gate), nameof(Outer))]
    private Lock Inner => _inner;

    [Acquires(nameof(_gate))]
    private void Enter() => _gate.Acquire();

    [Releases(nameof(_gate))]
    private void Exit() => _gate.Release();

    [Acquires]
    [Releases]
    private void Both()
    {
    }

    [Fact]
    public void Attributes_CarryTheirArguments()
    {
        var flags = BindingFlags.NonPublic | BindingFlags.Instance;
        Assert.Equal("_gate", typeof(AnnotationTests).GetField(nameof(_guarded), flags)!.GetCustomAttribute<GuardedByAttribute>()!.LockMember);
        Assert.Equal(["_inner"], typeof(AnnotationTests).GetProperty(nameof(Outer), flags)!.GetCustomAttribute<AcquiredBeforeAttribute>()!.Members);
        Assert.Equal(["_gate", "Outer"], typeof(AnnotationTests).GetProperty(nameof(Inner), flags)!.GetCustomAttribute<AcquiredAfterAttribute>()!.Members);
        Assert.Equal("_gate", typeof(AnnotationTests).GetMethod(nameof(Enter), flags)!.GetCustomAttribute<AcquiresAttribute>()!.LockMember);
        Assert.Equal("_gate", typeof(AnnotationTests).GetMethod(nameof(Exit), flags)!.GetCustomAttribute<ReleasesAttribute>()!.LockMember);
        Assert.Null(typeof(AnnotationTests).GetMethod(nameof(Both), flags)!.GetCustomAttribute<AcquiresAttribute>()!.LockMember);
        Assert.Null(typeof(AnnotationTests).GetMethod(nameof(Both), flags)!.GetCustomAttribute<ReleasesAttribute>()!.LockMember);

        Enter();
        _guarded++;
        Exit();
        Both();
        Assert.Equal(1, _guarded);
        Assert.Same(_inner, Inner);
    }

    [Theory]
    [InlineData(typeof(GuardedByAttribute), AttributeTargets.Field | AttributeTargets.Property)]
    [InlineData(typeof(AcquiredBeforeAttribute), AttributeTargets.Field | AttributeTargets.Property)]
    [InlineData(typeof(AcquiredAfterAttribute), AttributeTargets.Field | AttributeTargets.Property)]
    [InlineData(typeof(AcquiresAttribute), AttributeTargets.Method)]
    [InlineData(typeof(ReleasesAttribute), AttributeTargets.Method)]
    public void Attributes_AreOrdinaryMetadataAttributes(Type attribute, AttributeTargets targets)
    {
        Assert.Equal("Lockstep", attribute.Namespace);
        Assert.Equal(targets, attribute.GetCustomAttribute<AttributeUsageAttribute>()!.ValidOn);
        Assert.Null(attribute.GetCustomAttribute<System.Diagnostics.ConditionalAttribute>());
    }

    [Theory]
    [InlineData("Lockstep.Lock+Scope")]
    [InlineData("Lockstep.RLock+Scope")]
    [InlineData("Lockstep.Semaphore+Scope")]
    [InlineData("Lockstep.BoundedSemaphore+Scope")]
    public void Scopes_AreNestedReadonlyStructsNamedScope(string name)
    {
        var type = typeof(Lock).Assembly.GetType(name, throwOnError: true)!;
        Assert.True(type.IsValueType);
        Assert.True(type.IsNestedPublic);
        Assert.NotNull(type.GetCustomAttribute<System.Runtime.CompilerServices.IsReadOnlyAttribute>());
        Assert.True(typeof(IDisposable).IsAssignableFrom(type));
    }
}
