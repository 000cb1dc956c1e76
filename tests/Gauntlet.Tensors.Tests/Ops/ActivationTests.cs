using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Tests.Infrastructure;
using static Gauntlet.Tensors.Tests.Ops.NnTestHelpers;

namespace Gauntlet.Tensors.Tests.Ops;

using Nn = Gauntlet.Tensors.Ops;

public class ActivationTests
{
    private static IEnumerable<int[]> MixedShapes(int seed)
    {
        var rng = new Rng(seed);
        foreach (var rank in new[] { 1, 2, 3 })
        {
            foreach (var s in GradCheck.Shapes(rng, rank, 2))
            {
                yield return s;
            }
        }

        yield return [1];
        yield return [7, 1, 3];
    }

    private static void CheckUnary(Func<Tensor, Tensor> op, int seed, float scale = 2f, float margin = 0f, params float[] kinks)
    {
        var rng = new Rng(seed);
        foreach (var shape in MixedShapes(seed))
        {
            var x = GradCheck.Input(rng, shape, scale);
            if (margin > 0)
            {
                AwayFrom(x, margin, kinks);
            }

            GradCheck.Check(t => op(t[0]), [x], seed);
        }
    }

    [Fact]
    public void Relu_ZeroesNegatives_AndHasZeroGradientAtZero()
    {
        var x = Tensor.FromArray([-2f, 0f, 3f, -0f, float.NaN], 5).RequireGrad();
        var y = Nn.Relu(x);
        TensorAssert.Close([0f, 0f, 3f, 0f, float.NaN], y.ReadOnlySpan, what: "relu");
        var g = Autodiff.Grad(y, x, Tensor.Ones(5));
        TensorAssert.Close([0f, 0f, 1f, 0f, 0f], g.ReadOnlySpan, what: "relu'");
    }

    [Fact]
    public void Relu_GradMatchesFiniteDifferences() => CheckUnary(Nn.Relu, 11, margin: 0.05f, kinks: 0f);

    [Fact]
    public void LeakyRelu_ScalesNegativesBySlope()
    {
        var x = Tensor.FromArray([-2f, 0f, 3f], 3).RequireGrad();
        var y = Nn.LeakyRelu(x, 0.2f);
        TensorAssert.Close([-0.4f, 0f, 3f], y.ReadOnlySpan, what: "leaky");
        var g = Autodiff.Grad(y, x, Tensor.Ones(3));
        TensorAssert.Close([0.2f, 0.2f, 1f], g.ReadOnlySpan, what: "leaky'");
    }

    [Fact]
    public void LeakyRelu_GradMatchesFiniteDifferences() => CheckUnary(x => Nn.LeakyRelu(x, 0.1f), 12, margin: 0.05f, kinks: 0f);

    [Fact]
    public void Sigmoid_And_Tanh_MatchDoublePrecision()
    {
        var values = new[] { -30f, -5f, -1f, -1e-3f, 0f, 0.5f, 2f, 12f, 40f };
        var x = Tensor.FromArray(values, values.Length);
        var s = Nn.Sigmoid(x);
        var t = Nn.Tanh(x);
        for (var i = 0; i < values.Length; i++)
        {
            var v = (double)values[i];
            Assert.Equal(1 / (1 + Math.Exp(-v)), s.ReadOnlySpan[i], 1e-6);
            Assert.Equal(Math.Tanh(v), t.ReadOnlySpan[i], 1e-6);
        }
    }

    [Fact]
    public void Sigmoid_GradMatchesFiniteDifferences() => CheckUnary(Nn.Sigmoid, 13, scale: 3f);

    [Fact]
    public void Tanh_GradMatchesFiniteDifferences() => CheckUnary(Nn.Tanh, 14, scale: 1.5f);

    [Fact]
    public void Erf_MatchesDoubleReference_Within1e7()
    {
        var xs = new List<float>();
        for (var v = -6.0; v <= 6.0; v += 0.0037)
        {
            xs.Add((float)v);
        }

        xs.AddRange([0.5f, -0.5f, 0.49999997f, 3.9999998f, 4f, float.Epsilon, 1e-30f]);
        var y = Nn.Erf(Tensor.FromArray([.. xs], xs.Count));
        var worst = 0.0;
        for (var i = 0; i < xs.Count; i++)
        {
            var err = Math.Abs(y.ReadOnlySpan[i] - ReferenceErf(xs[i]));
            worst = Math.Max(worst, err);
        }

        Assert.True(worst <= 1e-7, $"max |erf error| {worst:G3} > 1e-7");
    }

