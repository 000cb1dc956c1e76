using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Tests.Infrastructure;

namespace Gauntlet.Tensors.Tests.Ops;

using Nn = Gauntlet.Tensors.Ops;

public class LinearTests
{
    private static float[] Reference(Tensor x, Tensor w, Tensor? b)
    {
        var inF = w.Dim(1);
        var outF = w.Dim(0);
        var rows = x.Size / inF;
        var y = new float[rows * outF];
        for (var r = 0; r < rows; r++)
        {
            for (var o = 0; o < outF; o++)
            {
                double s = b is null ? 0 : b.ReadOnlySpan[o];
                for (var i = 0; i < inF; i++)
                {
                    s += (double)x.ReadOnlySpan[(r * inF) + i] * w.ReadOnlySpan[(o * inF) + i];
                }

                y[(r * outF) + o] = (float)s;
            }
        }

        return y;
    }

    [Theory]
    [InlineData(new[] { 4, 3 }, 5, true)]
    [InlineData(new[] { 1, 7 }, 1, true)]
    [InlineData(new[] { 3 }, 2, false)]
    [InlineData(new[] { 2, 3, 5 }, 4, true)]
    [InlineData(new[] { 2, 1, 1 }, 3, false)]
    public void Linear_MatchesDoubleReference(int[] xShape, int outF, bool withBias)
    {
        var rng = new Rng(31);
        var x = Tensor.RandN(rng, xShape);
        var w = Tensor.RandN(rng, outF, xShape[^1]);
        var b = withBias ? Tensor.RandN(rng, outF) : null;
        var y = Nn.Linear(x, w, b);
        var expectedShape = (int[])xShape.Clone();
        expectedShape[^1] = outF;
        Assert.Equal(new Shape(expectedShape), y.Shape);
        TensorAssert.Close(Reference(x, w, b), y.ReadOnlySpan, 1e-5, 1e-5, "linear");
    }

    [Fact]
    public void Linear_GradMatchesFiniteDifferences_ForInputWeightAndBias()
    {
        var rng = new Rng(32);
        foreach (var (xShape, outF) in new (int[], int)[] { ([3, 4], 5), ([1, 1], 1), ([5], 3), ([2, 3, 7], 2), ([4, 1, 3], 1) })
        {
            var x = GradCheck.Input(rng, xShape);
            var w = GradCheck.Input(rng, [outF, xShape[^1]]);
            var b = GradCheck.Input(rng, [outF]);
            GradCheck.Check(t => Nn.Linear(t[0], t[1], t[2]), [x, w, b], 32);
            GradCheck.Check(t => Nn.Linear(t[0], t[1], null), [x, w], 33);
        }
    }

    [Fact]
    public void Linear_FrozenWeights_GiveInputGradientOnly()
    {
        var rng = new Rng(34);
        var x = GradCheck.Input(rng, [3, 4]);
        var w = Tensor.RandN(rng, 2, 4);
        var b = Tensor.RandN(rng, 2);
        var y = Nn.Linear(x, w, b);
        var g = Tensor.RandN(rng, 3, 2);
        var dx = Autodiff.Grad(y, x, g);

        // ∂x = g · W
        TensorAssert.Close(Nn.MatMul(g, w), dx, 1e-5, 1e-6, "dx");
        GradCheck.Check(t => Nn.Linear(t[0], w, b), [x], 34);
    }

    [Fact]
    public void Linear_ThrowsNamingShapes_ForMismatchedInputs()
    {
        var x = Tensor.Zeros(2, 3);
        var e = Assert.Throws<TensorShapeException>(() => Nn.Linear(x, Tensor.Zeros(4, 5), null));
        Assert.Contains("Linear", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[4, 5]", e.Message);
        var e2 = Assert.Throws<TensorShapeException>(() => Nn.Linear(x, Tensor.Zeros(4, 3), Tensor.Zeros(3)));
        Assert.Contains("bias", e2.Message);
        Assert.Contains("[4]", e2.Message);
        var e3 = Assert.Throws<TensorShapeException>(() => Nn.Linear(x, Tensor.Zeros(3), null));
        Assert.Contains("rank 2", e3.Message);
        Assert.Throws<TensorShapeException>(() => Nn.Linear(Tensor.Scalar(1f), Tensor.Zeros(1, 1), null));
    }
}
