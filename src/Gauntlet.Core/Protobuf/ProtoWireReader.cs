using System.Buffers.Binary;
using System.Text;

namespace Gauntlet.Core.Protobuf;

/// <summary>
/// Reads the protobuf wire format over one message: a byte range of an array, or a window of a
/// seekable stream (so a multi-gigabyte model's tensor data can be skipped by seeking, never read).
/// </summary>
/// <remarks>
/// Every read is bounds-checked against the message's end and throws
/// <see cref="ProtoWireException"/> (with the absolute byte position) instead of running past it:
/// a varint must end within 10 bytes and fit 64 bits; a length must fit the bytes left in its
/// message and <see cref="MaxFieldLength"/>; nested messages and groups may go
/// <see cref="MaxDepth"/> levels deep. Unknown fields, groups included, are skipped with
/// <see cref="Skip"/>. Readers of nested messages share the array or stream with their parent;
/// a stream-backed reader seeks before each read, so interleaving parent and child reads is safe.
/// </remarks>
public sealed class ProtoWireReader
{
    /// <summary>The default nesting limit: deep enough for real schemas, shallow enough to never exhaust the stack.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>The largest field number protobuf allows (2^29 − 1).</summary>
    public const int MaxFieldNumber = (1 << 29) - 1;

    private readonly byte[]? _buffer;
    private readonly Stream? _stream;
    private readonly long _end;
    private long _position;
    private int _lastField;

    /// <summary>Reads the whole of <paramref name="buffer"/> as one message.</summary>
    /// <param name="buffer">The encoded message.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
    public ProtoWireReader(byte[] buffer)
        : this(buffer, 0, buffer?.Length ?? 0)
    {
    }

