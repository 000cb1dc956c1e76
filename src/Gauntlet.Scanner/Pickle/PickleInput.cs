using System.Text;

namespace Gauntlet.Scanner.Pickle;

/// <summary>
/// Forward-only buffered reader over a pickle stream that tracks its position and, where the
/// stream length is known, how much is left, so declared sizes can be checked before anything
/// is allocated.
/// </summary>
internal sealed class PickleInput
{
    private readonly Stream stream;
    private readonly byte[] buffer = new byte[64 * 1024];
    private readonly long? length;
    private int bufferStart;
    private int bufferEnd;
    private long consumedBeforeBuffer;

    public PickleInput(Stream stream, long? length)
    {
        this.stream = stream;
        this.length = length ?? (stream.CanSeek ? stream.Length - stream.Position : null);
    }

    public long Position => consumedBeforeBuffer + bufferStart;

    /// <summary>Bytes left when the total length is known, otherwise null.</summary>
    public long? Remaining => length is { } total ? Math.Max(0, total - Position) : null;

    public int ReadByte()
    {
        if (bufferStart == bufferEnd && !Fill())
        {
            return -1;
        }

        return buffer[bufferStart++];
    }

    public int PeekByte()
    {
        if (bufferStart == bufferEnd && !Fill())
        {
            return -1;
        }

        return buffer[bufferStart];
    }

    public bool TryRead(Span<byte> destination)
    {
        var written = 0;
        while (written < destination.Length)
        {
            if (bufferStart == bufferEnd && !Fill())
            {
                return false;
            }

            var n = Math.Min(destination.Length - written, bufferEnd - bufferStart);
            buffer.AsSpan(bufferStart, n).CopyTo(destination[written..]);
            bufferStart += n;
            written += n;
        }

        return true;
    }

    public bool TrySkip(long count)
    {
        while (count > 0)
        {
            if (bufferStart == bufferEnd)
            {
                if (stream.CanSeek && count > buffer.Length)
                {
                    var target = stream.Position + count;
                    if (target > stream.Length)
                    {
                        consumedBeforeBuffer += stream.Length - stream.Position;
                        stream.Position = stream.Length;
                        return false;
                    }

                    stream.Position = target;
                    consumedBeforeBuffer += count;
                    return true;
                }

                if (!Fill())
                {
                    return false;
                }
            }

            var n = (int)Math.Min(count, bufferEnd - bufferStart);
            bufferStart += n;
            count -= n;
        }

        return true;
    }

    /// <summary>Reads up to a newline (not included); null at end of stream or past <paramref name="maxLength"/>.</summary>
    public string? ReadLine(int maxLength)
    {
        var bytes = new List<byte>(32);
        while (true)
        {
            var b = ReadByte();
            if (b < 0 || bytes.Count > maxLength)
            {
                return null;
            }

            if (b == '\n')
            {
                return Encoding.UTF8.GetString(bytes.ToArray());
            }

            bytes.Add((byte)b);
        }
    }

    /// <summary>
    /// Reads a newline-terminated line of any length (protocol 0 strings have no limit), keeping
    /// its first <paramref name="keep"/> bytes and skipping the rest without buffering it; null at
    /// end of stream. <paramref name="length"/> is the whole line's length and <paramref name="last"/>
    /// its last byte (0 for an empty line), so a quoted string can be checked without holding it.
    /// </summary>
    public string? ReadLongLine(int keep, out long length, out byte last)
    {
        var bytes = new List<byte>(32);
        length = 0;
        last = 0;
        while (true)
        {
            var b = ReadByte();
            if (b < 0)
            {
                return null;
            }

            if (b == '\n')
            {
                return Encoding.UTF8.GetString(bytes.ToArray());
            }

            last = (byte)b;
            length++;
            if (bytes.Count < keep)
            {
                bytes.Add((byte)b);
            }
        }
    }

    private bool Fill()
    {
        consumedBeforeBuffer += bufferEnd;
        bufferStart = 0;
        bufferEnd = 0;
        var n = stream.Read(buffer, 0, buffer.Length);
        if (n <= 0)
        {
            return false;
        }

        bufferEnd = n;
        return true;
    }
}
