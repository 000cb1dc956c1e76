using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Gauntlet.Core.Numpy;

/// <summary>
/// The header of a NumPy <c>.npy</c> file, format versions 1.0, 2.0 and 3.0: the magic
/// <c>\x93NUMPY</c>, a major and minor version byte, a little-endian header length (2 bytes in
/// version 1, 4 in versions 2 and 3), then a Python-literal dict with <c>'descr'</c>,
/// <c>'fortran_order'</c> and <c>'shape'</c> (Latin-1 text, UTF-8 in version 3). The values follow
/// at <see cref="DataOffset"/>.
/// </summary>
/// <remarks>
/// Parsing checks structure only: a plain dtype string is not checked against the dtypes a reader
/// supports, and structured (record) dtypes are accepted, their field dtypes listed in
/// <see cref="FieldDtypes"/>. Limits: the dict at most <see cref="MaxHeaderLength"/> bytes, at most
/// <see cref="MaxDimensions"/> dimensions, literals nested at most 32 deep.
/// </remarks>
public sealed record NpyHeader
{
    /// <summary>The largest header dict accepted, in bytes (NumPy itself refuses headers over 10 KB by default).</summary>
    public const int MaxHeaderLength = 1 << 20;

    /// <summary>The most dimensions accepted (NumPy's own limit, <c>NPY_MAXDIMS</c>).</summary>
    public const int MaxDimensions = 64;

    /// <summary>Bytes before the header length: the 6-byte magic and 2 version bytes.</summary>
    public const int PreambleLength = 8;

    private static readonly byte[] MagicBytes = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The format's major version: 1, 2 or 3.</summary>
    public required int MajorVersion { get; init; }

    /// <summary>The format's minor version (0 in every file NumPy writes).</summary>
    public required int MinorVersion { get; init; }

    /// <summary>Byte offset of the first value from the start of the file: preamble, length field and dict.</summary>
    public required long DataOffset { get; init; }

    /// <summary>The dtype string, e.g. <c>&lt;f4</c> or <c>|O</c>; for a structured dtype, the field list as Python would print it.</summary>
    public required string Descr { get; init; }

    /// <summary>True when <c>'descr'</c> is a list of fields (a structured, or record, dtype) rather than a dtype string.</summary>
    public required bool IsStructured { get; init; }

    /// <summary>Every dtype string the array's elements are made of: <see cref="Descr"/> itself for a plain dtype, each field's (nested fields flattened) for a structured one.</summary>
    public required IReadOnlyList<string> FieldDtypes { get; init; }

    /// <summary>True when the values are stored column-major.</summary>
    public required bool FortranOrder { get; init; }

    /// <summary>The dimensions, outermost first; empty for a 0-d array. Each is non-negative.</summary>
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>True when any element dtype is Python objects (<c>O</c>): the data is then a pickle, and loading it runs code.</summary>
    public bool HasObjectDtype => FieldDtypes.Any(IsObjectDtype);

    /// <summary>True when <paramref name="bytes"/> starts with the <c>.npy</c> magic <c>\x93NUMPY</c>.</summary>
    /// <param name="bytes">The first bytes of a file.</param>
    /// <returns>Whether the magic is there.</returns>
    public static bool HasMagic(ReadOnlySpan<byte> bytes) => bytes.StartsWith(MagicBytes);

    /// <summary>True when a dtype string names Python objects: an optional byte-order mark, then <c>O</c>.</summary>
    /// <param name="dtype">A dtype string such as <c>|O</c> or <c>&lt;f4</c>.</param>
    /// <returns>Whether it is an object dtype.</returns>
    public static bool IsObjectDtype(string dtype)
    {
        ArgumentNullException.ThrowIfNull(dtype);
        var code = dtype.Length > 0 && dtype[0] is '<' or '>' or '|' or '=' ? dtype.AsSpan(1) : dtype.AsSpan();
        return code.Length > 0 && code[0] == 'O' && code[1..].IndexOfAnyExceptInRange('0', '9') < 0;
    }

