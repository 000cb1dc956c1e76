using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Tests.Infrastructure;

namespace Gauntlet.Tensors.Tests.Ops;

public class PoolingTests
{
    private static Tensor Arange(params int[] shape) => Tensors.Ops.Reshape(Tensor.Arange(new Shape(shape).Size), shape);

    // Values that differ pairwise by at least 0.1, so ±step finite differences never swap a maximum.
    private static Tensor Distinct(Rng rng, int[] shape)
    {
        var size = new Shape(shape).Size;
        var perm = rng.Permutation(size);
        var data = new float[size];
        for (var i = 0; i < size; i++)
        {
            data[i] = (perm[i] * 0.1f) - (size * 0.05f);
        }

        return Tensor.FromArray(data, shape).RequireGrad();
    }

    private static IEnumerable<(int[] Shape, Pool2dGeometry G)> RandomPoolCases(Rng rng, int count, bool dilation)
    {
        var made = 0;
        while (made < count)
        {
            int kh = 1 + rng.NextInt(3), kw = 1 + rng.NextInt(3);
            int dh = dilation ? 1 + rng.NextInt(2) : 1, dw = dilation ? 1 + rng.NextInt(2) : 1;
            int effH = (dh * (kh - 1)) + 1, effW = (dw * (kw - 1)) + 1;
            var g = new Pool2dGeometry(kh, kw, 1 + rng.NextInt(3), 1 + rng.NextInt(3), rng.NextInt(effH), rng.NextInt(effW), rng.NextInt(effH), rng.NextInt(effW), dh, dw, rng.NextInt(2) == 0, rng.NextInt(2) == 0);
            int[] shape = [1 + rng.NextInt(2), 1 + rng.NextInt(3), 1 + rng.NextInt(6), 1 + rng.NextInt(6)];
            if (effH > shape[2] + g.PadTop + g.PadBottom || effW > shape[3] + g.PadLeft + g.PadRight)
            {
                continue;
            }

            made++;
            yield return (shape, g);
        }
    }

    [Fact]
    public void MaxPool2d_HandComputedCase_WithCeilModePartialWindows()
    {
        var y = Tensors.Ops.MaxPool2d(Arange(1, 1, 5, 5), Pool2dGeometry.Square(2, ceilMode: true));
        Assert.Equal(new Shape(1, 1, 3, 3), y.Shape);
        Assert.Equal([6f, 8f, 9f, 16f, 18f, 19f, 21f, 23f, 24f], y.ToArray());
        Assert.Equal(new Shape(1, 1, 2, 2), Tensors.Ops.MaxPool2d(Arange(1, 1, 5, 5), Pool2dGeometry.Square(2)).Shape);
    }

    [Fact]
    public void MaxPool2d_CeilMode_DropsAWindowStartingInTheTrailingPadding()
    {
        // H = 4, k = 4, s = 3, pad 2: ⌈(4 + 4 − 4) / 3⌉ + 1 = 3, but window 2 would start at 6 − 2 = 4 ≥ H: dropped.
        var y = Tensors.Ops.MaxPool2d(Arange(1, 1, 4, 4), Pool2dGeometry.Square(4, stride: 3, padding: 2, ceilMode: true));
        Assert.Equal(new Shape(1, 1, 2, 2), y.Shape);
        Assert.Equal([5f, 7f, 13f, 15f], y.ToArray());
    }

    [Fact]
    public void MaxPool2d_PaddingActsAsNegativeInfinity_AndDilationSkipsTaps()
    {
        var x = Tensor.Full(-5f, 1, 1, 3, 3);
        var y = Tensors.Ops.MaxPool2d(x, Pool2dGeometry.Square(2, stride: 1, padding: 1));
        Assert.All(y.ToArray(), v => Assert.Equal(-5f, v));

        // Dilation 2 on 3×3: one window taking the four corners of arange(9): max 8; the centre 4 is never a tap.
        var d = Tensors.Ops.MaxPool2d(Arange(1, 1, 3, 3), new Pool2dGeometry(2, 2, 1, 1, DilationH: 2, DilationW: 2));
        Assert.Equal([8f], d.ToArray());
    }

    [Fact]
    public void MaxPool2d_GradientGoesToFirstMaximum_OnTies()
    {
        // All four elements tie: the gradient goes to the first in row-major window order only.
        var x = Tensor.Full(1f, 1, 1, 2, 2).RequireGrad();
        var y = Tensors.Ops.MaxPool2d(x, Pool2dGeometry.Square(2));
        Assert.Equal([1f, 0f, 0f, 0f], Autodiff.Grad(y, x, Tensor.Ones(1, 1, 1, 1)).ToArray());

        // A tie between (0,1) and (1,0) in each overlapping window: row-major order prefers (0,1).
        var t = Tensor.FromArray([0, 7, 3, 7, 0, 7, 2, 7, 1], 1, 1, 3, 3).RequireGrad();
        var yt = Tensors.Ops.MaxPool2d(t, Pool2dGeometry.Square(2, stride: 1));
        Assert.Equal([7f, 7f, 7f, 7f], yt.ToArray());
        var gt = Autodiff.Grad(yt, t, Tensor.FromArray([1f, 10f, 100f, 1000f], 1, 1, 2, 2));
        // Windows: (0,0)→(0,1); (0,1)→(0,1); (1,0)→(1,0); (1,1)→(1,2).
        Assert.Equal([0f, 11f, 0f, 100f, 0f, 1000f, 0f, 0f, 0f], gt.ToArray());
    }

