using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Gauntlet.Data.Tests;

/// <summary>A temporary folder per test class, and byte builders for the formats under test.</summary>
public abstract class TempDirTest : IDisposable
{
    protected string Dir { get; } = Directory.CreateTempSubdirectory("gauntlet-data-").FullName;

    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    protected string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(Dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    protected string WriteText(string name, string text) => Write(name, Encoding.UTF8.GetBytes(text));
}

internal static class TestFiles
{
    /// <summary>A .npy file: magic, version, header dict padded with spaces to a 64-byte boundary and a newline, payload.</summary>
    public static byte[] Npy(string descr, int[] shape, byte[] payload, int major = 1, bool fortran = false, string? rawDict = null)
    {
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var dict = rawDict ?? $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shapeText}, }}";
        var prefix = major == 1 ? 10 : 12;
        var total = prefix + dict.Length + 1;
        var padded = dict + new string(' ', (64 - (total % 64)) % 64) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        if (major == 1)
        {
            var len = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)padded.Length);
            bytes.AddRange(len);
        }
        else
        {
            var len = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)Encoding.UTF8.GetByteCount(padded));
            bytes.AddRange(len);
        }

        bytes.AddRange(major == 3 ? Encoding.UTF8.GetBytes(padded) : Encoding.Latin1.GetBytes(padded));
        bytes.AddRange(payload);
        return [.. bytes];
    }

    public static byte[] Float32Le(params float[] values)
    {
        var b = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(i * 4), values[i]);
        }

        return b;
    }

    public static byte[] Int64Le(params long[] values)
    {
        var b = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(i * 8), values[i]);
        }

        return b;
    }

    /// <summary>Asserts that <paramref name="action"/> either succeeds or throws exactly <see cref="InvalidDataException"/>; returns whether it threw.</summary>
    public static bool SucceedsOrInvalidData(Action action, string context)
    {
        try
        {
            action();
            return false;
        }
        catch (InvalidDataException)
        {
            return true;
        }
        catch (Exception ex)
        {
            Assert.Fail($"{context}: expected InvalidDataException or success, got {ex.GetType().Name}: {ex.Message}");
            return false;
        }
    }

    /// <summary>Gzip-compresses <paramref name="raw"/>.</summary>
    public static byte[] Gzip(byte[] raw)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(raw);
        }

        return output.ToArray();
    }

    /// <summary>An .npz archive holding each member as NAME.npy, compressed at <paramref name="level"/>.</summary>
    public static byte[] Npz(CompressionLevel level, params (string Name, byte[] Bytes)[] members)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in members)
            {
                using var s = zip.CreateEntry(name + ".npy", level).Open();
                s.Write(bytes);
            }
        }

        return output.ToArray();
    }
}
