using Gauntlet.Federated.SecureAggregation;
using Gauntlet.Tensors;

namespace Gauntlet.Federated.Tests.SecureAggregation;

public sealed class SecureAggregationTests
{
    // χ² with 255 degrees of freedom exceeds 377 with probability 1e-6 (Wilson–Hilferty), so an
    // honest uniform vector fails this bound once in a million runs.
    private const double ChiSquareBound = 377;

    [Fact]
    public void NoDropouts_GiveTheExactSum()
    {
        var inputs = Inputs(5, 300, seed: 1);
        var (sum, _) = Run(inputs, threshold: 3, dropAfterSharing: [], dropAfterMasking: []);
        Assert.Equal(RingSum(inputs, [0, 1, 2, 3, 4]), sum);
    }

    [Theory]
    [InlineData(new[] { 4 }, new int[0])]
    [InlineData(new[] { 0, 3 }, new int[0])]
    [InlineData(new[] { 1 }, new[] { 2 })]
    public void DropoutsUpToTheThreshold_StillGiveTheExactSum(int[] dropAfterSharing, int[] dropAfterMasking)
    {
        // n = 6, t = 3: up to three clients may vanish.
        var inputs = Inputs(6, 257, seed: 2);
        var (sum, masked) = Run(inputs, threshold: 3, dropAfterSharing, dropAfterMasking);
        Assert.Equal(RingSum(inputs, [.. masked.Keys]), sum);
        Assert.DoesNotContain(dropAfterSharing[0], masked.Keys);
    }

    [Fact]
    public void MoreDropoutsThanTheThresholdAllows_FailWithAClearError()
    {
        var inputs = Inputs(5, 64, seed: 3);
        // t = 4 of 5: two clients gone after masking leaves three answers for the unmasking round.
        var error = Assert.Throws<SecureAggregationException>(() => Run(inputs, threshold: 4, dropAfterSharing: [], dropAfterMasking: [0, 1]));
        Assert.Contains("3 clients answered the unmasking round", error.Message, StringComparison.Ordinal);
        Assert.Contains("t = 4", error.Message, StringComparison.Ordinal);

        var early = Assert.Throws<SecureAggregationException>(() => Run(inputs, threshold: 4, dropAfterSharing: [2, 3], dropAfterMasking: []));
        Assert.Contains("threshold is 4", early.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WhatTheServerSeesOfOneUpdate_IsIndistinguishableFromUniform()
    {
        // A realistic update: small values, so its fixed-point bytes are far from uniform.
        var rng = new Rng(9);
        var update = FixedPoint.Encode([.. Enumerable.Range(0, 4096).Select(_ => (float)(0.01 * rng.NextGaussian()))]);
        var inputs = Enumerable.Range(0, 4).Select(_ => update).ToArray();
        var (_, masked) = Run(inputs, threshold: 3, dropAfterSharing: [], dropAfterMasking: []);

        Assert.True(ChiSquareOfBytes(update) > 10 * ChiSquareBound, "the test must be able to tell the plain update from random");
        foreach (var y in masked.Values)
        {
            var chi = ChiSquareOfBytes(y);
            Assert.True(chi < ChiSquareBound, $"χ² of the masked bytes {chi:F1} ≥ {ChiSquareBound}");
            Assert.True(KolmogorovSmirnov(y) < 0.042, "KS distance of the masked words from U[0, 2^32) above the 1e-6 critical value");
        }

        // The same input masks to unrelated vectors for different clients.
        Assert.NotEqual(masked[0], masked[1]);
    }

    [Fact]
    public void MaskGenerator_IsDeterministicPerSeed_AndMasksCancel()
    {
        var seed = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        Assert.Equal(MaskGenerator.Expand(seed, 100), MaskGenerator.Expand(seed, 100));
        Assert.Equal(MaskGenerator.Expand(seed, 7), MaskGenerator.Expand(seed, 100)[..7]);
        var v = new uint[] { 1, 2, uint.MaxValue };
        MaskGenerator.AddMask(v, seed, 1);
        MaskGenerator.AddMask(v, seed, -1);
        Assert.Equal([1u, 2u, uint.MaxValue], v);
    }

    [Fact]
    public void FixedPoint_RoundTripsWithinHalfAStep_AndSumsWrapCorrectly()
    {
        float[] values = [0.5f, -1.25f, 3.0000001f, -0.0001f];
        var decoded = FixedPoint.Decode(FixedPoint.Encode(values));
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i], decoded[i], Math.Pow(2, -FixedPoint.FractionalBits));
        }

        var a = FixedPoint.Encode([-3f]);
        var b = FixedPoint.Encode([1f]);
        Assert.Equal(-2f, FixedPoint.Decode([unchecked(a[0] + b[0])])[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPoint.Encode([float.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPoint.Encode([(float)(FixedPoint.MaxMagnitude * 2)]));
    }

    internal static (uint[] Sum, Dictionary<int, uint[]> Masked) Run(uint[][] inputs, int threshold, int[] dropAfterSharing, int[] dropAfterMasking)
    {
        var clients = Enumerable.Range(0, inputs.Length).Select(i => new SecureAggregationClient(i, threshold)).ToList();
        try
        {
            var roster = clients.Select(c => c.Advertise()).ToList();
            var shares = clients.SelectMany(c => c.ShareKeys(roster)).ToList();
            var shared = Enumerable.Range(0, inputs.Length).ToList();
            var masked = new Dictionary<int, uint[]>();
            foreach (var c in clients.Where(c => !dropAfterSharing.Contains(c.ClientId)))
            {
                masked[c.ClientId] = c.MaskedInput(inputs[c.ClientId], [.. shares.Where(s => s.To == c.ClientId)]);
            }

            var answers = clients.Where(c => masked.ContainsKey(c.ClientId) && !dropAfterMasking.Contains(c.ClientId)).Select(c => c.Unmask(masked.Keys)).ToList();
            return (SecureAggregationServer.Unmask(threshold, roster, shared, masked, answers), masked);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static uint[][] Inputs(int clients, int length, int seed)
    {
        var rng = new Rng(seed);
        return [.. Enumerable.Range(0, clients).Select(_ => Enumerable.Range(0, length).Select(_ => (uint)rng.NextUInt64()).ToArray())];
    }

    private static uint[] RingSum(uint[][] inputs, int[] which)
    {
        var sum = new uint[inputs[0].Length];
        foreach (var k in which)
        {
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] = unchecked(sum[i] + inputs[k][i]);
            }
        }

        return sum;
    }

    private static double ChiSquareOfBytes(uint[] words)
    {
        var counts = new long[256];
        foreach (var w in words)
        {
            counts[w & 0xFF]++;
            counts[(w >> 8) & 0xFF]++;
            counts[(w >> 16) & 0xFF]++;
            counts[w >> 24]++;
        }

        var expected = words.Length * 4 / 256.0;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }

    private static double KolmogorovSmirnov(uint[] words)
    {
        var sorted = words.Select(w => w / 4294967296.0).Order().ToArray();
        double d = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            d = Math.Max(d, Math.Max(((i + 1.0) / sorted.Length) - sorted[i], sorted[i] - ((double)i / sorted.Length)));
        }

        return d;
    }
}