    [Fact]
    public void MaxPool2d_WindowWithNoTapInsideTheInput_IsNegativeInfinity_AndGetsNoGradient()
    {
        // W = 1, kernel 2, dilation 2, pad 1 left and right: the taps at columns −1 and 1 both miss.
        var x = Tensor.FromArray([3f, 4f], 1, 1, 2, 1).RequireGrad();
        var y = Tensors.Ops.MaxPool2d(x, new Pool2dGeometry(1, 2, 1, 1, 0, 1, 0, 1, 1, 2));
        Assert.Equal(new Shape(1, 1, 2, 1), y.Shape);
        Assert.All(y.ToArray(), v => Assert.Equal(float.NegativeInfinity, v));
        Assert.Equal([0f, 0f], Autodiff.Grad(y, x, Tensor.Ones(1, 1, 2, 1)).ToArray());
    }

    [Fact]
    public void MaxPool2d_PropagatesNaN()
    {
        var x = Tensor.FromArray([1, float.NaN, 3, 2], 1, 1, 2, 2);
        Assert.True(float.IsNaN(Tensors.Ops.MaxPool2d(x, Pool2dGeometry.Square(2)).Item()));
    }

    [Fact]
    public void MaxPool2d_GradientsMatchFiniteDifferences_OnRandomGeometries()
    {
        var rng = new Rng(41);
        var seed = 200;
        foreach (var (shape, g) in RandomPoolCases(rng, 16, dilation: true))
        {
            var geometry = g;
            var x = Distinct(rng, shape);
            if (Tensors.Ops.MaxPool2d(x.Detach(), geometry).ToArray().Any(float.IsInfinity))
            {
                continue; // a dilated window with no tap inside the input (covered separately)
            }

            GradCheck.Check(t => Tensors.Ops.MaxPool2d(t[0], geometry), [x], seed: seed++);
        }

        Assert.True(seed - 200 >= 10, $"only {seed - 200} geometries were checked");
    }

    [Fact]
    public void AvgPool2d_HandComputedCase_CountIncludePadTrueAndFalse()
    {
        // H = W = 4, k = 3, s = 2, pad 1, ceil: 3×3 windows starting at −1, 1, 3. The last window
        // [3, 6) is clipped to the padded input [3, 5) (size 2) and to the input [3, 4) (size 1).
        var x = Arange(1, 1, 4, 4);
        var include = Tensors.Ops.AvgPool2d(x, Pool2dGeometry.Square(3, stride: 2, padding: 1, ceilMode: true, countIncludePad: true));
        var exclude = Tensors.Ops.AvgPool2d(x, Pool2dGeometry.Square(3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false));
        Assert.Equal(new Shape(1, 1, 3, 3), include.Shape);
        Assert.Equal(10f / 9f, include[0, 0, 0, 0], 6);
        Assert.Equal(10f / 4f, exclude[0, 0, 0, 0], 6);
        Assert.Equal(10f / 6f, include[0, 0, 0, 2], 6); // rows {0,1} × col {3}; padded window 3 × 2.
        Assert.Equal(10f / 2f, exclude[0, 0, 0, 2], 6);
        Assert.Equal(15f / 4f, include[0, 0, 2, 2], 6); // element (3,3) alone; padded window 2 × 2.
        Assert.Equal(15f, exclude[0, 0, 2, 2], 6);

        // Without padding, ceil-mode overhang is never counted: the divisor is the clipped window.
        var y = Tensors.Ops.AvgPool2d(Arange(1, 1, 5, 5), Pool2dGeometry.Square(2, ceilMode: true));
        Assert.Equal(6.5f, y[0, 0, 0, 2], 6);
        Assert.Equal(24f, y[0, 0, 2, 2], 6);
    }

    [Fact]
    public void AvgPool2d_GradientsMatchFiniteDifferences_OnRandomGeometries()
    {
        var rng = new Rng(42);
        var seed = 300;
        foreach (var (shape, g) in RandomPoolCases(rng, 16, dilation: false))
        {
            var geometry = g;
            GradCheck.Check(t => Tensors.Ops.AvgPool2d(t[0], geometry), [GradCheck.Input(rng, shape)], seed: seed++);
        }
    }

