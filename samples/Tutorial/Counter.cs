using Lockstep;

namespace Tutorial;

/// <summary>
/// Two threads each add 1 to a shared counter a million times. <c>counter++</c> is a read-modify-write:
/// without the lock, increments get lost (analyzer rule LS5001). With it, the total is exactly 2,000,000.
/// </summary>
internal static class Counter
{
    public static void Run()
    {
        var counter = new SharedCounter();
        var adders = new[]
        {
            new Worker(() => counter.AddMany(1_000_000), "adder-1"),
            new Worker(() => counter.AddMany(1_000_000), "adder-2"),
        };
        foreach (var adder in adders)
        {
            adder.Start();
        }

        foreach (var adder in adders)
        {
            adder.Join();
        }

        Console.WriteLine($"   counter = {counter.Value:N0} (expected 2,000,000)");
    }

    private sealed class SharedCounter
    {
        private readonly Lock _gate = new();

        [GuardedBy(nameof(_gate))]
        private long _value;

        public long Value
        {
            get
            {
                using (_gate.Acquire())
                {
                    return _value;
                }
            }
        }

        public void AddMany(int times)
        {
            for (var i = 0; i < times; i++)
            {
                using (_gate.Acquire())
                {
                    _value++;
                }
            }
        }
    }
}
