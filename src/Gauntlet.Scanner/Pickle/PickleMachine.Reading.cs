using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using Gauntlet.Scanner.Formats;

namespace Gauntlet.Scanner.Pickle;

/// <summary>Operand readers shared by the opcode handlers; declared lengths are checked before anything is read.</summary>
internal sealed partial class PickleMachine
{
    private bool TryReadInt32(out int value)
    {
        Span<byte> b = stackalloc byte[4];
        var ok = Input.TryRead(b);
        value = ok ? BinaryPrimitives.ReadInt32LittleEndian(b) : 0;
        return ok;
    }

    private bool TryReadUInt32(out ulong value)
    {
        Span<byte> b = stackalloc byte[4];
        var ok = Input.TryRead(b);
        value = ok ? BinaryPrimitives.ReadUInt32LittleEndian(b) : 0;
        return ok;
    }

    private bool TryReadUInt64(out ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        var ok = Input.TryRead(b);
        value = ok ? BinaryPrimitives.ReadUInt64LittleEndian(b) : 0;
        return ok;
    }

    private bool TryReadLong(int n, out PickleValue value)
    {
        var bytes = new byte[n];
        if (!Input.TryRead(bytes))
        {
            value = PickleValue.UnknownValue;
            return false;
        }

        var big = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        value = big >= long.MinValue && big <= long.MaxValue ? PickleValue.Int((long)big) : PickleValue.BigInt(n > 64 ? $"<{n}-byte integer>" : big.ToString(CultureInfo.InvariantCulture));
        return true;
    }

    private bool TryReadText(ulong length, out PickleValue value, out PickleOutcome failure)
    {
        value = PickleValue.UnknownValue;
        if (!CheckDeclaredLength(length, out failure))
        {
            return false;
        }

        if (length <= MaxInlineString)
        {
            var bytes = new byte[length];
            if (!Input.TryRead(bytes))
            {
                failure = Fail("truncated string");
                return false;
            }

            value = PickleValue.String(Encoding.UTF8.GetString(bytes));
            if (length >= EmbeddedPayloads.MinBytes && StartsLikeEncodedPayload(bytes))
            {
                EmbeddedPayloads.ScanText(value.Text!, "as a hex or base64 string inside the pickle", EmbeddedLocation, Context, lookForSource: false);
            }

            return true;
        }

        // Longer strings are skipped; a preview is enough to name them in a finding.
        if (!TryReadBytes(length, out var preview, out failure, isText: true))
        {
            return false;
        }

        value = PickleValue.String($"<{length:N0}-character string starting {preview.Text}>");
        return true;
    }

    private bool TryReadText(int length, out PickleValue value, out PickleOutcome failure) => TryReadText((ulong)length, out value, out failure);

    private bool TryReadBytes(ulong length, out PickleValue value, out PickleOutcome failure, bool isText = false)
    {
        value = PickleValue.UnknownValue;
        if (!CheckDeclaredLength(length, out failure))
        {
            return false;
        }

        var previewLength = (int)Math.Min(length, 16UL);
        Span<byte> preview = stackalloc byte[16];
        if (!Input.TryRead(preview[..previewLength]))
        {
            failure = Fail("truncated bytes");
            return false;
        }

        // Bytes that start like a pickle or zip (or text that spells one in hex or base64) are
        // read whole, within a cap, and scanned as the payload they are.
        var candidate = length >= EmbeddedPayloads.MinBytes && length <= EmbeddedPayloads.MaxBytes * (isText ? 2UL : 1UL)
            && (isText ? StartsLikeEncodedPayload(preview[..previewLength]) : EmbeddedPayloads.StartsLikePayload(preview[..previewLength]));
        if (candidate)
        {
            var all = new byte[length];
            preview[..previewLength].CopyTo(all);
            if (!Input.TryRead(all.AsSpan(previewLength)))
            {
                failure = Fail("truncated bytes");
                return false;
            }

            if (isText)
            {
                EmbeddedPayloads.ScanText(Encoding.UTF8.GetString(all), "as a hex or base64 string inside the pickle", EmbeddedLocation, Context, lookForSource: false);
            }
            else
            {
                EmbeddedPayloads.Scan(all, "as bytes inside the pickle", EmbeddedLocation, Context);
            }
        }
        else if (!Input.TrySkip((long)length - previewLength))
        {
            failure = Fail("truncated bytes");
            return false;
        }

        value = PickleValue.Bytes((long)length, Convert.ToHexString(preview[..previewLength]).ToLowerInvariant());
        return true;
    }

    private string EmbeddedLocation => $"{owner.Location}@{opcodeOffset}";

    // Hex of 80 02..05 or of a zip's PK\x03\x04; base64 of the same ("gA", "UEsDB").
    private static bool StartsLikeEncodedPayload(ReadOnlySpan<byte> head) =>
        head.StartsWith("gA"u8) || head.StartsWith("UEsDB"u8) || head.StartsWith("504b0304"u8) || head.StartsWith("504B0304"u8)
        || (head.Length >= 4 && head[0] == (byte)'8' && head[1] == (byte)'0' && head[2] == (byte)'0' && head[3] is >= (byte)'2' and <= (byte)'5');

    private bool CheckDeclaredLength(ulong length, out PickleOutcome failure)
    {
        failure = PickleOutcome.Failed;
        if (Input.Remaining is { } left && length > (ulong)left)
        {
            failure = Exhausted($"declares a {length:N0}-byte value but {left:N0} bytes remain");
            return false;
        }

        if (length > (ulong)Context.Options.MaxEntryBytes)
        {
            failure = Exhausted($"declares a {length:N0}-byte value");
            return false;
        }

        return true;
    }
}
