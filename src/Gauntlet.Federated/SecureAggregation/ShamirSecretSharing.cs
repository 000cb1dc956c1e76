using System.Security.Cryptography;

namespace Gauntlet.Federated.SecureAggregation;

/// <summary>One share: the point x (a client's id + 1) and the polynomial's values there, one per secret chunk.</summary>
/// <param name="X">The evaluation point, never 0.</param>
/// <param name="Values">f_j(x) for each chunk j of the secret.</param>
public sealed record ShamirShare(int X, ulong[] Values);

/// <summary>
/// Shamir's t-of-n secret sharing over the prime field GF(p), p = 2^61 − 1 (a Mersenne prime, so
/// products fit a 128-bit intermediate and reduce with shifts). A byte secret is cut into 7-byte
/// chunks (each below 2^56 &lt; p), each shared with its own random polynomial of degree t − 1.
/// Written here because .NET has no secret sharing and the NuGet packages that offer it are
/// unmaintained one-author projects; the field and interpolation are thirty lines.
/// </summary>
public static class ShamirSecretSharing
{
    /// <summary>The field's modulus, 2^61 − 1.</summary>
    public const ulong Prime = (1UL << 61) - 1;

    private const int ChunkBytes = 7;

    /// <summary>Shares <paramref name="secret"/> among the points <paramref name="xs"/> so that any <paramref name="threshold"/> of them recover it and fewer learn nothing.</summary>
    /// <exception cref="ArgumentException">The threshold is below 1 or above the number of points, or a point is 0 or repeated.</exception>
    public static ShamirShare[] Share(ReadOnlySpan<byte> secret, IReadOnlyList<int> xs, int threshold)
    {
        if (threshold < 1 || threshold > xs.Count)
        {
            throw new ArgumentException($"threshold {threshold} for {xs.Count} shares; expected 1 ≤ t ≤ n.", nameof(threshold));
        }

        if (xs.Any(x => x <= 0) || xs.Distinct().Count() != xs.Count)
        {
            throw new ArgumentException("share points must be distinct and positive.", nameof(xs));
        }

        var chunks = Chunks(secret);
        var values = xs.Select(_ => new ulong[chunks.Length]).ToArray();
        var coefficients = new ulong[threshold];
        for (var j = 0; j < chunks.Length; j++)
        {
            coefficients[0] = chunks[j];
            for (var d = 1; d < threshold; d++)
            {
                coefficients[d] = RandomElement();
            }

            for (var k = 0; k < xs.Count; k++)
            {
                // Horner's rule at x.
                ulong y = 0;
                for (var d = threshold - 1; d >= 0; d--)
                {
                    y = Add(Multiply(y, (ulong)xs[k]), coefficients[d]);
                }

                values[k][j] = y;
            }
        }

        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(coefficients.AsSpan()));
        return [.. xs.Select((x, k) => new ShamirShare(x, values[k]))];
    }

    /// <summary>Recovers a secret of <paramref name="secretBytes"/> bytes by Lagrange interpolation at 0 from <paramref name="shares"/>.</summary>
    /// <remarks>With at least t correct shares the result is the secret; with fewer it is a field element unrelated to it, so callers check the count first.</remarks>
    /// <exception cref="ArgumentException">No shares, repeated points, or shares of different lengths.</exception>
    public static byte[] Reconstruct(IReadOnlyList<ShamirShare> shares, int secretBytes)
    {
        if (shares.Count == 0 || shares.Select(s => s.X).Distinct().Count() != shares.Count)
        {
            throw new ArgumentException("reconstruction needs at least one share and distinct points.", nameof(shares));
        }

        var chunkCount = (secretBytes + ChunkBytes - 1) / ChunkBytes;
        if (shares.Any(s => s.Values.Length != chunkCount))
        {
            throw new ArgumentException($"shares of a {secretBytes}-byte secret carry {chunkCount} values each.", nameof(shares));
        }

        // λ_k = Π_{m≠k} x_m / (x_m − x_k), the Lagrange basis at 0.
        var lambdas = new ulong[shares.Count];
        for (var k = 0; k < shares.Count; k++)
        {
            ulong numerator = 1, denominator = 1;
            for (var m = 0; m < shares.Count; m++)
            {
                if (m != k)
                {
                    numerator = Multiply(numerator, (ulong)shares[m].X);
                    denominator = Multiply(denominator, Subtract((ulong)shares[m].X, (ulong)shares[k].X));
                }
            }

            lambdas[k] = Multiply(numerator, Inverse(denominator));
        }

        var secret = new byte[chunkCount * ChunkBytes];
        for (var j = 0; j < chunkCount; j++)
        {
            ulong value = 0;
            for (var k = 0; k < shares.Count; k++)
            {
                value = Add(value, Multiply(lambdas[k], shares[k].Values[j]));
            }

            for (var b = 0; b < ChunkBytes; b++)
            {
                secret[(j * ChunkBytes) + b] = (byte)(value >> (8 * b));
            }
        }

        return secret[..secretBytes];
    }

    private static ulong[] Chunks(ReadOnlySpan<byte> secret)
    {
        var chunks = new ulong[(secret.Length + ChunkBytes - 1) / ChunkBytes];
        for (var i = 0; i < secret.Length; i++)
        {
            chunks[i / ChunkBytes] |= (ulong)secret[i] << (8 * (i % ChunkBytes));
        }

        return chunks;
    }

    private static ulong RandomElement()
    {
        while (true)
        {
            var candidate = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) & Prime;
            if (candidate < Prime)
            {
                return candidate;
            }
        }
    }

    internal static ulong Add(ulong a, ulong b)
    {
        var s = a + b;
        return s >= Prime ? s - Prime : s;
    }

    internal static ulong Subtract(ulong a, ulong b) => a >= b ? a - b : a + Prime - b;

    internal static ulong Multiply(ulong a, ulong b)
    {
        var product = (UInt128)a * b;
        // 2^61 ≡ 1 (mod p): fold the high bits onto the low ones.
        var folded = (ulong)(product & Prime) + (ulong)(product >> 61);
        return folded >= Prime ? folded - Prime : folded;
    }

    internal static ulong Inverse(ulong a)
    {
        if (a == 0)
        {
            throw new DivideByZeroException("0 has no inverse in GF(p).");
        }

        // Fermat: a^(p−2).
        ulong result = 1, b = a, e = Prime - 2;
        while (e > 0)
        {
            if ((e & 1) == 1)
            {
                result = Multiply(result, b);
            }

            b = Multiply(b, b);
            e >>= 1;
        }

        return result;
    }
}
