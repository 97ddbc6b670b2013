using BenchmarkDotNet.Attributes;

namespace Lockstep.Benchmarks;

/// <summary>One uncontended acquire + release, each primitive in its idiomatic scoped form. Times are per pair.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Locks")]
public class UncontendedLockBenchmarks
{
    private const int Pairs = 1000;

    private readonly Lockstep.Lock _lock = new();
    private readonly RLock _rlock = new();
    private readonly Semaphore _semaphore = new(1);
    private readonly System.Threading.Lock _systemLock = new();
    private readonly object _monitor = new();
    private readonly SemaphoreSlim _semaphoreSlim = new(1, 1);
    private int _counter;

    [Benchmark(Baseline = true, OperationsPerInvoke = Pairs, Description = "System.Threading.Lock EnterScope")]
    public int SystemLock()
    {
        for (var i = 0; i < Pairs; i++)
        {
            using (_systemLock.EnterScope())
            {
                _counter++;
            }
        }

        return _counter;
    }

    [Benchmark(OperationsPerInvoke = Pairs, Description = "Monitor (lock statement)")]
    public int Monitor()
    {
        for (var i = 0; i < Pairs; i++)
        {
            lock (_monitor)
            {
                _counter++;
            }
        }

        return _counter;
    }

    [Benchmark(OperationsPerInvoke = Pairs, Description = "SemaphoreSlim Wait/Release")]
    public int SemaphoreSlim()
    {
        for (var i = 0; i < Pairs; i++)
        {
            _semaphoreSlim.Wait();
            try
            {
                _counter++;
            }
            finally
            {
                _semaphoreSlim.Release();
            }
        }

        return _counter;
    }

    [Benchmark(OperationsPerInvoke = Pairs, Description = "Lockstep.Lock Acquire")]
    public int LockstepLock()
    {
        for (var i = 0; i < Pairs; i++)
        {
            using (_lock.Acquire())
            {
                _counter++;
            }
        }

        return _counter;
    }

    [Benchmark(OperationsPerInvoke = Pairs, Description = "Lockstep.Lock AcquireAsync (free)")]
    public async Task<int> LockstepLockAsync()
    {
        for (var i = 0; i < Pairs; i++)
        {
            using (await _lock.AcquireAsync())
            {
                _counter++;
            }
        }

        return _counter;
    }

    [Benchmark(OperationsPerInvoke = Pairs, Description = "Lockstep.RLock Acquire")]
    public int LockstepRLock()
    {
        for (var i = 0; i < Pairs; i++)
        {
            using (_rlock.Acquire())
            {
                _counter++;
            }
        }

        return _counter;
    }

    [Benchmark(OperationsPerInvoke = Pairs, Description = "Lockstep.Semaphore(1) Acquire")]
    public int LockstepSemaphore()
    {
        for (var i = 0; i < Pairs; i++)
        {
            using (_semaphore.Acquire())
            {
                _counter++;
            }
        }

        return _counter;
    }
}

/// <summary>Two threads hammering one lock around a tiny critical section. Times are per acquire + release (all threads).</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Locks")]
public class ContendedLockBenchmarks
{
    private const int Threads = 2;
    private const int PairsPerThread = 20_000;
    private const int Operations = Threads * PairsPerThread;

    private readonly Lockstep.Lock _lock = new();
    private readonly RLock _rlock = new();
    private readonly System.Threading.Lock _systemLock = new();
    private readonly object _monitor = new();
    private readonly SemaphoreSlim _semaphoreSlim = new(1, 1);
    private ThreadTeam _team = null!;
    private long _counter;

    [GlobalSetup]
    public void Setup() => _team = new ThreadTeam(Threads);

    [GlobalCleanup]
    public void Cleanup() => _team.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations, Description = "System.Threading.Lock x2 threads")]
    public long SystemLock()
    {
        _team.Run(_ =>
        {
            for (var i = 0; i < PairsPerThread; i++)
            {
                using (_systemLock.EnterScope())
                {
                    _counter++;
                }
            }
        });
        return _counter;
    }

    [Benchmark(OperationsPerInvoke = Operations, Description = "Monitor x2 threads")]
    public long Monitor()
    {
        _team.Run(_ =>
        {
            for (var i = 0; i < PairsPerThread; i++)
            {
                lock (_monitor)
                {
                    _counter++;
                }
            }
        });
        return _counter;
    }

    [Benchmark(OperationsPerInvoke = Operations, Description = "SemaphoreSlim x2 threads")]
    public long SemaphoreSlim()
    {
        _team.Run(_ =>
        {
            for (var i = 0; i < PairsPerThread; i++)
            {
                _semaphoreSlim.Wait();
                _counter++;
                _semaphoreSlim.Release();
            }
        });
        return _counter;
    }

    [Benchmark(OperationsPerInvoke = Operations, Description = "Lockstep.Lock x2 threads")]
    public long LockstepLock()
    {
        _team.Run(_ =>
        {
            for (var i = 0; i < PairsPerThread; i++)
            {
                using (_lock.Acquire())
                {
                    _counter++;
                }
            }
        });
        return _counter;
    }

    [Benchmark(OperationsPerInvoke = Operations, Description = "Lockstep.RLock x2 threads")]
    public long LockstepRLock()
    {
        _team.Run(_ =>
        {
            for (var i = 0; i < PairsPerThread; i++)
            {
                using (_rlock.Acquire())
                {
                    _counter++;
                }
            }
        });
        return _counter;
    }
}
