using System.Numerics;
using Gauntlet.Federated.Homomorphic;
using Gauntlet.Tensors;

namespace Gauntlet.Federated.Tests.Homomorphic;

public sealed class PaillierTests
{
    // 512-bit keys: fast enough for tests; the benchmark in docs/federated.md uses 1024 and 2048.
    private static readonly PaillierKeyPair Keys = PaillierKeyPair.Generate(512);

    [Fact]
    public void Decrypt_InvertsEncrypt_AndCiphertextsAreRandomised()
    {
        var m = BigInteger.Parse("123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture);
        var c1 = Keys.Public.Encrypt(m);
        var c2 = Keys.Public.Encrypt(m);
        Assert.NotEqual(c1, c2);
        Assert.Equal(m, Keys.Decrypt(c1));
        Assert.Equal(m, Keys.Decrypt(c2));
        Assert.InRange(Keys.Public.Bits, 511, 512);
    }

    [Fact]
    public void ProductOfCiphertexts_DecryptsToTheSumOfPlaintexts()
    {
        var a = new BigInteger(987654321);
        var b = Keys.Public.N - 5;
        Assert.Equal((a + b) % Keys.Public.N, Keys.Decrypt(Keys.Public.Add(Keys.Public.Encrypt(a), Keys.Public.Encrypt(b))));
    }

    [Fact]
    public void PackedSum_EqualsTheRingSumOfTheVectors()
    {
        var packer = new PackedPaillier(Keys.Public, maxClients: 4);
        Assert.Equal(34, packer.SlotBits);
        var rng = new Rng(3);
        var vectors = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 40).Select(_ => (uint)rng.NextUInt64()).ToArray()).ToArray();
        var sum = packer.Encrypt(vectors[0]);
        foreach (var v in vectors.Skip(1))
        {
            packer.AddInto(sum, packer.Deserialize(packer.Serialize(packer.Encrypt(v))));
        }

        var expected = Enumerable.Range(0, 40).Select(i => unchecked(vectors[0][i] + vectors[1][i] + vectors[2][i] + vectors[3][i])).ToArray();
        Assert.Equal(expected, packer.Decrypt(Keys, sum, 40));
        Assert.Equal(packer.CiphertextCount(40), sum.Length);
    }

    [Fact]
    public void Deserialize_RefusesTruncatedOrOutOfRangeCiphertexts()
    {
        var packer = new PackedPaillier(Keys.Public, maxClients: 2);
        Assert.Throws<InvalidDataException>(() => packer.Deserialize(new byte[packer.Key.CiphertextBytes + 1]));
        var tooBig = Enumerable.Repeat((byte)0xFF, packer.Key.CiphertextBytes).ToArray();
        Assert.Throws<InvalidDataException>(() => packer.Deserialize(tooBig));
    }

    [Fact]
    public void MillerRabin_SeparatesPrimesFromComposites()
    {
        Assert.True(Primes.IsProbablePrime(BigInteger.Parse("170141183460469231731687303715884105727", System.Globalization.CultureInfo.InvariantCulture), 20)); // 2^127 − 1
        Assert.False(Primes.IsProbablePrime(new BigInteger(561), 20)); // Carmichael
        Assert.False(Primes.IsProbablePrime(BigInteger.Parse("170141183460469231731687303715884105727", System.Globalization.CultureInfo.InvariantCulture) * 3, 20));
        Assert.Equal(new BigInteger(4), Primes.ModInverse(3, 11));
    }
}
