using System.Buffers.Binary;
using Gauntlet.Tensors;

namespace Gauntlet.Data.Tests;

public sealed class PngDecoderTests : TempDirTest
{
    private static readonly byte[] Palette = [.. Enumerable.Range(0, 16).SelectMany(i => new[] { (byte)(i * 16), (byte)(255 - (i * 16)), (byte)(i * 7) })];

    private static byte[] Ihdr(int width, int height, int depth, int colour, int interlace = 0)
    {
        var d = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(d, width);
        BinaryPrimitives.WriteInt32BigEndian(d.AsSpan(4), height);
        d[8] = (byte)depth;
        d[9] = (byte)colour;
        d[12] = (byte)interlace;
        return d;
    }

    /// <summary>The encoder side of a PNG filter: subtracts the predictor from each raw byte.</summary>
    private static byte[] FilterRow(int filter, byte[] raw, byte[] prior, int bpp)
    {
        var output = new byte[raw.Length + 1];
        output[0] = (byte)filter;
        for (var i = 0; i < raw.Length; i++)
        {
            int a = i >= bpp ? raw[i - bpp] : 0;
            int b = prior[i];
            int c = i >= bpp ? prior[i - bpp] : 0;
            var predictor = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                _ => Paeth(a, b, c),
            };
            output[i + 1] = (byte)(raw[i] - predictor);
        }

        return output;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>Filters raw rows (byte-packed) with <paramref name="filterOf"/>(row) and concatenates them.</summary>
    private static byte[] Scanlines(byte[][] rows, Func<int, int> filterOf, int bpp)
    {
        var result = new List<byte>();
        var prior = new byte[rows.Length == 0 ? 0 : rows[0].Length];
        for (var y = 0; y < rows.Length; y++)
        {
            result.AddRange(FilterRow(filterOf(y), rows[y], prior, bpp));
            prior = rows[y];
        }

        return [.. result];
    }

    private static int FileChannels(int colour) => colour switch { 0 or 3 => 1, 4 => 2, 2 => 3, _ => 4 };

