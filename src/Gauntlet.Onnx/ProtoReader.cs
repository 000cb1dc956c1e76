using System.Buffers.Binary;
using System.Text;

namespace Gauntlet.Onnx;

/// <summary>Thrown by <see cref="ProtoReader"/> on malformed protobuf wire data; callers wrap it with the file name.</summary>
internal sealed class ProtoFormatException(string message) : Exception(message);

/// <summary>
/// A minimal protobuf wire-format reader over a byte range: varints, fixed32/64, length-delimited
/// fields, and skipping of unknown fields. Every read is bounds-checked and reports
/// <see cref="ProtoFormatException"/> instead of running past the buffer.
/// </summary>
internal struct ProtoReader(byte[] buffer, int start, int end)
{
    private readonly byte[] _buffer = buffer;
    private readonly int _end = end;
    private int _pos = start;

    public ProtoReader(byte[] buffer)
        : this(buffer, 0, buffer.Length)
    {
    }

    public readonly bool AtEnd => _pos >= _end;

    public readonly int Position => _pos;

    /// <summary>Reads the next tag; returns false at the end of the message.</summary>
    public bool Next(out int field, out int wireType)
    {
        if (_pos >= _end)
        {
            field = 0;
            wireType = 0;
            return false;
        }

        var tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        if (field <= 0 || tag >> 3 > int.MaxValue)
        {
            throw new ProtoFormatException($"invalid field number {tag >> 3} at byte {_pos}");
        }

        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_pos >= _end)
            {
                throw new ProtoFormatException($"truncated varint at byte {_pos}");
            }

            var b = _buffer[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new ProtoFormatException($"varint longer than 10 bytes at byte {_pos}");
    }

    public long ReadInt64() => (long)ReadVarint();

    public uint ReadFixed32()
    {
        Require(4);
        var v = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_pos, 4));
        _pos += 4;
        return v;
    }

    public ulong ReadFixed64()
    {
        Require(8);
        var v = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(_pos, 8));
        _pos += 8;
        return v;
    }

    public float ReadFloat() => BitConverter.UInt32BitsToSingle(ReadFixed32());

    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadFixed64());

    /// <summary>Reads a length-delimited field and returns its byte range.</summary>
    public (int Start, int Length) ReadLengthDelimited()
    {
        var len = ReadVarint();
        if (len > (ulong)(_end - _pos))
        {
            throw new ProtoFormatException($"length {len} at byte {_pos} runs past the end of its message ({_end - _pos} bytes left)");
        }

        var start = _pos;
        _pos += (int)len;
        return (start, (int)len);
    }

    public ProtoReader ReadMessage()
    {
        var (s, l) = ReadLengthDelimited();
        return new ProtoReader(_buffer, s, s + l);
    }

    public string ReadString()
    {
        var (s, l) = ReadLengthDelimited();
        return Encoding.UTF8.GetString(_buffer, s, l);
    }

    public byte[] ReadBytes()
    {
        var (s, l) = ReadLengthDelimited();
        return _buffer.AsSpan(s, l).ToArray();
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                Require(8);
                _pos += 8;
                break;
            case 2:
                ReadLengthDelimited();
                break;
            case 5:
                Require(4);
                _pos += 4;
                break;
            default:
                throw new ProtoFormatException($"unsupported wire type {wireType} at byte {_pos}");
        }
    }

    /// <summary>Reads a repeated varint field, packed (wire type 2) or not (wire type 0).</summary>
    public void ReadVarints(int wireType, List<long> into)
    {
        if (wireType == 0)
        {
            into.Add(ReadInt64());
            return;
        }

        Expect(wireType, 2);
        var inner = ReadMessage();
        while (!inner.AtEnd)
        {
            into.Add(inner.ReadInt64());
        }
    }

    /// <summary>Reads a repeated float field, packed or not.</summary>
    public void ReadFloats(int wireType, List<float> into)
    {
        if (wireType == 5)
        {
            into.Add(ReadFloat());
            return;
        }

        Expect(wireType, 2);
        var inner = ReadMessage();
        while (!inner.AtEnd)
        {
            into.Add(inner.ReadFloat());
        }
    }

    /// <summary>Reads a repeated double field, packed or not.</summary>
    public void ReadDoubles(int wireType, List<double> into)
    {
        if (wireType == 1)
        {
            into.Add(ReadDouble());
            return;
        }

        Expect(wireType, 2);
        var inner = ReadMessage();
        while (!inner.AtEnd)
        {
            into.Add(inner.ReadDouble());
        }
    }

    public readonly void Expect(int wireType, int expected)
    {
        if (wireType != expected)
        {
            throw new ProtoFormatException($"wire type {wireType} where {expected} was expected at byte {_pos}");
        }
    }

    private readonly void Require(int n)
    {
        if (_end - _pos < n)
        {
            throw new ProtoFormatException($"truncated fixed-width value at byte {_pos}");
        }
    }
}
