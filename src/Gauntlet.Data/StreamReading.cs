namespace Gauntlet.Data;

/// <summary>Reads that turn a short file into a clean, named <see cref="InvalidDataException"/>.</summary>
internal static class StreamReading
{
    /// <summary>Fills <paramref name="buffer"/> or throws naming the file and what was being read.</summary>
    public static void ReadExactly(Stream s, Span<byte> buffer, string name, string what)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = s.Read(buffer[total..]);
            if (n == 0)
            {
                throw new InvalidDataException($"{name}: file is truncated while reading {what}.");
            }

            total += n;
        }
    }
}
