using System.Numerics.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Tensors;

public static partial class Ops
{
    /// <summary>Rectified linear unit, <c>max(x, 0)</c>, element-wise.</summary>
    /// <remarks>
    /// <c>y = max(x, 0)</c>; <c>∂y/∂x = 1</c> where <c>x &gt; 0</c> and 0 elsewhere, so
    /// <c>ReLU'(0) = 0</c> as in PyTorch. NaN propagates.
    /// </remarks>
    /// <param name="x">Input of any shape.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    public static Tensor Relu(Tensor x)
    {
        var result = Tensor.AllocUninit(x.Shape);
        var src = x.Data;
        var dst = result.Data;
        ActivationKernels.ForChunks(src.Length, 1, (s, e) => TensorPrimitives.Max(src.AsSpan(s, e - s), 0f, dst.AsSpan(s, e - s)));
        return Autodiff.Record(result, "Relu", [x], (g, _) =>
        {
            var gd = g.Data;
            var dx = Tensor.BufferUninit(src.Length);
            ActivationKernels.ForChunks(src.Length, 1, (s, e) => ActivationKernels.ReluBackward(src.AsSpan(s, e - s), gd.AsSpan(s, e - s), dx.AsSpan(s, e - s)));
            return [new Tensor(dx, x.Shape)];
        });
    }

    /// <summary>Leaky rectified linear unit, element-wise.</summary>
    /// <remarks>
    /// <c>y = x</c> where <c>x &gt; 0</c>, else <c>slope · x</c>; <c>∂y/∂x = 1</c> where
    /// <c>x &gt; 0</c>, else <c>slope</c> (the derivative at 0 is <c>slope</c>, as in PyTorch).
    /// </remarks>
    /// <param name="x">Input of any shape.</param>
    /// <param name="slope">Slope for non-positive inputs.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="slope"/> is not finite.</exception>
    public static Tensor LeakyRelu(Tensor x, float slope = 0.01f)
    {
        if (!float.IsFinite(slope))
        {
            throw new ArgumentException($"LeakyRelu: slope {slope} must be finite.", nameof(slope));
        }

        var result = Tensor.Alloc(x.Shape);
        var src = x.Data;
        var dst = result.Data;
        ActivationKernels.ForChunks(src.Length, 1, (s, e) =>
        {
            for (var i = s; i < e; i++)
            {
                var v = src[i];
                dst[i] = v > 0f ? v : slope * v;
            }
        });
        return Autodiff.Record(result, "LeakyRelu", [x], (g, _) =>
        {
            var gd = g.Data;
            var dx = Tensor.Buffer(src.Length);
            ActivationKernels.ForChunks(src.Length, 1, (s, e) =>
            {
                for (var i = s; i < e; i++)
                {
                    dx[i] = src[i] > 0f ? gd[i] : slope * gd[i];
                }
            });
            return [new Tensor(dx, x.Shape)];
        });
    }

    /// <summary>Logistic sigmoid, element-wise.</summary>
    /// <remarks><c>y = 1 / (1 + e^(−x))</c>; <c>∂y/∂x = y · (1 − y)</c>.</remarks>
    /// <param name="x">Input of any shape.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>, values in [0, 1].</returns>
    public static Tensor Sigmoid(Tensor x)
    {
        var result = Tensor.Alloc(x.Shape);
        var src = x.Data;
        var y = result.Data;
        ActivationKernels.ForChunks(src.Length, 20, (s, e) => TensorPrimitives.Sigmoid(src.AsSpan(s, e - s), y.AsSpan(s, e - s)));
        return Autodiff.Record(result, "Sigmoid", [x], (g, _) =>
        {
            var gd = g.Data;
            var dx = Tensor.Buffer(y.Length);
            ActivationKernels.ForChunks(y.Length, 3, (s, e) =>
            {
                // dx = g · (y − y²) = g·y − g·y·y
                var ys = y.AsSpan(s, e - s);
                var ds = dx.AsSpan(s, e - s);
                TensorPrimitives.Multiply(ys, ys, ds);
                TensorPrimitives.Subtract(ys, ds, ds);
                TensorPrimitives.Multiply(ds, gd.AsSpan(s, e - s), ds);
            });
            return [new Tensor(dx, x.Shape)];
        });
    }

