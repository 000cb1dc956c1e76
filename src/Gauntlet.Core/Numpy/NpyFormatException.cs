namespace Gauntlet.Core.Numpy;

/// <summary>
/// A malformed or unsupported <c>.npy</c> preamble or header: wrong magic, unknown version, a
/// header over the size limit, a truncated file, or a dict without valid <c>descr</c>,
/// <c>fortran_order</c> and <c>shape</c>. The message says which, without the file's name, so
/// callers add it.
/// </summary>
public sealed class NpyFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public NpyFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NpyFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
