using Lockstep;

namespace Tutorial;

/// <summary>
/// Four ticket windows sell from one stock of 100 tickets. The check "are there tickets left?" and the sale
/// happen under one lock, so no ticket is sold twice and the stock never goes below zero.
/// </summary>
internal static class TicketGrabbing
{
    public static void Run()
    {
        var office = new TicketOffice(100);
        var windows = Enumerable.Range(1, 4)
            .Select(i => new Worker(() => office.SellUntilSoldOut(), $"window-{i}"))
            .ToList();
        foreach (var window in windows)
        {
            window.Start();
        }

        foreach (var window in windows)
        {
            window.Join();
        }

        foreach (var (window, sold) in office.SoldBy.OrderBy(kv => kv.Key))
        {
            Console.WriteLine($"   {window} sold {sold} tickets");
        }

        Console.WriteLine($"   total sold: {office.SoldBy.Values.Sum()}, left: {office.Remaining}, duplicates: {office.Duplicates}");
    }

    private sealed class TicketOffice(int stock)
    {
        private readonly Lock _gate = new();

        [GuardedBy(nameof(_gate))]
        private int _remaining = stock;

        [GuardedBy(nameof(_gate))]
        private readonly HashSet<int> _issued = [];

        public Dictionary<string, int> SoldBy { get; } = [];

        public int Duplicates { get; private set; }

        public int Remaining
        {
            get
            {
                using (_gate.Acquire())
                {
                    return _remaining;
                }
            }
        }

        public void SellUntilSoldOut()
        {
            var window = Thread.CurrentThread.Name ?? "window";
            while (true)
            {
                using (_gate.Acquire())
                {
                    if (_remaining == 0)
                    {
                        return;
                    }

                    var ticket = _remaining--;
                    if (!_issued.Add(ticket))
                    {
                        Duplicates++;
                    }

                    SoldBy[window] = SoldBy.GetValueOrDefault(window) + 1;
                }

                Thread.Yield(); // let the other windows in, as a clerk would
            }
        }
    }
}
