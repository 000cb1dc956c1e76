using System.Text;

namespace Gauntlet.Scanner.Protobuf;

/// <summary>
/// A minimal protobuf wire-format reader over a window of a seekable stream: varints,
/// length-delimited fields, nested messages, skipping what is not needed. Large byte fields
/// (tensor raw data) are skipped by seeking, never read.
/// </summary>
internal sealed class ProtoReader
{
    public const int WireVarint = 0;
    public const int WireFixed64 = 1;
    public const int WireLengthDelimited = 2;
    public const int WireFixed32 = 5;

    private const int MaxDepth = 64;
    private readonly Stream stream;
    private readonly long end;
    private readonly int depth;
    private long position;

    public ProtoReader(Stream stream, long start, long end, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidDataException("protobuf messages nested too deeply");
        }

        this.stream = stream;
        position = start;
        this.end = end;
        this.depth = depth;
    }

    /// <summary>Reads the next field key; false at the end of the message.</summary>
    public bool TryReadTag(out int field, out int wireType)
    {
        field = 0;
        wireType = 0;
        if (position >= end)
        {
            return false;
        }

        var key = ReadVarint();
        field = (int)(key >> 3);
        wireType = (int)(key & 7);
        if (field <= 0 || wireType is 3 or 4 or 6 or 7)
        {
            throw new InvalidDataException($"invalid protobuf key {key} at byte {position}");
        }

        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("protobuf varint longer than 10 bytes");
    }

    /// <summary>Reads a length-delimited field as UTF-8, truncated to <paramref name="max"/> bytes.</summary>
    public string ReadString(int max = 4096)
    {
        var length = ReadLength();
        var take = (int)Math.Min(length, max);
        var bytes = new byte[take];
        Seek();
        stream.ReadExactly(bytes);
        position += length;
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Returns a reader for a nested message and moves past it.</summary>
    public ProtoReader ReadMessage()
    {
        var length = ReadLength();
        var message = new ProtoReader(stream, position, position + length, depth + 1);
        position += length;
        return message;
    }

    /// <summary>Skips a length-delimited field and returns its length.</summary>
    public long SkipLengthDelimited()
    {
        var length = ReadLength();
        position += length;
        return length;
    }

    /// <summary>Reads a repeated int64 field, packed or not.</summary>
    public IEnumerable<long> ReadInt64s(int wireType)
    {
        if (wireType == WireVarint)
        {
            return [(long)ReadVarint()];
        }

        var packed = ReadMessage();
        var values = new List<long>();
        while (packed.position < packed.end && values.Count < 64)
        {
            values.Add((long)packed.ReadVarint());
        }

        return values;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case WireVarint: ReadVarint(); break;
            case WireFixed64: Advance(8); break;
            case WireFixed32: Advance(4); break;
            case WireLengthDelimited: SkipLengthDelimited(); break;
            default: throw new InvalidDataException($"unsupported wire type {wireType}");
        }
    }

    private long ReadLength()
    {
        var length = ReadVarint();
        if (length > (ulong)(end - position))
        {
            throw new InvalidDataException($"protobuf field of {length:N0} bytes runs past its message");
        }

        return (long)length;
    }

    private void Advance(long count)
    {
        if (count > end - position)
        {
            throw new InvalidDataException("protobuf field runs past its message");
        }

        position += count;
    }

    private int ReadByte()
    {
        if (position >= end)
        {
            throw new InvalidDataException("protobuf message truncated");
        }

        Seek();
        var b = stream.ReadByte();
        if (b < 0)
        {
            throw new InvalidDataException("protobuf message truncated");
        }

        position++;
        return b;
    }

    private void Seek()
    {
        if (stream.Position != position)
        {
            stream.Position = position;
        }
    }
}