    /// <summary>Hyperbolic tangent, element-wise.</summary>
    /// <remarks><c>y = tanh(x)</c>; <c>∂y/∂x = 1 − y²</c>.</remarks>
    /// <param name="x">Input of any shape.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>, values in [−1, 1].</returns>
    public static Tensor Tanh(Tensor x)
    {
        var result = Tensor.Alloc(x.Shape);
        var src = x.Data;
        var y = result.Data;
        ActivationKernels.ForChunks(src.Length, 20, (s, e) => TensorPrimitives.Tanh(src.AsSpan(s, e - s), y.AsSpan(s, e - s)));
        return Autodiff.Record(result, "Tanh", [x], (g, _) =>
        {
            var gd = g.Data;
            var dx = Tensor.Buffer(y.Length);
            ActivationKernels.ForChunks(y.Length, 3, (s, e) =>
            {
                // dx = g − g·y²
                var ys = y.AsSpan(s, e - s);
                var gs = gd.AsSpan(s, e - s);
                var ds = dx.AsSpan(s, e - s);
                TensorPrimitives.Multiply(ys, ys, ds);
                TensorPrimitives.Multiply(ds, gs, ds);
                TensorPrimitives.Subtract(gs, ds, ds);
            });
            return [new Tensor(dx, x.Shape)];
        });
    }

    /// <summary>The Gauss error function, element-wise.</summary>
    /// <remarks>
    /// <c>erf(x) = 2/√π ∫₀ˣ e^(−t²) dt</c>; <c>∂/∂x = 2/√π · e^(−x²)</c>. Evaluated in double
    /// precision (a Taylor series for |x| &lt; 0.5, a cubic Hermite table with exact derivatives on
    /// [0.5, 4), ±1 beyond, where float32 rounds erf to ±1) and rounded to float: the absolute error
    /// before rounding is below 2e-8 everywhere and the relative error near 0 below 1e-12.
    /// </remarks>
    /// <param name="x">Input of any shape.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>, values in [−1, 1].</returns>
    public static Tensor Erf(Tensor x)
    {
        var result = Tensor.Alloc(x.Shape);
        var src = x.Data;
        var dst = result.Data;
        ActivationKernels.ForChunks(src.Length, 20, (s, e) =>
        {
            for (var i = s; i < e; i++)
            {
                dst[i] = (float)SpecialFunctions.Erf(src[i]);
            }
        });
        return Autodiff.Record(result, "Erf", [x], (g, _) =>
        {
            var gd = g.Data;
            var dx = Tensor.Buffer(src.Length);
            ActivationKernels.ForChunks(src.Length, 20, (s, e) =>
            {
                for (var i = s; i < e; i++)
                {
                    double v = src[i];
                    dx[i] = (float)(gd[i] * SpecialFunctions.TwoOverSqrtPi * Math.Exp(-v * v));
                }
            });
            return [new Tensor(dx, x.Shape)];
        });
    }

