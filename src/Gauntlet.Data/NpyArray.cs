using System.Buffers.Binary;
using System.Globalization;
using Gauntlet.Core.IO;
using Gauntlet.Core.Numpy;

namespace Gauntlet.Data;

/// <summary>
/// An array read from a NumPy <c>.npy</c> file (format versions 1.0, 2.0 and 3.0): the magic
/// <c>\x93NUMPY</c>, a version, a little-endian header length, a Python-literal dict with
/// <c>'descr'</c>, <c>'fortran_order'</c> and <c>'shape'</c>, then the raw values. The header is
/// parsed by <see cref="NpyHeader"/> (Gauntlet.Core); values are streamed in chunks. Only C-order arrays of plain numeric or
/// boolean dtypes are accepted: object arrays are refused because loading them means unpickling.
/// </summary>
public sealed class NpyArray
{
    private static readonly long MaxElements = Array.MaxLength;

    private readonly float[]? _floats;
    private readonly long[]? _integers;

    private NpyArray(int[] shape, NpyElementType type, string descr, float[]? floats, long[]? integers)
    {
        Shape = shape;
        ElementType = type;
        Descr = descr;
        _floats = floats;
        _integers = integers;
    }

    /// <summary>The dimensions, outermost first (empty for a 0-d array).</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The element type named by the header's <c>'descr'</c>.</summary>
    public NpyElementType ElementType { get; }

    /// <summary>The header's <c>'descr'</c> string, e.g. <c>&lt;f4</c>.</summary>
    public string Descr { get; }

    /// <summary>Number of elements (the product of <see cref="Shape"/>).</summary>
    public int Count => _floats?.Length ?? _integers!.Length;

    /// <summary>True for integer and boolean dtypes.</summary>
    public bool IsInteger => _integers is not null;

    /// <summary>The values converted to float32 (unscaled), row-major. A new array on each call for integer dtypes.</summary>
    public float[] ToSingleArray()
    {
        if (_floats is not null)
        {
            return _floats;
        }

        var result = new float[_integers!.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = _integers[i];
        }

        return result;
    }

    /// <summary>The values as 64-bit integers, for labels. Float dtypes are accepted when every value is integral.</summary>
    /// <exception cref="InvalidDataException">A float value is not an integer (the message gives its index).</exception>
    public long[] ToInt64Array(string source)
    {
        if (_integers is not null)
        {
            return _integers;
        }

        var result = new long[_floats!.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var v = _floats[i];
            if (!float.IsFinite(v) || v != MathF.Round(v) || Math.Abs(v) > 1e15f)
            {
                throw new InvalidDataException($"{source}: value {v.ToString(CultureInfo.InvariantCulture)} at index {i} is not an integer; expected integer labels.");
            }

            result[i] = (long)v;
        }

        return result;
    }

    /// <summary>Reads a <c>.npy</c> file through <see cref="InputFile"/> (a regular file within <see cref="InputLimits.InputBytes"/>); the declared shape is checked against the file's length before allocating.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The path is a folder, not a regular file or too large, or the file is not a valid or supported <c>.npy</c> file; the message names it and says why.</exception>
    public static NpyArray Read(string path)
    {
        using var file = InputFile.OpenRead(path, "NumPy file");
        return Read(file, path);
    }

    /// <summary>True when <paramref name="header"/> starts with the <c>.npy</c> magic.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> header) => NpyHeader.HasMagic(header);

    /// <summary>Reads a <c>.npy</c> array from <paramref name="stream"/>; <paramref name="name"/> appears in errors.</summary>
    /// <param name="stream">The stream, positioned at the magic.</param>
    /// <param name="name">The file or member name for error messages.</param>
    /// <param name="requireEnd">When true (the default), bytes after the declared values are an error.</param>
    public static NpyArray Read(Stream stream, string name, bool requireEnd = true) => Read(stream, name, requireEnd, -1);

