using System.Numerics;

namespace Gauntlet.Federated.Homomorphic;

/// <summary>
/// Paillier over vectors of Z_2^32 words, several words per ciphertext: each word takes a slot of
/// 32 + ⌈log2(max clients)⌉ bits, so the sum of that many clients' words never carries into the
/// next slot, and the ring sum is each slot's value mod 2^32. Packing divides the ciphertexts (and
/// the time) by the slots per plaintext.
/// </summary>
public sealed class PackedPaillier
{
    /// <summary>Packs for <paramref name="key"/> and at most <paramref name="maxClients"/> summed vectors.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The key is too small to hold one slot.</exception>
    public PackedPaillier(PaillierPublicKey key, int maxClients)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxClients, 1);
        Key = key;
        SlotBits = 32 + (int)Math.Ceiling(Math.Log2(Math.Max(2, maxClients)));
        SlotsPerCiphertext = (key.Bits - 2) / SlotBits;
        if (SlotsPerCiphertext < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(key), key.Bits, "the Paillier key is too small to hold one packed slot.");
        }
    }

    /// <summary>The public key.</summary>
    public PaillierPublicKey Key { get; }

    /// <summary>Bits per slot.</summary>
    public int SlotBits { get; }

    /// <summary>Words per ciphertext.</summary>
    public int SlotsPerCiphertext { get; }

    /// <summary>The number of ciphertexts for <paramref name="length"/> words.</summary>
    public int CiphertextCount(int length) => (length + SlotsPerCiphertext - 1) / SlotsPerCiphertext;

    /// <summary>Encrypts <paramref name="words"/>, packed, one ciphertext per <see cref="SlotsPerCiphertext"/> words.</summary>
    public BigInteger[] Encrypt(ReadOnlySpan<uint> words)
    {
        var result = new BigInteger[CiphertextCount(words.Length)];
        for (var c = 0; c < result.Length; c++)
        {
            BigInteger m = 0;
            var start = c * SlotsPerCiphertext;
            var end = Math.Min(words.Length, start + SlotsPerCiphertext);
            for (var i = end - 1; i >= start; i--)
            {
                m = (m << SlotBits) | words[i];
            }

            result[c] = Key.Encrypt(m);
        }

        return result;
    }

    /// <summary>Multiplies <paramref name="addend"/> into <paramref name="sum"/> ciphertext by ciphertext: the encryption of the sum.</summary>
    public void AddInto(BigInteger[] sum, IReadOnlyList<BigInteger> addend)
    {
        for (var c = 0; c < sum.Length; c++)
        {
            sum[c] = Key.Add(sum[c], addend[c]);
        }
    }

    /// <summary>Decrypts a packed (summed) vector of <paramref name="length"/> words and reduces each slot mod 2^32.</summary>
    public uint[] Decrypt(PaillierKeyPair keys, IReadOnlyList<BigInteger> ciphertexts, int length)
    {
        var words = new uint[length];
        var slotMask = (BigInteger.One << SlotBits) - 1;
        for (var c = 0; c < ciphertexts.Count; c++)
        {
            var m = keys.Decrypt(ciphertexts[c]);
            for (var i = c * SlotsPerCiphertext; i < Math.Min(length, (c + 1) * SlotsPerCiphertext); i++)
            {
                words[i] = (uint)(m & slotMask & uint.MaxValue);
                m >>= SlotBits;
            }
        }

        return words;
    }

    /// <summary>Serialises ciphertexts, each as <see cref="PaillierPublicKey.CiphertextBytes"/> little-endian bytes.</summary>
    public byte[] Serialize(IReadOnlyList<BigInteger> ciphertexts)
    {
        var width = Key.CiphertextBytes;
        var bytes = new byte[ciphertexts.Count * width];
        for (var c = 0; c < ciphertexts.Count; c++)
        {
            ciphertexts[c].TryWriteBytes(bytes.AsSpan(c * width, width), out _, isUnsigned: true);
        }

        return bytes;
    }

    /// <summary>Reads what <see cref="Serialize"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The length is not a whole number of ciphertexts, or one is not below n².</exception>
    public BigInteger[] Deserialize(ReadOnlySpan<byte> bytes)
    {
        var width = Key.CiphertextBytes;
        if (bytes.Length % width != 0)
        {
            throw new InvalidDataException($"{bytes.Length} bytes of Paillier ciphertexts; expected a multiple of {width}.");
        }

        var result = new BigInteger[bytes.Length / width];
        for (var c = 0; c < result.Length; c++)
        {
            result[c] = new BigInteger(bytes.Slice(c * width, width), isUnsigned: true);
            if (result[c] >= Key.NSquared)
            {
                throw new InvalidDataException($"Paillier ciphertext {c} is not below n².");
            }
        }

        return result;
    }
}
