using System.Numerics.Tensors;

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
                    for (var i = 0; i < ph; i++)
                    {
                        var top = 2 * i * d.OW;
                        var bottom = top + d.OW;
                        for (var j = 0; j < pw; j++)
                        {
                            // Window taps in row-major order; the first maximum wins, a NaN propagates.
                            var at = top + (2 * j);
                            var best = plane[at];
                            Take(plane, at + 1, ref best, ref at);
                            Take(plane, bottom + (2 * j), ref best, ref at);
                            Take(plane, bottom + (2 * j) + 1, ref best, ref at);
                            var o = outBase + (i * pw) + j;
                            var positive = best > 0f;
                            y[o] = positive || float.IsNaN(best) ? best : 0f;
                            if (argmax is not null)
                            {
                                argmax[o] = positive ? (co * d.P) + at : -1;
                            }
                        }
                    }
                }
            }
        });
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

    private static void Take(Span<float> plane, int index, ref float best, ref int at)
    {
        var v = plane[index];
        if (v > best || (float.IsNaN(v) && !float.IsNaN(best)))
        {
            best = v;
            at = index;
        }
    }
}
