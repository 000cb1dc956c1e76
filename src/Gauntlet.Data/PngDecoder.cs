using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Gauntlet.Tensors;

namespace Gauntlet.Data;

/// <summary>PNG colour types (the IHDR colour-type byte).</summary>
public enum PngColorType
{
    /// <summary>Grayscale (0): bit depths 1, 2, 4, 8, 16.</summary>
    Gray = 0,

    /// <summary>Truecolour RGB (2): bit depths 8, 16.</summary>
    Rgb = 2,

    /// <summary>Palette indices (3) into PLTE: bit depths 1, 2, 4, 8.</summary>
    Palette = 3,

    /// <summary>Grayscale with alpha (4): bit depths 8, 16.</summary>
    GrayAlpha = 4,

    /// <summary>RGB with alpha (6): bit depths 8, 16.</summary>
    Rgba = 6,
}

/// <summary>A decoded PNG image: <c>channels × height × width</c> floats in [0, 1].</summary>
public sealed class PngImage
{
    internal PngImage(int width, int height, int channels, float[] pixels, PngColorType colorType, int bitDepth, bool interlaced)
    {
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
        ColorType = colorType;
        BitDepth = bitDepth;
        Interlaced = interlaced;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Output channels: 1 for gray and gray+alpha, 3 for RGB, RGBA and palette (alpha is dropped).</summary>
    public int Channels { get; }

    /// <summary>The samples, channel-major (<c>[C, H, W]</c> row-major), each sample divided by its maximum (255 for 8-bit).</summary>
    public float[] Pixels { get; }

    /// <summary>The colour type in the file.</summary>
    public PngColorType ColorType { get; }

    /// <summary>Bits per sample (per palette index for palette images) in the file.</summary>
    public int BitDepth { get; }

    /// <summary>True when the file uses Adam7 interlacing.</summary>
    public bool Interlaced { get; }

    /// <summary>The pixels as a <c>[C, H, W]</c> tensor (shares the array).</summary>
    public Tensor ToTensor() => Tensor.FromArray(Pixels, Channels, Height, Width);
}

/// <summary>
/// A PNG decoder: signature, chunk CRCs, IHDR, PLTE, tRNS (validated; alpha is dropped), IDAT
/// concatenation and IEND; every colour type; bit depths 1/2/4/8/16 where the colour type allows
/// them; all five scanline filters; Adam7 interlacing. Unknown ancillary chunks are skipped, unknown
/// critical chunks are refused. Every defect raises <see cref="InvalidDataException"/> naming the file
/// and the chunk.
/// </summary>
public static class PngDecoder
{
    /// <summary>The cap on decoded samples (channels × width × height) per image.</summary>
    public const long MaxSamples = 1L << 28;

    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    // Adam7 passes: x start, y start, x step, y step.
    private static readonly (int X, int Y, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>True when <paramref name="header"/> starts with the PNG signature.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> header) => header.Length >= 8 && header[..8].SequenceEqual(Signature);

    /// <summary>Decodes a PNG file, opened through <see cref="Gauntlet.Core.IO.InputFile"/> (a regular file within <see cref="Gauntlet.Core.IO.InputLimits.InputBytes"/>).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The path is a folder, not a regular file or too large, or the file is not a valid PNG; the message names the file and the chunk.</exception>
    public static PngImage Decode(string path)
    {
        using var file = Gauntlet.Core.IO.InputFile.OpenRead(path, "PNG image");
        return Decode(file, path);
    }

