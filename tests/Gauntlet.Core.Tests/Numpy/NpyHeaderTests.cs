using System.Buffers.Binary;
using System.Text;
using Gauntlet.Core.Numpy;

namespace Gauntlet.Core.Tests.Numpy;

public sealed class NpyHeaderTests
{
    private const string Float32Dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

    /// <summary>A .npy preamble and header as NumPy writes it: magic, version, little-endian length, dict padded with spaces and a newline.</summary>
    private static byte[] Header(string dict, int major = 1, int minor = 0)
    {
        var text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(dict + "\n");
        var lengthBytes = major == 1 ? 2 : 4;
        var bytes = new byte[8 + lengthBytes + text.Length];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' }.CopyTo(bytes, 0);
        bytes[6] = (byte)major;
        bytes[7] = (byte)minor;
        if (lengthBytes == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)text.Length);
        }

        text.CopyTo(bytes, 8 + lengthBytes);
        return bytes;
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 12)]
    [InlineData(3, 12)]
    public void Parse_ReadsEveryVersion(int major, int lengthEnd)
    {
        var bytes = Header(Float32Dict, major);

        var header = NpyHeader.Parse(bytes);

        Assert.Equal(major, header.MajorVersion);
        Assert.Equal(0, header.MinorVersion);
        Assert.Equal("<f4", header.Descr);
        Assert.False(header.IsStructured);
        Assert.Equal(["<f4"], header.FieldDtypes);
        Assert.False(header.FortranOrder);
        Assert.Equal([2L, 3L], header.Shape);
        Assert.Equal(6L, header.ElementCount());
        Assert.Equal(lengthEnd + Float32Dict.Length + 1, header.DataOffset);
        Assert.Equal(bytes.Length, header.DataOffset);
        Assert.False(header.HasObjectDtype);
    }

    [Fact]
    public void Read_FromAStream_LeavesItAtTheFirstValue()
    {
        var bytes = Header("{'descr': '<i8', 'fortran_order': True, 'shape': (), }").Concat(new byte[] { 7, 0, 0, 0, 0, 0, 0, 0 }).ToArray();
        using var stream = new MemoryStream(bytes);

        var header = NpyHeader.Read(stream);

        Assert.Equal(header.DataOffset, stream.Position);
        Assert.True(header.FortranOrder);
        Assert.Empty(header.Shape);
        Assert.Equal(1L, header.ElementCount());
        Assert.Equal(7, stream.ReadByte());
    }

    [Fact]
    public void Version3_HeaderIsUtf8()
    {
        var header = NpyHeader.Parse(Header("{'descr': [('é', '<f4')], 'fortran_order': False, 'shape': (1,), }", major: 3));

        Assert.True(header.IsStructured);
        Assert.Equal("[('é', '<f4')]", header.Descr);
    }

    [Theory]
    [InlineData("'|O'", true)]
    [InlineData("'O'", true)]
    [InlineData("'<O8'", true)]
    [InlineData("'<f8'", false)]
    [InlineData("'|b1'", false)]
    [InlineData("[('a', '<f4'), ('b', '|O')]", true)]
    [InlineData("[('a', '<f4'), ('O', '<i8')]", false)]
    [InlineData("[('a', [('x', '<f4'), ('y', 'O', (2,))])]", true)]
    [InlineData("[(('title', 'a'), '<f4', (3,))]", false)]
    public void ObjectDtypes_AreFound_InPlainAndStructuredDescrs(string descr, bool isObject)
    {
        var header = NpyHeader.Parse(Header($"{{'descr': {descr}, 'fortran_order': False, 'shape': (1,), }}"));

        Assert.Equal(isObject, header.HasObjectDtype);
    }

    [Fact]
    public void StructuredDescr_ListsEveryFieldDtype_Flattened()
    {
        var header = NpyHeader.Parse(Header("{'descr': [('a', '<f4'), ('b', [('c', '<i2'), ('d', '|u1')])], 'fortran_order': False, 'shape': (4,), }"));

        Assert.Equal(["<f4", "<i2", "|u1"], header.FieldDtypes);
        Assert.Equal("[('a', '<f4'), ('b', [('c', '<i2'), ('d', '|u1')])]", header.Descr);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "lacks the key 'fortran_order'")]
    [InlineData("{'fortran_order': False, 'shape': (1,), }", "lacks the key 'descr'")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", "'fortran_order' is 0")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "'shape' entry 0 is -1")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': [1], }", "'shape' is a list")]
    [InlineData("{'descr': 4, 'fortran_order': False, 'shape': (1,), }", "'descr' is 4")]
    [InlineData("{'descr': ['<f4'], 'fortran_order': False, 'shape': (1,), }", "is not a (name, dtype)")]
    [InlineData("{'descr': [('a', 5)], 'fortran_order': False, 'shape': (1,), }", "neither a dtype string")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,) ", "malformed .npy header dict")]
    [InlineData("{'descr': '<f4', 'fortran_order': Falsy, 'shape': (1,)}", "unknown name 'Falsy'")]
    [InlineData("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", "duplicate dict key 'descr'")]
    [InlineData("['descr']", "not a dict")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", "not a valid 64-bit integer")]
    public void MalformedDicts_GiveSpecificErrors(string dict, string expected) =>
        Assert.Contains(expected, Assert.Throws<NpyFormatException>(() => NpyHeader.Parse(Header(dict))).Message, StringComparison.Ordinal);

    [Fact]
    public void TooManyDimensions_AreRefused()
    {
        var shape = "(" + string.Concat(Enumerable.Repeat("1, ", NpyHeader.MaxDimensions + 1)) + ")";

        var ex = Assert.Throws<NpyFormatException>(() => NpyHeader.Parse(Header($"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}")));

        Assert.Contains("65 dimensions; at most 64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ElementCount_ThatOverflows_Throws()
    {
        var header = NpyHeader.Parse(Header("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"));

        Assert.Contains("more elements than a 64-bit count", Assert.Throws<NpyFormatException>(() => header.ElementCount()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadMagic_UnknownVersion_AndOversizedHeader_AreRefused()
    {
        Assert.Contains("not a NumPy .npy file", Assert.Throws<NpyFormatException>(() => NpyHeader.Parse("NUMPY!!!!!!!!"u8)).Message, StringComparison.Ordinal);

        var v4 = Header(Float32Dict);
        v4[6] = 4;
        Assert.Contains("version 4.0", Assert.Throws<NpyFormatException>(() => NpyHeader.Parse(v4)).Message, StringComparison.Ordinal);

        var huge = Header(Float32Dict, major: 2);
        BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(8), NpyHeader.MaxHeaderLength + 1);
        Assert.Contains("exceeds the 1048576-byte limit", Assert.Throws<NpyFormatException>(() => NpyHeader.Parse(huge)).Message, StringComparison.Ordinal);
        using var stream = new MemoryStream(huge);
        Assert.Contains("exceeds the 1048576-byte limit", Assert.Throws<NpyFormatException>(() => NpyHeader.Read(stream)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTruncation_IsReported_FromBytesAndFromAStream()
    {
        var bytes = Header(Float32Dict);
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var fromBytes = Assert.Throws<NpyFormatException>(() => NpyHeader.Parse(bytes.AsSpan(0, cut)));
            using var stream = new MemoryStream(bytes, 0, cut);
            var fromStream = Assert.Throws<NpyFormatException>(() => NpyHeader.Read(stream));

            var expected = cut < 8 ? "the 8-byte preamble" : cut < 10 ? "the header length" : "the header dict";
            Assert.Contains(expected, fromBytes.Message, StringComparison.Ordinal);
            Assert.Equal(fromBytes.Message, fromStream.Message);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' }, true)]
    [InlineData(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P' }, false)]
    [InlineData(new byte[] { (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 0 }, false)]
    public void HasMagic_ChecksTheSixMagicBytes(byte[] bytes, bool expected) => Assert.Equal(expected, NpyHeader.HasMagic(bytes));
}
