using System.Buffers.Binary;
using System.IO.Compression;

namespace Gauntlet.Data.Tests;

public sealed class IdxFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Idx(byte type, int[] dims, byte[] payload)
    {
        var bytes = new List<byte> { 0, 0, type, (byte)dims.Length };
        foreach (var d in dims)
        {
            var b = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(b, d);
            bytes.AddRange(b);
        }

        bytes.AddRange(payload);
        return [.. bytes];
    }

    private string Write(string name, byte[] bytes, bool gzip = false)
    {
        var path = Path.Combine(_dir, name);
        if (gzip)
        {
            using var file = File.Create(path);
            using var gz = new GZipStream(file, CompressionLevel.Fastest);
            gz.Write(bytes);
        }
        else
        {
            File.WriteAllBytes(path, bytes);
        }

        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_ParsesUInt8Arrays_RawAndGzip(bool gzip)
    {
        var path = Write("a.idx", Idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255]), gzip);
        var idx = IdxFile.Read(path);
        Assert.Equal([2, 3], idx.Dimensions);
        Assert.Equal([0f, 1f, 2f, 253f, 254f, 255f], idx.Values);
        Assert.Equal(IdxElementType.UInt8, idx.ElementType);
    }

    [Fact]
    public void Read_ParsesBigEndianFloatAndInt()
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(payload, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(payload.AsSpan(4), -2f);
        Assert.Equal([1.5f, -2f], IdxFile.Read(Write("f.idx", Idx(0x0D, [2], payload))).Values);
        var ints = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(ints, -7);
        Assert.Equal([-7f], IdxFile.Read(Write("i.idx", Idx(0x0C, [1], ints))).Values);
    }

    [Fact]
    public void Read_Truncated_GivesCleanErrorNamingFile()
    {
        var path = Write("t.idx", Idx(0x08, [10], [1, 2, 3]));
        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.Contains("t.idx", ex.Message);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void Read_TruncatedGzip_GivesCleanError()
    {
        var full = Write("g.idx.gz", Idx(0x08, [1000], new byte[1000]), gzip: true);
        var bytes = File.ReadAllBytes(full);
        var cut = Write("cut.idx.gz", bytes[..(bytes.Length / 2)]);
        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.Read(cut));
        Assert.Contains("cut.idx.gz", ex.Message);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 8, 1, 0, 0, 0, 1, 5 }, "first two bytes")]
    [InlineData(new byte[] { 0, 0, 7, 1, 0, 0, 0, 1, 5 }, "element type")]
    [InlineData(new byte[] { 0, 0, 8, 0 }, "rank is 0")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 1, 5, 6 }, "unexpected bytes")]
    [InlineData(new byte[] { 0, 0 }, "truncated")]
    public void Read_MalformedHeader_GivesSpecificError(byte[] bytes, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.Read(Write("bad.idx", bytes)));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("bad.idx", ex.Message);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => IdxFile.Read(Path.Combine(_dir, "nope.idx")));
    }
}
