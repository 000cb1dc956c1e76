using System.Buffers.Binary;
using System.Globalization;

namespace Gauntlet.Scanner.Pickle;

/// <summary>Constants: numbers, strings, bytes and out-of-band buffers.</summary>
internal sealed partial class PickleMachine
{
    private PickleOutcome? IntLine()
    {
        var line = Input.ReadLine(MaxLine);
        if (line is null)
        {
            return Fail("truncated INT");
        }

        return Push(line switch
        {
            "01" => PickleValue.Bool(true),
            "00" => PickleValue.Bool(false),
            _ => long.TryParse(line, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? PickleValue.Int(v) : PickleValue.BigInt(line),
        });
    }

    private PickleOutcome? LongLine()
    {
        var line = Input.ReadLine(MaxLine);
        if (line is null)
        {
            return Fail("truncated LONG");
        }

        var digits = line.TrimEnd('L');
        return Push(long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? PickleValue.Int(v) : PickleValue.BigInt(digits));
    }

    private PickleOutcome? FloatLine()
    {
        var line = Input.ReadLine(MaxLine);
        if (line is null)
        {
            return Fail("truncated FLOAT");
        }

        return Push(PickleValue.Float(double.TryParse(line, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN));
    }

    private PickleOutcome? BinInt()
    {
        Span<byte> b = stackalloc byte[4];
        return Input.TryRead(b) ? Push(PickleValue.Int(BinaryPrimitives.ReadInt32LittleEndian(b))) : Fail("truncated BININT");
    }

    private PickleOutcome? BinInt1()
    {
        var b = Input.ReadByte();
        return b < 0 ? Fail("truncated BININT1") : Push(PickleValue.Int(b));
    }

    private PickleOutcome? BinInt2()
    {
        Span<byte> b = stackalloc byte[2];
        return Input.TryRead(b) ? Push(PickleValue.Int(BinaryPrimitives.ReadUInt16LittleEndian(b))) : Fail("truncated BININT2");
    }

    private PickleOutcome? BinFloat()
    {
        Span<byte> b = stackalloc byte[8];
        return Input.TryRead(b) ? Push(PickleValue.Float(BinaryPrimitives.ReadDoubleBigEndian(b))) : Fail("truncated BINFLOAT");
    }

    private PickleOutcome? Long1()
    {
        var n = Input.ReadByte();
        return n < 0 || !TryReadLong(n, out var value) ? Fail("truncated LONG1") : Push(value);
    }

    private PickleOutcome? Long4()
    {
        if (!TryReadInt32(out var n) || n < 0)
        {
            return Fail("truncated or negative LONG4 length");
        }

        if (n > 1 << 20)
        {
            return Exhausted($"LONG4 declares a {n:N0}-byte integer");
        }

        return TryReadLong(n, out var value) ? Push(value) : Fail("truncated LONG4");
    }

    // STRING and UNICODE lines have no length limit in CPython: a long one is skipped like a
    // long BINUNICODE (kept as a preview), never reported as truncated unless the stream ends.
    private PickleOutcome? QuotedString()
    {
        var line = Input.ReadLongLine(MaxInlineString, out var length, out var last);
        if (line is null)
        {
            return Fail("truncated STRING");
        }

        if (length < 2 || line[0] is not ('\'' or '"') || last != line[0])
        {
            return Fail("malformed STRING");
        }

        return Push(length <= MaxInlineString ? PickleValue.String(line[1..^1]) : LongLine(line[1..], length - 2));
    }

    private PickleOutcome? UnicodeLine()
    {
        var line = Input.ReadLongLine(MaxInlineString, out var length, out _);
        if (line is null)
        {
            return Fail("truncated UNICODE");
        }

        return Push(length <= MaxInlineString ? PickleValue.String(line) : LongLine(line, length));
    }

    private static PickleValue LongLine(string kept, long length) =>
        PickleValue.String($"<{length:N0}-character string starting {kept[..Math.Min(32, kept.Length)]}>");

    private PickleOutcome? BinString()
    {
        if (!TryReadInt32(out var n) || n < 0)
        {
            return Fail("truncated or negative BINSTRING length");
        }

        return TryReadText(n, out var text, out var failure) ? Push(text) : failure;
    }

    private PickleOutcome? ShortText()
    {
        var n = Input.ReadByte();
        return n < 0 || !TryReadText(n, out var text, out _) ? Fail("truncated short string") : Push(text);
    }

    private PickleOutcome? BinUnicode()
    {
        if (!TryReadUInt32(out var n))
        {
            return Fail("truncated BINUNICODE");
        }

        return TryReadText(n, out var text, out var failure) ? Push(text) : failure;
    }

    private PickleOutcome? BinUnicode8()
    {
        if (!TryReadUInt64(out var n))
        {
            return Fail("truncated BINUNICODE8");
        }

        return TryReadText(n, out var text, out var failure) ? Push(text) : failure;
    }

    private PickleOutcome? ShortBinBytes()
    {
        var n = Input.ReadByte();
        return n < 0 || !TryReadBytes((ulong)n, out var bytes, out _) ? Fail("truncated SHORT_BINBYTES") : Push(bytes);
    }

    private PickleOutcome? BinBytes()
    {
        if (!TryReadUInt32(out var n))
        {
            return Fail("truncated BINBYTES");
        }

        return TryReadBytes(n, out var bytes, out var failure) ? Push(bytes) : failure;
    }

    private PickleOutcome? BinBytes8()
    {
        if (!TryReadUInt64(out var n))
        {
            return Fail("truncated BINBYTES8/BYTEARRAY8");
        }

        return TryReadBytes(n, out var bytes, out var failure) ? Push(bytes) : failure;
    }

    private PickleOutcome? ReadOnlyBuffer() => stack.Count <= MarkBase ? Fail("READONLY_BUFFER with an empty stack") : null;
}