    /// <summary>As the public overload; <paramref name="totalBytes"/> (when non-negative) is the array's size in bytes, checked before allocating.</summary>
    internal static NpyArray Read(Stream stream, string name, bool requireEnd, long totalBytes)
    {
        var s = stream is BufferedStream || stream is MemoryStream ? stream : new BufferedStream(stream, 1 << 16);
        NpyHeader header;
        try
        {
            header = NpyHeader.Read(s);
        }
        catch (NpyFormatException ex)
        {
            throw new InvalidDataException($"{name}: {ex.Message}", ex);
        }

        if (header.IsStructured)
        {
            throw new InvalidDataException($"{name}: header 'descr' is a list; structured (record) dtypes are not supported, expected a plain dtype string such as '<f4'.");
        }

        if (header.FortranOrder)
        {
            throw new InvalidDataException($"{name}: the array is stored in Fortran (column-major) order; only C order is supported. Save it with np.ascontiguousarray(a) or np.save on a C-ordered copy.");
        }

        var descr = header.Descr;
        var shape = new int[header.Shape.Count];
        for (var i = 0; i < shape.Length; i++)
        {
            if (header.Shape[i] > int.MaxValue)
            {
                throw new InvalidDataException($"{name}: header 'shape' entry {i} is {header.Shape[i]}; expected a non-negative integer below 2^31.");
            }

            shape[i] = (int)header.Shape[i];
        }

        var (type, width, bigEndian) = ParseDescr(descr, name);
        long count = 1;
        foreach (var d in shape)
        {
            count *= d;
            if (count > MaxElements)
            {
                throw new InvalidDataException($"{name}: declared shape ({string.Join(", ", shape)}) is too large (more than {MaxElements} elements).");
            }
        }

        // Refuse a header that claims more values than the file holds before allocating for them.
        var consumed = header.DataOffset;
        var available = s.CanSeek ? s.Length - s.Position : totalBytes >= 0 ? totalBytes - consumed : long.MaxValue;
        if (count * width > available)
        {
            throw new InvalidDataException($"{name}: file is truncated: the header declares {count} values ({count * width} bytes) but only {Math.Max(0, available)} bytes follow.");
        }

        var isFloat = type is NpyElementType.Float32 or NpyElementType.Float64 or NpyElementType.Float16;
        var floats = isFloat ? new float[count] : null;
        var ints = isFloat ? null : new long[count];
        var chunk = new byte[Math.Max(width, (1 << 16) / width * width)];
        long done = 0;
        while (done < count)
        {
            var n = (int)Math.Min(chunk.Length / width, count - done);
            StreamReading.ReadExactly(s, chunk.AsSpan(0, n * width), name, $"values (read {done} of {count})");
            for (var i = 0; i < n; i++)
            {
                var b = chunk.AsSpan(i * width, width);
                if (floats is not null)
                {
                    floats[done + i] = type switch
                    {
                        NpyElementType.Float32 => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b),
                        NpyElementType.Float16 => (float)(bigEndian ? BinaryPrimitives.ReadHalfBigEndian(b) : BinaryPrimitives.ReadHalfLittleEndian(b)),
                        _ => (float)(bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b)),
                    };
                }
                else
                {
                    ints![done + i] = type switch
                    {
                        NpyElementType.Bool => b[0] != 0 ? 1 : 0,
                        NpyElementType.UInt8 => b[0],
                        NpyElementType.Int8 => (sbyte)b[0],
                        NpyElementType.Int16 => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b),
                        NpyElementType.UInt16 => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b),
                        NpyElementType.Int32 => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b),
                        NpyElementType.UInt32 => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b),
                        _ => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b),
                    };
                }
            }

            done += n;
        }

        if (requireEnd && s.ReadByte() >= 0)
        {
            throw new InvalidDataException($"{name}: unexpected bytes after the {count} values the header declares.");
        }

        return new NpyArray(shape, type, descr, floats, ints);
    }

    private static (NpyElementType Type, int Width, bool BigEndian) ParseDescr(string descr, string name)
    {
        if (descr.Length < 2)
        {
            throw new InvalidDataException($"{name}: header 'descr' '{descr}' is not a dtype string (expected e.g. '<f4').");
        }

        var order = descr[0];
        var code = descr[1..];
        if (code.StartsWith('O'))
        {
            throw new InvalidDataException($"{name}: dtype '{descr}' is an object array; loading it would mean unpickling Python objects, which can execute arbitrary code, so it is refused. Save a numeric array instead.");
        }

        if (order is not ('<' or '>' or '|' or '='))
        {
            throw new InvalidDataException($"{name}: header 'descr' '{descr}' has byte-order mark '{order}'; expected '<', '>', '|' or '='.");
        }

        (NpyElementType, int)? parsed = code switch
        {
            "b1" => (NpyElementType.Bool, 1),
            "u1" => (NpyElementType.UInt8, 1),
            "i1" => (NpyElementType.Int8, 1),
            "i2" => (NpyElementType.Int16, 2),
            "u2" => (NpyElementType.UInt16, 2),
            "i4" => (NpyElementType.Int32, 4),
            "u4" => (NpyElementType.UInt32, 4),
            "i8" => (NpyElementType.Int64, 8),
            "f2" => (NpyElementType.Float16, 2),
            "f4" => (NpyElementType.Float32, 4),
            "f8" => (NpyElementType.Float64, 8),
            _ => null,
        };
        if (parsed is not { } p)
        {
            throw new InvalidDataException($"{name}: unsupported dtype '{descr}'; expected one of b1, u1, i1, i2, u2, i4, u4, i8, f2, f4, f8 with a byte-order mark.");
        }

        return (p.Item1, p.Item2, order == '>' || (order == '=' && !BitConverter.IsLittleEndian));
    }
}

/// <summary>Element types a <c>.npy</c> header can declare that this reader supports.</summary>
public enum NpyElementType
{
    /// <summary>Boolean (<c>b1</c>), read as 0 or 1.</summary>
    Bool,

    /// <summary>Unsigned byte (<c>u1</c>).</summary>
    UInt8,

    /// <summary>Signed byte (<c>i1</c>).</summary>
    Int8,

    /// <summary>16-bit signed integer (<c>i2</c>).</summary>
    Int16,

    /// <summary>16-bit unsigned integer (<c>u2</c>).</summary>
    UInt16,

    /// <summary>32-bit signed integer (<c>i4</c>).</summary>
    Int32,

    /// <summary>32-bit unsigned integer (<c>u4</c>).</summary>
    UInt32,

    /// <summary>64-bit signed integer (<c>i8</c>).</summary>
    Int64,

    /// <summary>IEEE half precision (<c>f2</c>).</summary>
    Float16,

    /// <summary>IEEE single precision (<c>f4</c>).</summary>
    Float32,

    /// <summary>IEEE double precision (<c>f8</c>, converted to float32).</summary>
    Float64,
}
