using System.Diagnostics;

namespace Lockstep.Runtime.Tests;

/// <summary>Helpers shared by the tests. Timing bounds are generous: CI runs on two busy cores.</summary>
internal static class TestUtil
{
    /// <summary>Long enough for anything that should happen "at once" on a loaded machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Long enough that a wrongly woken waiter would usually have shown itself.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    /// <summary>Runs <paramref name="body"/> on a dedicated thread (blocked threads must not starve the thread pool).</summary>
    public static Task Spawn(Action body) => Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public static Task<T> Spawn<T>(Func<T> body) => Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Polls until <paramref name="condition"/> holds; fails the test after <see cref="Patience"/>.</summary>
    public static void WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            Thread.Sleep(2);
        }
    }

    /// <summary>Waits for <paramref name="task"/>; fails the test if it takes longer than <see cref="Patience"/>.</summary>
    public static void Finishes(Task task, string what)
    {
        if (!task.Wait(Patience))
        {
            Assert.Fail($"Timed out waiting for {what}.");
        }
    }

    public static T Finishes<T>(Task<T> task, string what)
    {
        Finishes((Task)task, what);
        return task.Result;
    }

    /// <summary>Asserts that the task is still running after a short while (it is blocked, as it should be).</summary>
    public static void StaysBlocked(Task task, string what)
    {
        Thread.Sleep(Settle);
        Assert.False(task.IsCompleted, $"{what} should still be blocked.");
    }

    /// <summary>The exception the task ended with, unwrapped.</summary>
    public static Exception Faults(Task task, string what)
    {
        try
        {
            Finishes(task, what);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            return ex.InnerException!;
        }

        Assert.Fail($"{what} should have thrown.");
        return null!;
    }

    /// <summary>Asserts that a Task-returning call throws at the call itself (argument and state checks are not deferred to the task).</summary>
    public static T ThrowsAtCall<T>(Func<Task> call)
        where T : Exception
    {
        Task task;
        try
        {
            task = call();
        }
        catch (T ex)
        {
            return ex;
        }

        Assert.Fail($"The call should have thrown {typeof(T).Name} at once; it returned a task ({task.Status}).");
        return null!;
    }

    /// <summary>Bytes allocated on this thread by <paramref name="body"/>, after one warm-up run.</summary>
    public static long AllocatedBy(Action body)
    {
        body();
        var before = GC.GetAllocatedBytesForCurrentThread();
        body();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
