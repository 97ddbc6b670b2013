using Microsoft.CodeAnalysis;

namespace Lockstep.Analyzers.Catalog;

/// <summary>
/// The metadata names of every type the rules know, resolved once per compilation. A type that the
/// compilation does not reference resolves to <see langword="null"/> and its rules drop out.
/// </summary>
internal sealed class WellKnownTypes
{
    public const string LockstepNamespace = "Lockstep";

    private WellKnownTypes(Compilation compilation)
    {
#pragma warning disable RS0030 // The catalogue is the one place that resolves types by metadata name.
        INamedTypeSymbol? Get(string name) => compilation.GetTypeByMetadataName(name);
#pragma warning restore RS0030

        Monitor = Get("System.Threading.Monitor");
        SystemLock = Get("System.Threading.Lock");
        SystemLockScope = Get("System.Threading.Lock+Scope");
        SemaphoreSlim = Get("System.Threading.SemaphoreSlim");
        Semaphore = Get("System.Threading.Semaphore");
        Mutex = Get("System.Threading.Mutex");
        WaitHandle = Get("System.Threading.WaitHandle");
        ReaderWriterLockSlim = Get("System.Threading.ReaderWriterLockSlim");
        SpinLock = Get("System.Threading.SpinLock");
        Thread = Get("System.Threading.Thread");
        Task = Get("System.Threading.Tasks.Task");
        TaskOfT = Get("System.Threading.Tasks.Task`1");
        ValueTask = Get("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = Get("System.Threading.Tasks.ValueTask`1");
        CancellationToken = Get("System.Threading.CancellationToken");
        TimeSpan = Get("System.TimeSpan");
        Process = Get("System.Diagnostics.Process");
        BlockingCollection = Get("System.Collections.Concurrent.BlockingCollection`1");
        ConcurrentQueue = Get("System.Collections.Concurrent.ConcurrentQueue`1");
        ConcurrentStack = Get("System.Collections.Concurrent.ConcurrentStack`1");
        ConcurrentBag = Get("System.Collections.Concurrent.ConcurrentBag`1");
        ChannelReader = Get("System.Threading.Channels.ChannelReader`1");
        Interlocked = Get("System.Threading.Interlocked");
        ThreadPool = Get("System.Threading.ThreadPool");
        TaskFactory = Get("System.Threading.Tasks.TaskFactory");
        TaskFactoryOfT = Get("System.Threading.Tasks.TaskFactory`1");
        Parallel = Get("System.Threading.Tasks.Parallel");
        Enumerable = Get("System.Linq.Enumerable");
        IDisposable = Get("System.IDisposable");

        LockstepLock = Get("Lockstep.Lock");
        LockstepRLock = Get("Lockstep.RLock");
        LockstepSemaphore = Get("Lockstep.Semaphore");
        LockstepBoundedSemaphore = Get("Lockstep.BoundedSemaphore");
        LockstepCondition = Get("Lockstep.Condition");
        LockstepEvent = Get("Lockstep.Event");
        LockstepBlockingQueue = Get("Lockstep.BlockingQueue`1");
        LockstepJoinableQueue = Get("Lockstep.JoinableQueue`1");
        LockstepWorker = Get("Lockstep.Worker");
        LockstepChildProcess = Get("Lockstep.ChildProcess");
        LockstepIChild = Get("Lockstep.IChild");
        LockstepWorkerPool = Get("Lockstep.WorkerPool");
    }

    public static WellKnownTypes Create(Compilation compilation) => new(compilation);

    public INamedTypeSymbol? Monitor { get; }
    public INamedTypeSymbol? SystemLock { get; }
    public INamedTypeSymbol? SystemLockScope { get; }
    public INamedTypeSymbol? SemaphoreSlim { get; }
    public INamedTypeSymbol? Semaphore { get; }
    public INamedTypeSymbol? Mutex { get; }
    public INamedTypeSymbol? WaitHandle { get; }
    public INamedTypeSymbol? ReaderWriterLockSlim { get; }
    public INamedTypeSymbol? SpinLock { get; }
    public INamedTypeSymbol? Thread { get; }
    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? TaskOfT { get; }
    public INamedTypeSymbol? ValueTask { get; }
    public INamedTypeSymbol? ValueTaskOfT { get; }
    public INamedTypeSymbol? CancellationToken { get; }
    public INamedTypeSymbol? TimeSpan { get; }
    public INamedTypeSymbol? Process { get; }
    public INamedTypeSymbol? BlockingCollection { get; }
    public INamedTypeSymbol? ConcurrentQueue { get; }
    public INamedTypeSymbol? ConcurrentStack { get; }
    public INamedTypeSymbol? ConcurrentBag { get; }
    public INamedTypeSymbol? ChannelReader { get; }
    public INamedTypeSymbol? Interlocked { get; }
    public INamedTypeSymbol? ThreadPool { get; }
    public INamedTypeSymbol? TaskFactory { get; }
    public INamedTypeSymbol? TaskFactoryOfT { get; }
    public INamedTypeSymbol? Parallel { get; }
    public INamedTypeSymbol? Enumerable { get; }
    public INamedTypeSymbol? IDisposable { get; }

    public INamedTypeSymbol? LockstepLock { get; }
    public INamedTypeSymbol? LockstepRLock { get; }
    public INamedTypeSymbol? LockstepSemaphore { get; }
    public INamedTypeSymbol? LockstepBoundedSemaphore { get; }
    public INamedTypeSymbol? LockstepCondition { get; }
    public INamedTypeSymbol? LockstepEvent { get; }
    public INamedTypeSymbol? LockstepBlockingQueue { get; }
    public INamedTypeSymbol? LockstepJoinableQueue { get; }
    public INamedTypeSymbol? LockstepWorker { get; }
    public INamedTypeSymbol? LockstepChildProcess { get; }
    public INamedTypeSymbol? LockstepIChild { get; }
    public INamedTypeSymbol? LockstepWorkerPool { get; }
}
