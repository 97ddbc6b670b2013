namespace Lockstep.Internal;

/// <summary>TimeSpan timeouts as the BCL takes them: <see cref="Timeout.InfiniteTimeSpan"/> or 0..int.MaxValue ms.</summary>
internal static class Timeouts
{
    public const int Infinite = Timeout.Infinite;

    public static int ToMilliseconds(TimeSpan timeout, string paramName = "timeout")
    {
        var ms = timeout.Ticks / TimeSpan.TicksPerMillisecond;
        if (ms < -1 || ms > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(paramName, timeout, "The timeout must be Timeout.InfiniteTimeSpan or between 0 and Int32.MaxValue milliseconds.");
        }

        return (int)ms;
    }

    /// <summary>The TickCount64 at which a wait of <paramref name="milliseconds"/> ends; long.MaxValue for infinite.</summary>
    public static long Deadline(int milliseconds) => milliseconds == Infinite ? long.MaxValue : Environment.TickCount64 + milliseconds;

    /// <summary>Milliseconds left until <paramref name="deadline"/>: -1 for infinite, else at least 0.</summary>
    public static int Remaining(long deadline)
    {
        if (deadline == long.MaxValue)
        {
            return Infinite;
        }

        var left = deadline - Environment.TickCount64;
        return left <= 0 ? 0 : (int)Math.Min(left, int.MaxValue);
    }
}
