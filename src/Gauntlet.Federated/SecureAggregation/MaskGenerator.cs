using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Gauntlet.Federated.SecureAggregation;

/// <summary>
/// The PRG that expands a 32-byte seed into a mask over Z_2^32: AES-256 in counter mode, built
/// from .NET's AES-ECB (block i = AES_seed(i as a 128-bit little-endian counter)), read as
/// little-endian 32-bit words.
/// </summary>
public static class MaskGenerator
{
    /// <summary>The seed length in bytes (an AES-256 key).</summary>
    public const int SeedBytes = 32;

    /// <summary>The first <paramref name="length"/> words of the stream for <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public static uint[] Expand(ReadOnlySpan<byte> seed, int length)
    {
        if (seed.Length != SeedBytes)
        {
            throw new ArgumentException($"a mask seed of {seed.Length} bytes; expected {SeedBytes}.", nameof(seed));
        }

        var blocks = (length + 3) / 4;
        var counters = new byte[blocks * 16];
        for (var i = 0; i < blocks; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(counters.AsSpan(i * 16), i);
        }

        using var aes = Aes.Create();
        aes.Key = seed.ToArray();
        var stream = aes.EncryptEcb(counters, PaddingMode.None);
        var words = new uint[length];
        for (var i = 0; i < length; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(stream.AsSpan(i * 4));
        }

        return words;
    }

    /// <summary>target[i] += sign · PRG(seed)[i] (mod 2^32), in place.</summary>
    public static void AddMask(uint[] target, ReadOnlySpan<byte> seed, int sign)
    {
        var mask = Expand(seed, target.Length);
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = unchecked(sign >= 0 ? target[i] + mask[i] : target[i] - mask[i]);
        }
    }
}
