using Lockstep;

namespace Tutorial;

/// <summary>
/// A light worker turns an Event on (green) and off (red); cars wait for green before crossing. When every car has
/// crossed, the light is terminated (its token is cancelled) and joined.
/// </summary>
internal static class TrafficLight
{
    public static void Run()
    {
        var green = new Event();
        var crossed = 0;
        var cycles = 0;

        var light = new Worker(token =>
        {
            while (!token.IsCancellationRequested)
            {
                green.Set();
                token.WaitHandle.WaitOne(30);
                green.Clear();
                token.WaitHandle.WaitOne(30);
                Interlocked.Increment(ref cycles);
            }
        }, "light");

        var cars = Enumerable.Range(1, 8).Select(i => new Worker(() =>
        {
            Thread.Sleep(i * 15); // cars arrive one after another
            green.Wait();
            Interlocked.Increment(ref crossed);
        }, $"car-{i}")).ToList();

        light.Start();
        foreach (var car in cars)
        {
            car.Start();
        }

        foreach (var car in cars)
        {
            car.Join();
        }

        light.Terminate();
        light.Join();
        Console.WriteLine($"   {crossed} cars crossed on green over {Volatile.Read(ref cycles)} light cycles; light is {light.State}");
    }
}
