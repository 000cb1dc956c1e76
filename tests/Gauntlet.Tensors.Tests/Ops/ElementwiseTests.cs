using Gauntlet.Tensors.Tests.Infrastructure;

namespace Gauntlet.Tensors.Tests.Ops;

public class ElementwiseTests
{
    public static TheoryData<int[], int[]> BroadcastPairs => new()
    {
        { [3, 4], [3, 4] },
        { [3, 4], [4] },
        { [3, 1], [1, 5] },
        { [2, 1, 3], [4, 1] },
        { [1], [2, 3] },
        { [5, 1, 1], [1, 3, 2] },
        { [1, 1], [1] },
    };

    [Theory]
    [MemberData(nameof(BroadcastPairs))]
    public void BinaryOps_MatchScalarBroadcastDefinition(int[] sa, int[] sb)
    {
        var rng = new Rng(7);
        var a = Tensor.RandN(rng, sa);
        var b = Tensor.RandU(rng, 0.5f, 2f, sb);
        var outShape = Shape.Broadcast(new Shape(sa), new Shape(sb), "test");
        var sum = Gauntlet.Tensors.Ops.Add(a, b);
        var diff = Gauntlet.Tensors.Ops.Subtract(a, b);
        var prod = Gauntlet.Tensors.Ops.Multiply(a, b);
        var quot = Gauntlet.Tensors.Ops.Divide(a, b);
        var max = Gauntlet.Tensors.Ops.Maximum(a, b);
        Assert.Equal(outShape, sum.Shape);
        var strides = outShape.Strides();
        for (var i = 0; i < outShape.Size; i++)
        {
            var index = new int[outShape.Rank];
            var rem = i;
            for (var d = 0; d < outShape.Rank; d++)
            {
                index[d] = rem / strides[d];
                rem %= strides[d];
            }

            var av = a[BroadcastIndex(index, sa)];
            var bv = b[BroadcastIndex(index, sb)];
            Assert.Equal(av + bv, sum.Span[i], 6);
            Assert.Equal(av - bv, diff.Span[i], 6);
            Assert.Equal(av * bv, prod.Span[i], 6);
            Assert.Equal(av / bv, quot.Span[i], 5);
            Assert.Equal(Math.Max(av, bv), max.Span[i]);
        }
    }

    [Theory]
    [MemberData(nameof(BroadcastPairs))]
    public void BinaryOps_GradientsMatchFiniteDifferences(int[] sa, int[] sb)
    {
        var rng = new Rng(11);
        var a = GradCheck.Input(rng, sa);
        var b = GradCheck.Input(rng, sb, scale: 0.3f, shift: 1.5f);
        GradCheck.Check(x => Gauntlet.Tensors.Ops.Add(x[0], x[1]), [a, b]);
        GradCheck.Check(x => Gauntlet.Tensors.Ops.Subtract(x[0], x[1]), [a, b]);
        GradCheck.Check(x => Gauntlet.Tensors.Ops.Multiply(x[0], x[1]), [a, b]);
        GradCheck.Check(x => Gauntlet.Tensors.Ops.Divide(x[0], x[1]), [a, b]);
        GradCheck.Check(x => Gauntlet.Tensors.Ops.Maximum(x[0], x[1]), [a, b]);
        GradCheck.Check(x => Gauntlet.Tensors.Ops.Minimum(x[0], x[1]), [a, b]);
    }

    [Fact]
    public void Pow_GradientsMatchFiniteDifferences_ForBothOperands()
    {
        var rng = new Rng(3);
        foreach (var shape in GradCheck.Shapes(rng, 3, 4))
        {
            var a = GradCheck.Input(rng, shape, scale: 0.2f, shift: 1.5f);
            var b = GradCheck.Input(rng, [shape[^1]], scale: 0.5f, shift: 1f);
            GradCheck.Check(x => Gauntlet.Tensors.Ops.Pow(x[0], x[1]), [a, b]);
            GradCheck.Check(x => Gauntlet.Tensors.Ops.Pow(x[0], 2.5f), [a]);
        }
    }

