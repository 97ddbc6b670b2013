using System.Collections.Concurrent;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;

namespace Lockstep.Benchmarks;

/// <summary>
/// Moving items from producers to consumers: SPSC (1x1) and 4 producers x 4 consumers, bounded (1024) and unbounded.
/// Times are per item (items/s = 1e9 / ns). Blocking queues are driven by dedicated threads with their blocking calls;
/// channels by tasks with their async calls (the way each is meant to be used); BlockingQueue's async twins are
/// measured the channel way too. The same queue is reused across invocations: consumers stop by count, not by closing.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Queues")]
public class QueueBenchmarks
{
    private const int Items = 100_000;

    private ThreadTeam _team = null!;
    private BlockingQueue<int> _queue = null!;
    private BlockingCollection<int> _collection = null!;
    private Channel<int> _channel = null!;
    private int _remaining;

    /// <summary>Producers, and as many consumers.</summary>
    [Params(1, 4)]
    public int Pairs { get; set; }

    [Params(false, true)]
    public bool Bounded { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _team = new ThreadTeam(2 * Pairs);
        _queue = new BlockingQueue<int>(Bounded ? 1024 : 0);
        _collection = Bounded ? new BlockingCollection<int>(new ConcurrentQueue<int>(), 1024) : new BlockingCollection<int>(new ConcurrentQueue<int>());
        // Default (multi-reader, multi-writer) channels, like the other two queues; see SpscChannelBenchmarks for the
        // channels specialised for one reader and one writer.
        _channel = Bounded
            ? System.Threading.Channels.Channel.CreateBounded<int>(1024)
            : System.Threading.Channels.Channel.CreateUnbounded<int>();
    }

    [GlobalCleanup]
    public void Cleanup() => _team.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Items, Description = "BlockingCollection Add/Take")]
    public void BlockingCollection()
    {
        _remaining = Items;
        var perProducer = Items / Pairs;
        _team.Run(index =>
        {
            if (index < Pairs)
            {
                for (var i = 0; i < perProducer; i++)
                {
                    _collection.Add(i);
                }
            }
            else
            {
                while (Interlocked.Decrement(ref _remaining) >= 0)
                {
                    _collection.Take();
                }
            }
        });
    }

    [Benchmark(OperationsPerInvoke = Items, Description = "BlockingQueue Put/Get")]
    public void BlockingQueue()
    {
        _remaining = Items;
        var perProducer = Items / Pairs;
        _team.Run(index =>
        {
            if (index < Pairs)
            {
                for (var i = 0; i < perProducer; i++)
                {
                    _queue.Put(i);
                }
            }
            else
            {
                while (Interlocked.Decrement(ref _remaining) >= 0)
                {
                    _queue.Get();
                }
            }
        });
    }

    [Benchmark(OperationsPerInvoke = Items, Description = "Channel WriteAsync/ReadAsync")]
    public Task Channel()
    {
        _remaining = Items;
        var perProducer = Items / Pairs;
        var writer = _channel.Writer;
        var reader = _channel.Reader;
        var tasks = new Task[2 * Pairs];
        for (var p = 0; p < Pairs; p++)
        {
            tasks[p] = Task.Run(async () =>
            {
                for (var i = 0; i < perProducer; i++)
                {
                    await writer.WriteAsync(i);
                }
            });
        }

        for (var c = 0; c < Pairs; c++)
        {
            tasks[Pairs + c] = Task.Run(async () =>
            {
                while (Interlocked.Decrement(ref _remaining) >= 0)
                {
                    await reader.ReadAsync();
                }
            });
        }

        return Task.WhenAll(tasks);
    }

    [Benchmark(OperationsPerInvoke = Items, Description = "BlockingQueue PutAsync/GetAsync")]
    public Task BlockingQueueAsync()
    {
        _remaining = Items;
        var perProducer = Items / Pairs;
        var tasks = new Task[2 * Pairs];
        for (var p = 0; p < Pairs; p++)
        {
            tasks[p] = Task.Run(async () =>
            {
                for (var i = 0; i < perProducer; i++)
                {
                    await _queue.PutAsync(i);
                }
            });
        }

        for (var c = 0; c < Pairs; c++)
        {
            tasks[Pairs + c] = Task.Run(async () =>
            {
                while (Interlocked.Decrement(ref _remaining) >= 0)
                {
                    await _queue.GetAsync();
                }
            });
        }

        return Task.WhenAll(tasks);
    }
}

/// <summary>
/// For reference: channels created with SingleReader/SingleWriter, which pick an implementation specialised for exactly
/// one reader and one writer (lock-free when unbounded). No multi-producer multi-consumer queue can use such a shortcut.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Queues")]
public class SpscChannelBenchmarks
{
    private const int Items = 100_000;

    private Channel<int> _channel = null!;

    [Params(false, true)]
    public bool Bounded { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _channel = Bounded
            ? System.Threading.Channels.Channel.CreateBounded<int>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true })
            : System.Threading.Channels.Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    }

    [Benchmark(OperationsPerInvoke = Items, Description = "Channel SingleReader/SingleWriter 1x1")]
    public Task SingleReaderSingleWriter()
    {
        var writer = _channel.Writer;
        var reader = _channel.Reader;
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < Items; i++)
            {
                await writer.WriteAsync(i);
            }
        });
        var consumer = Task.Run(async () =>
        {
            for (var i = 0; i < Items; i++)
            {
                await reader.ReadAsync();
            }
        });
        return Task.WhenAll(producer, consumer);
    }
}