    /// <summary>Pseudo-random samples; palette indices stay below 16.</summary>
    private static byte[][] RandomRows(int width, int height, int colour, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, height).Select(_ => Enumerable.Range(0, width * FileChannels(colour)).Select(_ => (byte)(colour == 3 ? rng.Next(16) : rng.Next(256))).ToArray())];
    }

    /// <summary>The expected [C, H, W] output for 8-bit rows: alpha dropped, palette looked up.</summary>
    private static float[] Expected8(byte[][] rows, int width, int colour)
    {
        var height = rows.Length;
        var channels = colour is 0 or 4 ? 1 : 3;
        var result = new float[channels * height * width];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < channels; c++)
                {
                    var v = colour == 3 ? Palette[(rows[y][x] * 3) + c] : rows[y][(x * FileChannels(colour)) + c];
                    result[(c * height * width) + (y * width) + x] = v / 255f;
                }
            }
        }

        return result;
    }

    public static TheoryData<int, int> ColourTypesAndFilters()
    {
        var data = new TheoryData<int, int>();
        foreach (var colour in new[] { 0, 2, 3, 4, 6 })
        {
            for (var filter = 0; filter <= 4; filter++)
            {
                data.Add(colour, filter);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ColourTypesAndFilters))]
    public void Decode_EightBit_EachColourTypeAndFilter_ExactPixels(int colour, int filter)
    {
        const int width = 7, height = 5;
        var rows = RandomRows(width, height, colour, (colour * 10) + filter);
        var extra = colour == 3 ? new[] { ("PLTE", Palette), ("tRNS", new byte[] { 0, 128, 255 }) } : [];
        var png = PngWriter.Assemble(Ihdr(width, height, 8, colour), Scanlines(rows, _ => filter, FileChannels(colour)), extra);
        var image = PngDecoder.Decode(Write("c.png", png));
        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.Equal(colour is 0 or 4 ? 1 : 3, image.Channels);
        Assert.Equal((PngColorType)colour, image.ColorType);
        Assert.Equal(Expected8(rows, width, colour), image.Pixels);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(6)]
    public void Decode_MixedFiltersPerRow_ExactPixels(int colour)
    {
        const int width = 9, height = 10;
        var rows = RandomRows(width, height, colour, colour);
        var extra = colour == 3 ? new[] { ("PLTE", Palette) } : [];
        var png = PngWriter.Assemble(Ihdr(width, height, 8, colour), Scanlines(rows, y => y % 5, FileChannels(colour)), extra);
        Assert.Equal(Expected8(rows, width, colour), PngDecoder.Decode(Write("m.png", png)).Pixels);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(0, 4)]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(3, 4)]
    public void Decode_SubByteDepths_GrayAndPalette_ExactPixels(int colour, int depth)
    {
        const int width = 11, height = 6;
        var rng = new Random(depth);
        var max = (1 << depth) - 1;
        var samples = Enumerable.Range(0, height).Select(_ => Enumerable.Range(0, width).Select(_ => rng.Next(max + 1)).ToArray()).ToArray();
        var rowBytes = ((width * depth) + 7) / 8;
        var packed = samples.Select(row =>
        {
            var bytes = new byte[rowBytes];
            for (var x = 0; x < width; x++)
            {
                bytes[x * depth / 8] |= (byte)(row[x] << (8 - depth - (x * depth % 8)));
            }

            return bytes;
        }).ToArray();
        var extra = colour == 3 ? new[] { ("PLTE", Palette) } : [];
        var image = PngDecoder.Decode(Write("d.png", PngWriter.Assemble(Ihdr(width, height, depth, colour), Scanlines(packed, y => y % 5, 1), extra)));
        Assert.Equal(colour == 0 ? 1 : 3, image.Channels);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < image.Channels; c++)
                {
                    var expected = colour == 0 ? samples[y][x] / (float)max : Palette[(samples[y][x] * 3) + c] / 255f;
                    Assert.Equal(expected, image.Pixels[(c * height * width) + (y * width) + x]);
                }
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(6)]
    public void Decode_SixteenBit_ExactPixels(int colour)
    {
        const int width = 4, height = 3;
        var n = FileChannels(colour);
        var rows = RandomRows(width * 2, height, colour, 99); // two bytes per sample
        var image = PngDecoder.Decode(Write("s.png", PngWriter.Assemble(Ihdr(width, height, 16, colour), Scanlines(rows, y => (y + 2) % 5, n * 2))));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < image.Channels; c++)
                {
                    var o = ((x * n) + c) * 2;
                    Assert.Equal(((rows[y][o] << 8) | rows[y][o + 1]) / 65535f, image.Pixels[(c * height * width) + (y * width) + x]);
                }
            }
        }
    }

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(2, 10, 9)]
    [InlineData(6, 3, 17)]
    public void Decode_Adam7Interlaced_MatchesRawPixels(int colour, int width, int height)
    {
        var rows = RandomRows(width, height, colour, width + height);
        var n = FileChannels(colour);
        var passes = new[] { (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2) };
        var data = new List<byte>();
        var pass = 0;
        foreach (var (x0, y0, dx, dy) in passes)
        {
            var sub = new List<byte[]>();
            for (var y = y0; y < height; y += dy)
            {
                var row = new List<byte>();
                for (var x = x0; x < width; x += dx)
                {
                    row.AddRange(rows[y].AsSpan(x * n, n).ToArray());
                }

                if (row.Count > 0)
                {
                    sub.Add([.. row]);
                }
            }

            var p = pass++;
            data.AddRange(Scanlines([.. sub], y => (y + p) % 5, n));
        }

        var image = PngDecoder.Decode(Write("i.png", PngWriter.Assemble(Ihdr(width, height, 8, colour, interlace: 1), [.. data])));
        Assert.True(image.Interlaced);
        Assert.Equal(Expected8(rows, width, colour), image.Pixels);
    }

    [Fact]
    public void Decode_SkipsAncillaryChunksAndSplitIdat()
    {
        var rows = RandomRows(4, 4, 2, 1);
        var single = PngWriter.Assemble(Ihdr(4, 4, 8, 2), Scanlines(rows, _ => 4, 3), ("tEXt", "Comment\0hi"u8.ToArray()));
        // Re-split the IDAT payload into two chunks.
        var idat = PngWriter.Zlib(Scanlines(rows, _ => 4, 3));
        using var ms = new MemoryStream();
        ms.Write(single.AsSpan(0, 8));
        PngWriter.WriteChunk(ms, "IHDR", Ihdr(4, 4, 8, 2));
        PngWriter.WriteChunk(ms, "IDAT", idat.AsSpan(0, 5));
        PngWriter.WriteChunk(ms, "IDAT", idat.AsSpan(5));
        PngWriter.WriteChunk(ms, "IEND", []);
        var expected = Expected8(rows, 4, 2);
        Assert.Equal(expected, PngDecoder.Decode(Write("a.png", single)).Pixels);
        Assert.Equal(expected, PngDecoder.Decode(Write("b.png", ms.ToArray())).Pixels);
    }

    [Fact]
    public void Writer_RoundTripsGrayAndRgbTensors()
    {
        var gray = Tensor.FromArray([0f, 0.5f, 1f, 0.25f, 2f, -1f], 1, 2, 3);
        var g = PngDecoder.Decode(Write("g.png", PngWriter.Encode(gray)));
        Assert.Equal([0f, 128 / 255f, 1f, 64 / 255f, 1f, 0f], g.Pixels);
        var rgb = Tensor.FromArray([.. Enumerable.Range(0, 3 * 4 * 5).Select(i => i / 59f)], 3, 4, 5);
        var decoded = PngDecoder.Decode(Write("rgb.png", PngWriter.Encode(rgb)));
        Assert.Equal(rgb.ToArray().Select(v => MathF.Round(v * 255f) / 255f).ToArray(), decoded.Pixels);
        Assert.Equal(new Shape(3, 4, 5), decoded.ToTensor().Shape);
    }

    [Theory]
    [InlineData(5, "filter type 5")]
    public void Decode_BadFilterType_NamesScanline(int filter, string expected)
    {
        var rows = RandomRows(3, 2, 0, 0);
        var data = Scanlines(rows, _ => 0, 1);
        data[4] = (byte)filter; // second scanline's filter byte
        var ex = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(Write("f.png", PngWriter.Assemble(Ihdr(3, 2, 8, 0), data))));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("scanline 1", ex.Message);
        Assert.Contains("f.png", ex.Message);
    }

    [Fact]
    public void Decode_StructuralErrors_AreSpecific()
    {
        var rows = RandomRows(2, 2, 3, 0);
        var lines = Scanlines(rows, _ => 0, 1);
        Assert.Contains("without a PLTE", Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(Write("p.png", PngWriter.Assemble(Ihdr(2, 2, 8, 3), lines)))).Message);
        var bigIndex = Scanlines([[200, 0], [0, 0]], _ => 0, 1);
        Assert.Contains("palette index 200", Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(Write("q.png", PngWriter.Assemble(Ihdr(2, 2, 8, 3), bigIndex, ("PLTE", Palette))))).Message);
        Assert.Contains("bit depth 4 is not allowed for colour type 2", Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(Write("r.png", PngWriter.Assemble(Ihdr(2, 2, 4, 2), lines)))).Message);
        Assert.Contains("unknown critical chunk", Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(Write("u.png", PngWriter.Assemble(Ihdr(2, 2, 8, 0), lines, ("ABCD", [1]))))).Message);
        Assert.Contains("'tRNS'", Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(Write("t.png", PngWriter.Assemble(Ihdr(2, 2, 8, 6), Scanlines(RandomRows(2, 2, 6, 0), _ => 0, 4), ("tRNS", [0, 0]))))).Message);
        var shortData = PngWriter.Assemble(Ihdr(2, 3, 8, 0), lines);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(Write("s.png", shortData))).Message);
        Assert.Contains("not a PNG", Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(Write("n.png", [1, 2, 3]))).Message);
    }

    [Fact]
    public void Decode_HugeDeclaredSizeWithTinyIdat_RefusedBeforeAllocating()
    {
        var png = PngWriter.Assemble(Ihdr(16000, 16000, 8, 0), new byte[10]);
        var ex = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(Write("big.png", png)));
        Assert.Contains("big.png: IDAT data is truncated", ex.Message);
        Assert.Contains("exceeds", Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(Write("huge.png", PngWriter.Assemble(Ihdr(100000, 100000, 8, 2), new byte[10])))).Message);
    }

    [Fact]
    public void Decode_CorruptIdatByte_ReportsCrcMismatchNamingChunk()
    {
        var png = PngWriter.Encode(new byte[] { 1, 2, 3, 4 }, 2, 2, 1);
        png[8 + 25 + 8 + 2] ^= 0xFF; // a byte inside the IDAT data
        var ex = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(Write("crc.png", png)));
        Assert.Contains("crc.png", ex.Message);
        Assert.Contains("'IDAT'", ex.Message);
        Assert.Contains("CRC mismatch", ex.Message);
    }

    [Fact]
    public void Decode_EveryTruncation_GivesInvalidDataNamingFile()
    {
        var rows = RandomRows(5, 4, 3, 7);
        var png = PngWriter.Assemble(Ihdr(5, 4, 8, 3), Scanlines(rows, y => y % 5, 1), ("PLTE", Palette));
        for (var cut = 0; cut < png.Length; cut++)
        {
            var path = Write("cut.png", png[..cut]);
            var ex = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(path));
            Assert.Contains("cut.png", ex.Message);
        }
    }

    [Fact]
    public void Decode_EveryCorruptedByte_GivesInvalidData()
    {
        var png = PngWriter.Encode(new byte[] { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120 }, 2, 2, 3);
        for (var i = 0; i < png.Length; i++)
        {
            var copy = (byte[])png.Clone();
            copy[i] ^= 0x21;
            var path = Write("flip.png", copy);
            Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(path));
        }
    }

    [Fact]
    public void Decode_GarbageIdatWithValidCrc_GivesInvalidDataNamingIdat()
    {
        var rng = new Random(5);
        for (var trial = 0; trial < 200; trial++)
        {
            var garbage = new byte[rng.Next(1, 40)];
            rng.NextBytes(garbage);
            if (trial % 2 == 0)
            {
                garbage[0] = 0x78; // a plausible zlib header byte
            }

            using var ms = new MemoryStream();
            ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
            PngWriter.WriteChunk(ms, "IHDR", Ihdr(3, 3, 8, 0));
            PngWriter.WriteChunk(ms, "IDAT", garbage);
            PngWriter.WriteChunk(ms, "IEND", []);
            var path = Write("z.png", ms.ToArray());
            var ex = Assert.Throws<InvalidDataException>(() => PngDecoder.Decode(path));
            Assert.Contains("z.png: IDAT", ex.Message);
        }
    }

    [SkippableFact]
    public void Decode_DebianMatplotlibIcons()
    {
        const string folder = "/usr/share/matplotlib/mpl-data/images";
        Skip.IfNot(Directory.Exists(folder), $"{folder} is absent (Debian package python3-matplotlib not installed)");

        foreach (var path in Directory.GetFiles(folder, "*.png"))
        {
            var bytes = File.ReadAllBytes(path);
            var image = PngDecoder.Decode(path);
            Assert.Equal(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), image.Width);
            Assert.Equal(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)), image.Height);
            Assert.Equal(image.Channels * image.Width * image.Height, image.Pixels.Length);
            Assert.All(image.Pixels, v => Assert.InRange(v, 0f, 1f));
        }
    }
}