    [Fact]
    public void UnaryOps_GradientsMatchFiniteDifferences()
    {
        var rng = new Rng(5);
        foreach (var shape in GradCheck.Shapes(rng, 3, 4))
        {
            var positive = GradCheck.Input(rng, shape, scale: 0.2f, shift: 2f);
            var any = GradCheck.Input(rng, shape);
            GradCheck.Check(x => Gauntlet.Tensors.Ops.Exp(x[0]), [any]);
            GradCheck.Check(x => Gauntlet.Tensors.Ops.Log(x[0]), [positive]);
            GradCheck.Check(x => Gauntlet.Tensors.Ops.Sqrt(x[0]), [positive]);
            GradCheck.Check(x => Gauntlet.Tensors.Ops.Negate(x[0]), [any]);
            GradCheck.Check(x => Gauntlet.Tensors.Ops.Abs(x[0]), [positive]);
            GradCheck.Check(x => Gauntlet.Tensors.Ops.Multiply(x[0], 3f), [any]);
            GradCheck.Check(x => Gauntlet.Tensors.Ops.Add(x[0], -1f), [any]);
            GradCheck.Check(x => Gauntlet.Tensors.Ops.Clamp(x[0], -0.5f, 0.5f), [AwayFrom(any, -0.5f, 0.5f)]);
        }
    }

    [Fact]
    public void Sign_IsZeroAtZero_AndHasZeroGradient()
    {
        var x = Tensor.FromArray([-2f, -0f, 0f, 3f, float.NaN], 5).RequireGrad();
        var s = Gauntlet.Tensors.Ops.Sign(x);
        Assert.Equal([-1f, 0f, 0f, 1f, 0f], s.ToArray());
        var g = Gauntlet.Tensors.Autograd.Autodiff.Grad(Gauntlet.Tensors.Ops.Sum(s), x);
        Assert.All(g.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Clamp_PassesGradientOnlyInsideBounds()
    {
        var x = Tensor.FromArray([-2f, 0f, 0.5f, 1f, 3f], 5).RequireGrad();
        var y = Gauntlet.Tensors.Ops.Clamp(x, 0f, 1f);
        Assert.Equal([0f, 0f, 0.5f, 1f, 1f], y.ToArray());
        var g = Gauntlet.Tensors.Autograd.Autodiff.Grad(Gauntlet.Tensors.Ops.Sum(y), x);
        Assert.Equal([0f, 1f, 1f, 1f, 0f], g.ToArray());
    }

    [Fact]
    public void Where_SelectsAndRoutesGradients()
    {
        var rng = new Rng(9);
        var cond = Tensor.FromArray([1f, 0f, 1f], 3);
        var a = GradCheck.Input(rng, [2, 3]);
        var b = GradCheck.Input(rng, [2, 1]);
        var y = Gauntlet.Tensors.Ops.Where(cond, a, b);
        Assert.Equal(a[1, 2], y[1, 2]);
        Assert.Equal(b[1, 0], y[1, 1]);
        GradCheck.Check(x => Gauntlet.Tensors.Ops.Where(cond, x[0], x[1]), [a, b]);
    }

    [Fact]
    public void Add_ThrowsNamingOpAndShapes_WhenShapesDoNotBroadcast()
    {
        var ex = Assert.Throws<TensorShapeException>(() => Gauntlet.Tensors.Ops.Add(Tensor.Zeros(2, 3), Tensor.Zeros(4)));
        Assert.Contains("Add", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4]", ex.Message);
        Assert.Equal("Add", ex.Op);
    }

    [Fact]
    public void Clamp_ThrowsWhenMinExceedsMax()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gauntlet.Tensors.Ops.Clamp(Tensor.Zeros(2), 1f, 0f));
        Assert.Contains("Clamp", ex.Message);
    }

    [Fact]
    public void Operators_ForwardToOps()
    {
        var a = Tensor.FromArray([1f, 2f], 2);
        var b = Tensor.FromArray([3f, 5f], 2);
        Assert.Equal([4f, 7f], (a + b).ToArray());
        Assert.Equal([-2f, -3f], (a - b).ToArray());
        Assert.Equal([3f, 10f], (a * b).ToArray());
        Assert.Equal([2f, 4f], (a * 2f).ToArray());
        Assert.Equal([-1f, -2f], (-a).ToArray());
    }

    private static Tensor AwayFrom(Tensor t, params float[] kinks)
    {
        for (var i = 0; i < t.Size; i++)
        {
            foreach (var k in kinks)
            {
                if (Math.Abs(t.Span[i] - k) < 0.05f)
                {
                    t.Span[i] = k + 0.1f;
                }
            }
        }

        return t;
    }

    private static int[] BroadcastIndex(int[] outIndex, int[] shape)
    {
        var lead = outIndex.Length - shape.Length;
        var index = new int[shape.Length];
        for (var d = 0; d < shape.Length; d++)
        {
            index[d] = shape[d] == 1 ? 0 : outIndex[d + lead];
        }

        return index;
    }
}
