namespace Gauntlet.Core.Protobuf;

/// <summary>
/// Malformed protobuf wire data: a truncated or overlong value, a length past its message, an
/// invalid key, or nesting beyond the reader's limit. A <see cref="FormatException"/>: the input,
/// not the program or the file system, is at fault.
/// </summary>
public sealed class ProtoWireException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong; the byte position is appended.</param>
    /// <param name="position">Absolute byte position in the input where the problem was seen.</param>
    public ProtoWireException(string message, long position)
        : base($"{message} at byte {position}")
    {
        Position = position;
    }

    /// <summary>Absolute byte position in the input where the problem was seen.</summary>
    public long Position { get; }
}
