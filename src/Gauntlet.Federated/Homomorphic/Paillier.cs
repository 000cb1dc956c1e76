using System.Numerics;

namespace Gauntlet.Federated.Homomorphic;

/// <summary>A Paillier public key (Paillier 1999) with g = n + 1: Enc(m) = (1 + m·n)·r^n mod n², and Enc(a)·Enc(b) = Enc(a + b mod n).</summary>
/// <remarks>
/// Written on <see cref="BigInteger"/> because no maintained .NET library offers Paillier:
/// BouncyCastle has none, and the NuGet packages that do are unmaintained single-author ports.
/// </remarks>
public sealed class PaillierPublicKey
{
    /// <summary>Creates the key for modulus <paramref name="n"/>.</summary>
    public PaillierPublicKey(BigInteger n)
    {
        N = n;
        NSquared = n * n;
        Bits = (int)n.GetBitLength();
    }

    /// <summary>n = p·q.</summary>
    public BigInteger N { get; }

    /// <summary>n², the ciphertext modulus.</summary>
    public BigInteger NSquared { get; }

    /// <summary>The bit length of n.</summary>
    public int Bits { get; }

    /// <summary>Bytes of one serialised ciphertext (an element of Z_{n²}).</summary>
    public int CiphertextBytes => (int)((NSquared.GetBitLength() + 7) / 8);

    /// <summary>Enc(m) with fresh randomness r ∈ Z_n*.</summary>
    /// <exception cref="ArgumentOutOfRangeException">m is outside [0, n).</exception>
    public BigInteger Encrypt(BigInteger m)
    {
        if (m.Sign < 0 || m >= N)
        {
            throw new ArgumentOutOfRangeException(nameof(m), "a Paillier plaintext must lie in [0, n).");
        }

        BigInteger r;
        do
        {
            r = Primes.RandomBelow(N);
        }
        while (r.IsZero || !BigInteger.GreatestCommonDivisor(r, N).IsOne);

        return (((m * N) + 1) % NSquared) * BigInteger.ModPow(r, N, NSquared) % NSquared;
    }

    /// <summary>Enc(a + b): the product of the ciphertexts mod n².</summary>
    public BigInteger Add(BigInteger a, BigInteger b) => a * b % NSquared;
}

/// <summary>A Paillier key pair: λ = lcm(p − 1, q − 1) and μ = λ^−1 mod n.</summary>
public sealed class PaillierKeyPair
{
    private readonly BigInteger _lambda;
    private readonly BigInteger _mu;

    private PaillierKeyPair(BigInteger p, BigInteger q)
    {
        var n = p * q;
        Public = new PaillierPublicKey(n);
        _lambda = (p - 1) * (q - 1) / BigInteger.GreatestCommonDivisor(p - 1, q - 1);
        _mu = Primes.ModInverse(_lambda % n, n);
    }

    /// <summary>The public half.</summary>
    public PaillierPublicKey Public { get; }

    /// <summary>A fresh key with an n of <paramref name="bits"/> bits (two primes of bits/2).</summary>
    /// <exception cref="ArgumentOutOfRangeException">bits is below 128 or odd.</exception>
    public static PaillierKeyPair Generate(int bits)
    {
        if (bits < 128 || bits % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "a Paillier modulus needs an even bit length of at least 128.");
        }

        while (true)
        {
            var p = Primes.RandomPrime(bits / 2);
            var q = Primes.RandomPrime(bits / 2);
            if (p != q && BigInteger.GreatestCommonDivisor(p * q, (p - 1) * (q - 1)).IsOne)
            {
                return new PaillierKeyPair(p, q);
            }
        }
    }

    /// <summary>m = L(c^λ mod n²)·μ mod n, with L(u) = (u − 1)/n.</summary>
    public BigInteger Decrypt(BigInteger c)
    {
        var n = Public.N;
        var u = BigInteger.ModPow(c, _lambda, Public.NSquared);
        return (u - 1) / n * _mu % n;
    }
}
