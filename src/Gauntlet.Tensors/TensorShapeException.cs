namespace Gauntlet.Tensors;

/// <summary>
/// An operation received tensors whose shapes it cannot work with. The message names the
/// operation, the shapes received and what was expected.
/// </summary>
public sealed class TensorShapeException : ArgumentException
{
    /// <summary>Creates the exception for operation <paramref name="op"/>.</summary>
    public TensorShapeException(string op, string detail)
        : base($"{op}: {detail}")
    {
        Op = op;
    }

    /// <summary>Creates the exception with a full message.</summary>
    public TensorShapeException(string message)
        : base(message)
    {
        Op = string.Empty;
    }

    /// <summary>Creates the exception with a full message and cause.</summary>
    public TensorShapeException(string message, Exception innerException)
        : base(message, innerException)
    {
        Op = string.Empty;
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public TensorShapeException()
        : base("tensor shape mismatch")
    {
        Op = string.Empty;
    }

    /// <summary>The name of the operation that rejected its inputs.</summary>
    public string Op { get; }
}
