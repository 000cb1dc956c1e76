using System.Numerics;
using System.Security.Cryptography;
using Gauntlet.Federated.SecureAggregation;

namespace Gauntlet.Federated.Tests.SecureAggregation;

public sealed class ShamirSecretSharingTests
{
    [Fact]
    public void AnyThresholdSubset_RecoversTheSecret()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var shares = ShamirSecretSharing.Share(secret, [1, 2, 3, 4, 5, 6], threshold: 4);
        foreach (var subset in new[] { new[] { 0, 1, 2, 3 }, [2, 3, 4, 5], [0, 2, 4, 5], [0, 1, 2, 3, 4, 5] })
        {
            Assert.Equal(secret, ShamirSecretSharing.Reconstruct([.. subset.Select(i => shares[i])], 32));
        }
    }

    [Fact]
    public void FewerThanThresholdShares_DoNotRecoverIt()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var shares = ShamirSecretSharing.Share(secret, [1, 2, 3, 4, 5], threshold: 3);
        Assert.NotEqual(secret, ShamirSecretSharing.Reconstruct([shares[0], shares[3]], 32));
    }

    [Fact]
    public void FieldArithmetic_AgreesWithBigInteger()
    {
        var p = new BigInteger(ShamirSecretSharing.Prime);
        var rng = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var a = (ulong)rng.NextInt64(0, (long)ShamirSecretSharing.Prime);
            var b = (ulong)rng.NextInt64(1, (long)ShamirSecretSharing.Prime);
            Assert.Equal((ulong)(new BigInteger(a) * b % p), ShamirSecretSharing.Multiply(a, b));
            Assert.Equal((ulong)((new BigInteger(a) + b) % p), ShamirSecretSharing.Add(a, b));
            Assert.Equal((ulong)(((new BigInteger(a) - b) % p + p) % p), ShamirSecretSharing.Subtract(a, b));
            Assert.Equal(1UL, ShamirSecretSharing.Multiply(b, ShamirSecretSharing.Inverse(b)));
        }
    }

    [Fact]
    public void Share_RefusesBadThresholdsAndPoints()
    {
        Assert.Throws<ArgumentException>(() => ShamirSecretSharing.Share(new byte[8], [1, 2], threshold: 3));
        Assert.Throws<ArgumentException>(() => ShamirSecretSharing.Share(new byte[8], [0, 2], threshold: 2));
        Assert.Throws<ArgumentException>(() => ShamirSecretSharing.Share(new byte[8], [2, 2], threshold: 2));
    }
}
