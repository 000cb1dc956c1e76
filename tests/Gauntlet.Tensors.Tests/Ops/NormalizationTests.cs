using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Tests.Infrastructure;

namespace Gauntlet.Tensors.Tests.Ops;

using Nn = Gauntlet.Tensors.Ops;

public class NormalizationTests
{
    // Per-channel batch statistics of [N, C, ...] in double: mean and biased variance.
    private static (double[] Mean, double[] Var) ChannelStats(Tensor x)
    {
        var n = x.Dim(0);
        var c = x.Dim(1);
        var s = x.Size / (n * c);
        var mean = new double[c];
        var variance = new double[c];
        for (var ch = 0; ch < c; ch++)
        {
            double sum = 0;
            for (var b = 0; b < n; b++)
            {
                for (var i = 0; i < s; i++)
                {
                    sum += x.ReadOnlySpan[(((b * c) + ch) * s) + i];
                }
            }

            mean[ch] = sum / (n * s);
            double sq = 0;
            for (var b = 0; b < n; b++)
            {
                for (var i = 0; i < s; i++)
                {
                    var d = x.ReadOnlySpan[(((b * c) + ch) * s) + i] - mean[ch];
                    sq += d * d;
                }
            }

            variance[ch] = sq / (n * s);
        }

        return (mean, variance);
    }

    [Theory]
    [InlineData(new[] { 5, 3 })]
    [InlineData(new[] { 2, 3, 4, 5 })]
    [InlineData(new[] { 3, 1, 2 })]
    [InlineData(new[] { 16, 8, 8, 8 })]
    public void BatchNorm_Training_NormalizesWithBatchStatistics(int[] shape)
    {
        var rng = new Rng(41);
        var x = Nn.Multiply(Tensor.RandN(rng, shape), 3f);
        var c = shape[1];
        var gamma = Tensor.RandN(rng, c);
        var beta = Tensor.RandN(rng, c);
        var y = Nn.BatchNorm(x, gamma, beta, Tensor.Zeros(c), Tensor.Ones(c), training: true);
        var (mean, variance) = ChannelStats(x);
        var s = x.Size / (shape[0] * c);
        for (var i = 0; i < x.Size; i++)
        {
            var ch = i / s % c;
            var expected = ((x.ReadOnlySpan[i] - mean[ch]) / Math.Sqrt(variance[ch] + 1e-5) * gamma.ReadOnlySpan[ch]) + beta.ReadOnlySpan[ch];
            Assert.Equal(expected, y.ReadOnlySpan[i], 1e-5);
        }
    }

    [Fact]
    public void BatchNorm_UpdatesRunningStatsWithUnbiasedVariance()
    {
        // Channel 0: 1, 2, 3, 4 → mean 2.5, biased var 1.25, unbiased 5/3.
        // Channel 1: 0, 0, 2, 2 → mean 1, biased var 1, unbiased 4/3.
        var x = Tensor.FromArray([1f, 0f, 2f, 0f, 3f, 2f, 4f, 2f], 4, 2);
        var rm = Tensor.FromArray([0f, 10f], 2);
        var rv = Tensor.FromArray([1f, 2f], 2);
        var y = Nn.BatchNorm(x, null, null, rm, rv, training: true, momentum: 0.1f);
        TensorAssert.Close([0.25f, 9.1f], rm.ReadOnlySpan, 1e-6, 1e-6, "runningMean");
        TensorAssert.Close([(float)(0.9 + (0.1 * 5 / 3.0)), (float)(1.8 + (0.1 * 4 / 3.0))], rv.ReadOnlySpan, 1e-6, 1e-6, "runningVar");

        // The output uses the biased variance.
        Assert.Equal(-1.5 / Math.Sqrt(1.25 + 1e-5), y[0, 0], 1e-5);

        // Spatial dims count towards M: [N=1, C=1, 3] has M = 3.
        var rm2 = Tensor.Zeros(1);
        var rv2 = Tensor.Zeros(1);
        Nn.BatchNorm(Tensor.FromArray([0f, 3f, 6f], 1, 1, 3), null, null, rm2, rv2, training: true, momentum: 1f);
        Assert.Equal(3f, rm2.Item(), 6);
        Assert.Equal(9f, rv2.Item(), 5);
    }

