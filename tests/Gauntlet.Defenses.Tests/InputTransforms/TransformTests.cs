using Gauntlet.Defenses.InputTransforms;
using Gauntlet.Tensors;

namespace Gauntlet.Defenses.Tests.InputTransforms;

public sealed class TransformTests
{
    private static Tensor Random(int seed, params int[] shape) => Tensor.RandU(new Rng(seed), 0f, 1f, shape);

    [Fact]
    public void BitDepth_RoundsToTheLevels()
    {
        var x = Tensor.FromArray([0f, 0.1f, 0.49f, 0.51f, 0.9f, 1f], 1, 1, 2, 3);
        var output = new BitDepthReduction(1).Apply(x, new Rng(0)).Output.ToArray();
        Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f], output);
        var three = new BitDepthReduction(3).Apply(x, new Rng(0)).Output.ToArray();
        Assert.Equal(1f / 7f, three[1], 1e-6f);
    }

    [Fact]
    public void Median_TakesTheMiddleValue_AndRoutesTheGradientToIt()
    {
        // 3×3 image; with a 3×3 window and replicated edges the centre's window is the whole image.
        var x = Tensor.FromArray([9f, 1f, 8f, 2f, 7f, 3f, 6f, 4f, 5f], 1, 1, 3, 3);
        var result = new MedianFilter(3).Apply(x, new Rng(0));
        Assert.Equal(5f, result.Output[0, 0, 1, 1]);
        var upstream = Tensor.Zeros(1, 1, 3, 3);
        upstream.Span[4] = 1f;
        var gradient = result.Backward(upstream).ToArray();
        Assert.Equal(1f, gradient[8]);
        Assert.Equal(1f, gradient.Sum());
    }

    [Fact]
    public void Dct_IsOrthonormal_AndQuality100IsNearlyLossless()
    {
        var block = Random(1, 64).ToArray().Select(v => (double)v).ToArray();
        var coefficients = new double[64];
        var back = new double[64];
        JpegCompression.Transform(block, coefficients, inverse: false);
        JpegCompression.Transform(coefficients, back, inverse: true);
        for (var i = 0; i < 64; i++)
        {
            Assert.Equal(block[i], back[i], 1e-9);
        }

        Assert.Equal(block.Sum(v => v * v), coefficients.Sum(v => v * v), 1e-9);
        Assert.All(JpegCompression.QuantisationTable(100), q => Assert.Equal(1.0, q));
        Assert.Equal(16.0, JpegCompression.QuantisationTable(50)[0]);

        var x = Random(2, 2, 1, 28, 28);
        var lossless = new JpegCompression(100).Apply(x, new Rng(0)).Output.ToArray();
        var coarse = new JpegCompression(10).Apply(x, new Rng(0)).Output.ToArray();
        var original = x.ToArray();
        var errorFine = original.Zip(lossless, (a, b) => Math.Abs(a - b)).Max();
        var errorCoarse = original.Zip(coarse, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(errorFine < 2.5f / 255f, $"quality 100 max error {errorFine}");
        Assert.True(errorCoarse > 0.05, $"quality 10 mean error {errorCoarse}");
    }

    [Fact]
    public void Tv_SmoothsNoise_AndItsBackwardIsTheDerivative()
    {
        var x = Random(3, 1, 1, 6, 6);
        var tv = new TotalVariationMinimisation(keep: 0.7f, lambda: 0.1f, steps: 4);
        var result = tv.Apply(x, new Rng(9));
        Assert.True(Variation(result.Output) < Variation(x));

        // Finite differences for one direction, with the same mask (same seed).
        var upstream = Random(4, 1, 1, 6, 6);
        var direction = Random(5, 1, 1, 6, 6);
        var analytic = Dot(result.Backward(upstream), direction);
        const float h = 1e-3f;
        var plus = tv.Apply(Ops.Add(x, Ops.Multiply(direction, h)), new Rng(9)).Output;
        var minus = tv.Apply(Ops.Subtract(x, Ops.Multiply(direction, h)), new Rng(9)).Output;
        var numeric = (Dot(plus, upstream) - Dot(minus, upstream)) / (2 * h);
        Assert.Equal(numeric, analytic, 0.02 * Math.Abs(numeric) + 1e-3);
    }

    [Fact]
    public void Chain_AppliesInOrder_AndIsNotDifferentiableIfAMemberIsNot()
    {
        var chain = (TransformChain)InputDefenses.Create("feature-squeezing");
        Assert.False(chain.IsDifferentiable);
        var x = Random(6, 1, 1, 8, 8);
        var expected = new MedianFilter(2).Apply(new BitDepthReduction(4).Apply(x, new Rng(0)).Output, new Rng(0)).Output.ToArray();
        Assert.Equal(expected, chain.Apply(x, new Rng(0)).Output.ToArray());
    }

    [Fact]
    public void NonImages_AreRefused_AndUnknownNamesListTheKnownOnes()
    {
        Assert.Throws<ArgumentException>(() => new JpegCompression(75).Apply(Tensor.Zeros(2, 5), new Rng(0)));
        var ex = Assert.Throws<ArgumentException>(() => InputDefenses.Create("blur"));
        Assert.Contains("jpeg", ex.Message);
    }

    private static double Variation(Tensor t)
    {
        var v = t.ToArray();
        var (h, w) = (t.Dim(2), t.Dim(3));
        double sum = 0;
        for (var i = 0; i < h; i++)
        {
            for (var j = 0; j < w; j++)
            {
                sum += j + 1 < w ? Math.Abs(v[(i * w) + j + 1] - v[(i * w) + j]) : 0;
                sum += i + 1 < h ? Math.Abs(v[((i + 1) * w) + j] - v[(i * w) + j]) : 0;
            }
        }

        return sum;
    }

    private static double Dot(Tensor a, Tensor b) => a.ToArray().Zip(b.ToArray(), (p, q) => (double)p * q).Sum();
}