    [Fact]
    public void GlobalAvgPool2d_AveragesEachPlane_AndGradientsMatchFiniteDifferences()
    {
        var y = Tensors.Ops.GlobalAvgPool2d(Arange(2, 3, 2, 2));
        Assert.Equal(new Shape(2, 3, 1, 1), y.Shape);
        Assert.Equal([1.5f, 5.5f, 9.5f, 13.5f, 17.5f, 21.5f], y.ToArray());
        var rng = new Rng(43);
        GradCheck.Check(t => Tensors.Ops.GlobalAvgPool2d(t[0]), [GradCheck.Input(rng, [2, 3, 5, 1])]);
    }

    [Fact]
    public void AdaptiveAvgPool2d_UsesPyTorchWindows_AndMatchesAvgPoolWhenDivisible()
    {
        // 5 → 2: rows [0, 3) and [2, 5) overlap on row 2.
        var y = Tensors.Ops.AdaptiveAvgPool2d(Arange(1, 1, 5, 5), 2, 2);
        Assert.Equal([6f, 8f, 16f, 18f], y.ToArray());
        var x = Tensor.RandN(44, 2, 3, 6, 4);
        TensorAssert.Close(Tensors.Ops.AvgPool2d(x, new Pool2dGeometry(3, 2, 3, 2)), Tensors.Ops.AdaptiveAvgPool2d(x, 2, 2), 1e-6, 1e-6);
        TensorAssert.Close(Tensors.Ops.GlobalAvgPool2d(x), Tensors.Ops.AdaptiveAvgPool2d(x, 1, 1), 1e-6, 1e-6);
        var rng = new Rng(45);
        GradCheck.Check(t => Tensors.Ops.AdaptiveAvgPool2d(t[0], 3, 2), [GradCheck.Input(rng, [2, 2, 5, 3])]);
        GradCheck.Check(t => Tensors.Ops.AdaptiveAvgPool2d(t[0], 7, 4), [GradCheck.Input(rng, [1, 2, 3, 3])]);
    }

    [Fact]
    public void Pooling_ThrowsNamingShapes_ForWrongRankAndWindowLargerThanInput()
    {
        var rank = Assert.Throws<TensorShapeException>(() => Tensors.Ops.MaxPool2d(Tensor.Zeros(3, 4, 4), Pool2dGeometry.Square(2)));
        Assert.Contains("MaxPool2d", rank.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 4, 4]", rank.Message, StringComparison.Ordinal);
        Assert.Contains("rank 4", rank.Message, StringComparison.Ordinal);

        var large = Assert.Throws<TensorShapeException>(() => Tensors.Ops.AvgPool2d(Tensor.Zeros(1, 2, 2, 5), Pool2dGeometry.Square(3)));
        Assert.Contains("AvgPool2d", large.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 2, 2, 5]", large.Message, StringComparison.Ordinal);

        var global = Assert.Throws<TensorShapeException>(() => Tensors.Ops.GlobalAvgPool2d(Tensor.Zeros(2, 3)));
        Assert.Contains("GlobalAvgPool2d", global.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", global.Message, StringComparison.Ordinal);

        var adaptive = Assert.Throws<TensorShapeException>(() => Tensors.Ops.AdaptiveAvgPool2d(Tensor.Zeros(2, 3, 4), 1, 1));
        Assert.Contains("AdaptiveAvgPool2d", adaptive.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3, 4]", adaptive.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pooling_ThrowsArgumentException_ForBadScalarParameters()
    {
        var x = Tensor.Zeros(1, 1, 4, 4);
        Assert.Contains("kernel", Assert.Throws<ArgumentException>(() => Tensors.Ops.MaxPool2d(x, new Pool2dGeometry(0, 2, 1, 1))).Message, StringComparison.Ordinal);
        Assert.Contains("stride", Assert.Throws<ArgumentException>(() => Tensors.Ops.MaxPool2d(x, new Pool2dGeometry(2, 2, 1, 0))).Message, StringComparison.Ordinal);
        Assert.Contains("dilation", Assert.Throws<ArgumentException>(() => Tensors.Ops.MaxPool2d(x, new Pool2dGeometry(2, 2, 1, 1, DilationH: 0))).Message, StringComparison.Ordinal);
        Assert.Contains("padding", Assert.Throws<ArgumentException>(() => Tensors.Ops.MaxPool2d(x, Pool2dGeometry.Square(2, padding: 2))).Message, StringComparison.Ordinal);
        Assert.Contains("dilation", Assert.Throws<ArgumentException>(() => Tensors.Ops.AvgPool2d(x, new Pool2dGeometry(2, 2, 1, 1, DilationW: 2))).Message, StringComparison.Ordinal);
        Assert.Contains("AdaptiveAvgPool2d", Assert.Throws<ArgumentException>(() => Tensors.Ops.AdaptiveAvgPool2d(x, 0, 1)).Message, StringComparison.Ordinal);
    }
}