    /// <summary>Gaussian error linear unit, element-wise, exact (erf) or with the tanh approximation.</summary>
    /// <remarks>
    /// Exact: <c>y = x · Φ(x) = ½ x (1 + erf(x/√2))</c>, <c>∂y/∂x = Φ(x) + x · φ(x)</c> with
    /// <c>φ(x) = e^(−x²/2)/√(2π)</c>.
    /// Tanh approximation: <c>y = ½ x (1 + tanh u)</c>, <c>u = √(2/π) (x + 0.044715 x³)</c>,
    /// <c>∂y/∂x = ½ (1 + tanh u) + ½ x (1 − tanh² u) √(2/π) (1 + 3·0.044715 x²)</c>.
    /// Both match PyTorch's <c>gelu(approximate='none' | 'tanh')</c>.
    /// </remarks>
    /// <param name="x">Input of any shape.</param>
    /// <param name="tanhApproximation">Use the tanh approximation instead of erf.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    public static Tensor Gelu(Tensor x, bool tanhApproximation = false)
    {
        var result = Tensor.Alloc(x.Shape);
        var src = x.Data;
        var dst = result.Data;
        ActivationKernels.ForChunks(src.Length, 30, (s, e) =>
        {
            for (var i = s; i < e; i++)
            {
                double v = src[i];
                dst[i] = tanhApproximation
                    ? (float)(0.5 * v * (1.0 + Math.Tanh(ActivationKernels.GeluTanhInner(v))))
                    : (float)(0.5 * v * (1.0 + SpecialFunctions.Erf(v * ActivationKernels.InvSqrt2)));
            }
        });
        return Autodiff.Record(result, tanhApproximation ? "GeluTanh" : "Gelu", [x], (g, _) =>
        {
            var gd = g.Data;
            var dx = Tensor.Buffer(src.Length);
            ActivationKernels.ForChunks(src.Length, 40, (s, e) =>
            {
                for (var i = s; i < e; i++)
                {
                    double v = src[i];
                    double d;
                    if (tanhApproximation)
                    {
                        var t = Math.Tanh(ActivationKernels.GeluTanhInner(v));
                        d = (0.5 * (1.0 + t)) + (0.5 * v * (1.0 - (t * t)) * ActivationKernels.SqrtTwoOverPi * (1.0 + (3.0 * ActivationKernels.GeluCubic * v * v)));
                    }
                    else
                    {
                        var cdf = 0.5 * (1.0 + SpecialFunctions.Erf(v * ActivationKernels.InvSqrt2));
                        var pdf = Math.Exp(-0.5 * v * v) * ActivationKernels.InvSqrt2Pi;
                        d = cdf + (v * pdf);
                    }

                    dx[i] = (float)(gd[i] * d);
                }
            });
            return [new Tensor(dx, x.Shape)];
        });
    }

    /// <summary>Piecewise-linear sigmoid, element-wise.</summary>
    /// <remarks>
    /// <c>y = max(0, min(1, alpha · x + beta))</c>; <c>∂y/∂x = alpha</c> where
    /// <c>0 &lt; alpha · x + beta &lt; 1</c>, else 0. The defaults (alpha = 1/6, beta = ½) are
    /// PyTorch's <c>hardsigmoid</c>; ONNX's HardSigmoid defaults to alpha = 0.2.
    /// </remarks>
    /// <param name="x">Input of any shape.</param>
    /// <param name="alpha">Slope.</param>
    /// <param name="beta">Offset.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>, values in [0, 1].</returns>
    /// <exception cref="ArgumentException"><paramref name="alpha"/> or <paramref name="beta"/> is not finite.</exception>
    public static Tensor HardSigmoid(Tensor x, float alpha = 1f / 6f, float beta = 0.5f)
    {
        if (!float.IsFinite(alpha) || !float.IsFinite(beta))
        {
            throw new ArgumentException($"HardSigmoid: alpha {alpha} and beta {beta} must be finite.", nameof(alpha));
        }

        var result = Tensor.Alloc(x.Shape);
        var src = x.Data;
        var dst = result.Data;
        ActivationKernels.ForChunks(src.Length, 2, (s, e) =>
        {
            var ds = dst.AsSpan(s, e - s);
            TensorPrimitives.Multiply(src.AsSpan(s, e - s), alpha, ds);
            TensorPrimitives.Add(ds, beta, ds);
            TensorPrimitives.Clamp(ds, 0f, 1f, ds);
        });
        return Autodiff.Record(result, "HardSigmoid", [x], (g, _) =>
        {
            var gd = g.Data;
            var dx = Tensor.Buffer(src.Length);
            ActivationKernels.ForChunks(src.Length, 2, (s, e) =>
            {
                for (var i = s; i < e; i++)
                {
                    var z = (alpha * src[i]) + beta;
                    dx[i] = z > 0f && z < 1f ? alpha * gd[i] : 0f;
                }
            });
            return [new Tensor(dx, x.Shape)];
        });
    }

