using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Kernels;
using Gauntlet.Tensors.Tests.Infrastructure;

namespace Gauntlet.Tensors.Tests.Ops;

public class ConvolutionTests
{
    /// <summary>A random valid convolution case: odd sizes, size-1 dims, strides, asymmetric pads, dilation, groups.</summary>
    internal sealed record ConvCase(int[] XShape, int[] WShape, bool Bias, Conv2dGeometry Geometry)
    {
        public override string ToString() => $"x [{string.Join(",", XShape)}] w [{string.Join(",", WShape)}] bias {Bias} {Geometry}";
    }

    internal static IEnumerable<ConvCase> RandomConvCases(Rng rng, int count, int maxSpatial = 7, int maxBatch = 3)
    {
        var made = 0;
        while (made < count)
        {
            var groups = rng.NextInt(4) switch { 0 => 2, 1 => 3, _ => 1 };
            var depthwise = rng.NextInt(5) == 0;
            var cinG = depthwise ? 1 : 1 + rng.NextInt(3);
            var coutG = depthwise ? 1 : 1 + rng.NextInt(3);
            if (depthwise)
            {
                groups = 1 + rng.NextInt(4);
            }

            int kh = 1 + rng.NextInt(3), kw = 1 + rng.NextInt(3);
            var g = new Conv2dGeometry(
                StrideH: 1 + rng.NextInt(3),
                StrideW: 1 + rng.NextInt(3),
                PadTop: rng.NextInt(3),
                PadLeft: rng.NextInt(3),
                PadBottom: rng.NextInt(2),
                PadRight: rng.NextInt(3),
                DilationH: 1 + rng.NextInt(2),
                DilationW: 1 + rng.NextInt(2),
                Groups: groups);
            int h = 1 + rng.NextInt(maxSpatial), w = 1 + rng.NextInt(maxSpatial);
            if ((g.DilationH * (kh - 1)) + 1 > h + g.PadTop + g.PadBottom || (g.DilationW * (kw - 1)) + 1 > w + g.PadLeft + g.PadRight)
            {
                continue;
            }

            made++;
            yield return new ConvCase([1 + rng.NextInt(maxBatch), cinG * groups, h, w], [coutG * groups, cinG, kh, kw], rng.NextInt(3) != 0, g);
        }
    }

    [Fact]
    public void Conv2d_MatchesReference_OnRandomGeometries()
    {
        var rng = new Rng(11);
        foreach (var c in RandomConvCases(rng, 60, maxSpatial: 9))
        {
            var x = Tensor.RandN(rng, c.XShape);
            var w = Tensor.RandN(rng, c.WShape);
            var b = c.Bias ? Tensor.RandN(rng, c.WShape[0]) : null;
            var expected = ConvReference.Conv2d(x, w, b, c.Geometry);
            var actual = Tensors.Ops.Conv2d(x, w, b, c.Geometry);
            TensorAssert.Close(expected, actual, rtol: 1e-4, atol: 1e-5, what: c.ToString());
        }
    }

    [Fact]
    public void Conv2d_MatchesReference_OnPointwiseAndDepthwiseFastPaths()
    {
        var rng = new Rng(12);
        var x = Tensor.RandN(rng, 3, 6, 5, 4);
        var pw = Tensor.RandN(rng, 4, 6, 1, 1);
        TensorAssert.Close(ConvReference.Conv2d(x, pw, null, Conv2dGeometry.Symmetric()), Tensors.Ops.Conv2d(x, pw, null, Conv2dGeometry.Symmetric()), 1e-4, 1e-5);
        var dw = Tensor.RandN(rng, 6, 1, 3, 3);
        var g = Conv2dGeometry.Symmetric(padding: 1, groups: 6);
        TensorAssert.Close(ConvReference.Conv2d(x, dw, null, g), Tensors.Ops.Conv2d(x, dw, null, g), 1e-4, 1e-5);
    }

