using System.Diagnostics;
using Lockstep;

namespace Pitfalls;

/// <summary>LS4xxx: children (workers, processes, threads) and pool work items whose lifecycle goes wrong.</summary>
public sealed class Children
{
    private readonly Worker _indexer = new(token =>
    {
        while (!token.IsCancellationRequested)
        {
            Thread.Sleep(10);
        }
    }, "indexer");

    public void StartIndexing(bool background)
    {
        _indexer.Start();
        _indexer.IsDaemon = background; // LS4002: Start() above fixed it already; the runtime throws
    }

    public void StopIndexing()
    {
        _indexer.Terminate(); // LS4001: no member of Children ever joins _indexer
    }

    public bool Convert(string input)
    {
        using var converter = Process.Start("convert", input);
        if (!converter.WaitForExit(5000))
        {
            converter.Kill(); // LS4001: the return below leaves while the converter may still run
            return false;
        }

        return converter.ExitCode == 0;
    }

    public void RebuildReport()
    {
        var rebuild = new Worker(() => Console.WriteLine("rebuilding the report"), "rebuild");
        rebuild.Start(); // LS4003: nobody joins rebuild or sees it fail
        Console.WriteLine("report rebuild started");
    }

    public void Sync(int attempts)
    {
        var sync = new Worker(() => Console.WriteLine("syncing"), "sync");
        for (var i = 0; i < attempts; i++)
        {
            sync.Start(); // LS4004: the second attempt restarts a finished worker, which throws
            sync.Join();
        }
    }

    public void Import(bool enabled)
    {
        var import = new Worker(() => Console.WriteLine("importing"), "import");
        if (enabled)
        {
            import.Start();
        }

        import.Join(); // LS4004: when not enabled, import was never started
    }

    public List<int> Measure(WorkerPool pool, string[] files)
    {
        var sizes = new List<int>();
        foreach (var file in files)
        {
            sizes.Add(pool.Submit(() => file.Length).Result); // LS4005: one file at a time on a pool of many
        }

        return sizes;
    }
}
