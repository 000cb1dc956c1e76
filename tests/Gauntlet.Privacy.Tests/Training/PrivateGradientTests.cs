using Gauntlet.Privacy.Training;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Privacy.Tests.Training;

/// <summary>Per-sample clipping, noise and Poisson sampling against hand computations and statistics.</summary>
public sealed class PrivateGradientTests
{
    // A 2→2 linear layer with zero weights and bias: softmax is (½, ½) for every input, so for
    // label 0 the per-sample gradients are, by hand, ∂W = (p − e₀)·xᵀ = [[−x₁/2, −x₂/2], [x₁/2, x₂/2]]
    // and ∂b = (−½, ½): ‖∂W‖² = |x|²/2 and ‖∂b‖² = ½.
    private static readonly float[][] Inputs = [[3f, 4f], [0.3f, 0.4f], [0f, 0f], [6f, -8f]];

    private static (Dictionary<string, Tensor> PerSample, List<string> Names) HandCase()
    {
        var model = new Sequential(new Linear(2, 2, new Rng(1)));
        foreach (var p in model.Parameters())
        {
            p.Span.Clear();
        }

        var x = Tensor.FromArray([.. Inputs.SelectMany(v => v)], Inputs.Length, 2);
        int[] labels = [0, 0, 0, 0];
        var perSample = PerSampleGradientMode.Compute(model, x, logits => Losses.CrossEntropy(logits, labels, Reduction.None));
        return (perSample, [.. model.NamedParameters().Select(p => p.Name)]);
    }

    private static double WeightNorm(float[] x) => Math.Sqrt(((x[0] * x[0]) + (x[1] * x[1])) / 2);

    [Fact]
    public void FlatClipping_ScalesEachSampleToAtMostC_AsComputedByHand()
    {
        var (perSample, names) = HandCase();
        const double c = 1.0;
        var factors = PrivateGradient.ClipFactors(perSample, names, c, ClippingMode.Flat);
        for (var n = 0; n < Inputs.Length; n++)
        {
            var norm = Math.Sqrt((WeightNorm(Inputs[n]) * WeightNorm(Inputs[n])) + 0.5);
            var expected = Math.Min(1, c / (norm + 1e-6));
            Assert.Equal(expected, factors[0][n], 6);
            Assert.Equal(factors[0][n], factors[1][n]);
            Assert.True(factors[0][n] * norm <= c + 1e-9, $"sample {n}: clipped norm {factors[0][n] * norm} above C");
        }

        // Sample 1 (norm √(0.125 + 0.5) ≈ 0.79) is under C and kept whole; sample 0 (norm √13) is scaled.
        Assert.Equal(1.0, factors[0][1]);
        Assert.Equal(1 / (Math.Sqrt(13) + 1e-6), factors[0][0], 9);

        // The clipped sum, by hand: Σ_n f_n·(−x/2, x/2) for the weight and Σ_n f_n·(−½, ½) for the bias.
        var sums = PrivateGradient.ClippedSum(perSample, names, factors);
        double w00 = 0, b0 = 0;
        for (var n = 0; n < Inputs.Length; n++)
        {
            w00 += factors[0][n] * -Inputs[n][0] / 2;
            b0 += factors[1][n] * -0.5;
        }

        Assert.Equal(w00, sums[0][0], 5);
        Assert.Equal(-w00, sums[0][2], 5);
        Assert.Equal(b0, sums[1][0], 5);
    }

    [Fact]
    public void PerLayerClipping_BoundsEachTensorByCOverRootK()
    {
        var (perSample, names) = HandCase();
        const double c = 0.5;
        var bound = c / Math.Sqrt(2);
        var factors = PrivateGradient.ClipFactors(perSample, names, c, ClippingMode.PerLayer);
        for (var n = 0; n < Inputs.Length; n++)
        {
            var weight = WeightNorm(Inputs[n]);
            Assert.Equal(Math.Min(1, bound / (weight + 1e-6)), factors[0][n], 6);
            Assert.Equal(Math.Min(1, bound / (Math.Sqrt(0.5) + 1e-6)), factors[1][n], 6);
            var clipped = Math.Sqrt(Math.Pow(factors[0][n] * weight, 2) + Math.Pow(factors[1][n] * Math.Sqrt(0.5), 2));
            Assert.True(clipped <= c + 1e-9, $"sample {n}: clipped norm {clipped} above C");
        }
    }

    [Fact]
    public void AddNoise_HasStdSigmaTimesC()
    {
        const double sigma = 1.3, c = 0.7;
        var values = new float[200_000];
        PrivateGradient.AddNoise(values, sigma, c, new Rng(3));
        var mean = values.Average(v => (double)v);
        var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));

        // The sample std of 200,000 normals is within 0.5% of the true one at over 5 standard errors.
        Assert.InRange(std, sigma * c * 0.995, sigma * c * 1.005);
        Assert.InRange(mean, -0.01, 0.01);
    }

    [Fact]
    public void PoissonSampler_IncludesEachSampleWithProbabilityQ_AndBatchSizesVary()
    {
        const int n = 20_000;
        const double q = 0.03;
        var rng = new Rng(11);
        var sizes = Enumerable.Range(0, 50).Select(_ => PoissonSampler.Sample(n, q, rng)).Select(b => b.Length).ToList();

        // 50 draws of Binomial(20000, 0.03): the mean size is within 4 standard errors of qN = 600.
        var meanSize = sizes.Average();
        var standardError = Math.Sqrt(n * q * (1 - q) / sizes.Count);
        Assert.InRange(meanSize, (n * q) - (4 * standardError), (n * q) + (4 * standardError));
        Assert.True(sizes.Distinct().Count() > 10, "Poisson batches should vary in size");

        // Each index is drawn with probability q: the first index's inclusion rate over 4,000 draws.
        var hits = Enumerable.Range(0, 4000).Count(_ => PoissonSampler.Sample(10, q, rng).Contains(0));
        Assert.InRange(hits / 4000.0, q - (4 * Math.Sqrt(q * (1 - q) / 4000)), q + (4 * Math.Sqrt(q * (1 - q) / 4000)));
        Assert.Equal(234, PoissonSampler.StepsPerEpoch(256.0 / 60_000));
    }
}