    /// <summary>Reads <c>buffer[start..end)</c> as one message.</summary>
    /// <param name="buffer">The bytes.</param>
    /// <param name="start">First byte of the message.</param>
    /// <param name="end">One past its last byte.</param>
    /// <param name="maxDepth">How many levels of nested messages and groups may be opened below this one.</param>
    /// <param name="maxFieldLength">The longest length-delimited field accepted, in bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range lies outside the buffer, or a limit is negative.</exception>
    public ProtoWireReader(byte[] buffer, int start, int end, int maxDepth = DefaultMaxDepth, long maxFieldLength = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (start < 0 || end < start || end > buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(end), $"range [{start}, {end}) is not inside a buffer of {buffer.Length} bytes");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFieldLength);
        _buffer = buffer;
        _position = start;
        _end = end;
        MaxDepth = maxDepth;
        MaxFieldLength = maxFieldLength;
    }

    /// <summary>Reads bytes <c>[start, end)</c> of a seekable stream as one message.</summary>
    /// <param name="stream">The stream; it must support seeking and reading.</param>
    /// <param name="start">First byte of the message.</param>
    /// <param name="end">One past its last byte; at most the stream's length.</param>
    /// <param name="maxDepth">How many levels of nested messages and groups may be opened below this one.</param>
    /// <param name="maxFieldLength">The longest length-delimited field accepted, in bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException">The stream cannot seek or read.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is negative or reversed, or a limit is negative.</exception>
    public ProtoWireReader(Stream stream, long start, long end, int maxDepth = DefaultMaxDepth, long maxFieldLength = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException("the stream must be readable and seekable", nameof(stream));
        }

        if (start < 0 || end < start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), $"range [{start}, {end}) is not a byte range");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFieldLength);
        _stream = stream;
        _position = start;
        _end = end;
        MaxDepth = maxDepth;
        MaxFieldLength = maxFieldLength;
    }

    private ProtoWireReader(ProtoWireReader parent, long start, long end)
    {
        _buffer = parent._buffer;
        _stream = parent._stream;
        _position = start;
        _end = end;
        MaxDepth = parent.MaxDepth - 1;
        MaxFieldLength = parent.MaxFieldLength;
    }

    /// <summary>Absolute byte position of the next read.</summary>
    public long Position => _position;

    /// <summary>Bytes left in this message.</summary>
    public long Remaining => _end - _position;

    /// <summary>True when the whole message has been read.</summary>
    public bool AtEnd => _position >= _end;

    /// <summary>How many more levels of nested messages and groups may be opened below this one.</summary>
    public int MaxDepth { get; }

    /// <summary>The longest length-delimited field accepted, in bytes.</summary>
    public long MaxFieldLength { get; }

    /// <summary>Decodes a zig-zag encoded <c>sint64</c>: 0 → 0, 1 → −1, 2 → 1, 3 → −2 …</summary>
    /// <param name="value">The raw varint.</param>
    /// <returns><c>(value &gt;&gt; 1) ^ −(value &amp; 1)</c>.</returns>
    public static long DecodeZigZag64(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    /// <summary>Decodes a zig-zag encoded <c>sint32</c> (the low 32 bits of the varint).</summary>
    /// <param name="value">The raw varint.</param>
    /// <returns><c>(value &gt;&gt; 1) ^ −(value &amp; 1)</c> over 32 bits.</returns>
    public static int DecodeZigZag32(ulong value) => (int)((uint)value >> 1) ^ -(int)((uint)value & 1);

    /// <summary>Reads the next field key.</summary>
    /// <param name="field">The field number (1 to <see cref="MaxFieldNumber"/>), or 0 at the end.</param>
    /// <param name="wireType">The wire type.</param>
    /// <returns>False at the end of the message.</returns>
    /// <exception cref="ProtoWireException">The key is truncated, has field number 0 or above the maximum, or wire type 6 or 7.</exception>
    public bool TryReadTag(out int field, out WireType wireType)
    {
        field = 0;
        wireType = WireType.Varint;
        if (_position >= _end)
        {
            return false;
        }

        var at = _position;
        var key = ReadVarint();
        var number = key >> 3;
        var type = (int)(key & 7);
        if (number is 0 or > MaxFieldNumber)
        {
            throw new ProtoWireException($"invalid field number {number}", at);
        }

        if (type > (int)WireType.Fixed32)
        {
            throw new ProtoWireException($"invalid wire type {type} for field {number}", at);
        }

        field = _lastField = (int)number;
        wireType = (WireType)type;
        return true;
    }

    /// <summary>Reads a base-128 varint.</summary>
    /// <returns>The value, 64 bits.</returns>
    /// <exception cref="ProtoWireException">The message ends inside the varint, or it is longer than 10 bytes or overflows 64 bits.</exception>
    public ulong ReadVarint()
    {
        var at = _position;
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte("varint");
            if (shift == 63 && b > 1)
            {
                // The tenth byte holds bit 63 only; anything more is not a 64-bit value.
                throw new ProtoWireException(b >= 0x80 ? "varint longer than 10 bytes" : "varint overflows 64 bits", at);
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new ProtoWireException("varint longer than 10 bytes", at);
    }

    /// <summary>Reads an <c>int64</c> or <c>uint64</c> varint as a signed value (two's complement).</summary>
    /// <returns>The value.</returns>
    /// <exception cref="ProtoWireException">As <see cref="ReadVarint"/>.</exception>
    public long ReadInt64() => (long)ReadVarint();

    /// <summary>Reads an <c>int32</c> varint: negative values are sign-extended to 10 bytes on the wire and truncated back here, as protobuf specifies.</summary>
    /// <returns>The low 32 bits of the varint.</returns>
    /// <exception cref="ProtoWireException">As <see cref="ReadVarint"/>.</exception>
    public int ReadInt32() => unchecked((int)ReadVarint());

    /// <summary>Reads a <c>sint64</c> (zig-zag) varint.</summary>
    /// <returns>The decoded value.</returns>
    /// <exception cref="ProtoWireException">As <see cref="ReadVarint"/>.</exception>
    public long ReadSInt64() => DecodeZigZag64(ReadVarint());

    /// <summary>Reads a <c>sint32</c> (zig-zag) varint.</summary>
    /// <returns>The decoded value.</returns>
    /// <exception cref="ProtoWireException">As <see cref="ReadVarint"/>.</exception>
    public int ReadSInt32() => DecodeZigZag32(ReadVarint());

    /// <summary>Reads a <c>bool</c>: any non-zero varint is true.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="ProtoWireException">As <see cref="ReadVarint"/>.</exception>
    public bool ReadBool() => ReadVarint() != 0;

    /// <summary>Reads four little-endian bytes.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="ProtoWireException">Fewer than four bytes are left in the message.</exception>
    public uint ReadFixed32()
    {
        Span<byte> bytes = stackalloc byte[4];
        ReadExactly(bytes, "fixed32");
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    /// <summary>Reads eight little-endian bytes.</summary>
    /// <returns>The value.</returns>
    /// <exception cref="ProtoWireException">Fewer than eight bytes are left in the message.</exception>
    public ulong ReadFixed64()
    {
        Span<byte> bytes = stackalloc byte[8];
        ReadExactly(bytes, "fixed64");
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    /// <summary>Reads a <c>float</c> (fixed32).</summary>
    /// <returns>The value.</returns>
    /// <exception cref="ProtoWireException">Fewer than four bytes are left in the message.</exception>
    public float ReadFloat() => BitConverter.UInt32BitsToSingle(ReadFixed32());

    /// <summary>Reads a <c>double</c> (fixed64).</summary>
    /// <returns>The value.</returns>
    /// <exception cref="ProtoWireException">Fewer than eight bytes are left in the message.</exception>
    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadFixed64());

    /// <summary>Reads the length of a length-delimited field and checks it against the message and <see cref="MaxFieldLength"/>.</summary>
    /// <returns>The length; the position is then at the field's first byte.</returns>
    /// <exception cref="ProtoWireException">The length runs past the message or exceeds the limit.</exception>
    public long ReadLength()
    {
        var at = _position;
        var length = ReadVarint();
        if (length > (ulong)(_end - _position))
        {
            throw new ProtoWireException($"length {length} runs past the end of its message ({_end - _position} bytes left)", at);
        }

        if ((long)length > MaxFieldLength)
        {
            throw new ProtoWireException($"length {length} exceeds the {MaxFieldLength}-byte field limit", at);
        }

        return (long)length;
    }

    /// <summary>Reads a length-delimited field as UTF-8 (invalid sequences become U+FFFD).</summary>
    /// <param name="maxBytes">Decode at most this many bytes; the rest of the field is skipped.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ProtoWireException">The length is invalid (see <see cref="ReadLength"/>).</exception>
    public string ReadString(int maxBytes = int.MaxValue)
    {
        var length = ReadLength();
        var take = (int)Math.Min(length, Math.Max(0, maxBytes));
        string text;
        if (_buffer is not null)
        {
            text = Encoding.UTF8.GetString(_buffer, (int)_position, take);
        }
        else
        {
            var bytes = new byte[take];
            ReadAt(_position, bytes);
            text = Encoding.UTF8.GetString(bytes);
        }

        _position += length;
        return text;
    }

    /// <summary>Reads a length-delimited field's bytes.</summary>
    /// <returns>A new array.</returns>
    /// <exception cref="ProtoWireException">The length is invalid (see <see cref="ReadLength"/>) or larger than an array can hold.</exception>
    public byte[] ReadBytes()
    {
        var at = _position;
        var length = ReadLength();
        if (length > Array.MaxLength)
        {
            throw new ProtoWireException($"bytes field of {length} bytes is larger than an array can hold", at);
        }

        var bytes = new byte[length];
        if (_buffer is not null)
        {
            _buffer.AsSpan((int)_position, (int)length).CopyTo(bytes);
        }
        else
        {
            ReadAt(_position, bytes);
        }

        _position += length;
        return bytes;
    }

    /// <summary>Returns a reader over a nested message (a length-delimited field) and moves past it.</summary>
    /// <returns>The nested message's reader, one level deeper.</returns>
    /// <exception cref="ProtoWireException">The length is invalid, or the nesting limit is reached.</exception>
    public ProtoWireReader ReadMessage()
    {
        var at = _position;
        if (MaxDepth == 0)
        {
            throw new ProtoWireException("protobuf messages nested too deeply", at);
        }

        var length = ReadLength();
        var message = new ProtoWireReader(this, _position, _position + length);
        _position += length;
        return message;
    }

    /// <summary>Skips a length-delimited field without reading it (a stream-backed reader does not touch the bytes).</summary>
    /// <returns>The field's length.</returns>
    /// <exception cref="ProtoWireException">The length is invalid (see <see cref="ReadLength"/>).</exception>
    public long SkipLengthDelimited()
    {
        var length = ReadLength();
        _position += length;
        return length;
    }

    /// <summary>Skips the value of the field whose key was just read.</summary>
    /// <param name="wireType">Its wire type. A group is skipped up to the end-group key with the same field number, nested groups included.</param>
    /// <exception cref="ProtoWireException">The value is truncated, a group is unterminated or mismatched, or an end-group key appears without its start.</exception>
    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint: ReadVarint(); break;
            case WireType.Fixed64: Advance(8, "fixed64"); break;
            case WireType.Fixed32: Advance(4, "fixed32"); break;
            case WireType.LengthDelimited: SkipLengthDelimited(); break;
            case WireType.StartGroup: SkipGroup(_lastField, MaxDepth); break;
            case WireType.EndGroup: throw new ProtoWireException($"end-group key for field {_lastField} without a matching start", _position);
            default: throw new ProtoWireException($"invalid wire type {(int)wireType}", _position);
        }
    }

    /// <summary>Reads a repeated varint field, packed (<see cref="WireType.LengthDelimited"/>) or not (<see cref="WireType.Varint"/>), appending to <paramref name="into"/>.</summary>
    /// <param name="wireType">The field's wire type.</param>
    /// <param name="into">Where values go.</param>
    /// <param name="maxValues">Append at most this many values from a packed run; the rest are skipped.</param>
    /// <exception cref="ProtoWireException">The wire type is neither, or a value is malformed.</exception>
    public void ReadRepeatedInt64(WireType wireType, List<long> into, int maxValues = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (wireType == WireType.Varint)
        {
            into.Add(ReadInt64());
            return;
        }

        Expect(wireType, WireType.LengthDelimited);
        var packed = ReadMessage();
        for (var n = 0; n < maxValues && !packed.AtEnd; n++)
        {
            into.Add(packed.ReadInt64());
        }
    }

    /// <summary>Reads a repeated float field, packed or not (<see cref="WireType.Fixed32"/>), appending to <paramref name="into"/>.</summary>
    /// <param name="wireType">The field's wire type.</param>
    /// <param name="into">Where values go.</param>
    /// <exception cref="ProtoWireException">The wire type is neither, or a value is truncated.</exception>
    public void ReadRepeatedFloat(WireType wireType, List<float> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (wireType == WireType.Fixed32)
        {
            into.Add(ReadFloat());
            return;
        }

        Expect(wireType, WireType.LengthDelimited);
        var packed = ReadMessage();
        while (!packed.AtEnd)
        {
            into.Add(packed.ReadFloat());
        }
    }

    /// <summary>Reads a repeated double field, packed or not (<see cref="WireType.Fixed64"/>), appending to <paramref name="into"/>.</summary>
    /// <param name="wireType">The field's wire type.</param>
    /// <param name="into">Where values go.</param>
    /// <exception cref="ProtoWireException">The wire type is neither, or a value is truncated.</exception>
    public void ReadRepeatedDouble(WireType wireType, List<double> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (wireType == WireType.Fixed64)
        {
            into.Add(ReadDouble());
            return;
        }

        Expect(wireType, WireType.LengthDelimited);
        var packed = ReadMessage();
        while (!packed.AtEnd)
        {
            into.Add(packed.ReadDouble());
        }
    }

    /// <summary>Checks a field's wire type.</summary>
    /// <param name="actual">The wire type read.</param>
    /// <param name="expected">The one the schema requires.</param>
    /// <exception cref="ProtoWireException">They differ.</exception>
    public void Expect(WireType actual, WireType expected)
    {
        if (actual != expected)
        {
            throw new ProtoWireException($"wire type {actual} where {expected} was expected for field {_lastField}", _position);
        }
    }

    private void SkipGroup(int field, int depthLeft)
    {
        var at = _position;
        if (depthLeft == 0)
        {
            throw new ProtoWireException("protobuf groups nested too deeply", at);
        }

        while (TryReadTag(out var inner, out var type))
        {
            switch (type)
            {
                case WireType.EndGroup when inner == field:
                    return;
                case WireType.EndGroup:
                    throw new ProtoWireException($"end-group key for field {inner} inside group {field}", _position);
                case WireType.StartGroup:
                    SkipGroup(inner, depthLeft - 1);
                    break;
                default:
                    Skip(type);
                    break;
            }
        }

        throw new ProtoWireException($"group {field} is not terminated before the end of its message", at);
    }

    private void Advance(long count, string what)
    {
        if (count > _end - _position)
        {
            throw new ProtoWireException($"truncated {what}: {count} bytes needed, {_end - _position} left", _position);
        }

        _position += count;
    }

    private byte ReadByte(string what)
    {
        if (_position >= _end)
        {
            throw new ProtoWireException($"truncated {what}", _position);
        }

        if (_buffer is not null)
        {
            return _buffer[_position++];
        }

        Span<byte> one = stackalloc byte[1];
        ReadAt(_position, one);
        _position++;
        return one[0];
    }

    private void ReadExactly(Span<byte> into, string what)
    {
        var at = _position;
        Advance(into.Length, what);
        if (_buffer is not null)
        {
            _buffer.AsSpan((int)at, into.Length).CopyTo(into);
        }
        else
        {
            ReadAt(at, into);
        }
    }

    private void ReadAt(long position, Span<byte> into)
    {
        if (_stream!.Position != position)
        {
            _stream.Position = position;
        }

        // The window may claim more than the stream holds (an end past its length): report it as truncation.
        if (_stream.ReadAtLeast(into, into.Length, throwOnEndOfStream: false) < into.Length)
        {
            throw new ProtoWireException("protobuf message truncated: the stream ends inside it", position);
        }
    }
}
