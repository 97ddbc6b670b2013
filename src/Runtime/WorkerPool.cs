using System.Runtime.CompilerServices;

namespace Lockstep;

/// <summary>
/// A fixed set of worker threads serving a queue of submitted work. Every submission gets a <see cref="Task"/> that
/// completes with its result or exception; nothing submitted is dropped silently: at shutdown each item either runs or
/// has its task cancelled.
/// </summary>
/// <remarks>
/// <para>Python: <c>multiprocessing.Pool(processes)</c> / <c>concurrent.futures.ThreadPoolExecutor(max_workers)</c>
/// (<c>submit</c> / <c>apply_async</c> ↔ <see cref="Submit{T}(Func{T})"/>, <c>map</c> ↔ <see cref="Map{T, TResult}"/>,
/// <c>as_completed</c> ↔ <see cref="AsCompleted{T}"/>, <c>shutdown(wait)</c> ↔ <see cref="Shutdown(bool)"/>,
/// <c>close()</c> + <c>join()</c> ↔ <see cref="Dispose"/>, <c>with Pool() as p:</c> ↔ <c>using var pool = new WorkerPool(n);</c>).
/// The workers are threads, not processes. BCL: <see cref="ThreadPool"/> / <see cref="Task.Run(Action)"/> (unbounded
/// concurrency), <see cref="Parallel.ForEach{TSource}(IEnumerable{TSource}, Action{TSource})"/>.</para>
/// <para>Do not wait for each submission inside the loop that submits them (analyzer rule LS4005): submit all, then wait
/// (<see cref="Task.WhenAll(IEnumerable{Task})"/>, <see cref="Map{T, TResult}"/>). A task submitted from a pool worker and
/// waited for on that worker can deadlock a small pool.</para>
/// </remarks>
public sealed class WorkerPool : IDisposable, IAsyncDisposable
{
    private readonly BlockingQueue<IWorkItem> _queue = new();
    private readonly Thread[] _threads;
    private readonly TaskCompletionSource _allExited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;

    /// <summary>Starts a pool of <paramref name="workers"/> background threads.</summary>
    /// <param name="workers">How many threads; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="workers"/> is less than 1.</exception>
    /// <remarks>Python: <c>Pool(processes=workers)</c>, <c>ThreadPoolExecutor(max_workers=workers)</c>.</remarks>
    public WorkerPool(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _threads = new Thread[workers];
        _running = workers;
        for (var i = 0; i < workers; i++)
        {
            _threads[i] = new Thread(Serve) { IsBackground = true, Name = $"WorkerPool-{i + 1}" };
            _threads[i].Start();
        }
    }

    /// <summary>The number of worker threads.</summary>
    /// <remarks>Python: <c>Pool._processes</c>, <c>ThreadPoolExecutor._max_workers</c>.</remarks>
    public int WorkerCount => _threads.Length;

    /// <summary>Whether <see cref="Shutdown(bool)"/> or <see cref="Dispose"/> has been called: new submissions are refused.</summary>
    public bool IsShutdown => _queue.IsClosed;

    /// <summary>Queues <paramref name="function"/> to run on a pool thread.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="function">The work.</param>
    /// <returns>A task that completes with the result or the exception of <paramref name="function"/>, or is cancelled if the pool shuts down with cancellation before it runs.</returns>
    /// <exception cref="InvalidOperationException">The pool has been shut down.</exception>
    /// <remarks>Python: <c>executor.submit(fn)</c>, <c>pool.apply_async(fn)</c>. BCL: <see cref="Task.Run{TResult}(Func{TResult})"/>.</remarks>
    public Task<T> Submit<T>(Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var item = new FuncItem<T>(function);
        Enqueue(item);
        return item.Task;
    }

    /// <summary>Queues <paramref name="action"/> to run on a pool thread.</summary>
    /// <param name="action">The work.</param>
    /// <returns>A task that completes when <paramref name="action"/> has run (faulted if it threw), or is cancelled if the pool shuts down with cancellation before it runs.</returns>
    /// <exception cref="InvalidOperationException">The pool has been shut down.</exception>
    /// <remarks>Python: <c>executor.submit(fn)</c>. BCL: <see cref="Task.Run(Action)"/>.</remarks>
    public Task Submit(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var item = new ActionItem(action);
        Enqueue(item);
        return item.Task;
    }

    /// <summary>
    /// Applies <paramref name="function"/> to every input on the pool, in parallel, and returns the results in input order.
    /// Every input is submitted before this method returns; enumerating the result waits for each result in turn and
    /// rethrows the first exception met (in input order).
    /// </summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="function">The function to apply.</param>
    /// <param name="inputs">The inputs.</param>
    /// <returns>The results, in the order of <paramref name="inputs"/>.</returns>
    /// <exception cref="InvalidOperationException">The pool has been shut down.</exception>
    /// <remarks>Python: <c>pool.map(func, iterable)</c>, <c>executor.map(func, iterable)</c>.</remarks>
    public IEnumerable<TResult> Map<T, TResult>(Func<T, TResult> function, IEnumerable<T> inputs)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        var tasks = new List<Task<TResult>>();
        foreach (var input in inputs)
        {
            tasks.Add(Submit(() => function(input)));
        }

