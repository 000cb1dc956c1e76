using Gauntlet.Core.Protobuf;

namespace Gauntlet.Core.Tests.Protobuf;

public sealed class ProtoWireReaderTests
{
    [Theory]
    [InlineData(new byte[] { 0x00 }, 0UL)]
    [InlineData(new byte[] { 0x01 }, 1UL)]
    [InlineData(new byte[] { 0x96, 0x01 }, 150UL)]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, 0xFFFFFFFFUL)]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, ulong.MaxValue)]
    public void ReadVarint_DecodesBase128(byte[] bytes, ulong expected)
    {
        var reader = new ProtoWireReader(bytes);

        Assert.Equal(expected, reader.ReadVarint());
        Assert.True(reader.AtEnd);
    }

    [Fact]
    public void ReadInt32_TruncatesTheSignExtendedTenByteForm()
    {
        byte[] minusOne = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];

        Assert.Equal(-1, new ProtoWireReader(minusOne).ReadInt32());
        Assert.Equal(-1L, new ProtoWireReader(minusOne).ReadInt64());
    }

    [Theory]
    [InlineData(0UL, 0L)]
    [InlineData(1UL, -1L)]
    [InlineData(2UL, 1L)]
    [InlineData(3UL, -2L)]
    [InlineData(4294967294UL, 2147483647L)]
    [InlineData(4294967295UL, -2147483648L)]
    [InlineData(ulong.MaxValue, long.MinValue)]
    public void ZigZag_DecodesSignedValues(ulong raw, long expected)
    {
        Assert.Equal(expected, ProtoWireReader.DecodeZigZag64(raw));
        if (expected is >= int.MinValue and <= int.MaxValue)
        {
            Assert.Equal((int)expected, ProtoWireReader.DecodeZigZag32(raw));
        }
    }

    [Fact]
    public void ReadSInt_DecodesFromTheWire() =>
        Assert.Equal(-75L, new ProtoWireReader([0x95, 0x01]).ReadSInt64());

    [Fact]
    public void TruncatedVarint_ThrowsWithItsPosition()
    {
        var reader = new ProtoWireReader([0x08, 0x96]);
        Assert.True(reader.TryReadTag(out _, out _));

        var ex = Assert.Throws<ProtoWireException>(() => reader.ReadVarint());

        Assert.Contains("truncated varint", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.Position);
    }

    [Fact]
    public void OverlongVarint_ElevenBytes_Throws()
    {
        byte[] bytes = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00];

        var ex = Assert.Throws<ProtoWireException>(() => new ProtoWireReader(bytes).ReadVarint());

        Assert.Contains("longer than 10 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, ex.Position);
    }

    [Fact]
    public void TenByteVarint_WithMoreThan64Bits_Throws()
    {
        byte[] bytes = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02];

        Assert.Contains("overflows 64 bits", Assert.Throws<ProtoWireException>(() => new ProtoWireReader(bytes).ReadVarint()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Message_WithEveryWireType_ReadsFieldByField()
    {
        // field 1 varint 150; field 2 string "hi"; field 3 fixed32 1.5f; field 4 fixed64 -2.0; field 5 sint64 -3; field 6 packed int64 [1, 300]
        byte[] bytes =
        [
            0x08, 0x96, 0x01,
            0x12, 0x02, (byte)'h', (byte)'i',
            0x1D, 0x00, 0x00, 0xC0, 0x3F,
            0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0,
            0x28, 0x05,
            0x32, 0x03, 0x01, 0xAC, 0x02,
        ];
        var reader = new ProtoWireReader(bytes);
        var fields = new List<(int, WireType)>();
        var packed = new List<long>();
        ulong varint = 0;
        string? text = null;
        float single = 0;
        double dbl = 0;
        long sint = 0;

        while (reader.TryReadTag(out var field, out var wire))
        {
            fields.Add((field, wire));
            switch (field)
            {
                case 1: varint = reader.ReadVarint(); break;
                case 2: text = reader.ReadString(); break;
                case 3: single = reader.ReadFloat(); break;
                case 4: dbl = reader.ReadDouble(); break;
                case 5: sint = reader.ReadSInt64(); break;
                case 6: reader.ReadRepeatedInt64(wire, packed); break;
            }
        }

        Assert.Equal([(1, WireType.Varint), (2, WireType.LengthDelimited), (3, WireType.Fixed32), (4, WireType.Fixed64), (5, WireType.Varint), (6, WireType.LengthDelimited)], fields);
        Assert.Equal(150UL, varint);
        Assert.Equal("hi", text);
        Assert.Equal(1.5f, single);
        Assert.Equal(-2.0, dbl);
        Assert.Equal(-3L, sint);
        Assert.Equal([1L, 300L], packed);
    }

    [Fact]
    public void Skip_PassesOverEveryWireType_IncludingNestedGroups()
    {
        byte[] bytes =
        [
            0x08, 0x96, 0x01,                   // 1: varint
            0x11, 1, 2, 3, 4, 5, 6, 7, 8,       // 2: fixed64
            0x1D, 1, 2, 3, 4,                   // 3: fixed32
            0x22, 0x02, 0xAA, 0xBB,             // 4: length-delimited
            0x2B,                               // 5: start group
            0x08, 0x01,                         //    1: varint
            0x33, 0x34,                         //    6: start group, 6: end group
            0x2C,                               // 5: end group
            0x38, 0x07,                         // 7: varint 7, read
        ];
        var reader = new ProtoWireReader(bytes);
        var last = 0UL;

        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 7)
            {
                last = reader.ReadVarint();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        Assert.Equal(7UL, last);
        Assert.Equal(bytes.Length, reader.Position);
    }

    [Theory]
    [InlineData(new byte[] { 0x2B, 0x08, 0x01 }, "not terminated")]
    [InlineData(new byte[] { 0x2B, 0x34 }, "end-group key for field 6 inside group 5")]
    [InlineData(new byte[] { 0x2C }, "without a matching start")]
    public void MalformedGroups_Throw(byte[] bytes, string expected)
    {
        var reader = new ProtoWireReader(bytes);
        Assert.True(reader.TryReadTag(out _, out var wire));

        Assert.Contains(expected, Assert.Throws<ProtoWireException>(() => reader.Skip(wire)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x00 }, "invalid field number 0")]
    [InlineData(new byte[] { 0x0E }, "invalid wire type 6")]
    [InlineData(new byte[] { 0x0F }, "invalid wire type 7")]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x10 }, "invalid field number 536870912")]
    public void InvalidKeys_Throw(byte[] bytes, string expected) =>
        Assert.Contains(expected, Assert.Throws<ProtoWireException>(() => new ProtoWireReader(bytes).TryReadTag(out _, out _)).Message, StringComparison.Ordinal);

    [Fact]
    public void Lengths_PastTheMessage_OrOverTheLimit_Throw()
    {
        var past = Assert.Throws<ProtoWireException>(() => new ProtoWireReader([0x05, 1, 2]).ReadBytes());
        Assert.Contains("length 5 runs past the end of its message (2 bytes left)", past.Message, StringComparison.Ordinal);

        var limited = new ProtoWireReader([0x03, 1, 2, 3], 0, 4, maxFieldLength: 2);
        Assert.Contains("exceeds the 2-byte field limit", Assert.Throws<ProtoWireException>(() => limited.ReadBytes()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NestedMessage_IsBoundedByItsLength_NotTheBuffer()
    {
        // field 1: message { field 1 varint 5 }, then field 2 varint 9; the inner reader must stop at its own end.
        byte[] bytes = [0x0A, 0x02, 0x08, 0x05, 0x10, 0x09];
        var reader = new ProtoWireReader(bytes);
        Assert.True(reader.TryReadTag(out _, out _));
        var inner = reader.ReadMessage();

        Assert.True(inner.TryReadTag(out var f, out _));
        Assert.Equal(1, f);
        Assert.Equal(5UL, inner.ReadVarint());
        Assert.False(inner.TryReadTag(out _, out _));
        Assert.True(reader.TryReadTag(out f, out _));
        Assert.Equal(2, f);
        Assert.Equal(9UL, reader.ReadVarint());
    }

    [Fact]
    public void Nesting_BeyondTheLimit_Throws()
    {
        // 1: { 1: { 1: { } } } with a limit of 2 levels.
        byte[] bytes = [0x0A, 0x04, 0x0A, 0x02, 0x0A, 0x00];
        var reader = new ProtoWireReader(bytes, 0, bytes.Length, maxDepth: 2);
        reader.TryReadTag(out _, out _);
        var one = reader.ReadMessage();
        one.TryReadTag(out _, out _);
        var two = one.ReadMessage();
        two.TryReadTag(out _, out _);

        Assert.Contains("nested too deeply", Assert.Throws<ProtoWireException>(() => two.ReadMessage()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedFixedWidthValues_Throw()
    {
        Assert.Contains("truncated fixed32", Assert.Throws<ProtoWireException>(() => new ProtoWireReader([1, 2, 3]).ReadFixed32()).Message, StringComparison.Ordinal);
        Assert.Contains("truncated fixed64", Assert.Throws<ProtoWireException>(() => new ProtoWireReader([1, 2, 3, 4, 5, 6, 7]).ReadFixed64()).Message, StringComparison.Ordinal);
        Assert.Contains("truncated fixed32", Assert.Throws<ProtoWireException>(() => new ProtoWireReader([1]).Skip(WireType.Fixed32)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamBackedReader_ReadsAWindow_AndSkipsLargeFieldsWithoutReading()
    {
        // 3 bytes of junk, then: field 1 string "ab", field 9 bytes (1000), field 2 varint 7.
        var message = new List<byte> { 0x0A, 0x02, (byte)'a', (byte)'b', 0x4A, 0xE8, 0x07 };
        message.AddRange(new byte[1000]);
        message.AddRange([0x10, 0x07]);
        var bytes = new byte[] { 0xEE, 0xEE, 0xEE }.Concat(message).ToArray();
        using var stream = new MemoryStream(bytes);
        var reader = new ProtoWireReader(stream, 3, bytes.Length);

        Assert.True(reader.TryReadTag(out _, out _));
        Assert.Equal("a", reader.ReadString(maxBytes: 1));
        Assert.True(reader.TryReadTag(out var f, out _));
        Assert.Equal(9, f);
        Assert.Equal(1000L, reader.SkipLengthDelimited());
        Assert.True(reader.TryReadTag(out f, out _));
        Assert.Equal(2, f);
        Assert.Equal(7UL, reader.ReadVarint());
        Assert.True(reader.AtEnd);
    }

    [Fact]
    public void StreamBackedReader_WindowPastTheStreamEnd_ReportsTruncation()
    {
        using var stream = new MemoryStream([0x08]);
        var reader = new ProtoWireReader(stream, 0, 10);
        Assert.True(reader.TryReadTag(out _, out _));

        Assert.Contains("truncated", Assert.Throws<ProtoWireException>(() => reader.ReadVarint()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatedFields_AcceptPackedAndUnpacked_AndCheckTheWireType()
    {
        var floats = new List<float>();
        new ProtoWireReader([0x00, 0x00, 0x80, 0x3F]).ReadRepeatedFloat(WireType.Fixed32, floats);
        new ProtoWireReader([0x08, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x40, 0x40]).ReadRepeatedFloat(WireType.LengthDelimited, floats);
        Assert.Equal([1f, 2f, 3f], floats);

        var doubles = new List<double>();
        new ProtoWireReader([0, 0, 0, 0, 0, 0, 0xF0, 0x3F]).ReadRepeatedDouble(WireType.Fixed64, doubles);
        Assert.Equal([1.0], doubles);

        var longs = new List<long>();
        new ProtoWireReader([0x03, 0x01, 0x02, 0x03]).ReadRepeatedInt64(WireType.LengthDelimited, longs, maxValues: 2);
        Assert.Equal([1L, 2L], longs);

        Assert.Contains("where LengthDelimited was expected", Assert.Throws<ProtoWireException>(() => new ProtoWireReader([0x01]).ReadRepeatedInt64(WireType.Fixed32, longs)).Message, StringComparison.Ordinal);
    }
}
