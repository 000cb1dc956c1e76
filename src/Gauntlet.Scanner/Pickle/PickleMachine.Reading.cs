using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

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
            return true;
        }

        // Longer strings are skipped; a preview is enough to name them in a finding.
        if (!TryReadBytes(length, out var preview, out failure))
        {
            return false;
        }

        value = PickleValue.String($"<{length:N0}-character string starting {preview.Text}>");
        return true;
    }

    private bool TryReadText(int length, out PickleValue value, out PickleOutcome failure) => TryReadText((ulong)length, out value, out failure);

    private bool TryReadBytes(ulong length, out PickleValue value, out PickleOutcome failure)
    {
        value = PickleValue.UnknownValue;
        if (!CheckDeclaredLength(length, out failure))
        {
            return false;
        }

        var previewLength = (int)Math.Min(length, 16UL);
        Span<byte> preview = stackalloc byte[16];
        if (!Input.TryRead(preview[..previewLength]) || !Input.TrySkip((long)length - previewLength))
        {
            failure = Fail("truncated bytes");
            return false;
        }

        value = PickleValue.Bytes((long)length, Convert.ToHexString(preview[..previewLength]).ToLowerInvariant());
        return true;
    }

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
