using System.Buffers.Binary;
using System.IO.Compression;
using Gauntlet.Core.IO;

namespace Gauntlet.Data;

/// <summary>
/// An array read from an IDX file, the format of MNIST and Fashion-MNIST: a big-endian header
/// (two zero bytes, a type code, the rank, one 32-bit size per dimension) followed by the values.
/// Gzip-compressed files are recognised by their magic bytes, whatever the extension.
/// </summary>
public sealed class IdxFile
{
    private const long MaxElements = 1L << 31;

    // Deflate cannot do better than about 1032:1 (a 258-byte match per two-bit code), so a gzip file of
    // n bytes never inflates past 1032·n; plus slack for the gzip header and tiny inputs.
    private const long MaxDeflateRatio = 1032;
    private const long DeflateSlack = 4096;

    private IdxFile(int[] dims, float[] values, IdxElementType type)
    {
        Dimensions = dims;
        Values = values;
        ElementType = type;
    }

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The values converted to float32 (unscaled), row-major.</summary>
    public float[] Values { get; }

    /// <summary>The element type declared in the header.</summary>
    public IdxElementType ElementType { get; }

    /// <summary>
    /// True when <paramref name="head"/> (a file's first bytes) starts like an uncompressed IDX file:
    /// two zero bytes, a known element-type code and 1–4 dimensions.
    /// </summary>
    public static bool HasMagic(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && head[0] == 0 && head[1] == 0 && head[2] is 0x08 or 0x09 or 0x0B or 0x0C or 0x0D or 0x0E && head[3] is >= 1 and <= 4;

    /// <summary>
    /// Reads an IDX file, raw or gzip, through <see cref="InputFile"/> (a regular file within
    /// <see cref="InputLimits.InputBytes"/>). The size the header declares is checked before anything is
    /// allocated: against the bytes that follow for a raw file, and for gzip against both the input
    /// limit and the most the compressed bytes could inflate to.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The path is a folder, not a regular file or too large; the header is invalid, the file is truncated or has trailing bytes; the message names the file.</exception>
    public static IdxFile Read(string path)
    {
        using var file = InputFile.OpenRead(path, "IDX file");
        return Read(file, path);
    }

    /// <summary>Reads an IDX array from <paramref name="stream"/>; <paramref name="name"/> appears in errors. A seekable stream lets the declared size be checked against its length before allocating.</summary>
    /// <exception cref="InvalidDataException">The data is malformed, truncated, or declares more than it can hold.</exception>
    public static IdxFile Read(Stream stream, string name)
    {
        var available = stream.CanSeek ? stream.Length - stream.Position : -1;
        var buffered = new BufferedStream(stream, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        var peeked = buffered.Read(magic);
        buffered.Seek(-peeked, SeekOrigin.Current);
        Stream source = peeked == 2 && magic[0] == 0x1F && magic[1] == 0x8B ? new GZipStream(buffered, CompressionMode.Decompress) : buffered;
        try
        {
            var gzip = !ReferenceEquals(source, buffered);
            var bound = available < 0 ? InputLimits.InputBytes.Bytes
                : gzip ? Math.Min(InputLimits.InputBytes.Bytes, (available * MaxDeflateRatio) + DeflateSlack)
                : available;
            return ReadRaw(source, name, bound, gzip);
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith(name, StringComparison.Ordinal))
        {
            // GZipStream reports corrupt compressed data without naming the file.
            throw new InvalidDataException($"{name}: corrupt gzip data ({ex.Message}).", ex);
        }
        finally
        {
            if (!ReferenceEquals(source, buffered))
            {
                source.Dispose();
            }
        }
    }

    /// <param name="s">The (decompressed) stream.</param>
    /// <param name="name">For errors.</param>
    /// <param name="bound">The most bytes the stream can deliver; a header declaring more is refused before allocating.</param>
    /// <param name="gzip">Whether the bound comes from the compressed size (for the message).</param>
    private static IdxFile ReadRaw(Stream s, string name, long bound, bool gzip)
    {
        Span<byte> header = stackalloc byte[4];
        StreamReading.ReadExactly(s, header, name, "the 4-byte header");
        if (header[0] != 0 || header[1] != 0)
        {
            throw new InvalidDataException($"{name}: not an IDX file (the first two bytes must be zero; got 0x{header[0]:X2} 0x{header[1]:X2}).");
        }

        var type = header[2] switch
        {
            0x08 => IdxElementType.UInt8,
            0x09 => IdxElementType.Int8,
            0x0B => IdxElementType.Int16,
            0x0C => IdxElementType.Int32,
            0x0D => IdxElementType.Float32,
            0x0E => IdxElementType.Float64,
            _ => throw new InvalidDataException($"{name}: unknown IDX element type code 0x{header[2]:X2} (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)."),
        };
        int rank = header[3];
        if (rank == 0)
        {
            throw new InvalidDataException($"{name}: IDX rank is 0; expected at least one dimension.");
        }

        var dims = new int[rank];
        long count = 1;
        Span<byte> four = stackalloc byte[4];
        for (var d = 0; d < rank; d++)
        {
            StreamReading.ReadExactly(s, four, name, $"the size of dimension {d}");
            var size = BinaryPrimitives.ReadInt32BigEndian(four);
            if (size < 0)
            {
                throw new InvalidDataException($"{name}: dimension {d} has negative size {size}.");
            }

            dims[d] = size;
            count *= size;
            if (count > MaxElements)
            {
                throw new InvalidDataException($"{name}: declared shape is too large ({count}+ elements).");
            }
        }

        var width = type switch
        {
            IdxElementType.UInt8 or IdxElementType.Int8 => 1,
            IdxElementType.Int16 => 2,
            IdxElementType.Int32 or IdxElementType.Float32 => 4,
            _ => 8,
        };
        var declared = 4 + (4L * rank) + (count * width);
        if (declared > bound)
        {
            throw gzip
                ? new InvalidDataException($"{name}: the header declares {count} values ({declared} bytes), more than this gzip file can hold ({bound} bytes at most, or {InputLimits.InputBytes.HowToRaise}).")
                : new InvalidDataException($"{name}: file is truncated: the header declares {count} values ({declared} bytes) but the file has {bound} bytes.");
        }

        var values = new float[count];
        var chunk = new byte[Math.Max(width, (1 << 16) / width * width)];
        long done = 0;
        while (done < count)
        {
            var n = (int)Math.Min(chunk.Length / width, count - done);
            StreamReading.ReadExactly(s, chunk.AsSpan(0, n * width), name, $"values (read {done} of {count})");
            for (var i = 0; i < n; i++)
            {
                var b = chunk.AsSpan(i * width, width);
                values[done + i] = type switch
                {
                    IdxElementType.UInt8 => b[0],
                    IdxElementType.Int8 => (sbyte)b[0],
                    IdxElementType.Int16 => BinaryPrimitives.ReadInt16BigEndian(b),
                    IdxElementType.Int32 => BinaryPrimitives.ReadInt32BigEndian(b),
                    IdxElementType.Float32 => BinaryPrimitives.ReadSingleBigEndian(b),
                    _ => (float)BinaryPrimitives.ReadDoubleBigEndian(b),
                };
            }

            done += n;
        }

        if (s.ReadByte() >= 0)
        {
            throw new InvalidDataException($"{name}: unexpected bytes after the {count} values the header declares.");
        }

        return new IdxFile(dims, values, type);
    }
}

/// <summary>Element types an IDX header can declare.</summary>
public enum IdxElementType
{
    /// <summary>Unsigned byte (0x08).</summary>
    UInt8,

    /// <summary>Signed byte (0x09).</summary>
    Int8,

    /// <summary>Big-endian 16-bit integer (0x0B).</summary>
    Int16,

    /// <summary>Big-endian 32-bit integer (0x0C).</summary>
    Int32,

    /// <summary>Big-endian float32 (0x0D).</summary>
    Float32,

    /// <summary>Big-endian float64 (0x0E).</summary>
    Float64,
}
