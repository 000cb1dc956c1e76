using System.Buffers.Binary;
using System.Text;

namespace Gauntlet.Scanner.Tests;

public sealed class FormatDetectorTests
{
    [Theory]
    [InlineData(0x80, "model.safetensors")]
    [InlineData(0x80, "blob")]
    [InlineData(0x180, "model.safetensors")]
    [InlineData(0x280, "model.safetensors")]
    [InlineData(0x380, "weights.bin")]
    [InlineData(0x480, "model.safetensors")]
    [InlineData(0x580, "model.safetensors")]
    public void Safetensors_WhoseHeaderLengthStartsLikeAPickleProto_ScansClean(int headerLength, string name)
    {
        // 0x80 + 0x100·k as a u64 starts 80 0k: PROTO k to a pickle reader.
        var file = Safetensors(headerLength);
        Assert.Equal(0x80, file[0]);
        Assert.Equal(headerLength >> 8, file[1]);

        var report = ModelScanner.ScanBytes(file, name);

        Assert.Equal(ArtifactFormat.Safetensors, report.Format);
        Assert.Null(report.Error);
        Assert.Empty(report.Findings);
    }

    [Fact]
    public void Safetensors_WhoseHeaderLengthStartsLikeGzip_ScansClean()
    {
        // 0x8b1f = 35,615: the file starts 1f 8b 00, gzip's magic without its deflate method byte.
        var report = ModelScanner.ScanBytes(Safetensors(0x8b1f), "model.safetensors");

        Assert.Equal(ArtifactFormat.Safetensors, report.Format);
        Assert.Empty(report.Findings);
    }

    [Fact]
    public void Pickle_NamedSafetensors_IsStillAnalysedAsAPickle()
    {
        // PROTO 2, GLOBAL os.system, 'id', TUPLE1, REDUCE, STOP.
        byte[] pickle = [0x80, 2, .. "cos\nsystem\n"u8, (byte)'U', 2, .. "id"u8, 0x85, (byte)'R', (byte)'.'];

        var report = ModelScanner.ScanBytes(pickle, "model.safetensors");

        Assert.Equal(ArtifactFormat.Pickle, report.Format);
        var finding = Assert.Single(report.Findings, f => f.Severity == Severity.Critical);
        Assert.Equal("pickle.dangerous-callable", finding.RuleId);
        Assert.Contains("os.system('id')", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Safetensors_WhoseLengthBytesCouldRunAsAPickle_IsAnalysedAsThePickle()
    {
        // 0x4e0080: 80 00 4e …, PROTO 0 then NONE. A reader could go on as a pickle, so the
        // polyglot is not waved through as safetensors.
        var report = ModelScanner.ScanBytes(Safetensors(0x4e0080), "model.safetensors");

        Assert.Equal(ArtifactFormat.Pickle, report.Format);
        Assert.Contains(report.Findings, f => f.RuleId == "pickle.malformed");
    }

    [Fact]
    public void Safetensors_WithOffsetsBeyondTheData_IsNotTakenForSafetensorsOverAPickleProto()
    {
        // Structure is checked in full: a 128-byte header whose tensor overruns the data is not
        // safetensors' structure, so the PROTO reading wins (and reports the file as malformed).
        var file = Safetensors(0x80, dataOffsetsEnd: 4096);

        var report = ModelScanner.ScanBytes(file, "blob");

        Assert.Equal(ArtifactFormat.Pickle, report.Format);
        Assert.Contains(report.Findings, f => f.RuleId == "pickle.malformed");
    }

    /// <summary>One F32 tensor of 4 elements, the JSON header space-padded to <paramref name="headerLength"/> bytes.</summary>
    private static byte[] Safetensors(int headerLength, int dataOffsetsEnd = 16)
    {
        var json = Encoding.UTF8.GetBytes($"{{\"w\": {{\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, {dataOffsetsEnd}]}}}}");
        var file = new byte[8 + headerLength + 16];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)headerLength);
        file.AsSpan(8, headerLength).Fill((byte)' ');
        json.CopyTo(file, 8);
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(8 + headerLength + (4 * i)), i);
        }

        return file;
    }
}