    [Fact]
    public void Conv2d_HandComputedCase()
    {
        // x = 1..9 in a 3×3 plane; a 2×2 kernel of ones sums each 2×2 window.
        var x = Tensor.FromArray([1, 2, 3, 4, 5, 6, 7, 8, 9], 1, 1, 3, 3);
        var w = Tensor.Ones(1, 1, 2, 2);
        var y = Tensors.Ops.Conv2d(x, w, Tensor.FromArray([0.5f], 1), Conv2dGeometry.Symmetric());
        Assert.Equal(new Shape(1, 1, 2, 2), y.Shape);
        Assert.Equal([12.5f, 16.5f, 24.5f, 28.5f], y.ToArray());

        // Stride 2, padding 1 (top/left only): windows at rows {-1,0},{1,2} × cols {-1,0},{1,2}.
        var y2 = Tensors.Ops.Conv2d(x, w, null, new Conv2dGeometry(StrideH: 2, StrideW: 2, PadTop: 1, PadLeft: 1));
        Assert.Equal(new Shape(1, 1, 2, 2), y2.Shape);
        Assert.Equal([1f, 5f, 11f, 28f], y2.ToArray());

        // Dilation 2 on a 3×3 input with a 2×2 kernel picks the corners: 1 + 3 + 7 + 9.
        var y3 = Tensors.Ops.Conv2d(x, w, null, Conv2dGeometry.Symmetric(dilation: 2));
        Assert.Equal([20f], y3.ToArray());
    }

    [Fact]
    public void Conv2d_GradientsMatchFiniteDifferences_OnRandomGeometries()
    {
        var rng = new Rng(21);
        var seed = 0;
        foreach (var c in RandomConvCases(rng, 14, maxSpatial: 6, maxBatch: 2))
        {
            var x = GradCheck.Input(rng, c.XShape);
            var w = GradCheck.Input(rng, c.WShape);
            var b = c.Bias ? GradCheck.Input(rng, [c.WShape[0]]) : null;
            Tensor[] inputs = b is null ? [x, w] : [x, w, b];
            var geometry = c.Geometry;
            GradCheck.Check(t => Tensors.Ops.Conv2d(t[0], t[1], t.Length > 2 ? t[2] : null, geometry), inputs, seed: seed++, maxProbes: 24);
        }
    }

    [Fact]
    public void Conv2d_BackwardMatchesReferenceGradients_ForInputOnlyAndWeightOnly()
    {
        // ∂x alone (attack mode) and ∂w alone must equal what a full backward computes.
        var rng = new Rng(22);
        var g = new Conv2dGeometry(2, 1, 1, 2, 0, 1, 2, 1, 2);
        var x = Tensor.RandN(rng, 5, 4, 9, 8).RequireGrad();
        var w = Tensor.RandN(rng, 6, 2, 3, 2).RequireGrad();
        var b = Tensor.RandN(rng, 6).RequireGrad();
        var y = Tensors.Ops.Conv2d(x, w, b, g);
        var gy = Tensor.RandN(rng, y.Shape.ToArray());
        var all = Autodiff.Grad(y, [x, w, b], gy);
        TensorAssert.Close(all[0], Autodiff.Grad(y, x, gy), 0, 0);
        TensorAssert.Close(all[1], Autodiff.Grad(y, w, gy), 0, 0);

        // The weight gradient equals Σ_n, computed through the reference by linearity: <y(w), gy> is linear in w.
        var refW = new float[w.Size];
        for (var i = 0; i < w.Size; i++)
        {
            var e = Tensor.Zeros(w.Shape);
            e.Span[i] = 1f;
            var yi = ConvReference.Conv2d(x, e, null, g);
            double s = 0;
            for (var k = 0; k < yi.Size; k++)
            {
                s += (double)yi.Span[k] * gy.Span[k];
            }

            refW[i] = (float)s;
        }

        TensorAssert.Close(refW, all[1].ReadOnlySpan, 1e-4, 1e-4, "dW");
        var refB = new float[6];
        for (var n = 0; n < y.Dim(0); n++)
        {
            for (var c = 0; c < 6; c++)
            {
                for (var p = 0; p < y.Dim(2) * y.Dim(3); p++)
                {
                    refB[c] += gy.Span[(((n * 6) + c) * y.Dim(2) * y.Dim(3)) + p];
                }
            }
        }

        TensorAssert.Close(refB, all[2].ReadOnlySpan, 1e-4, 1e-4, "db");
    }

