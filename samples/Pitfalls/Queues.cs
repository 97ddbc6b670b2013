using System.Collections.Concurrent;
using Lockstep;

namespace Pitfalls;

/// <summary>LS3xxx: shared queues used as if their state could not change under the caller.</summary>
public sealed class ThumbnailService
{
    private readonly BlockingQueue<string> _uploads = new(maxSize: 100);
    private readonly JoinableQueue<string> _resizeJobs = new();
    private readonly ConcurrentQueue<string> _failed = new();

    public bool Upload(string path)
    {
        if (!_uploads.IsFull) // LS3001: another uploader can fill the last slot; PutNoWait then throws
        {
            _uploads.PutNoWait(path);
            return true;
        }

        return false;
    }

    public string? NextFailure()
    {
        if (_failed.IsEmpty) // LS3001: another thread can take the failure right after this check, and path is then null
        {
            return null;
        }

        _failed.TryDequeue(out var path);
        return path;
    }

    public Task StartUploadWorker() => Task.Run(() =>
    {
        while (!_uploads.IsEmpty) // LS3002: the worker quits the first time it catches up with Upload
        {
            var path = _uploads.Get();
            _resizeJobs.Put(path);
        }
    });

    public void ResizeWorker()
    {
        while (true)
        {
            var path = _resizeJobs.Get(); // LS3003: the 'continue' skips TaskDone, so WaitForResizes hangs
            if (!File.Exists(path))
            {
                _failed.Enqueue(path);
                continue;
            }

            Console.WriteLine("resized " + path);
            _resizeJobs.TaskDone();
        }
    }

    public void WaitForResizes() => _resizeJobs.Join();
}