    /// <summary>The number of elements, the product of <see cref="Shape"/> (1 for a 0-d array).</summary>
    /// <returns>The count.</returns>
    /// <exception cref="NpyFormatException">The product overflows a 64-bit integer.</exception>
    public long ElementCount()
    {
        long count = 1;
        foreach (var d in Shape)
        {
            try
            {
                count = checked(count * d);
            }
            catch (OverflowException ex)
            {
                throw new NpyFormatException($"shape ({string.Join(", ", Shape)}) has more elements than a 64-bit count can hold", ex);
            }
        }

        return count;
    }

    /// <summary>Reads a header from <paramref name="stream"/>, leaving it positioned at the first value.</summary>
    /// <param name="stream">The stream, positioned at the magic.</param>
    /// <returns>The header.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="NpyFormatException">The magic, version, length or dict is invalid, or the stream ends inside the header.</exception>
    public static NpyHeader Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> preamble = stackalloc byte[PreambleLength + 4];
        ReadExactly(stream, preamble[..PreambleLength], "the 8-byte preamble");
        var (major, minor, lengthBytes) = Preamble(preamble);
        ReadExactly(stream, preamble.Slice(PreambleLength, lengthBytes), "the header length");
        var headerLength = HeaderLength(preamble, lengthBytes);
        var dict = new byte[headerLength];
        ReadExactly(stream, dict, "the header dict");
        return FromDict(dict, major, minor, PreambleLength + lengthBytes + headerLength);
    }

    /// <summary>Parses a header from the first bytes of a file.</summary>
    /// <param name="bytes">The file's bytes from offset 0; values after the header are ignored.</param>
    /// <returns>The header.</returns>
    /// <exception cref="NpyFormatException">The magic, version, length or dict is invalid, or the bytes end inside the header.</exception>
    public static NpyHeader Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < PreambleLength)
        {
            throw Truncated("the 8-byte preamble", bytes.Length, PreambleLength);
        }

        var (major, minor, lengthBytes) = Preamble(bytes);
        if (bytes.Length < PreambleLength + lengthBytes)
        {
            throw Truncated("the header length", bytes.Length - PreambleLength, lengthBytes);
        }

        var headerLength = HeaderLength(bytes, lengthBytes);
        var start = PreambleLength + lengthBytes;
        if (bytes.Length - start < headerLength)
        {
            throw Truncated("the header dict", bytes.Length - start, headerLength);
        }

        return FromDict(bytes.Slice(start, headerLength), major, minor, start + headerLength);
    }

    private static (int Major, int Minor, int LengthBytes) Preamble(ReadOnlySpan<byte> preamble)
    {
        if (!HasMagic(preamble))
        {
            throw new NpyFormatException("not a NumPy .npy file (expected the magic \\x93NUMPY at offset 0).");
        }

        int major = preamble[6];
        int minor = preamble[7];
        return major switch
        {
            1 => (major, minor, 2),
            2 or 3 => (major, minor, 4),
            _ => throw new NpyFormatException($"unsupported .npy format version {major}.{minor} (expected 1.0, 2.0 or 3.0)."),
        };
    }

    private static int HeaderLength(ReadOnlySpan<byte> preamble, int lengthBytes)
    {
        long length = lengthBytes == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(preamble[PreambleLength..])
            : BinaryPrimitives.ReadUInt32LittleEndian(preamble[PreambleLength..]);
        if (length > MaxHeaderLength)
        {
            throw new NpyFormatException($".npy header length {length} exceeds the {MaxHeaderLength}-byte limit.");
        }

        return (int)length;
    }

    private static NpyHeader FromDict(ReadOnlySpan<byte> dict, int major, int minor, long dataOffset)
    {
        var text = major == 3 ? Encoding.UTF8.GetString(dict) : Encoding.Latin1.GetString(dict);
        object? parsed;
        try
        {
            parsed = new PyLiteralParser(text).ParseTopLevel();
        }
        catch (FormatException ex)
        {
            throw new NpyFormatException($"malformed .npy header dict: {ex.Message}", ex);
        }

        if (parsed is not Dictionary<string, object?> entries)
        {
            throw new NpyFormatException($"the .npy header is not a dict (got {Describe(parsed)}).");
        }

        foreach (var key in new[] { "descr", "fortran_order", "shape" })
        {
            if (!entries.ContainsKey(key))
            {
                throw new NpyFormatException($"the .npy header dict lacks the key '{key}'.");
            }
        }

        var (descr, structured, fieldDtypes) = entries["descr"] switch
        {
            string s => (s, false, (IReadOnlyList<string>)[s]),
            List<object?> fields => (Literal(fields), true, StructuredDtypes(fields, 0)),
            var other => throw new NpyFormatException($"header 'descr' is {Describe(other)}; expected a dtype string such as '<f4' or a list of fields."),
        };

        if (entries["fortran_order"] is not bool fortran)
        {
            throw new NpyFormatException($"header 'fortran_order' is {Describe(entries["fortran_order"])}; expected True or False.");
        }

        if (entries["shape"] is not PyTuple tuple)
        {
            throw new NpyFormatException($"header 'shape' is {Describe(entries["shape"])}; expected a tuple of non-negative integers.");
        }

        if (tuple.Items.Count > MaxDimensions)
        {
            throw new NpyFormatException($"header 'shape' has {tuple.Items.Count} dimensions; at most {MaxDimensions} are allowed.");
        }

        var shape = new long[tuple.Items.Count];
        for (var i = 0; i < shape.Length; i++)
        {
            if (tuple.Items[i] is not long d || d < 0)
            {
                throw new NpyFormatException($"header 'shape' entry {i} is {Describe(tuple.Items[i])}; expected a non-negative integer.");
            }

            shape[i] = d;
        }

        return new NpyHeader
        {
            MajorVersion = major,
            MinorVersion = minor,
            DataOffset = dataOffset,
            Descr = descr,
            IsStructured = structured,
            FieldDtypes = fieldDtypes,
            FortranOrder = fortran,
            Shape = shape,
        };
    }

    /// <summary>The dtype strings of a field list: each field is <c>(name, dtype)</c> or <c>(name, dtype, shape)</c>, the dtype a string or a nested field list.</summary>
    private static List<string> StructuredDtypes(List<object?> fields, int depth)
    {
        var dtypes = new List<string>();
        foreach (var field in fields)
        {
            if (field is not PyTuple { Items.Count: 2 or 3 } entry)
            {
                throw new NpyFormatException($"header 'descr' field {Describe(field)} is not a (name, dtype) or (name, dtype, shape) tuple.");
            }

            switch (entry.Items[1])
            {
                case string dtype:
                    dtypes.Add(dtype);
                    break;
                case List<object?> nested:
                    // The literal parser's own depth limit bounds this recursion.
                    dtypes.AddRange(StructuredDtypes(nested, depth + 1));
                    break;
                default:
                    throw new NpyFormatException($"header 'descr' field dtype {Describe(entry.Items[1])} is neither a dtype string nor a list of fields.");
            }
        }

        return dtypes;
    }

    /// <summary>A parsed literal written back the way Python prints it, for messages and <see cref="Descr"/>.</summary>
    private static string Literal(object? value) => value switch
    {
        null => "None",
        string s => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        PyTuple t => "(" + string.Join(", ", t.Items.Select(Literal)) + (t.Items.Count == 1 ? ",)" : ")"),
        List<object?> list => "[" + string.Join(", ", list.Select(Literal)) + "]",
        Dictionary<string, object?> d => "{" + string.Join(", ", d.Select(p => Literal(p.Key) + ": " + Literal(p.Value))) + "}",
        _ => value.ToString() ?? "",
    };

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"the string '{s}'",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        PyTuple => "a tuple",
        List<object?> => "a list",
        Dictionary<string, object?> => "a dict",
        _ => value.GetType().Name,
    };

    private static void ReadExactly(Stream stream, Span<byte> into, string what)
    {
        var read = stream.ReadAtLeast(into, into.Length, throwOnEndOfStream: false);
        if (read < into.Length)
        {
            throw Truncated(what, read, into.Length);
        }
    }

    private static NpyFormatException Truncated(string what, int got, int needed) =>
        new($"file is truncated in {what}: {got} of {needed} bytes.");
}
