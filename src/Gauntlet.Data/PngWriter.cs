using System.Buffers.Binary;
using System.IO.Compression;
using Gauntlet.Core.IO;
using Gauntlet.Tensors;

namespace Gauntlet.Data;

/// <summary>
/// A minimal PNG encoder: 8-bit grayscale or RGB, no interlacing, filter 0 on every scanline,
/// zlib-compressed. Used for test files and report thumbnails.
/// </summary>
public static class PngWriter
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Encodes a <c>[C, H, W]</c> (or <c>[1, C, H, W]</c>) tensor in [0, 1] with C = 1 or 3; values are clamped and rounded to 8 bits.</summary>
    /// <exception cref="ArgumentException">The tensor is not one gray or RGB image.</exception>
    public static byte[] Encode(Tensor image)
    {
        var dims = image.Shape.ToArray();
        if (dims.Length == 4 && dims[0] == 1)
        {
            dims = dims[1..];
        }

        if (dims.Length != 3 || dims[0] is not (1 or 3))
        {
            throw new ArgumentException($"expected one image [C, H, W] with C = 1 or 3; got {image.Shape}.", nameof(image));
        }

        var (c, h, w) = (dims[0], dims[1], dims[2]);
        var src = image.ReadOnlySpan;
        var bytes = new byte[c * h * w];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                for (var k = 0; k < c; k++)
                {
                    var v = src[(k * h * w) + (y * w) + x];
                    bytes[(((y * w) + x) * c) + k] = (byte)Math.Round(Math.Clamp(float.IsNaN(v) ? 0f : v, 0f, 1f) * 255f);
                }
            }
        }

        return Encode(bytes, w, h, c);
    }

    /// <summary>Encodes interleaved 8-bit samples (row-major, <paramref name="channels"/> per pixel, 1 = gray, 3 = RGB).</summary>
    /// <exception cref="ArgumentException">The sizes do not match or the channel count is not 1 or 3.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> samples, int width, int height, int channels)
    {
        if (channels is not (1 or 3) || width <= 0 || height <= 0 || samples.Length != width * height * channels)
        {
            throw new ArgumentException($"expected {width}×{height}×{channels} samples with 1 or 3 channels; got {samples.Length}.", nameof(samples));
        }

        var raw = new byte[height * ((width * channels) + 1)];
        for (var y = 0; y < height; y++)
        {
            samples.Slice(y * width * channels, width * channels).CopyTo(raw.AsSpan((y * ((width * channels) + 1)) + 1));
        }

        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = (byte)(channels == 1 ? 0 : 2);
        return Assemble(ihdr, raw);
    }

    /// <summary>Writes <see cref="Encode(Tensor)"/> to <paramref name="path"/>, atomically (<see cref="AtomicFile"/>).</summary>
    public static void Write(string path, Tensor image) => AtomicFile.WriteAllBytes(path, Encode(image));

    /// <summary>Builds a PNG from an IHDR payload and raw (already filtered) scanline bytes; extra chunks go before IDAT.</summary>
    internal static byte[] Assemble(byte[] ihdr, byte[] filteredScanlines, params (string Type, byte[] Data)[] extra)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(output, "IHDR", ihdr);
        foreach (var (type, data) in extra)
        {
            WriteChunk(output, type, data);
        }

        WriteChunk(output, "IDAT", Zlib(filteredScanlines));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>Compresses with zlib framing.</summary>
    internal static byte[] Zlib(byte[] data)
    {
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(data);
        }

        return compressed.ToArray();
    }

    /// <summary>Writes one chunk: length, type, data, CRC.</summary>
    internal static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        output.Write(four);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(four, Crc32(typeBytes, data));
        output.Write(four);
    }

    /// <summary>The PNG/zlib CRC-32 of the chunk type followed by its data.</summary>
    internal static uint Crc32(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in type)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