    [Fact]
    public void BatchNorm_Inference_UsesRunningStats_AndLeavesThemUnchanged()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 3, 2).RequireGrad();
        var rm = Tensor.FromArray([1f, -1f], 2);
        var rv = Tensor.FromArray([4f, 0.25f], 2);
        var gamma = Tensor.FromArray([2f, 1f], 2);
        var beta = Tensor.FromArray([0.5f, 0f], 2);
        var y = Nn.BatchNorm(x, gamma, beta, rm, rv, training: false, eps: 0f + 1e-5f);
        var s0 = 2 / Math.Sqrt(4 + 1e-5);
        var s1 = 1 / Math.Sqrt(0.25 + 1e-5);
        var expected = new[] { (0 * s0) + 0.5, 3 * s1, (2 * s0) + 0.5, 5 * s1, (4 * s0) + 0.5, 7 * s1 };
        TensorAssert.Close(expected.Select(v => (float)v).ToArray(), y.ReadOnlySpan, 1e-5, 1e-5, "eval");
        TensorAssert.Close([1f, -1f], rm.ReadOnlySpan, 0, 0, "rm");
        TensorAssert.Close([4f, 0.25f], rv.ReadOnlySpan, 0, 0, "rv");
        var dx = Autodiff.Grad(y, x, Tensor.Ones(3, 2));
        TensorAssert.Close([(float)s0, (float)s1, (float)s0, (float)s1, (float)s0, (float)s1], dx.ReadOnlySpan, 1e-5, 1e-6, "eval dx");
    }

    [Fact]
    public void BatchNorm_Training_GradMatchesFiniteDifferences()
    {
        var rng = new Rng(42);
        foreach (var shape in new[] { new[] { 4, 3 }, [2, 1], [3, 2, 5], [2, 3, 1, 2], [1, 2, 3, 3] })
        {
            var c = shape[1];
            var x = GradCheck.Input(rng, shape);
            var gamma = GradCheck.Input(rng, [c], 0.5f, 1f);
            var beta = GradCheck.Input(rng, [c]);
            var rm = Tensor.Zeros(c);
            var rv = Tensor.Ones(c);
            GradCheck.Check(t => Nn.BatchNorm(t[0], t[1], t[2], rm, rv, training: true), [x, gamma, beta], 42, step: 3e-3, relTol: 3e-2, absTol: 4e-3);
            GradCheck.Check(t => Nn.BatchNorm(t[0], null, null, rm, rv, training: true), [x], 43, step: 3e-3, relTol: 3e-2, absTol: 4e-3);
        }
    }

    [Fact]
    public void BatchNorm_Inference_GradMatchesFiniteDifferences()
    {
        var rng = new Rng(44);
        foreach (var shape in new[] { new[] { 1, 3 }, [2, 2, 3], [1, 1, 1, 1] })
        {
            var c = shape[1];
            var x = GradCheck.Input(rng, shape);
            var gamma = GradCheck.Input(rng, [c]);
            var beta = GradCheck.Input(rng, [c]);
            var rm = Tensor.RandN(rng, c);
            var rv = Tensor.RandU(rng, 0.5f, 2f, c);
            GradCheck.Check(t => Nn.BatchNorm(t[0], t[1], t[2], rm, rv, training: false), [x, gamma, beta], 44);
        }
    }

    [Fact]
    public void BatchNorm_ThrowsNamingShapes_ForMismatchedParameters()
    {
        var x = Tensor.Zeros(4, 3, 2);
        var e = Assert.Throws<TensorShapeException>(() => Nn.BatchNorm(x, Tensor.Zeros(2), null, Tensor.Zeros(3), Tensor.Ones(3), true));
        Assert.Contains("BatchNorm", e.Message);
        Assert.Contains("gamma", e.Message);
        Assert.Contains("[4, 3, 2]", e.Message);
        Assert.Contains("[3]", e.Message);
        var e2 = Assert.Throws<TensorShapeException>(() => Nn.BatchNorm(x, null, null, Tensor.Zeros(3), Tensor.Ones(3, 1), true));
        Assert.Contains("runningVar", e2.Message);
        var e3 = Assert.Throws<TensorShapeException>(() => Nn.BatchNorm(Tensor.Zeros(3), null, null, Tensor.Zeros(3), Tensor.Ones(3), false));
        Assert.Contains("rank ≥ 2", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => Nn.BatchNorm(Tensor.Zeros(1, 3), null, null, Tensor.Zeros(3), Tensor.Ones(3), true));
        Assert.Contains("more than 1", e4.Message);
        Assert.Throws<ArgumentException>(() => Nn.BatchNorm(x, null, null, Tensor.Zeros(3), Tensor.Ones(3), true, momentum: 1.5f));
        Assert.Throws<ArgumentException>(() => Nn.BatchNorm(x, null, null, Tensor.Zeros(3), Tensor.Ones(3), true, eps: 0f));

        // A single sample is fine in inference mode.
        Nn.BatchNorm(Tensor.Zeros(1, 3), null, null, Tensor.Zeros(3), Tensor.Ones(3), false);
    }

    [Theory]
    [InlineData(new[] { 3, 5 }, 1)]
    [InlineData(new[] { 2, 3, 4 }, 2)]
    [InlineData(new[] { 4, 1 }, 1)]
    [InlineData(new[] { 2, 3 }, 2)]
    [InlineData(new[] { 300, 200 }, 1)]
    public void LayerNorm_MatchesDoubleReference(int[] shape, int normalizedDims)
    {
        var rng = new Rng(45);
        var x = Tensor.RandN(rng, shape);
        var block = shape[^normalizedDims..];
        var gamma = Tensor.RandN(rng, block);
        var beta = Tensor.RandN(rng, block);
        var y = Nn.LayerNorm(x, normalizedDims, gamma, beta);
        var d = gamma.Size;
        for (var r = 0; r < x.Size / d; r++)
        {
            var row = x.ReadOnlySpan.Slice(r * d, d).ToArray().Select(v => (double)v).ToArray();
            var mean = row.Average();
            var variance = row.Select(v => (v - mean) * (v - mean)).Average();
            for (var j = 0; j < d; j++)
            {
                var expected = ((row[j] - mean) / Math.Sqrt(variance + 1e-5) * gamma.ReadOnlySpan[j]) + beta.ReadOnlySpan[j];
                Assert.Equal(expected, y.ReadOnlySpan[(r * d) + j], 1e-4);
            }
        }
    }

    [Fact]
    public void LayerNorm_GradMatchesFiniteDifferences()
    {
        var rng = new Rng(46);
        foreach (var (shape, k) in new (int[], int)[] { ([3, 5], 1), ([2, 3, 4], 2), ([2, 1, 3], 1), ([1, 4], 2), ([6], 1) })
        {
            var block = shape[^k..];
            var x = GradCheck.Input(rng, shape);
            var gamma = GradCheck.Input(rng, block, 0.5f, 1f);
            var beta = GradCheck.Input(rng, block);
            GradCheck.Check(t => Nn.LayerNorm(t[0], k, t[1], t[2]), [x, gamma, beta], 46, step: 3e-3, relTol: 3e-2, absTol: 4e-3);
            GradCheck.Check(t => Nn.LayerNorm(t[0], k, null, null), [x], 47, step: 3e-3, relTol: 3e-2, absTol: 4e-3);
        }
    }

    [Fact]
    public void LayerNorm_ThrowsNamingShapes_ForMismatchedParameters()
    {
        var x = Tensor.Zeros(2, 3, 4);
        var e = Assert.Throws<TensorShapeException>(() => Nn.LayerNorm(x, 2, Tensor.Zeros(4), null));
        Assert.Contains("LayerNorm", e.Message);
        Assert.Contains("gamma", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => Nn.LayerNorm(x, 4, null, null));
        Assert.Contains("normalizedDims", e2.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Nn.LayerNorm(x, 0, null, null));
    }

    [Fact]
    public void Dropout_IsIdentity_WhenNotTrainingOrPZero()
    {
        var x = Tensor.RandN(new Rng(47), 3, 4);
        var rng = new Rng(1);
        Assert.Same(x, Nn.Dropout(x, 0.5f, training: false, rng));
        Assert.Same(x, Nn.Dropout(x, 0f, training: true, rng));
        Assert.Equal(new Rng(1).NextUInt64(), rng.NextUInt64());
    }

    [Fact]
    public void Dropout_ZeroesAboutP_ScalesSurvivors_AndIsReproducible()
    {
        var x = Tensor.Ones(100, 100).RequireGrad();
        var y = Nn.Dropout(x, 0.3f, training: true, new Rng(5));
        var zeros = y.ReadOnlySpan.ToArray().Count(v => v == 0f);
        Assert.InRange(zeros / 10000.0, 0.28, 0.32);
        Assert.All(y.ToArray(), v => Assert.True(v == 0f || Math.Abs(v - (1 / 0.7f)) < 1e-6));
        TensorAssert.Close(y, Nn.Dropout(x, 0.3f, training: true, new Rng(5)), 0, 0, "same seed");
        var dx = Autodiff.Grad(y, x, Tensor.Ones(100, 100));
        TensorAssert.Close(y.ReadOnlySpan, dx.ReadOnlySpan, 0, 0, "mask");
    }

    [Fact]
    public void Dropout_GradMatchesFiniteDifferences()
    {
        var rng = new Rng(48);
        foreach (var shape in new[] { new[] { 4, 5 }, [1], [2, 1, 3] })
        {
            GradCheck.Check(t => Nn.Dropout(t[0], 0.4f, training: true, new Rng(9)), [GradCheck.Input(rng, shape)], 48);
        }
    }

    [Fact]
    public void Dropout_Throws_ForPOutsideUnitInterval()
    {
        var x = Tensor.Zeros(2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Nn.Dropout(x, 1f, true, new Rng(1)));
        Assert.Contains("Dropout", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Nn.Dropout(x, -0.1f, true, new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Nn.Dropout(x, float.NaN, false, new Rng(1)));
    }
}