    [Fact]
    public void Conv2d_ResultsIdentical_ForAnyThreadCount()
    {
        var rng = new Rng(23);
        var x = Tensor.RandN(rng, 7, 6, 12, 11);
        var w = Tensor.RandN(rng, 8, 3, 3, 3);
        var b = Tensor.RandN(rng, 8);
        var g = new Conv2dGeometry(1, 2, 1, 0, 1, 1, 1, 1, 2);
        var ct = Tensor.RandN(rng, 6, 4, 3, 3);
        var ctg = ConvTranspose2dGeometry.Symmetric(stride: 2, padding: 1, outputPadding: 1, groups: 2);
        float[][] Run()
        {
            var xs = x.Clone().RequireGrad();
            var ws = w.Clone().RequireGrad();
            var bs = b.Clone().RequireGrad();
            var y = Tensors.Ops.Conv2d(xs, ws, bs, g);
            var grads = Autodiff.Grad(y, [xs, ws, bs], Tensor.RandN(5, y.Shape.ToArray()));
            var cts = ct.Clone().RequireGrad();
            var yt = Tensors.Ops.ConvTranspose2d(xs, cts, null, ctg);
            var tgrads = Autodiff.Grad(yt, [xs, cts], Tensor.RandN(6, yt.Shape.ToArray()));
            return [y.ToArray(), .. grads.Select(t => t.ToArray()), yt.ToArray(), .. tgrads.Select(t => t.ToArray())];
        }

        var saved = Parallelism.ThreadCount;
        try
        {
            Parallelism.ThreadCount = 1;
            var one = Run();
            Parallelism.ThreadCount = 3;
            var three = Run();
            Parallelism.ThreadCount = 2;
            var two = Run();
            for (var i = 0; i < one.Length; i++)
            {
                Assert.Equal(one[i], two[i]);
                Assert.Equal(one[i], three[i]);
            }
        }
        finally
        {
            Parallelism.ThreadCount = saved;
        }
    }

