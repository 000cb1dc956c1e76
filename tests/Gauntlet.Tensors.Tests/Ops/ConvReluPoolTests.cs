using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;
using O = Gauntlet.Tensors.Ops;

namespace Gauntlet.Tensors.Tests.Ops;

public class ConvReluPoolTests
{
    private static readonly Pool2dGeometry Pool = Pool2dGeometry.Square(2);

    // Values on a coarse grid so windows contain ties and exact zeros (the first-maximum rule and ReLU'(0) = 0 matter).
    private static Tensor Grid(Rng rng, params int[] shape)
    {
        var t = Tensor.RandN(rng, shape);
        var s = t.Span;
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = MathF.Round(s[i] * 2f) / 2f;
        }

        return t;
    }

    public static TheoryData<int, int, int, int, int, int, int, int, int, int> Cases() => new()
    {
        // n, cin, h, w, cout, k, stride, pad, dilation, groups
        { 3, 1, 12, 12, 4, 3, 1, 0, 1, 1 },
        { 2, 3, 9, 11, 6, 3, 1, 1, 1, 1 },   // odd conv output: the last row/column is dropped
        { 2, 4, 10, 9, 4, 3, 2, 1, 1, 2 },   // stride, padding, groups
        { 1, 2, 11, 10, 3, 2, 1, 0, 2, 1 },  // dilation, one sample
        { 2, 5, 6, 6, 3, 1, 1, 0, 1, 1 },    // pointwise
        { 2, 8, 13, 13, 16, 3, 1, 0, 1, 1 }, // implicit GEMM (cnn-small's second convolution, fewer channels)
        { 2, 8, 15, 14, 10, 3, 1, 0, 2, 2 }, // implicit GEMM with dilation and groups (5 rows: partial tiles)
        { 2, 48, 7, 9, 9, 3, 1, 0, 1, 1 },   // implicit GEMM over two K blocks (K = 432)
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_MatchesConvThenReluThenMaxPool_InValuesAndEveryGradient(int n, int cin, int h, int w, int cout, int k, int stride, int pad, int dilation, int groups)
    {
        var rng = new Rng((n * 1000) + (cin * 100) + h);
        var geometry = Conv2dGeometry.Symmetric(stride, pad, dilation, groups);
        var x = Grid(rng, n, cin, h, w).RequireGrad();
        var weight = Grid(rng, cout, cin / groups, k, k).RequireGrad();
        var bias = Grid(rng, cout).RequireGrad();

        var expected = O.MaxPool2d(O.Relu(O.Conv2d(x, weight, bias, geometry)), Pool);
        var actual = O.Conv2dReluMaxPool2x2(x, weight, bias, geometry);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.ToArray(), actual.ToArray());

        var upstream = Tensor.RandN(rng, expected.Shape.ToArray());
        var e = Autodiff.Grad(expected, [x, weight, bias], upstream);
        var a = Autodiff.Grad(actual, [x, weight, bias], upstream);
        for (var i = 0; i < 3; i++)
        {
            AssertClose(e[i].ToArray(), a[i].ToArray());
        }

        // The input-only path (frozen weights, as in attacks) takes the per-sample backward.
        weight.RequiresGrad = false;
        bias.RequiresGrad = false;
        var onlyX = Autodiff.Grad(O.Conv2dReluMaxPool2x2(x, weight, bias, geometry), x, upstream);
        AssertClose(e[0].ToArray(), onlyX.ToArray());
    }

    [Fact]
    public void Sequential_FusesConvReluPool_WithTheSameResultsAsTheLayersOneByOne()
    {
        var rng = new Rng(11);
        var model = new Sequential(new Conv2d(1, 4, 3, rng), new Tensors.Nn.Relu(), new MaxPool2d(2), new Flatten(), new Tensors.Nn.Linear(4 * 5 * 5, 3, rng));
        var x = Grid(rng, 2, 1, 12, 12).RequireGrad();
        var layered = x;
        foreach (var layer in model.Layers)
        {
            layered = layer.Forward(layered);
        }

        var fused = model.Forward(x);
        Assert.Equal(layered.ToArray(), fused.ToArray());
        AssertClose(Autodiff.Grad(O.Sum(layered), x).ToArray(), Autodiff.Grad(O.Sum(fused), x).ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fused_WithoutGradient_MatchesTheLayersExactly_OnCnnSmallShapes(bool nan)
    {
        // The value-only path (bias after pooling), the direct single-channel convolution and the
        // unpadded im2col, on real-valued data and the shapes of cnn-small (odd 11×11 second output).
        var rng = new Rng(5);
        var x = Tensor.RandN(rng, 3, 1, 28, 28);
        if (nan)
        {
            x.Span[(28 * 5) + 7] = float.NaN;
            x.Span[784 + 100] = float.PositiveInfinity;
        }

        var w1 = Tensor.RandN(rng, 8, 1, 3, 3);
        var b1 = Tensor.RandN(rng, 8);
        var w2 = Tensor.RandN(rng, 16, 8, 3, 3);
        var b2 = Tensor.RandN(rng, 16);
        var g = Conv2dGeometry.Symmetric(1, 0, 1, 1);
        using (GradMode.NoGrad())
        {
            var e1 = O.MaxPool2d(O.Relu(O.Conv2d(x, w1, b1, g)), Pool);
            var a1 = O.Conv2dReluMaxPool2x2(x, w1, b1, g);
            Assert.Equal(e1.ToArray(), a1.ToArray());
            var e2 = O.MaxPool2d(O.Relu(O.Conv2d(e1, w2, b2, g)), Pool);
            var a2 = O.Conv2dReluMaxPool2x2(a1, w2, b2, g);
            Assert.Equal(e2.ToArray(), a2.ToArray());
            Assert.Equal(nan, a2.ToArray().Any(float.IsNaN));
        }
    }

    [Theory]
    [InlineData(2, 40, 37, 3, 3)] // three 16-wide column chunks, odd output width
    [InlineData(1, 19, 18, 5, 2)] // rectangular kernel, odd output height
    public void Fused_WithoutGradient_SingleChannel_MatchesTheLayersExactly(int n, int h, int w, int kh, int kw)
    {
        // The single-channel kernel that pools in registers (AVX-512) or the direct kernel and the
        // value-only epilogue (narrower machines).
        var rng = new Rng(h * w);
        var x = Tensor.RandN(rng, n, 1, h, w);
        var weight = Tensor.RandN(rng, 12, 1, kh, kw);
        var bias = Tensor.RandN(rng, 12);
        var g = new Conv2dGeometry();
        using (GradMode.NoGrad())
        {
            var expected = O.MaxPool2d(O.Relu(O.Conv2d(x, weight, bias, g)), Pool);
            Assert.Equal(expected.ToArray(), O.Conv2dReluMaxPool2x2(x, weight, bias, g).ToArray());
        }
    }

    [Theory]
    [InlineData(70, 8, 13, 13, 16, 1, 1)] // cnn-small's second convolution with fewer channels; a partial last block of samples
    [InlineData(66, 3, 17, 15, 12, 2, 1)] // stride 2
    [InlineData(64, 4, 12, 13, 8, 1, 2)]  // dilation 2
    [InlineData(64, 48, 7, 9, 9, 1, 1)]   // K = 432: two K blocks; 9 channels: a partial register tile
    public void Fused_WithoutGradient_ForManySamples_MatchesTheLayersExactly(int n, int cin, int h, int w, int cout, int stride, int dilation)
    {
        // Batches large enough for the blocked-samples path (NR samples per GEMM column block).
        var rng = new Rng(n + h);
        var x = Tensor.RandN(rng, n, cin, h, w);
        x.Span[5] = float.NaN;
        x.Span[(n - 1) * cin * h * w] = float.NegativeInfinity;
        var weight = Tensor.RandN(rng, cout, cin, 3, 3);
        var bias = Tensor.RandN(rng, cout);
        var g = Conv2dGeometry.Symmetric(stride, 0, dilation, 1);
        using (GradMode.NoGrad())
        {
            var expected = O.MaxPool2d(O.Relu(O.Conv2d(x, weight, bias, g)), Pool);
            var actual = O.Conv2dReluMaxPool2x2(x, weight, bias, g);
            Assert.Equal(expected.ToArray(), actual.ToArray());
            Assert.Contains(actual.ToArray(), float.IsNaN);
        }
    }

    [Fact]
    public void TooSmallConvOutput_IsRejected_AndSequentialFallsBackToTheLayers()
    {
        var x = Tensor.RandN(1, 1, 1, 3, 3);
        var weight = Tensor.RandN(2, 2, 1, 3, 3);
        var ex = Assert.Throws<TensorShapeException>(() => O.Conv2dReluMaxPool2x2(x, weight, null, new Conv2dGeometry()));
        Assert.Contains("2×2", ex.Message, StringComparison.Ordinal);

        var model = new Sequential(new Conv2d(1, 2, 3, new Rng(1)), new Tensors.Nn.Relu(), new MaxPool2d(2));
        Assert.ThrowsAny<ArgumentException>(() => model.Forward(x)); // MaxPool2d's own error for a 1×1 input
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = expected.Length == 0 ? 1f : expected.Max(MathF.Abs) + 1e-6f;
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f * scale, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