    /// <summary>Hard swish, <c>x · relu6(x + 3) / 6</c>, element-wise (MobileNetV3).</summary>
    /// <remarks>
    /// <c>y = 0</c> for <c>x ≤ −3</c>, <c>x</c> for <c>x ≥ 3</c>, <c>x (x + 3) / 6</c> between;
    /// <c>∂y/∂x = 0</c> for <c>x &lt; −3</c>, <c>1</c> for <c>x &gt; 3</c>, <c>(2x + 3) / 6</c>
    /// on [−3, 3], as in PyTorch.
    /// </remarks>
    /// <param name="x">Input of any shape.</param>
    /// <returns>A tensor shaped like <paramref name="x"/>.</returns>
    public static Tensor HardSwish(Tensor x)
    {
        var result = Tensor.Alloc(x.Shape);
        var src = x.Data;
        var dst = result.Data;
        ActivationKernels.ForChunks(src.Length, 3, (s, e) =>
        {
            var xs = src.AsSpan(s, e - s);
            var ds = dst.AsSpan(s, e - s);
            TensorPrimitives.Add(xs, 3f, ds);
            TensorPrimitives.Clamp(ds, 0f, 6f, ds);
            TensorPrimitives.Multiply(ds, xs, ds);
            TensorPrimitives.Multiply(ds, 1f / 6f, ds);
        });
        return Autodiff.Record(result, "HardSwish", [x], (g, _) =>
        {
            var gd = g.Data;
            var dx = Tensor.Buffer(src.Length);
            ActivationKernels.ForChunks(src.Length, 2, (s, e) =>
            {
                for (var i = s; i < e; i++)
                {
                    var v = src[i];
                    dx[i] = v < -3f ? 0f : v > 3f ? gd[i] : gd[i] * (((2f * v) + 3f) / 6f);
                }
            });
            return [new Tensor(dx, x.Shape)];
        });
    }

    /// <summary>Softmax along <paramref name="axis"/>.</summary>
    /// <remarks>
    /// <c>y_i = e^(x_i − m) / Σ_j e^(x_j − m)</c> with <c>m = max_j x_j</c> (stable for large
    /// logits); <c>∂L/∂x = y ⊙ (g − Σ_j g_j y_j)</c> along the axis. A row containing +∞ or only
    /// −∞ gives NaN, as in PyTorch.
    /// </remarks>
    /// <param name="x">Input of rank ≥ 1.</param>
    /// <param name="axis">Axis to normalise over; negative counts from the end.</param>
    /// <returns>A tensor shaped like <paramref name="x"/> whose slices along the axis sum to 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is outside [−rank, rank).</exception>
    /// <exception cref="TensorShapeException"><paramref name="x"/> is rank 0.</exception>
    public static Tensor Softmax(Tensor x, int axis)
    {
        var (outer, dim, inner) = ActivationKernels.SoftmaxGeometry(x, axis, "Softmax");
        var result = Tensor.Alloc(x.Shape);
        ActivationKernels.SoftmaxForward(x.Data, result.Data, outer, dim, inner, log: false);
        var y = result.Data;
        return Autodiff.Record(result, "Softmax", [x], (g, _) =>
        {
            var dx = Tensor.Buffer(y.Length);
            ActivationKernels.SoftmaxBackward(y, g.Data, dx, outer, dim, inner, log: false);
            return [new Tensor(dx, x.Shape)];
        });
    }

