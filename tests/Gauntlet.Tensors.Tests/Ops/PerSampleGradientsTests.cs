using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Tests.Infrastructure;

namespace Gauntlet.Tensors.Tests.Ops;

public class PerSampleGradientsTests
{
    private static Tensor LinearForward(Tensor x, Tensor w, Tensor b) => Tensors.Ops.Add(Tensors.Ops.MatMul(x, Tensors.Ops.Transpose(w, 0, 1)), b);

    private static Tensor Row(Tensor t, int i) => Tensors.Ops.Slice(t.Detach(), 0, i, i + 1);

    private static Tensor Sample(Tensor perSample, int i)
    {
        var dims = perSample.Shape.ToArray()[1..];
        return Tensors.Ops.Reshape(Row(perSample, i), dims);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what) =>
        TensorAssert.Close(expected.ReadOnlySpan, actual.ReadOnlySpan, rtol: 1e-4, atol: 1e-4, what: what);

    [Theory]
    [InlineData(new[] { 5, 4 }, 3)]
    [InlineData(new[] { 3, 1, 7 }, 2)]
    [InlineData(new[] { 2, 3, 2, 5 }, 4)]
    public void Linear_SumsToBatchGradient_AndRowsMatchSingleSampleGradients(int[] inputShape, int outFeatures)
    {
        var rng = new Rng(51);
        var x = Tensor.RandN(rng, inputShape);
        var w = Tensor.RandN(rng, outFeatures, inputShape[^1]).RequireGrad();
        var b = Tensor.RandN(rng, outFeatures).RequireGrad();
        var y = LinearForward(x, w, b);
        var gy = Tensor.RandN(rng, y.Shape.ToArray());
        var batch = Autodiff.Grad(y, [w, b], gy);

        var perW = PerSampleGradients.Linear(x, gy);
        var perB = PerSampleGradients.LinearBias(gy);
        Assert.Equal(new Shape(inputShape[0], outFeatures, inputShape[^1]), perW.Shape);
        Assert.Equal(new Shape(inputShape[0], outFeatures), perB.Shape);
        AssertClose(batch[0], Tensors.Ops.Sum(perW, 0), "Σ per-sample dW");
        AssertClose(batch[1], Tensors.Ops.Sum(perB, 0), "Σ per-sample db");

        for (var i = 0; i < inputShape[0]; i++)
        {
            var yi = LinearForward(Row(x, i), w, b);
            var single = Autodiff.Grad(yi, [w, b], Row(gy, i));
            AssertClose(single[0], Sample(perW, i), $"dW sample {i}");
            AssertClose(single[1], Sample(perB, i), $"db sample {i}");
        }
    }

    [Fact]
    public void Conv2d_SumsToBatchGradient_AndRowsMatchSingleSampleGradients_OnRandomGeometries()
    {
        var rng = new Rng(52);
        foreach (var c in ConvolutionTests.RandomConvCases(rng, 16, maxSpatial: 7, maxBatch: 4))
        {
            var geometry = c.Geometry;
            var x = Tensor.RandN(rng, c.XShape);
            var w = Tensor.RandN(rng, c.WShape).RequireGrad();
            var b = Tensor.RandN(rng, c.WShape[0]).RequireGrad();
            var y = Tensors.Ops.Conv2d(x, w, b, geometry);
            var gy = Tensor.RandN(rng, y.Shape.ToArray());
            var batch = Autodiff.Grad(y, [w, b], gy);

            var perW = PerSampleGradients.Conv2d(x, gy, w.Shape, geometry);
            var perB = PerSampleGradients.Conv2dBias(gy);
            Assert.Equal(new Shape([c.XShape[0], .. c.WShape]), perW.Shape);
            AssertClose(batch[0], Tensors.Ops.Sum(perW, 0), $"{c}: Σ per-sample dW");
            AssertClose(batch[1], Tensors.Ops.Sum(perB, 0), $"{c}: Σ per-sample db");
            for (var i = 0; i < c.XShape[0]; i++)
            {
                var yi = Tensors.Ops.Conv2d(Row(x, i), w, b, geometry);
                var single = Autodiff.Grad(yi, [w, b], Row(gy, i));
                AssertClose(single[0], Sample(perW, i), $"{c}: dW sample {i}");
                AssertClose(single[1], Sample(perB, i), $"{c}: db sample {i}");
            }
        }
    }

    [Fact]
    public void Conv2d_PerSampleResultsIdentical_ForAnyThreadCount()
    {
        var rng = new Rng(53);
        var x = Tensor.RandN(rng, 6, 4, 10, 9);
        var gy = Tensor.RandN(rng, 6, 6, 8, 7);
        var shape = new Shape(6, 2, 3, 3);
        var geometry = Conv2dGeometry.Symmetric(groups: 2);
        var saved = Parallelism.ThreadCount;
        try
        {
            Parallelism.ThreadCount = 1;
            var one = PerSampleGradients.Conv2d(x, gy, shape, geometry).ToArray();
            Parallelism.ThreadCount = 2;
            Assert.Equal(one, PerSampleGradients.Conv2d(x, gy, shape, geometry).ToArray());
        }
        finally
        {
            Parallelism.ThreadCount = saved;
        }
    }

    [Fact]
    public void PerSampleGradients_ThrowNamingShapes_ForMismatchedInputs()
    {
        var lin = Assert.Throws<TensorShapeException>(() => PerSampleGradients.Linear(Tensor.Zeros(4, 3), Tensor.Zeros(5, 2)));
        Assert.Contains("PerSampleGradients.Linear", lin.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 3]", lin.Message, StringComparison.Ordinal);
        Assert.Contains("[5, 2]", lin.Message, StringComparison.Ordinal);

        var rank = Assert.Throws<TensorShapeException>(() => PerSampleGradients.Linear(Tensor.Zeros(3), Tensor.Zeros(2)));
        Assert.Contains("rank", rank.Message, StringComparison.Ordinal);

        var conv = Assert.Throws<TensorShapeException>(() => PerSampleGradients.Conv2d(Tensor.Zeros(2, 3, 5, 5), Tensor.Zeros(2, 4, 4, 4), new Shape(4, 3, 3, 3), Conv2dGeometry.Symmetric()));
        Assert.Contains("PerSampleGradients.Conv2d", conv.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 4, 4, 4]", conv.Message, StringComparison.Ordinal);
        Assert.Contains("expected [2, 4, 3, 3]", conv.Message, StringComparison.Ordinal);

        var channels = Assert.Throws<TensorShapeException>(() => PerSampleGradients.Conv2d(Tensor.Zeros(2, 3, 5, 5), Tensor.Zeros(2, 4, 3, 3), new Shape(4, 2, 3, 3), Conv2dGeometry.Symmetric()));
        Assert.Contains("[2, 3, 5, 5]", channels.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 2, 3, 3]", channels.Message, StringComparison.Ordinal);

        Assert.Contains("PerSampleGradients.Conv2dBias", Assert.Throws<TensorShapeException>(() => PerSampleGradients.Conv2dBias(Tensor.Zeros(2, 3))).Message, StringComparison.Ordinal);
        Assert.Contains("PerSampleGradients.LinearBias", Assert.Throws<TensorShapeException>(() => PerSampleGradients.LinearBias(Tensor.Zeros(3))).Message, StringComparison.Ordinal);
    }
}
