using System.Buffers.Binary;

namespace Gauntlet.Federated.SecureAggregation;

/// <summary>The plaintext of an encrypted share: x, then the b share's values, then the s_sk share's values (little-endian).</summary>
internal static class ShareCodec
{
    public static byte[] Encode(ShamirShare selfMask, ShamirShare maskKey)
    {
        var bytes = new byte[4 + 4 + (8 * selfMask.Values.Length) + 4 + (8 * maskKey.Values.Length)];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, selfMask.X);
        var offset = Write(span, 4, selfMask.Values);
        Write(span, offset, maskKey.Values);
        return bytes;
    }

    public static (ShamirShare SelfMask, ShamirShare MaskKey) Decode(byte[] bytes)
    {
        try
        {
            var x = BinaryPrimitives.ReadInt32LittleEndian(bytes);
            var (a, offset) = Read(bytes, 4);
            var (b, _) = Read(bytes, offset);
            return (new ShamirShare(x, a), new ShamirShare(x, b));
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new SecureAggregationException("secure aggregation: a share's plaintext is truncated.", ex);
        }
    }

    public static int Write(Span<byte> span, int offset, ulong[] values)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span[offset..], values.Length);
        offset += 4;
        foreach (var v in values)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[offset..], v);
            offset += 8;
        }

        return offset;
    }

    public static (ulong[] Values, int Offset) Read(ReadOnlySpan<byte> span, int offset)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
        if (count < 0 || count > (span.Length - offset - 4) / 8)
        {
            throw new ArgumentOutOfRangeException(nameof(span), "share length out of range");
        }

        offset += 4;
        var values = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadUInt64LittleEndian(span[offset..]);
            offset += 8;
        }

        return (values, offset);
    }
}
