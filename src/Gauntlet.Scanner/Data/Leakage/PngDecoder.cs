using System.Buffers.Binary;
using System.IO.Compression;

namespace Gauntlet.Scanner.Data.Leakage;

/// <summary>A small PNG reader for leakage checks: 8-bit, non-interlaced gray, gray+alpha, RGB and RGBA images, returned as 8-bit grayscale.</summary>
internal static class PngDecoder
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <exception cref="InvalidDataException">Not a PNG this reader handles (one line).</exception>
    public static (byte[] Pixels, int Width, int Height) DecodeGray(byte[] png, string name)
    {
        if (png.Length < 33 || !png.AsSpan(0, 8).SequenceEqual(Signature))
        {
            throw new InvalidDataException($"{name}: not a PNG file");
        }

        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        var position = 8;
        while (position + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(position));
            var type = System.Text.Encoding.ASCII.GetString(png, position + 4, 4);
            if (length < 0 || position + 12L + length > png.Length)
            {
                throw new InvalidDataException($"{name}: PNG chunk {type} is truncated");
            }

            var data = png.AsSpan(position + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    if (data[8] != 8 || data[12] != 0 || width is <= 0 or > 4096 || height is <= 0 or > 4096)
                    {
                        throw new InvalidDataException($"{name}: PNG of bit depth {data[8]}, interlace {data[12]}, {width}x{height}; only 8-bit, non-interlaced images up to 4096x4096 are read");
                    }

                    channels = data[9] switch
                    {
                        0 => 1,
                        2 => 3,
                        4 => 2,
                        6 => 4,
                        var other => throw new InvalidDataException($"{name}: PNG colour type {other} (palette) is not read"),
                    };
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "IEND":
                    position = png.Length;
                    continue;
            }

            position += 12 + length;
        }

        if (channels == 0)
        {
            throw new InvalidDataException($"{name}: PNG without IHDR");
        }

        idat.Position = 0;
        var stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            if (zlib.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false) < raw.Length)
            {
                throw new InvalidDataException($"{name}: PNG image data is truncated");
            }
        }

        var previous = new byte[stride];
        var current = new byte[stride];
        var gray = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            raw.AsSpan((y * (stride + 1)) + 1, stride).CopyTo(current);
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? current[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                current[i] = (byte)(current[i] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"{name}: PNG filter {filter} is invalid"),
                });
            }

            for (var x = 0; x < width; x++)
            {
                var p = x * channels;
                gray[(y * width) + x] = channels >= 3 ? (byte)(((current[p] * 299) + (current[p + 1] * 587) + (current[p + 2] * 114)) / 1000) : current[p];
            }

            (previous, current) = (current, previous);
        }

        return (gray, width, height);
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
