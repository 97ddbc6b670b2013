namespace Lockstep.Benchmarks;

/// <summary>
/// A fixed team of dedicated threads that run one body together per <see cref="Run"/>: the threads are created once
/// (in a benchmark's GlobalSetup), so a measured invocation pays for the work, not for starting threads.
/// </summary>
internal sealed class ThreadTeam : IDisposable
{
    private readonly Thread[] _threads;
    private readonly Barrier _start;
    private readonly Barrier _end;
    private Action<int>? _body;
    private volatile bool _stopping;

    public ThreadTeam(int size)
    {
        _start = new Barrier(size + 1);
        _end = new Barrier(size + 1);
        _threads = new Thread[size];
        for (var i = 0; i < size; i++)
        {
            var index = i;
            _threads[i] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"team-{i}" };
            _threads[i].Start();
        }
    }

    /// <summary>Runs <paramref name="body"/> (given the thread's index) on every thread at once and waits for all.</summary>
    public void Run(Action<int> body)
    {
        _body = body;
        _start.SignalAndWait();
        _end.SignalAndWait();
    }

    public void Dispose()
    {
        _stopping = true;
        _start.SignalAndWait();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _start.Dispose();
        _end.Dispose();
    }

    private void Loop(int index)
    {
        while (true)
        {
            _start.SignalAndWait();
            if (_stopping)
            {
                return;
            }

            _body!(index);
            _end.SignalAndWait();
        }
    }
}
