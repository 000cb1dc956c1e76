using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Gauntlet.Data;

namespace Gauntlet.Cli.Tests.BadInput;

/// <summary>Builders for the valid inputs the bad-input suite starts from, and for the hostile variants of each.</summary>
internal static class HostileFiles
{
    public const int Images = 4;

    /// <summary>A .npy file (format 1.0) with the given dtype, shape and payload.</summary>
    public static byte[] Npy(string descr, int[] shape, byte[] payload)
    {
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        var total = 10 + dict.Length + 1;
        var padded = dict + new string(' ', (64 - (total % 64)) % 64) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 };
        bytes.AddRange(BitConverter.GetBytes((ushort)padded.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(padded));
        bytes.AddRange(payload);
        return [.. bytes];
    }

    /// <summary>Four blank 28×28 uint8 images, the shape the embedded demo model takes.</summary>
    public static byte[] ImagesNpy() => Npy("|u1", [Images, 28, 28], new byte[Images * 28 * 28]);

    /// <summary>Labels as int64 .npy.</summary>
    public static byte[] LabelsNpy(params long[] labels)
    {
        var payload = new byte[labels.Length * 8];
        for (var i = 0; i < labels.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(i * 8), labels[i]);
        }

        return Npy("<i8", [labels.Length], payload);
    }

    /// <summary>An IDX file: uint8 for small values, int32 when a value needs it.</summary>
    public static byte[] Idx(int[] dims, long[] values)
    {
        var wide = values.Any(v => v > 255);
        var bytes = new List<byte> { 0, 0, (byte)(wide ? 0x0C : 0x08), (byte)dims.Length };
        foreach (var d in dims)
        {
            var b = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(b, d);
            bytes.AddRange(b);
        }

        foreach (var v in values)
        {
            if (wide)
            {
                var b = new byte[4];
                BinaryPrimitives.WriteInt32BigEndian(b, (int)v);
                bytes.AddRange(b);
            }
            else
            {
                bytes.Add((byte)v);
            }
        }

        return [.. bytes];
    }

    public static byte[] Gzip(byte[] raw)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(raw);
        }

        return output.ToArray();
    }

    /// <summary>An .npz archive of the named members.</summary>
    public static byte[] Npz(params (string Name, byte[] Bytes)[] members)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in members)
            {
                using var s = zip.CreateEntry(name + ".npy").Open();
                s.Write(bytes);
            }
        }

        return output.ToArray();
    }

    /// <summary>A 28×28 gray PNG.</summary>
    public static byte[] Png() => PngWriter.Encode(new byte[28 * 28], 28, 28, 1);

    /// <summary>A PNG whose header declares <paramref name="width"/>×<paramref name="height"/> (CRC fixed) but whose data is the 28×28 image's.</summary>
    public static byte[] PngDeclaring(int width, int height)
    {
        var png = Png();
        // IHDR data starts after the 8-byte signature and the chunk's length and type (8 bytes).
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        return png;
    }

    /// <summary>A graph with no inputs, no outputs and no nodes: ir_version 8, opset 13, graph "g".</summary>
    public static byte[] OnnxWithoutInputs() => [0x08, 0x08, 0x42, 0x02, 0x10, 0x0D, 0x3A, 0x03, 0x12, 0x01, (byte)'g'];

    public static void MakeFifo(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
