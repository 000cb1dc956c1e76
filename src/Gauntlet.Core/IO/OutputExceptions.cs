namespace Gauntlet.Core.IO;

/// <summary>
/// An output path that <see cref="OutputPolicy"/> refuses before any work starts: a missing or
/// read-only folder, a folder where a file is expected (or the reverse), or a path that would
/// overwrite one of the command's inputs. The message is one line naming the option and the path.
/// </summary>
public sealed class OutputPathException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public OutputPathException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its one-line message and the underlying cause.</summary>
    public OutputPathException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public OutputPathException()
        : base("invalid output path")
    {
    }
}

/// <summary>
/// Writing an output failed (a full disk, a read-only file system, a device that refuses data).
/// <see cref="Target"/> names the output as the caller gave it and <see cref="Reason"/> says why in
/// a few words, without the temporary path the content was staged in.
/// </summary>
public sealed class OutputWriteException : IOException
{
    /// <summary>Creates the exception for <paramref name="target"/>.</summary>
    /// <param name="target">The output that could not be written.</param>
    /// <param name="reason">Why, e.g. "No space left on device".</param>
    /// <param name="innerException">The underlying error.</param>
    public OutputWriteException(string target, string reason, Exception? innerException = null)
        : base($"cannot write {target}: {reason}", innerException)
    {
        Target = target;
        Reason = reason;
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public OutputWriteException()
        : this("output", "write failed")
    {
    }

    /// <summary>Creates the exception with a message of its own.</summary>
    public OutputWriteException(string message)
        : this("output", message)
    {
    }

    /// <summary>Creates the exception with a message of its own and the underlying cause.</summary>
    public OutputWriteException(string message, Exception innerException)
        : this("output", message, innerException)
    {
    }

    /// <summary>The output that could not be written, as the caller named it.</summary>
    public string Target { get; }

    /// <summary>Why, in a few words.</summary>
    public string Reason { get; }

    /// <summary>
    /// The operating system's reason in <paramref name="exception"/>, without the path .NET appends
    /// (<c>No space left on device : '/tmp/x'</c> becomes <c>No space left on device</c>).
    /// </summary>
    public static string ReasonOf(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            UnauthorizedAccessException => "permission denied",
            DirectoryNotFoundException => "no such folder",
            FileNotFoundException => "the file system refuses new files there",
            _ => StripPath(exception.Message),
        };
    }

    private static string StripPath(string message)
    {
        var cut = message.IndexOf(" : '", StringComparison.Ordinal);
        var reason = (cut >= 0 ? message[..cut] : message).Trim().TrimEnd('.');
        return reason.Length == 0 ? "write failed" : reason;
    }
}
