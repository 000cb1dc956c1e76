using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gauntlet.Tensors.Kernels;

/// <summary>
/// Convolution (+ bias), ReLU and 2×2 stride-2 max pooling fused per sample: the convolution
/// output of one sample stays in a per-thread scratch buffer (in cache) and only the pooled result
/// and, when a gradient is wanted, the winning position of each window are written. The results
/// are those of <see cref="Conv2dKernels.Forward"/>, element-wise ReLU and
/// <see cref="Pool2dKernels.MaxForward"/> applied in turn, gradients included: pooling commutes with
/// ReLU, the first maximum of a window is the same before and after ReLU when it is positive, and
/// no gradient flows through a window whose maximum is not positive.
/// </summary>
internal static class ConvReluPoolKernels
{
    /// <summary>
    /// <paramref name="y"/> <c>[N, Cout, OH/2, OW/2]</c> (overwritten) and, when given,
    /// <paramref name="argmax"/> (same size): the index within the sample's convolution output
    /// <c>[Cout, OH·OW]</c> of the window's first maximum, or −1 where that maximum is not positive.
    /// </summary>
    public static void Forward(float[] x, float[] w, float[]? bias, ConvDims d, float[] y, int[]? argmax)
    {
        int ph = d.OH / 2, pw = d.OW / 2, pooled = ph * pw;
        Parallelism.For(d.N, d.FlopsPerSample, (start, end) =>
        {
            var col = d.IsPointwise ? Span<float>.Empty : Scratch.Get(0, d.K * d.P);
            var conv = Scratch.Get(1, d.Cout * d.P);
            for (var n = start; n < end; n++)
            {
                for (var g = 0; g < d.Groups; g++)
                {
                    var xs = x.AsSpan((n * d.InSample) + (g * d.CinG * d.InPlane), d.CinG * d.InPlane);
                    ReadOnlySpan<float> b = xs;
                    if (!d.IsPointwise)
                    {
                        Im2Col.Pack(xs, d, col);
                        b = col;
                    }

                    Gemm.Multiply(false, false, d.CoutG, d.P, d.K, 1f, w.AsSpan(g * d.CoutG * d.K, d.CoutG * d.K), d.K, b, d.P, 0f, conv.Slice(g * d.CoutG * d.P, d.CoutG * d.P), d.P);
                }

                for (var co = 0; co < d.Cout; co++)
                {
                    var plane = conv.Slice(co * d.P, d.P);
                    if (bias is not null)
                    {
                        TensorPrimitives.Add(plane, bias[co], plane);
                    }

                    var outBase = ((n * d.Cout) + co) * pooled;
                    PoolPlane(plane, d.OW, ph, pw, y.AsSpan(outBase, pooled), argmax is null ? default : argmax.AsSpan(outBase, pooled), co * d.P);
                }
            }
        });
    }

    // 2×2 stride-2 max pooling of one convolution-output plane followed by ReLU. Windows without a
    // NaN take a branch-free AVX2 path (four windows per step); planes with a NaN take the exact
    // scalar path (first maximum wins, a NaN propagates).
    private static unsafe void PoolPlane(Span<float> plane, int ow, int ph, int pw, Span<float> y, Span<int> argmax, int indexBase)
    {
        var track = !argmax.IsEmpty;
        var vector = Avx2.IsSupported && pw >= 4 && !float.IsNaN(TensorPrimitives.Sum(plane));
        fixed (float* pp = plane, py = y)
        fixed (int* pa = argmax)
        {
            for (var i = 0; i < ph; i++)
            {
                var top = 2 * i * ow;
                var j = 0;
                if (vector)
                {
                    var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
                    var compact = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
                    var one = Vector256.Create(1);
                    var below = Vector256.Create(ow);
                    for (; j + 4 <= pw; j += 4)
                    {
                        // Even lanes hold a window's left taps; Permute swaps neighbours so they also see the right taps.
                        var r0 = Avx.LoadVector256(pp + top + (2 * j));
                        var r1 = Avx.LoadVector256(pp + top + ow + (2 * j));
                        var s0 = Avx.Permute(r0, 0b10_11_00_01);
                        var s1 = Avx.Permute(r1, 0b10_11_00_01);
                        var right0 = Avx.CompareGreaterThan(s0, r0);
                        var right1 = Avx.CompareGreaterThan(s1, r1);
                        var m0 = Avx.BlendVariable(r0, s0, right0);
                        var m1 = Avx.BlendVariable(r1, s1, right1);
                        var lower = Avx.CompareGreaterThan(m1, m0);
                        var m = Avx.BlendVariable(m0, m1, lower);
                        var relu = Avx.Max(m, Vector256<float>.Zero);
                        Sse.Store(py + (i * pw) + j, Avx2.PermuteVar8x32(relu, compact).GetLower());
                        if (track)
                        {
                            var off0 = right0.AsInt32() & one;
                            var off1 = (right1.AsInt32() & one) + below;
                            var index = Vector256.Create(indexBase + top + (2 * j)) + lanes + Avx2.BlendVariable(off0, off1, lower.AsInt32());
                            var positive = Avx.CompareGreaterThan(m, Vector256<float>.Zero).AsInt32();
                            index = Avx2.BlendVariable(Vector256.Create(-1), index, positive);
                            Sse2.Store(pa + (i * pw) + j, Avx2.PermuteVar8x32(index, compact).GetLower());
                        }
                    }
                }

                for (; j < pw; j++)
                {
                    // Window taps in row-major order; the first maximum wins, a NaN propagates.
                    var at = top + (2 * j);
                    var best = pp[at];
                    Take(pp, at + 1, ref best, ref at);
                    Take(pp, top + ow + (2 * j), ref best, ref at);
                    Take(pp, top + ow + (2 * j) + 1, ref best, ref at);
                    var positive = best > 0f;
                    py[(i * pw) + j] = positive || float.IsNaN(best) ? best : 0f;
                    if (track)
                    {
                        pa[(i * pw) + j] = positive ? indexBase + at : -1;
                    }
                }
            }
        }
    }

