using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Gauntlet.Data;

/// <summary>
/// Writes an image set as a NumPy <c>.npz</c> archive that <see cref="DataSource"/> (and
/// <c>numpy.load</c>) reads back: <c>x</c>, the images <c>[N, C, H, W]</c>, and <c>y</c>, the labels
/// as int64. Images are stored as uint8 when every value is exactly <c>k/255</c> (the pixels of an
/// 8-bit source, read back identically), else as little-endian float32.
/// </summary>
public static class NpzWriter
{
    /// <summary>Writes <paramref name="data"/> to <paramref name="stream"/> (deflate-compressed members, format 1.0 headers).</summary>
    public static void Write(Stream stream, LabeledImages data)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(data);
        var values = data.Images.ReadOnlySpan;
        var eightBit = true;
        foreach (var v in values)
        {
            var scaled = v * 255f;
            if (!(scaled >= 0f && scaled <= 255f) || MathF.Round(scaled) / 255f != v)
            {
                eightBit = false;
                break;
            }
        }

        byte[] pixels;
        if (eightBit)
        {
            pixels = new byte[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                pixels[i] = (byte)MathF.Round(values[i] * 255f);
            }
        }
        else
        {
            pixels = new byte[values.Length * 4];
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(pixels.AsSpan(i * 4), values[i]);
            }
        }

        var labels = new byte[data.Count * 8];
        for (var i = 0; i < data.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(labels.AsSpan(i * 8), data.Labels[i]);
        }

        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        Member(zip, "x", eightBit ? "|u1" : "<f4", data.Images.Shape.ToArray(), pixels);
        Member(zip, "y", "<i8", [data.Count], labels);
    }

    private static void Member(ZipArchive zip, string name, string descr, int[] shape, byte[] payload)
    {
        var dims = shape.Length == 1 ? $"({shape[0].ToString(CultureInfo.InvariantCulture)},)" : $"({string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))})";
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {dims}, }}";
        // The header (magic, version, length, dict, padding, newline) is padded to a multiple of 64 bytes.
        var total = 10 + dict.Length + 1;
        var padded = (total + 63) / 64 * 64;
        var header = dict + new string(' ', padded - total) + "\n";
        using var entry = zip.CreateEntry(name + ".npy", CompressionLevel.Optimal).Open();
        entry.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        entry.Write(length);
        entry.Write(Encoding.ASCII.GetBytes(header));
        entry.Write(payload);
    }
}