    [Fact]
    public void Conv2d_ThrowsNamingShapes_ForChannelMismatch()
    {
        var x = Tensor.Zeros(2, 3, 5, 5);
        var w = Tensor.Zeros(4, 2, 3, 3);
        var ex = Assert.Throws<TensorShapeException>(() => Tensors.Ops.Conv2d(x, w, null, Conv2dGeometry.Symmetric()));
        Assert.Contains("Conv2d", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3, 5, 5]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 2, 3, 3]", ex.Message, StringComparison.Ordinal);
        Assert.Equal("Conv2d", ex.Op);
    }

    [Fact]
    public void Conv2d_ThrowsNamingShapes_ForGroupsNotDividingChannels()
    {
        var ex = Assert.Throws<TensorShapeException>(() => Tensors.Ops.Conv2d(Tensor.Zeros(1, 4, 5, 5), Tensor.Zeros(3, 2, 3, 3), null, Conv2dGeometry.Symmetric(groups: 2)));
        Assert.Contains("Conv2d", ex.Message, StringComparison.Ordinal);
        Assert.Contains("groups = 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 2, 3, 3]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conv2d_ThrowsNamingShapes_ForWrongRankKernelTooLargeAndBadBias()
    {
        var rank = Assert.Throws<TensorShapeException>(() => Tensors.Ops.Conv2d(Tensor.Zeros(3, 5, 5), Tensor.Zeros(4, 3, 3, 3), null, Conv2dGeometry.Symmetric()));
        Assert.Contains("Conv2d", rank.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 5, 5]", rank.Message, StringComparison.Ordinal);
        Assert.Contains("rank 4", rank.Message, StringComparison.Ordinal);

        var large = Assert.Throws<TensorShapeException>(() => Tensors.Ops.Conv2d(Tensor.Zeros(1, 1, 2, 5), Tensor.Zeros(1, 1, 3, 3), null, Conv2dGeometry.Symmetric(dilation: 1)));
        Assert.Contains("[1, 1, 2, 5]", large.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 1, 3, 3]", large.Message, StringComparison.Ordinal);
        Assert.Contains("larger than the padded input", large.Message, StringComparison.Ordinal);

        var bias = Assert.Throws<TensorShapeException>(() => Tensors.Ops.Conv2d(Tensor.Zeros(1, 1, 5, 5), Tensor.Zeros(2, 1, 3, 3), Tensor.Zeros(3), Conv2dGeometry.Symmetric()));
        Assert.Contains("[3]", bias.Message, StringComparison.Ordinal);
        Assert.Contains("expected [2]", bias.Message, StringComparison.Ordinal);

        var empty = Assert.Throws<TensorShapeException>(() => Tensors.Ops.Conv2d(Tensor.Zeros(1, 1, 5, 5), Tensor.Zeros(2, 1, 0, 3), null, Conv2dGeometry.Symmetric()));
        Assert.Contains("[2, 1, 0, 3]", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conv2d_ThrowsArgumentException_ForNonPositiveStrideDilationGroupsOrNegativePad()
    {
        var x = Tensor.Zeros(1, 2, 5, 5);
        var w = Tensor.Zeros(2, 2, 3, 3);
        Assert.Contains("stride", Assert.Throws<ArgumentException>(() => Tensors.Ops.Conv2d(x, w, null, new Conv2dGeometry(StrideH: 0))).Message, StringComparison.Ordinal);
        Assert.Contains("dilation", Assert.Throws<ArgumentException>(() => Tensors.Ops.Conv2d(x, w, null, new Conv2dGeometry(DilationW: -1))).Message, StringComparison.Ordinal);
        Assert.Contains("groups", Assert.Throws<ArgumentException>(() => Tensors.Ops.Conv2d(x, w, null, new Conv2dGeometry(Groups: 0))).Message, StringComparison.Ordinal);
        Assert.Contains("padding", Assert.Throws<ArgumentException>(() => Tensors.Ops.Conv2d(x, w, null, new Conv2dGeometry(PadRight: -1))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conv2d_ZeroInitialisedGeometry_IsRejectedWithAHint()
    {
        // A record struct's default value (default(T), or new T() with no arguments) has stride 0.
        Assert.Equal(0, default(Conv2dGeometry).StrideH);
        var ex = Assert.Throws<ArgumentException>(() => Tensors.Ops.Conv2d(Tensor.Zeros(1, 1, 3, 3), Tensor.Zeros(1, 1, 1, 1), null, default));
        Assert.Contains("Symmetric", ex.Message, StringComparison.Ordinal);
    }

    internal static IEnumerable<(int[] X, int[] W, bool Bias, ConvTranspose2dGeometry G)> RandomTransposeCases(Rng rng, int count, int maxSpatial = 5)
    {
        var made = 0;
        while (made < count)
        {
            var groups = rng.NextInt(3) == 0 ? 2 : 1;
            int cinG = 1 + rng.NextInt(3), coutG = 1 + rng.NextInt(3), kh = 1 + rng.NextInt(3), kw = 1 + rng.NextInt(3);
            int sh = 1 + rng.NextInt(3), sw = 1 + rng.NextInt(3), dh = 1 + rng.NextInt(2), dw = 1 + rng.NextInt(2);
            var g = new ConvTranspose2dGeometry(sh, sw, rng.NextInt(3), rng.NextInt(2), rng.NextInt(2), rng.NextInt(3), dh, dw, rng.NextInt(Math.Max(sh, dh)), rng.NextInt(Math.Max(sw, dw)), groups);
            int h = 1 + rng.NextInt(maxSpatial), w = 1 + rng.NextInt(maxSpatial);
            var oh = ((h - 1) * sh) - g.PadTop - g.PadBottom + (dh * (kh - 1)) + g.OutputPaddingH + 1;
            var ow = ((w - 1) * sw) - g.PadLeft - g.PadRight + (dw * (kw - 1)) + g.OutputPaddingW + 1;
            if (oh <= 0 || ow <= 0)
            {
                continue;
            }

            made++;
            yield return ([1 + rng.NextInt(3), cinG * groups, h, w], [cinG * groups, coutG, kh, kw], rng.NextInt(2) == 0, g);
        }
    }

    [Fact]
    public void ConvTranspose2d_MatchesReference_OnRandomGeometries()
    {
        var rng = new Rng(31);
        foreach (var (xs, ws, hasBias, g) in RandomTransposeCases(rng, 50))
        {
            var x = Tensor.RandN(rng, xs);
            var w = Tensor.RandN(rng, ws);
            var b = hasBias ? Tensor.RandN(rng, ws[1] * g.Groups) : null;
            TensorAssert.Close(ConvReference.ConvTranspose2d(x, w, b, g), Tensors.Ops.ConvTranspose2d(x, w, b, g), 1e-4, 1e-5, $"{g}");
        }
    }

    [Fact]
    public void ConvTranspose2d_IsAdjointOfConv2d()
    {
        // <conv(x), y> = <x, convT(y)> for the same weights and geometry.
        var rng = new Rng(32);
        foreach (var c in RandomConvCases(rng, 20))
        {
            var geometry = c.Geometry;
            var x = Tensor.RandN(rng, c.XShape);
            var w = Tensor.RandN(rng, c.WShape);
            var y = Tensors.Ops.Conv2d(x, w, null, geometry);
            var u = Tensor.RandN(rng, y.Shape.ToArray());

            // Output padding recovers the exact input size that strided convolution rounded away.
            int oph = (c.XShape[2] + geometry.PadTop + geometry.PadBottom - (geometry.DilationH * (c.WShape[2] - 1)) - 1) % geometry.StrideH;
            int opw = (c.XShape[3] + geometry.PadLeft + geometry.PadRight - (geometry.DilationW * (c.WShape[3] - 1)) - 1) % geometry.StrideW;
            if ((oph >= geometry.StrideH && oph >= geometry.DilationH) || (opw >= geometry.StrideW && opw >= geometry.DilationW))
            {
                continue;
            }

            var tg = new ConvTranspose2dGeometry(geometry.StrideH, geometry.StrideW, geometry.PadTop, geometry.PadLeft, geometry.PadBottom, geometry.PadRight, geometry.DilationH, geometry.DilationW, oph, opw, geometry.Groups);
            var xt = Tensors.Ops.ConvTranspose2d(u, w, null, tg);
            Assert.Equal(x.Shape, xt.Shape);
            double lhs = 0, rhs = 0;
            for (var i = 0; i < y.Size; i++)
            {
                lhs += (double)y.Span[i] * u.Span[i];
            }

            for (var i = 0; i < x.Size; i++)
            {
                rhs += (double)x.Span[i] * xt.Span[i];
            }

            Assert.True(Math.Abs(lhs - rhs) <= 1e-4 * (1 + Math.Abs(lhs)), $"{c}: {lhs} vs {rhs}");
        }
    }

    [Fact]
    public void ConvTranspose2d_HandComputedCase()
    {
        var x = Tensor.FromArray([1, 2, 3, 4], 1, 1, 2, 2);
        var w = Tensor.Ones(1, 1, 2, 2);
        var y = Tensors.Ops.ConvTranspose2d(x, w, null, ConvTranspose2dGeometry.Symmetric());
        Assert.Equal(new Shape(1, 1, 3, 3), y.Shape);
        Assert.Equal([1f, 3f, 2f, 4f, 10f, 6f, 3f, 7f, 4f], y.ToArray());

        // Stride 2 places each input as a separate 2×2 block; output padding adds an empty row/column.
        var y2 = Tensors.Ops.ConvTranspose2d(x, w, Tensor.FromArray([1f], 1), ConvTranspose2dGeometry.Symmetric(stride: 2, outputPadding: 1));
        Assert.Equal(new Shape(1, 1, 5, 5), y2.Shape);
        Assert.Equal(
            [2f, 2f, 3f, 3f, 1f, 2f, 2f, 3f, 3f, 1f, 4f, 4f, 5f, 5f, 1f, 4f, 4f, 5f, 5f, 1f, 1f, 1f, 1f, 1f, 1f],
            y2.ToArray());
    }

    [Fact]
    public void ConvTranspose2d_GradientsMatchFiniteDifferences_OnRandomGeometries()
    {
        var rng = new Rng(33);
        var seed = 100;
        foreach (var (xs, ws, hasBias, g) in RandomTransposeCases(rng, 10, maxSpatial: 4))
        {
            var x = GradCheck.Input(rng, xs);
            var w = GradCheck.Input(rng, ws);
            var b = hasBias ? GradCheck.Input(rng, [ws[1] * g.Groups]) : null;
            Tensor[] inputs = b is null ? [x, w] : [x, w, b];
            GradCheck.Check(t => Tensors.Ops.ConvTranspose2d(t[0], t[1], t.Length > 2 ? t[2] : null, g), inputs, seed: seed++, maxProbes: 24);
        }
    }

    [Fact]
    public void ConvTranspose2d_ThrowsNamingShapes_ForChannelMismatchAndBadOutputPadding()
    {
        var ex = Assert.Throws<TensorShapeException>(() => Tensors.Ops.ConvTranspose2d(Tensor.Zeros(2, 3, 4, 4), Tensor.Zeros(4, 2, 3, 3), null, ConvTranspose2dGeometry.Symmetric()));
        Assert.Contains("ConvTranspose2d", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3, 4, 4]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 2, 3, 3]", ex.Message, StringComparison.Ordinal);

        var groups = Assert.Throws<TensorShapeException>(() => Tensors.Ops.ConvTranspose2d(Tensor.Zeros(1, 3, 4, 4), Tensor.Zeros(3, 2, 3, 3), null, ConvTranspose2dGeometry.Symmetric(groups: 2)));
        Assert.Contains("groups = 2", groups.Message, StringComparison.Ordinal);

        var op = Assert.Throws<ArgumentException>(() => Tensors.Ops.ConvTranspose2d(Tensor.Zeros(1, 1, 4, 4), Tensor.Zeros(1, 1, 3, 3), null, ConvTranspose2dGeometry.Symmetric(stride: 2, outputPadding: 2)));
        Assert.Contains("ConvTranspose2d", op.Message, StringComparison.Ordinal);
        Assert.Contains("output padding", op.Message, StringComparison.Ordinal);

        var empty = Assert.Throws<TensorShapeException>(() => Tensors.Ops.ConvTranspose2d(Tensor.Zeros(1, 1, 1, 1), Tensor.Zeros(1, 1, 1, 1), null, ConvTranspose2dGeometry.Symmetric(padding: 1)));
        Assert.Contains("[1, 1, 1, 1]", empty.Message, StringComparison.Ordinal);
    }
}