    [Fact]
    public void Erf_IsRelativelyAccurate_NearZero_AndOddWithLimits()
    {
        var y = Nn.Erf(Tensor.FromArray([1e-6f, -1e-6f, 1e-20f, 0f, 10f, -10f, float.PositiveInfinity, float.NegativeInfinity, float.NaN], 9));
        var slope = 2 / Math.Sqrt(Math.PI);
        Assert.Equal(slope * 1e-6, y.ReadOnlySpan[0], 1e-6 * 1e-6);
        Assert.Equal(-y.ReadOnlySpan[0], y.ReadOnlySpan[1]);
        Assert.Equal(slope * 1e-20, y.ReadOnlySpan[2], 1e-26);
        Assert.Equal(0f, y.ReadOnlySpan[3]);
        TensorAssert.Close([1f, -1f, 1f, -1f, float.NaN], y.ReadOnlySpan[4..], 0, 0, "limits");
    }

    [Fact]
    public void Erf_GradMatchesFiniteDifferences() => CheckUnary(Nn.Erf, 15, scale: 1.5f);

    [Fact]
    public void Gelu_MatchesDoubleReference_ExactAndTanh()
    {
        var values = new[] { -8f, -3f, -1f, -0.25f, 0f, 0.3f, 1f, 2.5f, 6f };
        var x = Tensor.FromArray(values, values.Length);
        var exact = Nn.Gelu(x);
        var approx = Nn.Gelu(x, tanhApproximation: true);
        for (var i = 0; i < values.Length; i++)
        {
            double v = values[i];
            var e = 0.5 * v * (1 + ReferenceErf(v / Math.Sqrt(2)));
            var a = 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + (0.044715 * v * v * v))));
            Assert.True(Math.Abs(exact.ReadOnlySpan[i] - e) <= 1e-6 * (1 + Math.Abs(e)), $"gelu({v}) = {exact.ReadOnlySpan[i]}, expected {e}");
            Assert.True(Math.Abs(approx.ReadOnlySpan[i] - a) <= 1e-6 * (1 + Math.Abs(a)), $"gelu_tanh({v}) = {approx.ReadOnlySpan[i]}, expected {a}");
        }
    }

    [Fact]
    public void Gelu_GradMatchesFiniteDifferences()
    {
        CheckUnary(x => Nn.Gelu(x), 16);
        CheckUnary(x => Nn.Gelu(x, tanhApproximation: true), 17);
    }

    [Fact]
    public void HardSigmoid_And_HardSwish_MatchPiecewiseDefinitions()
    {
        var x = Tensor.FromArray([-4f, -3f, -1.5f, 0f, 1.5f, 3f, 4f], 7).RequireGrad();
        var hs = Nn.HardSigmoid(x);
        TensorAssert.Close([0f, 0f, 0.25f, 0.5f, 0.75f, 1f, 1f], hs.ReadOnlySpan, what: "hardsigmoid");
        TensorAssert.Close([0f, 0f, 1 / 6f, 1 / 6f, 1 / 6f, 0f, 0f], Autodiff.Grad(hs, x, Tensor.Ones(7)).ReadOnlySpan, what: "hardsigmoid'");
        var sw = Nn.HardSwish(x);
        TensorAssert.Close([0f, 0f, -0.375f, 0f, 1.125f, 3f, 4f], sw.ReadOnlySpan, what: "hardswish");
        TensorAssert.Close([0f, -0.5f, 0f, 0.5f, 1f, 1.5f, 1f], Autodiff.Grad(sw, x, Tensor.Ones(7)).ReadOnlySpan, what: "hardswish'");
        var onnx = Nn.HardSigmoid(Tensor.FromArray([1f], 1), 0.2f, 0.5f);
        Assert.Equal(0.7f, onnx.Item(), 6);
    }

    [Fact]
    public void HardSigmoid_And_HardSwish_GradMatchFiniteDifferences()
    {
        CheckUnary(x => Nn.HardSigmoid(x), 18, scale: 4f, margin: 0.05f, kinks: [-3f, 3f]);
        CheckUnary(x => Nn.HardSigmoid(x, 0.2f, 0.5f), 19, scale: 4f, margin: 0.05f, kinks: [-2.5f, 2.5f]);
        CheckUnary(Nn.HardSwish, 20, scale: 4f, margin: 0.05f, kinks: [-3f, 3f]);
    }

    [Fact]
    public void Softmax_SumsToOne_AlongEveryAxis_AndMatchesDoubleReference()
    {
        var rng = new Rng(21);
        var x = Tensor.RandN(rng, 3, 4, 5);
        for (var axis = -3; axis < 3; axis++)
        {
            var y = Nn.Softmax(x, axis);
            var ax = axis < 0 ? axis + 3 : axis;
            var dims = x.Shape.ToArray();
            var sums = Nn.Sum(y, ax);
            foreach (var s in sums.ReadOnlySpan)
            {
                Assert.Equal(1f, s, 5);
            }

            // Reference: exp(x) / Σ exp(x) in double for one slice.
            var idx = new int[3];
            double denom = 0;
            for (var d = 0; d < dims[ax]; d++)
            {
                idx[ax] = d;
                denom += Math.Exp(x[idx]);
            }

            for (var d = 0; d < dims[ax]; d++)
            {
                idx[ax] = d;
                Assert.Equal(Math.Exp(x[idx]) / denom, y[idx], 6);
            }
        }
    }

    [Fact]
    public void LogSoftmax_IsStable_ForLargeLogits()
    {
        var x = Tensor.FromArray([1000f, 1001f, 1002f, -1000f, 0f, 1000f], 2, 3);
        var y = Nn.LogSoftmax(x, 1);
        var lse = Math.Log(1 + Math.Exp(-1) + Math.Exp(-2));
        TensorAssert.Close([(float)(-2 - lse), (float)(-1 - lse), (float)-lse, -2000f, -1000f, 0f], y.ReadOnlySpan, 1e-6, 1e-5, "logsoftmax");
        var p = Nn.Softmax(x, 1);
        Assert.All(p.ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1f, p[1, 2]);
        Assert.Equal(0f, p[1, 0]);

        // Along a strided axis too.
        var yt = Nn.LogSoftmax(Nn.Transpose(x, 0, 1), 0);
        TensorAssert.Close(y, Nn.Transpose(yt, 0, 1), 1e-6, 1e-5, "strided");
    }

    [Fact]
    public void LogSoftmax_EqualsLogOfSoftmax_ForModerateLogits()
    {
        var x = Tensor.RandN(new Rng(22), 4, 6, 2);
        foreach (var axis in new[] { 0, 1, 2 })
        {
            var expected = Nn.Log(Nn.Softmax(x, axis));
            TensorAssert.Close(expected, Nn.LogSoftmax(x, axis), 1e-5, 1e-6, $"axis {axis}");
        }
    }

    [Fact]
    public void Softmax_And_LogSoftmax_GradMatchFiniteDifferences_OnEveryAxis()
    {
        var rng = new Rng(23);
        foreach (var shape in new[] { new[] { 5 }, [1, 4], [3, 1], [2, 3, 4], [3, 1, 5], [1, 1, 1] })
        {
            for (var axis = -shape.Length; axis < shape.Length; axis++)
            {
                var ax = axis;
                GradCheck.Check(t => Nn.Softmax(t[0], ax), [GradCheck.Input(rng, shape, 2f)], 23 + axis);
                GradCheck.Check(t => Nn.LogSoftmax(t[0], ax), [GradCheck.Input(rng, shape, 2f)], 24 + axis);
            }
        }
    }

    [Fact]
    public void Activations_OnLargeTensors_MatchSliceBySliceEvaluation()
    {
        // Large enough for the multi-threaded chunked path; 1000-element slices stay single-threaded.
        var x = Tensor.RandN(new Rng(25), 70, 1000);
        var g = Tensor.RandN(new Rng(26), 70, 1000);
        x.RequiresGrad = true;
        var ops = new (string Name, Func<Tensor, Tensor> Op)[]
        {
            ("Relu", Nn.Relu), ("LeakyRelu", t => Nn.LeakyRelu(t)), ("Sigmoid", Nn.Sigmoid), ("Tanh", Nn.Tanh),
            ("Erf", Nn.Erf), ("Gelu", t => Nn.Gelu(t)), ("GeluTanh", t => Nn.Gelu(t, true)),
            ("HardSigmoid", t => Nn.HardSigmoid(t)), ("HardSwish", Nn.HardSwish),
            ("Softmax", t => Nn.Softmax(t, -1)), ("LogSoftmax", t => Nn.LogSoftmax(t, -1)),
        };
        foreach (var (name, op) in ops)
        {
            var y = op(x);
            var dx = Autodiff.Grad(y, x, g);
            for (var r = 0; r < 70; r++)
            {
                var xs = Tensor.FromSpan(x.ReadOnlySpan.Slice(r * 1000, 1000), 1, 1000).RequireGrad();
                var ys = op(xs);
                var dxs = Autodiff.Grad(ys, xs, Tensor.FromSpan(g.ReadOnlySpan.Slice(r * 1000, 1000), 1, 1000));
                TensorAssert.Close(ys.ReadOnlySpan, y.ReadOnlySpan.Slice(r * 1000, 1000), 0, 0, name);
                TensorAssert.Close(dxs.ReadOnlySpan, dx.ReadOnlySpan.Slice(r * 1000, 1000), 0, 0, name + "'");
            }
        }
    }

    [Fact]
    public void Softmax_ThrowsNamingOp_ForAxisOutOfRange_OrScalar()
    {
        var x = Tensor.Zeros(2, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Nn.Softmax(x, 2));
        Assert.Contains("Softmax", e.Message);
        Assert.Contains("rank 2", e.Message);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => Nn.LogSoftmax(x, -3));
        Assert.Contains("LogSoftmax", e2.Message);
        var e3 = Assert.Throws<TensorShapeException>(() => Nn.Softmax(Tensor.Scalar(1f), 0));
        Assert.Contains("Softmax", e3.Message);
    }
}