    /// <summary>Log-softmax along <paramref name="axis"/>, computed via log-sum-exp.</summary>
    /// <remarks>
    /// <c>y_i = x_i − m − log Σ_j e^(x_j − m)</c> with <c>m = max_j x_j</c>, so large logits
    /// neither overflow nor lose the small entries; <c>∂L/∂x = g − e^y · Σ_j g_j</c> along the axis.
    /// </remarks>
    /// <param name="x">Input of rank ≥ 1.</param>
    /// <param name="axis">Axis to normalise over; negative counts from the end.</param>
    /// <returns>A tensor shaped like <paramref name="x"/> of log-probabilities.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is outside [−rank, rank).</exception>
    /// <exception cref="TensorShapeException"><paramref name="x"/> is rank 0.</exception>
    public static Tensor LogSoftmax(Tensor x, int axis)
    {
        var (outer, dim, inner) = ActivationKernels.SoftmaxGeometry(x, axis, "LogSoftmax");
        var result = Tensor.Alloc(x.Shape);
        ActivationKernels.SoftmaxForward(x.Data, result.Data, outer, dim, inner, log: true);
        var y = result.Data;
        return Autodiff.Record(result, "LogSoftmax", [x], (g, _) =>
        {
            var dx = Tensor.Buffer(y.Length);
            ActivationKernels.SoftmaxBackward(y, g.Data, dx, outer, dim, inner, log: true);
            return [new Tensor(dx, x.Shape)];
        });
    }
}

/// <summary>Scalar special functions evaluated in double precision.</summary>
internal static class SpecialFunctions
{
    /// <summary>2/√π.</summary>
    public const double TwoOverSqrtPi = 1.1283791670955126;

    // Cubic Hermite table for erf on [0, TableEnd): interval i covers [i·h, (i+1)·h) with
    // h = 1/TableScale and holds the coefficients c0..c3 of p(t), t ∈ [0, 1).
    private const int TableScale = 32;
    private const double TableEnd = 4.0;
    private const int TaylorTerms = 10;
    private static readonly double[] s_taylor = BuildTaylor();
    private static readonly double[] s_table = BuildTable();

    /// <summary>erf(x) to about 2e-8 absolute (1e-12 relative below 0.5).</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        var a = Math.Abs(x);
        double r;
        if (a < 0.5)
        {
            r = a * Taylor(a * a);
        }
        else if (a >= TableEnd)
        {
            r = 1.0;
        }
        else
        {
            var u = a * TableScale;
            var i = (int)u;
            var t = u - i;
            var c = s_table.AsSpan(i * 4, 4);
            r = c[0] + (t * (c[1] + (t * (c[2] + (t * c[3])))));
        }

        return x < 0 ? -r : r;
    }

    // Σ_n (−1)^n z^n / (n! (2n + 1)) · 2/√π, so that erf(x) = x · Taylor(x²).
    private static double Taylor(double z)
    {
        var c = s_taylor;
        var sum = c[^1];
        for (var n = c.Length - 2; n >= 0; n--)
        {
            sum = (sum * z) + c[n];
        }

        return sum;
    }

    private static double[] BuildTaylor()
    {
        var c = new double[TaylorTerms];
        double factorial = 1;
        for (var n = 0; n < TaylorTerms; n++)
        {
            if (n > 0)
            {
                factorial *= n;
            }

            c[n] = (n % 2 == 0 ? 1 : -1) * TwoOverSqrtPi / (factorial * ((2 * n) + 1));
        }

        return c;
    }

    // Long-series erf for table construction only: converges for every x, loses about 5 of 16
    // digits to cancellation at x = 4, which leaves ~1e-11 absolute accuracy.
    private static double SeriesErf(double x)
    {
        var z = x * x;
        double term = x;
        var sum = x;
        for (var n = 1; n < 200; n++)
        {
            term *= -z / n;
            var add = term / ((2 * n) + 1);
            sum += add;
            if (Math.Abs(add) < 1e-17 * Math.Abs(sum))
            {
                break;
            }
        }

        return sum * TwoOverSqrtPi;
    }

    private static double[] BuildTable()
    {
        const double h = 1.0 / TableScale;
        var n = (int)(TableEnd * TableScale);
        var table = new double[n * 4];
        var y0 = SeriesErf(0);
        var d0 = TwoOverSqrtPi * h;
        for (var i = 0; i < n; i++)
        {
            var x1 = (i + 1) * h;
            var y1 = SeriesErf(x1);
            var d1 = TwoOverSqrtPi * Math.Exp(-x1 * x1) * h;
            table[(i * 4) + 0] = y0;
            table[(i * 4) + 1] = d0;
            table[(i * 4) + 2] = (3 * (y1 - y0)) - (2 * d0) - d1;
            table[(i * 4) + 3] = (2 * (y0 - y1)) + d0 + d1;
            y0 = y1;
            d0 = d1;
        }

        return table;
    }
}

