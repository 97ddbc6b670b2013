using Lockstep;

namespace Pitfalls;

/// <summary>LS5xxx: shared state updated by several threads at once, and guarded fields touched without their lock.</summary>
public static class Crawler
{
    private static int s_pagesFetched;

    public static int CrawlAll(IReadOnlyList<string> urls)
    {
        Parallel.ForEach(urls, url =>
        {
            Thread.Sleep(url.Length);
            s_pagesFetched++; // LS5001: two threads read the same old value and one page is not counted
        });
        return s_pagesFetched;
    }

    public static long ChecksumOf(byte[][] chunks)
    {
        long sum = 0;
        Parallel.For(0, chunks.Length, i => sum += chunks[i].Length); // LS5001: sum is captured by every iteration
        return sum;
    }
}

/// <summary>Two download workers share one statistics object.</summary>
public sealed class DownloadStats
{
    private readonly object _gate = new();

    [GuardedBy(nameof(_gate))]
    private long _bytes;

    [GuardedBy(nameof(_gate))]
    private int _files;

    public void Record(long bytes)
    {
        lock (_gate)
        {
            _bytes += bytes;
        }

        _files++; // LS5002: written after the lock is released
    }

    public string Summary() => _files + " files"; // LS5002: read without holding _gate

    public static DownloadStats DownloadAll(IReadOnlyList<string> urls)
    {
        var stats = new DownloadStats();
        var workers = new[]
        {
            new Worker(() => stats.Record(urls.Count)),
            new Worker(() => stats.Record(urls.Count)),
        };
        foreach (var worker in workers)
        {
            worker.Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        return stats;
    }
}
