using System.Numerics;
using System.Security.Cryptography;

namespace Gauntlet.Federated.Homomorphic;

/// <summary>Random probable primes for Paillier keys: trial division by small primes, then Miller–Rabin with random bases.</summary>
internal static class Primes
{
    private static readonly int[] SmallPrimes = [.. Enumerable.Range(3, 2000).Where(IsSmallPrime)];

    /// <summary>A random prime of exactly <paramref name="bits"/> bits (top two bits set, so p·q has 2·bits bits).</summary>
    public static BigInteger RandomPrime(int bits)
    {
        var bytes = new byte[(bits + 7) / 8 + 1];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes.AsSpan(0, bytes.Length - 1));
            bytes[^1] = 0;
            var candidate = new BigInteger(bytes) & ((BigInteger.One << bits) - 1);
            candidate |= (BigInteger.One << (bits - 1)) | (BigInteger.One << (bits - 2)) | BigInteger.One;
            if (IsProbablePrime(candidate, 40))
            {
                return candidate;
            }
        }
    }

    /// <summary>Miller–Rabin with <paramref name="rounds"/> random bases: a composite passes with probability at most 4^−rounds.</summary>
    public static bool IsProbablePrime(BigInteger n, int rounds)
    {
        if (n < 2)
        {
            return false;
        }

        foreach (var p in SmallPrimes.Prepend(2))
        {
            if (n == p)
            {
                return true;
            }

            if (n % p == 0)
            {
                return false;
            }
        }

        var d = n - 1;
        var s = 0;
        while (d.IsEven)
        {
            d >>= 1;
            s++;
        }

        for (var r = 0; r < rounds; r++)
        {
            var a = RandomBelow(n - 3) + 2;
            var x = BigInteger.ModPow(a, d, n);
            if (x.IsOne || x == n - 1)
            {
                continue;
            }

            var witness = true;
            for (var i = 1; i < s && witness; i++)
            {
                x = BigInteger.ModPow(x, 2, n);
                witness = x != n - 1;
            }

            if (witness)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A uniform integer in [0, bound).</summary>
    public static BigInteger RandomBelow(BigInteger bound)
    {
        var bytes = new byte[bound.GetByteCount(isUnsigned: true) + 1];
        var bits = (int)bound.GetBitLength();
        var mask = (BigInteger.One << bits) - 1;
        while (true)
        {
            RandomNumberGenerator.Fill(bytes.AsSpan(0, bytes.Length - 1));
            bytes[^1] = 0;
            var value = new BigInteger(bytes) & mask;
            if (value < bound)
            {
                return value;
            }
        }
    }

    /// <summary>a^−1 mod m by the extended Euclidean algorithm.</summary>
    /// <exception cref="ArithmeticException">a and m are not coprime.</exception>
    public static BigInteger ModInverse(BigInteger a, BigInteger m)
    {
        BigInteger oldR = a % m, r = m, oldS = 1, s = 0;
        if (oldR < 0)
        {
            oldR += m;
        }

        while (!r.IsZero)
        {
            var q = oldR / r;
            (oldR, r) = (r, oldR - (q * r));
            (oldS, s) = (s, oldS - (q * s));
        }

        if (!oldR.IsOne)
        {
            throw new ArithmeticException("no modular inverse: the numbers share a factor.");
        }

        return ((oldS % m) + m) % m;
    }

    private static bool IsSmallPrime(int n)
    {
        for (var d = 2; d * d <= n; d++)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }
}
