namespace Lockstep;

/// <summary>Thrown by <see cref="BlockingQueue{T}.GetNoWait"/> and the timed <c>Get</c> when no item arrived in time.</summary>
/// <remarks>Python: <c>queue.Empty</c>.</remarks>
public class QueueEmptyException : InvalidOperationException
{
    /// <summary>Creates the exception with the default message.</summary>
    public QueueEmptyException()
        : base("The queue is empty.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public QueueEmptyException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public QueueEmptyException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Thrown by <see cref="BlockingQueue{T}.PutNoWait"/> and the timed <c>Put</c> when no room appeared in time.</summary>
/// <remarks>Python: <c>queue.Full</c>.</remarks>
public class QueueFullException : InvalidOperationException
{
    /// <summary>Creates the exception with the default message.</summary>
    public QueueFullException()
        : base("The queue is full.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public QueueFullException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public QueueFullException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Thrown by a put on a closed queue, and by a get on a closed queue that has been drained
/// (including producers and consumers that were blocked when <see cref="BlockingQueue{T}.Close"/> was called).
/// </summary>
/// <remarks>Python: <c>queue.ShutDown</c> (3.13). BCL: <c>ChannelClosedException</c>; <c>BlockingCollection</c> throws <see cref="InvalidOperationException"/>.</remarks>
public class QueueClosedException : InvalidOperationException
{
    /// <summary>Creates the exception with the default message.</summary>
    public QueueClosedException()
        : base("The queue has been closed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public QueueClosedException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public QueueClosedException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