        return Results(tasks);

        static IEnumerable<TResult> Results(List<Task<TResult>> tasks)
        {
            foreach (var task in tasks)
            {
                yield return task.GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>Yields the given tasks in the order they complete (each one already completed when yielded).</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="tasks">The tasks to watch, usually returned by <see cref="Submit{T}(Func{T})"/>.</param>
    /// <param name="cancellationToken">Stops waiting for the next task.</param>
    /// <returns>The tasks, completed, earliest first: <c>await foreach (var done in pool.AsCompleted(tasks)) use(await done);</c>.</returns>
    /// <remarks>Python: <c>concurrent.futures.as_completed(fs)</c>, <c>pool.imap_unordered</c>. BCL: <c>Task.WhenEach</c> (.NET 9).</remarks>
    public async IAsyncEnumerable<Task<T>> AsCompleted<T>(IEnumerable<Task<T>> tasks, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var pending = tasks.ToList();
        var completed = new BlockingQueue<Task<T>>();
        foreach (var task in pending)
        {
            _ = task.ContinueWith(static (t, state) => ((BlockingQueue<Task<T>>)state!).Put(t), completed, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        for (var i = 0; i < pending.Count; i++)
        {
            yield return await completed.GetAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops accepting submissions. Work already queued still runs. With <paramref name="wait"/>, blocks until every
    /// queued item has run and the workers have exited. Calling it again is harmless.
    /// </summary>
    /// <param name="wait">Whether to wait for the queued work and the workers.</param>
    /// <remarks>Python: <c>executor.shutdown(wait=True)</c>; <c>pool.close()</c> then <c>pool.join()</c>.</remarks>
    public void Shutdown(bool wait = true) => Shutdown(wait, cancelPending: false);

    /// <summary>
    /// Stops accepting submissions; with <paramref name="cancelPending"/>, the tasks of queued items that have not started
    /// are cancelled instead of run (items already running finish). With <paramref name="wait"/>, blocks until the workers have exited.
    /// </summary>
    /// <param name="wait">Whether to wait for the running work and the workers.</param>
    /// <param name="cancelPending">Whether to cancel the queued items instead of running them.</param>
    /// <remarks>Python: <c>executor.shutdown(wait, cancel_futures=True)</c>; <c>pool.terminate()</c> (which here cannot stop running items).</remarks>
    public void Shutdown(bool wait, bool cancelPending)
    {
        _queue.Close();
        if (cancelPending)
        {
            while (_queue.TryGet(out var item))
            {
                item.Cancel();
            }
        }

        if (wait && !IsPoolThread())
        {
            foreach (var thread in _threads)
            {
                thread.Join();
            }
        }
    }

    /// <summary>Shuts down and waits for every queued item to run (<c>Shutdown(wait: true)</c>). When called from a pool thread it does not wait (that would deadlock).</summary>
    /// <remarks>Python: leaving <c>with ThreadPoolExecutor() as ex:</c>.</remarks>
    public void Dispose() => Shutdown(wait: true);

    /// <summary>Shuts down and waits, without blocking a thread, for every queued item to run and the workers to exit.</summary>
    /// <returns>Completes when the pool has drained.</returns>
    public ValueTask DisposeAsync()
    {
        _queue.Close();
        return IsPoolThread() ? default : new ValueTask(_allExited.Task);
    }

    private void Enqueue(IWorkItem item)
    {
        try
        {
            _queue.Put(item);
        }
        catch (QueueClosedException)
        {
            throw new InvalidOperationException("The worker pool has been shut down; it accepts no more work.");
        }
    }

    private bool IsPoolThread() => Array.IndexOf(_threads, Thread.CurrentThread) >= 0;

    private void Serve()
    {
        try
        {
            foreach (var item in _queue.Consume())
            {
                item.Run();
            }
        }
        finally
        {
            if (Interlocked.Decrement(ref _running) == 0)
            {
                _allExited.TrySetResult();
            }
        }
    }

    private interface IWorkItem
    {
        void Run();

        void Cancel();
    }

    private sealed class FuncItem<T>(Func<T> function) : TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously), IWorkItem
    {
        public void Run()
        {
            try
            {
                TrySetResult(function());
            }
            catch (OperationCanceledException ex)
            {
                TrySetCanceled(ex.CancellationToken);
            }
            catch (Exception ex)
            {
                TrySetException(ex);
            }
        }

        public void Cancel() => TrySetCanceled();
    }

    private sealed class ActionItem(Action action) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), IWorkItem
    {
        public void Run()
        {
            try
            {
                action();
                TrySetResult();
            }
            catch (OperationCanceledException ex)
            {
                TrySetCanceled(ex.CancellationToken);
            }
            catch (Exception ex)
            {
                TrySetException(ex);
            }
        }

        public void Cancel() => TrySetCanceled();
    }
}