    /// <summary>
    /// ∂L/∂x from ∂L/∂y through the pooling, ReLU and convolution, one sample at a time;
    /// <paramref name="dx"/> is overwritten.
    /// </summary>
    public static void BackwardData(float[] w, float[] gy, int[] argmax, ConvDims d, float[] dx)
    {
        var pooled = d.OH / 2 * (d.OW / 2);
        Parallelism.For(d.N, d.FlopsPerSample, (start, end) =>
        {
            var col = d.IsPointwise ? Span<float>.Empty : Scratch.Get(0, d.K * d.P);
            var dy = Scratch.Get(1, d.Cout * d.P);
            for (var n = start; n < end; n++)
            {
                Scatter(gy, argmax, n, d.Cout * pooled, dy);
                for (var g = 0; g < d.Groups; g++)
                {
                    var dys = dy.Slice(g * d.CoutG * d.P, d.CoutG * d.P);
                    var wg = w.AsSpan(g * d.CoutG * d.K, d.CoutG * d.K);
                    var dxs = dx.AsSpan((n * d.InSample) + (g * d.CinG * d.InPlane), d.CinG * d.InPlane);
                    if (d.IsPointwise)
                    {
                        Gemm.Multiply(true, false, d.K, d.P, d.CoutG, 1f, wg, d.K, dys, d.P, 0f, dxs, d.P);
                    }
                    else
                    {
                        Gemm.Multiply(true, false, d.K, d.P, d.CoutG, 1f, wg, d.K, dys, d.P, 0f, col, d.P);
                        dxs.Clear();
                        Im2Col.Unpack(col, d, dxs);
                    }
                }
            }
        });
    }

    /// <summary>∂L/∂(convolution output + bias) <c>[N, Cout, OH, OW]</c> from ∂L/∂y (for weight and bias gradients).</summary>
    public static void ScatterAll(float[] gy, int[] argmax, ConvDims d, float[] dConv)
    {
        var pooled = d.OH / 2 * (d.OW / 2);
        Parallelism.For(d.N, (long)d.Cout * d.P, (start, end) =>
        {
            for (var n = start; n < end; n++)
            {
                Scatter(gy, argmax, n, d.Cout * pooled, dConv.AsSpan(n * d.OutSample, d.OutSample));
            }
        });
    }

    private static void Scatter(float[] gy, int[] argmax, int n, int perSample, Span<float> dy)
    {
        dy.Clear();
        var gs = gy.AsSpan(n * perSample, perSample);
        var idx = argmax.AsSpan(n * perSample, perSample);
        for (var q = 0; q < gs.Length; q++)
        {
            var at = idx[q];
            if (at >= 0)
            {
                dy[at] += gs[q];
            }
        }
    }

    private static unsafe void Take(float* plane, int index, ref float best, ref int at)
    {
        var v = plane[index];
        if (v > best || (float.IsNaN(v) && !float.IsNaN(best)))
        {
            best = v;
            at = index;
        }
    }
}
