using System.Diagnostics;
using Tutorial;

// The classic threading tutorial programs, written correctly with the Lockstep runtime.
//   dotnet run --project samples/Tutorial            runs them all, in order
//   dotnet run --project samples/Tutorial -- counter runs one (see --list)
var programs = new (string Name, string What, Action Run)[]
{
    ("tickets", "ticket windows selling a fixed stock under a lock", TicketGrabbing.Run),
    ("counter", "two threads adding to a counter a million times each", Counter.Run),
    ("close", "one producer, one consumer, ended with Close()", ProducerConsumerClose.Run),
    ("joinable", "producer/consumer with a JoinableQueue: TaskDone and Join", ProducerConsumerJoinable.Run),
    ("many", "several producers and several consumers over a bounded queue", ManyProducersConsumers.Run),
    ("semaphore", "workers limited by a semaphore to three at a time", SemaphoreWorkers.Run),
    ("traffic", "a traffic light driven by an Event", TrafficLight.Run),
    ("map", "a worker pool mapping a function over inputs", PoolMap.Run),
    ("copy", "a parallel file copier over a temporary directory", ParallelFileCopier.Run),
};

if (args is ["--list"] or ["-l"])
{
    foreach (var (name, what, _) in programs)
    {
        Console.WriteLine($"{name,-10} {what}");
    }

    return 0;
}

var chosen = args.Length == 0 || args is ["all"]
    ? programs
    : programs.Where(p => args.Contains(p.Name, StringComparer.OrdinalIgnoreCase)).ToArray();
if (chosen.Length == 0)
{
    Console.Error.WriteLine($"Unknown program '{string.Join(' ', args)}'. Choose from: {string.Join(", ", programs.Select(p => p.Name))} (or all).");
    return 2;
}

var total = Stopwatch.StartNew();
foreach (var (name, what, run) in chosen)
{
    Console.WriteLine($"== {name}: {what}");
    var clock = Stopwatch.StartNew();
    run();
    Console.WriteLine($"   ({clock.ElapsedMilliseconds} ms)");
    Console.WriteLine();
}

Console.WriteLine($"Ran {chosen.Length} program(s) in {total.ElapsedMilliseconds} ms.");
return 0;