/// <summary>Kernels shared by the activation ops.</summary>
internal static class ActivationKernels
{
    public const double InvSqrt2 = 0.70710678118654752;
    public const double InvSqrt2Pi = 0.39894228040143268;
    public const double SqrtTwoOverPi = 0.79788456080286536;
    public const double GeluCubic = 0.044715;

    public static double GeluTanhInner(double v) => SqrtTwoOverPi * (v + (GeluCubic * v * v * v));

    /// <summary>Runs <paramref name="body"/> over contiguous chunks of [0, count), in parallel when large.</summary>
    public static void ForChunks(int count, long costPerElement, Action<int, int> body) =>
        Parallelism.For(count, costPerElement, body);

    /// <summary>
    /// <c>dx = x &gt; 0 ? g : 0</c>, element-wise and branch-free (a mask AND), so random signs
    /// cost no mispredictions; NaN in x gives 0, NaN in g passes where x &gt; 0.
    /// </summary>
    public static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx)
    {
        var i = 0;
        ref var xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref var gr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(g);
        ref var dr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dx);
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= x.Length; i += 16)
            {
                var xv = System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref xr, (nuint)i);
                var gv = System.Runtime.Intrinsics.Vector512.LoadUnsafe(ref gr, (nuint)i);
                System.Runtime.Intrinsics.Vector512.StoreUnsafe(gv & System.Runtime.Intrinsics.Vector512.GreaterThan(xv, System.Runtime.Intrinsics.Vector512<float>.Zero), ref dr, (nuint)i);
            }
        }
        else if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= x.Length; i += 8)
            {
                var xv = System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref xr, (nuint)i);
                var gv = System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref gr, (nuint)i);
                System.Runtime.Intrinsics.Vector256.StoreUnsafe(gv & System.Runtime.Intrinsics.Vector256.GreaterThan(xv, System.Runtime.Intrinsics.Vector256<float>.Zero), ref dr, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            dx[i] = x[i] > 0f ? g[i] : 0f;
        }
    }

    public static (int Outer, int Dim, int Inner) SoftmaxGeometry(Tensor x, int axis, string op)
    {
        if (x.Rank == 0)
        {
            throw new TensorShapeException(op, $"got a rank-0 tensor (shape {x.Shape}); expected rank ≥ 1.");
        }

        var ax = Shape.NormalizeAxis(axis, x.Rank, op);
        return Ops.Split(x.Shape, ax);
    }

    /// <summary>Softmax or log-softmax of <paramref name="src"/> into <paramref name="dst"/>, block [dim, inner] per outer index.</summary>
    public static void SoftmaxForward(float[] src, float[] dst, int outer, int dim, int inner, bool log)
    {
        if (src.Length == 0)
        {
            return;
        }

        Parallelism.For(outer, (long)dim * inner * 12, (start, end) =>
        {
            if (inner == 1)
            {
                var scratch = log ? new float[dim] : [];
                for (var o = start; o < end; o++)
                {
                    var x = src.AsSpan(o * dim, dim);
                    var y = dst.AsSpan(o * dim, dim);
                    var max = TensorPrimitives.Max(x);
                    TensorPrimitives.Subtract(x, max, y);
                    if (log)
                    {
                        // y = (x − m) − log Σ e^(x − m); the exponentials go through a scratch row.
                        TensorPrimitives.Exp(y, scratch);
                        var lse = MathF.Log(TensorPrimitives.Sum(scratch));
                        TensorPrimitives.Subtract(y, lse, y);
                    }
                    else
                    {
                        TensorPrimitives.Exp(y, y);
                        TensorPrimitives.Divide(y, TensorPrimitives.Sum(y), y);
                    }
                }

                return;
            }

            // Strided axis: operate on whole rows of length `inner`, one per position along the axis.
            var max2 = new float[inner];
            var sum = new float[inner];
            var tmp = new float[inner];
            for (var o = start; o < end; o++)
            {
                var block = o * dim * inner;
                src.AsSpan(block, inner).CopyTo(max2);
                for (var d = 1; d < dim; d++)
                {
                    TensorPrimitives.Max(max2, src.AsSpan(block + (d * inner), inner), max2);
                }

                Array.Clear(sum);
                for (var d = 0; d < dim; d++)
                {
                    var y = dst.AsSpan(block + (d * inner), inner);
                    TensorPrimitives.Subtract(src.AsSpan(block + (d * inner), inner), max2, y);
                    if (log)
                    {
                        TensorPrimitives.Exp(y, tmp);
                        TensorPrimitives.Add(sum, tmp, sum);
                    }
                    else
                    {
                        TensorPrimitives.Exp(y, y);
                        TensorPrimitives.Add(sum, y, sum);
                    }
                }

                if (log)
                {
                    TensorPrimitives.Log(sum, sum);
                    for (var d = 0; d < dim; d++)
                    {
                        var y = dst.AsSpan(block + (d * inner), inner);
                        TensorPrimitives.Subtract(y, sum, y);
                    }
                }
                else
                {
                    for (var d = 0; d < dim; d++)
                    {
                        var y = dst.AsSpan(block + (d * inner), inner);
                        TensorPrimitives.Divide(y, sum, y);
                    }
                }
            }
        });
    }

    /// <summary>
    /// Backward of softmax (<c>dx = y ⊙ (g − Σ g·y)</c>) or log-softmax (<c>dx = g − e^y · Σ g</c>)
    /// given the forward output <paramref name="y"/>.
    /// </summary>
    public static void SoftmaxBackward(float[] y, float[] g, float[] dx, int outer, int dim, int inner, bool log)
    {
        if (y.Length == 0)
        {
            return;
        }

        Parallelism.For(outer, (long)dim * inner * 6, (start, end) =>
        {
            if (inner == 1)
            {
                for (var o = start; o < end; o++)
                {
                    var ys = y.AsSpan(o * dim, dim);
                    var gs = g.AsSpan(o * dim, dim);
                    var ds = dx.AsSpan(o * dim, dim);
                    if (log)
                    {
                        var s = TensorPrimitives.Sum(gs);
                        TensorPrimitives.Exp(ys, ds);
                        TensorPrimitives.MultiplyAdd(ds, -s, gs, ds);
                    }
                    else
                    {
                        var dot = TensorPrimitives.Dot(gs, ys);
                        TensorPrimitives.Subtract(gs, dot, ds);
                        TensorPrimitives.Multiply(ds, ys, ds);
                    }
                }

                return;
            }

            var acc = new float[inner];
            var tmp = new float[inner];
            for (var o = start; o < end; o++)
            {
                var block = o * dim * inner;
                Array.Clear(acc);
                for (var d = 0; d < dim; d++)
                {
                    var gs = g.AsSpan(block + (d * inner), inner);
                    if (log)
                    {
                        TensorPrimitives.Add(acc, gs, acc);
                    }
                    else
                    {
                        TensorPrimitives.MultiplyAdd(gs, y.AsSpan(block + (d * inner), inner), acc, acc);
                    }
                }

                for (var d = 0; d < dim; d++)
                {
                    var ys = y.AsSpan(block + (d * inner), inner);
                    var gs = g.AsSpan(block + (d * inner), inner);
                    var ds = dx.AsSpan(block + (d * inner), inner);
                    if (log)
                    {
                        TensorPrimitives.Exp(ys, tmp);
                        TensorPrimitives.Multiply(tmp, acc, tmp);
                        TensorPrimitives.Subtract(gs, tmp, ds);
                    }
                    else
                    {
                        TensorPrimitives.Subtract(gs, acc, ds);
                        TensorPrimitives.Multiply(ds, ys, ds);
                    }
                }
            }
        });
    }
}
