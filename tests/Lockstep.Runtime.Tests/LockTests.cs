namespace Lockstep.Runtime.Tests;

public class LockTests
{
    [Fact]
    public void Scope_ReleasesOnDispose()
    {
        var gate = new Lockstep.Lock();
        using (gate.Acquire())
        {
        }
    }
}