    /// <summary>Decodes a PNG from <paramref name="stream"/>; <paramref name="name"/> appears in errors.</summary>
    public static PngImage Decode(Stream stream, string name)
    {
        var s = stream is MemoryStream || stream is BufferedStream ? stream : new BufferedStream(stream, 1 << 16);
        Span<byte> sig = stackalloc byte[8];
        if (ReadAtMost(s, sig) < 8 || !HasSignature(sig))
        {
            throw new InvalidDataException($"{name}: not a PNG file (the 8-byte PNG signature is missing).");
        }

        Header? ihdr = null;
        byte[]? palette = null;
        var idat = new MemoryStream();
        var sawIdat = false;
        var index = 0;
        Span<byte> eight = stackalloc byte[8];
        while (true)
        {
            if (ReadAtMost(s, eight) < 8)
            {
                throw new InvalidDataException($"{name}: file is truncated after chunk {index} (expected another chunk header; the IEND chunk is missing).");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(eight);
            var typeBytes = eight[4..].ToArray();
            foreach (var b in typeBytes)
            {
                if (!char.IsAsciiLetter((char)b))
                {
                    throw new InvalidDataException($"{name}: chunk {index} has an invalid type (bytes {Convert.ToHexString(typeBytes)}); expected four ASCII letters.");
                }
            }

            var type = Encoding.ASCII.GetString(typeBytes);
            var where = $"{name}: chunk {index} '{type}'";
            if (length > int.MaxValue)
            {
                throw new InvalidDataException($"{where}: length {length} exceeds 2^31-1.");
            }

            var data = ReadChunkData(s, (int)length, where);
            var crcBytes = eight[..4];
            if (ReadAtMost(s, crcBytes) < 4)
            {
                throw new InvalidDataException($"{where}: file is truncated in the CRC.");
            }

            var expected = BinaryPrimitives.ReadUInt32BigEndian(crcBytes);
            var actual = PngWriter.Crc32(typeBytes, data);
            if (expected != actual)
            {
                throw new InvalidDataException($"{where}: CRC mismatch (stored 0x{expected:X8}, computed 0x{actual:X8}); the file is corrupt.");
            }

            if (index == 0 && type != "IHDR")
            {
                throw new InvalidDataException($"{where}: the first chunk must be IHDR.");
            }

            switch (type)
            {
                case "IHDR":
                    if (index != 0)
                    {
                        throw new InvalidDataException($"{where}: a second IHDR chunk.");
                    }

                    ihdr = ParseHeader(data, where);
                    break;
                case "PLTE":
                    if (data.Length == 0 || data.Length % 3 != 0 || data.Length > 768)
                    {
                        throw new InvalidDataException($"{where}: length {data.Length}; expected a multiple of 3 up to 768 (1 to 256 RGB entries).");
                    }

                    if (sawIdat)
                    {
                        throw new InvalidDataException($"{where}: PLTE must come before the first IDAT.");
                    }

                    palette = data;
                    break;
                case "tRNS":
                    ValidateTransparency(ihdr!, palette, data, where);
                    break;
                case "IDAT":
                    sawIdat = true;
                    idat.Write(data);
                    break;
                case "IEND":
                    if (!sawIdat)
                    {
                        throw new InvalidDataException($"{where}: IEND before any IDAT chunk; the image has no pixel data.");
                    }

                    if (ihdr!.ColorType == PngColorType.Palette && palette is null)
                    {
                        throw new InvalidDataException($"{name}: palette image without a PLTE chunk.");
                    }

                    idat.Position = 0;
                    return DecodePixels(ihdr, palette, idat, name);
                default:
                    if (char.IsAsciiLetterUpper(type[0]))
                    {
                        throw new InvalidDataException($"{where}: unknown critical chunk; this decoder cannot render the image correctly without it.");
                    }

                    break; // ancillary: safe to ignore
            }

            index++;
        }
    }

    private sealed record Header(int Width, int Height, int BitDepth, PngColorType ColorType, bool Interlaced)
    {
        public int FileChannels => ColorType switch
        {
            PngColorType.Gray or PngColorType.Palette => 1,
            PngColorType.GrayAlpha => 2,
            PngColorType.Rgb => 3,
            _ => 4,
        };

        public int OutputChannels => ColorType is PngColorType.Gray or PngColorType.GrayAlpha ? 1 : 3;
    }

    private static Header ParseHeader(byte[] d, string where)
    {
        if (d.Length != 13)
        {
            throw new InvalidDataException($"{where}: length {d.Length}; expected 13.");
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(d);
        var height = BinaryPrimitives.ReadUInt32BigEndian(d.AsSpan(4));
        int depth = d[8];
        int colour = d[9];
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
        {
            throw new InvalidDataException($"{where}: size {width}×{height}; expected width and height from 1 to 2^31-1.");
        }

        var allowed = colour switch
        {
            0 => new[] { 1, 2, 4, 8, 16 },
            3 => [1, 2, 4, 8],
            2 or 4 or 6 => [8, 16],
            _ => throw new InvalidDataException($"{where}: colour type {colour}; expected 0, 2, 3, 4 or 6."),
        };
        if (Array.IndexOf(allowed, depth) < 0)
        {
            throw new InvalidDataException($"{where}: bit depth {depth} is not allowed for colour type {colour} (expected {string.Join(", ", allowed)}).");
        }

        if (d[10] != 0 || d[11] != 0)
        {
            throw new InvalidDataException($"{where}: compression method {d[10]} / filter method {d[11]}; expected 0 and 0.");
        }

        if (d[12] > 1)
        {
            throw new InvalidDataException($"{where}: interlace method {d[12]}; expected 0 (none) or 1 (Adam7).");
        }

        var header = new Header((int)width, (int)height, depth, (PngColorType)colour, d[12] == 1);
        if ((long)header.OutputChannels * width * height > MaxSamples)
        {
            throw new InvalidDataException($"{where}: {width}×{height} image exceeds the {MaxSamples}-sample limit.");
        }

        return header;
    }

    private static void ValidateTransparency(Header? ihdr, byte[]? palette, byte[] data, string where)
    {
        var ok = ihdr!.ColorType switch
        {
            PngColorType.Gray => data.Length == 2,
            PngColorType.Rgb => data.Length == 6,
            PngColorType.Palette => palette is not null && data.Length <= palette.Length / 3,
            _ => false,
        };
        if (!ok)
        {
            throw new InvalidDataException($"{where}: length {data.Length} is invalid for colour type {(int)ihdr.ColorType} (gray: 2, RGB: 6, palette: at most one entry per PLTE colour after PLTE; none for alpha types).");
        }
    }

    private static PngImage DecodePixels(Header h, byte[]? palette, MemoryStream idat, string name)
    {
        var channels = h.OutputChannels;
        var plane = (long)h.Width * h.Height;

        // Deflate expands at most about 1032:1, so too little IDAT data for the declared size is
        // refused before the output is allocated.
        var needed = RawSize(h);
        if (needed > (idat.Length * 1032) + 1024)
        {
            throw new InvalidDataException($"{name}: IDAT data is truncated: {idat.Length} compressed bytes cannot hold the {needed} bytes a {h.Width}×{h.Height} image needs.");
        }

        var output = new float[channels * plane];
        var bitsPerPixel = h.FileChannels * h.BitDepth;
        var bpp = Math.Max(1, bitsPerPixel / 8);
        var maxValue = (float)((1 << h.BitDepth) - 1);
        var paletteEntries = palette is null ? 0 : palette.Length / 3;
        var passes = h.Interlaced ? Adam7 : [(0, 0, 1, 1)];
        var where = $"{name}: IDAT data";
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        try
        {
            foreach (var (x0, y0, dx, dy) in passes)
            {
                var pw = h.Width <= x0 ? 0 : ((h.Width - x0 + dx - 1) / dx);
                var ph = h.Height <= y0 ? 0 : ((h.Height - y0 + dy - 1) / dy);
                if (pw == 0 || ph == 0)
                {
                    continue;
                }

                var rowBytes = (int)(((long)pw * bitsPerPixel + 7) / 8);
                var prev = new byte[rowBytes];
                var cur = new byte[rowBytes];
                for (var py = 0; py < ph; py++)
                {
                    var y = y0 + (py * dy);
                    var filter = z.ReadByte();
                    if (filter < 0 || ReadAtMost(z, cur) < rowBytes)
                    {
                        throw new InvalidDataException($"{where}: decompressed data ends early at scanline {y}{(h.Interlaced ? " (Adam7 pass)" : string.Empty)}; the IDAT stream is truncated.");
                    }

                    Unfilter(filter, cur, prev, bpp, $"{where}: scanline {y}");
                    for (var px = 0; px < pw; px++)
                    {
                        var x = x0 + (px * dx);
                        var at = ((long)y * h.Width) + x;
                        switch (h.ColorType)
                        {
                            case PngColorType.Palette:
                                var i = Sample(cur, px, 0, 1, h.BitDepth);
                                if (i >= paletteEntries)
                                {
                                    throw new InvalidDataException($"{where}: pixel ({x}, {y}) uses palette index {i}, but PLTE has {paletteEntries} entries.");
                                }

                                for (var c = 0; c < 3; c++)
                                {
                                    output[(c * plane) + at] = palette![(i * 3) + c] / 255f;
                                }

                                break;
                            default:
                                for (var c = 0; c < channels; c++)
                                {
                                    output[(c * plane) + at] = Sample(cur, px, c, h.FileChannels, h.BitDepth) / maxValue;
                                }

                                break;
                        }
                    }

                    (prev, cur) = (cur, prev);
                }
            }
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith(name, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{where}: corrupt zlib stream ({ex.Message}).", ex);
        }

        return new PngImage(h.Width, h.Height, channels, output, h.ColorType, h.BitDepth, h.Interlaced);
    }

    private static long RawSize(Header h)
    {
        long total = 0;
        foreach (var (x0, y0, dx, dy) in h.Interlaced ? Adam7 : [(0, 0, 1, 1)])
        {
            long pw = h.Width <= x0 ? 0 : ((h.Width - x0 + dx - 1) / dx);
            long ph = h.Height <= y0 ? 0 : ((h.Height - y0 + dy - 1) / dy);
            if (pw > 0)
            {
                total += ph * (1 + (((pw * h.FileChannels * h.BitDepth) + 7) / 8));
            }
        }

        return total;
    }

    private static int Sample(byte[] row, int x, int c, int fileChannels, int depth)
    {
        switch (depth)
        {
            case 8:
                return row[(x * fileChannels) + c];
            case 16:
                var o = ((x * fileChannels) + c) * 2;
                return (row[o] << 8) | row[o + 1];
            default:
                var bit = x * depth; // sub-byte depths only occur with one channel
                var shift = 8 - depth - (bit & 7);
                return (row[bit >> 3] >> shift) & ((1 << depth) - 1);
        }
    }

    private static void Unfilter(int filter, byte[] cur, byte[] prev, int bpp, string where)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (var i = bpp; i < cur.Length; i++)
                {
                    cur[i] += cur[i - bpp];
                }

                break;
            case 2:
                for (var i = 0; i < cur.Length; i++)
                {
                    cur[i] += prev[i];
                }

                break;
            case 3:
                for (var i = 0; i < cur.Length; i++)
                {
                    var left = i >= bpp ? cur[i - bpp] : 0;
                    cur[i] += (byte)((left + prev[i]) >> 1);
                }

                break;
            case 4:
                for (var i = 0; i < cur.Length; i++)
                {
                    int a = i >= bpp ? cur[i - bpp] : 0;
                    int b = prev[i];
                    int c = i >= bpp ? prev[i - bpp] : 0;
                    var p = a + b - c;
                    var pa = Math.Abs(p - a);
                    var pb = Math.Abs(p - b);
                    var pc = Math.Abs(p - c);
                    cur[i] += (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }

                break;
            default:
                throw new InvalidDataException($"{where}: filter type {filter}; expected 0 (None), 1 (Sub), 2 (Up), 3 (Average) or 4 (Paeth).");
        }
    }

    private static byte[] ReadChunkData(Stream s, int length, string where)
    {
        // Read in pieces so a corrupt length cannot force a huge allocation before the data runs out.
        if (s.CanSeek && length > s.Length - s.Position)
        {
            throw new InvalidDataException($"{where}: file is truncated (the chunk declares {length} bytes, {s.Length - s.Position} remain).");
        }

        var buffer = new MemoryStream(Math.Min(length, 1 << 16));
        var piece = new byte[Math.Min(length, 1 << 16)];
        var left = length;
        while (left > 0)
        {
            var n = s.Read(piece, 0, Math.Min(left, piece.Length));
            if (n == 0)
            {
                throw new InvalidDataException($"{where}: file is truncated inside the chunk data ({length - left} of {length} bytes).");
            }

            buffer.Write(piece, 0, n);
            left -= n;
        }

        return buffer.ToArray();
    }

    private static int ReadAtMost(Stream s, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = s.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
