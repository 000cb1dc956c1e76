using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Gauntlet.Federated.SecureAggregation;

namespace Gauntlet.Federated.Transport;

/// <summary>
/// The compact binary forms of what travels: vectors as raw little-endian float32 or uint32,
/// and the secure-aggregation messages as length-prefixed fields. Small control documents
/// (setup, rosters of ids) travel as JSON.
/// </summary>
public static class Wire
{
    /// <summary>The float32 bytes of <paramref name="values"/>.</summary>
    public static byte[] Floats(ReadOnlySpan<float> values) => MemoryMarshal.AsBytes(values).ToArray();

    /// <summary>Reads float32 values.</summary>
    /// <exception cref="InvalidDataException">The length is not a multiple of 4.</exception>
    public static float[] Floats(ReadOnlySpan<byte> bytes) =>
        bytes.Length % 4 == 0 ? MemoryMarshal.Cast<byte, float>(bytes).ToArray() : throw new InvalidDataException($"{bytes.Length} bytes is not a float32 vector.");

    /// <summary>The uint32 bytes of <paramref name="words"/>.</summary>
    public static byte[] Words(ReadOnlySpan<uint> words) => MemoryMarshal.AsBytes(words).ToArray();

    /// <summary>Reads uint32 words.</summary>
    /// <exception cref="InvalidDataException">The length is not a multiple of 4.</exception>
    public static uint[] Words(ReadOnlySpan<byte> bytes) =>
        bytes.Length % 4 == 0 ? MemoryMarshal.Cast<byte, uint>(bytes).ToArray() : throw new InvalidDataException($"{bytes.Length} bytes is not a uint32 vector.");

    /// <summary>A client update: its weight (float64) then Δ (float32).</summary>
    public static byte[] Update(double weight, ReadOnlySpan<float> delta)
    {
        var bytes = new byte[8 + (delta.Length * 4)];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, weight);
        MemoryMarshal.AsBytes(delta).CopyTo(bytes.AsSpan(8));
        return bytes;
    }

    /// <summary>Reads what <see cref="Update(double, ReadOnlySpan{float})"/> wrote.</summary>
    /// <exception cref="InvalidDataException">Truncated or not finite.</exception>
    public static (double Weight, float[] Delta) Update(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8)
        {
            throw new InvalidDataException("a client update shorter than its header.");
        }

        var weight = BinaryPrimitives.ReadDoubleLittleEndian(bytes);
        var delta = Floats(bytes[8..]);
        if (!double.IsFinite(weight) || weight < 0 || delta.Any(d => !float.IsFinite(d)))
        {
            throw new InvalidDataException("a client update with a weight or value that is not finite.");
        }

        return (weight, delta);
    }

    /// <summary>Serialises a roster of advertised keys.</summary>
    public static byte[] Keys(IReadOnlyList<AdvertisedKeys> keys)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write(keys.Count);
        foreach (var k in keys)
        {
            w.Write(k.ClientId);
            Blob(w, k.CipherKey);
            Blob(w, k.MaskKey);
        }

        w.Flush();
        return stream.ToArray();
    }

    /// <summary>Reads what <see cref="Keys(IReadOnlyList{AdvertisedKeys})"/> wrote.</summary>
    public static List<AdvertisedKeys> Keys(byte[] bytes) => Read(bytes, r => Many(r, () => new AdvertisedKeys(r.ReadInt32(), Blob(r), Blob(r))));

    /// <summary>Serialises encrypted shares.</summary>
    public static byte[] Shares(IReadOnlyList<EncryptedShare> shares)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write(shares.Count);
        foreach (var s in shares)
        {
            w.Write(s.From);
            w.Write(s.To);
            Blob(w, s.Ciphertext);
        }

        w.Flush();
        return stream.ToArray();
    }

    /// <summary>Reads what <see cref="Shares(IReadOnlyList{EncryptedShare})"/> wrote.</summary>
    public static List<EncryptedShare> Shares(byte[] bytes) => Read(bytes, r => Many(r, () => new EncryptedShare(r.ReadInt32(), r.ReadInt32(), Blob(r))));

    /// <summary>Serialises a client's unmasking answer.</summary>
    public static byte[] Unmasking(UnmaskingShares answer)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write(answer.ClientId);
        foreach (var list in new[] { answer.SelfMaskShares, answer.MaskKeyShares })
        {
            w.Write(list.Count);
            foreach (var h in list)
            {
                w.Write(h.Owner);
                w.Write(h.Share.X);
                w.Write(h.Share.Values.Length);
                foreach (var v in h.Share.Values)
                {
                    w.Write(v);
                }
            }
        }

        w.Flush();
        return stream.ToArray();
    }

    /// <summary>Reads what <see cref="Unmasking(UnmaskingShares)"/> wrote.</summary>
    public static UnmaskingShares Unmasking(byte[] bytes) => Read(bytes, r =>
    {
        var id = r.ReadInt32();
        List<HeldShare> List() => Many(r, () =>
        {
            var owner = r.ReadInt32();
            var x = r.ReadInt32();
            var values = Many(r, r.ReadUInt64);
            return new HeldShare(owner, new ShamirShare(x, [.. values]));
        });
        var self = List();
        var keys = List();
        return new UnmaskingShares(id, self, keys);
    });

    private static void Blob(BinaryWriter w, byte[] data)
    {
        w.Write(data.Length);
        w.Write(data);
    }

    private static byte[] Blob(BinaryReader r)
    {
        var length = r.ReadInt32();
        if (length < 0 || length > r.BaseStream.Length - r.BaseStream.Position)
        {
            throw new InvalidDataException($"a field of {length} bytes in a message of {r.BaseStream.Length}.");
        }

        return r.ReadBytes(length);
    }

    private static List<T> Many<T>(BinaryReader r, Func<T> item)
    {
        var count = r.ReadInt32();
        if (count < 0 || count > r.BaseStream.Length)
        {
            throw new InvalidDataException($"a list of {count} items in a message of {r.BaseStream.Length} bytes.");
        }

        var items = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(item());
        }

        return items;
    }

    private static T Read<T>(byte[] bytes, Func<BinaryReader, T> read)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes));
            return read(r);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("a truncated message.", ex);
        }
    }
}
