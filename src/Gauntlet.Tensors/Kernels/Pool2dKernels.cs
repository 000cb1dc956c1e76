using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gauntlet.Tensors.Kernels;

/// <summary>Resolved sizes of one 2-D pooling over <see cref="Planes"/> = N·C independent planes.</summary>
internal readonly record struct PoolDims(
    int Planes,
    int H,
    int W,
    int OH,
    int OW,
    int KH,
    int KW,
    int SH,
    int SW,
    int PT,
    int PL,
    int PB,
    int PR,
    int DH,
    int DW,
    bool CountIncludePad)
{
    public int InPlane => H * W;

    public int OutPlane => OH * OW;
}

/// <summary>
/// Pooling kernels, parallel over planes (each plane is processed by one thread in a fixed
/// order, so results do not depend on the thread count).
/// </summary>
internal static class Pool2dKernels
{
    /// <summary>
    /// Max pooling. Taps outside the input are skipped (padding acts as −∞). The first maximal tap
    /// in row-major window order wins; a NaN tap propagates (the last NaN wins, as in PyTorch).
    /// <paramref name="argmax"/>, when given, receives the winning tap's index within its input
    /// plane (−1 for a window with no tap inside the input, whose value is −∞).
    /// </summary>
    public static void MaxForward(float[] x, PoolDims d, float[] y, int[]? argmax)
    {
        if (d is { KH: 2, KW: 2, SH: 2, SW: 2, PT: 0, PL: 0, DH: 1, DW: 1 } && 2 * d.OH <= d.H && 2 * d.OW <= d.W)
        {
            MaxForward2x2(x, d.Planes, d.H, d.W, d.OH, d.OW, y, argmax);
            return;
        }

        Parallelism.For(d.Planes, (long)d.OutPlane * d.KH * d.KW, (start, end) =>
        {
            for (var plane = start; plane < end; plane++)
            {
                var src = x.AsSpan(plane * d.InPlane, d.InPlane);
                var outBase = plane * d.OutPlane;
                for (var oh = 0; oh < d.OH; oh++)
                {
                    var h0 = (oh * d.SH) - d.PT;
                    for (var ow = 0; ow < d.OW; ow++)
                    {
                        var w0 = (ow * d.SW) - d.PL;
                        var best = float.NegativeInfinity;
                        var bestIndex = -1;
                        for (var kh = 0; kh < d.KH; kh++)
                        {
                            var ih = h0 + (kh * d.DH);
                            if ((uint)ih >= (uint)d.H)
                            {
                                continue;
                            }

                            for (var kw = 0; kw < d.KW; kw++)
                            {
                                var iw = w0 + (kw * d.DW);
                                if ((uint)iw >= (uint)d.W)
                                {
                                    continue;
                                }

                                var index = (ih * d.W) + iw;
                                var v = src[index];
                                if (bestIndex < 0 || v > best || float.IsNaN(v))
                                {
                                    best = v;
                                    bestIndex = index;
                                }
                            }
                        }

                        y[outBase + (oh * d.OW) + ow] = best;
                        if (argmax is not null)
                        {
                            argmax[outBase + (oh * d.OW) + ow] = bestIndex;
                        }
                    }
                }
            }
        });
    }

    /// <summary>
    /// The common 2×2, stride-2, unpadded case of <see cref="MaxForward"/> with every window inside
    /// the input: the same tap order and tie/NaN rules, without per-tap bounds logic.
    /// </summary>
    private static unsafe void MaxForward2x2(float[] x, int planes, int h, int w, int oh, int ow, float[] y, int[]? argmax)
    {
        Parallelism.For(planes, (long)oh * ow * 4, (start, end) =>
        {
            fixed (float* px = x, py = y)
            fixed (int* pi = argmax)
            {
                var outPlane = oh * ow;
                var vectorized = Avx2.IsSupported && outPlane >= 8;
                var offsets = vectorized ? new int[outPlane] : null;
                for (var o = 0; vectorized && o < outPlane; o++)
                {
                    offsets![o] = (2 * (o / ow) * w) + (2 * (o % ow));
                }

                for (var plane = start; plane < end; plane++)
                {
                    var src = px + ((long)plane * h * w);
                    var outBase = (long)plane * oh * ow;
                    if (vectorized)
                    {
                        MaxPlane2x2Avx2(src, w, offsets!, py + outBase, pi is null ? null : pi + outBase);
                        continue;
                    }

                    for (var r = 0; r < oh; r++)
                    {
                        var row0 = src + (2 * r * w);
                        var dst = py + outBase + (r * ow);
                        var idx = pi is null ? null : pi + outBase + (r * ow);
                        for (var q = 0; q < ow; q++)
                        {
                            // Branch-free selection (random data defeats branch prediction): tap k
                            // wins when it is greater than the running maximum or NaN, as in the general path.
                            var i0 = (2 * r * w) + (2 * q);
                            var p0 = row0 + (2 * q);
                            float best = p0[0], v = p0[1];
                            var bestIndex = i0;
                            var take = Mask((v > best) | float.IsNaN(v));
                            best = Select(take, v, best);
                            bestIndex = (take & (i0 + 1)) | (~take & bestIndex);
                            v = p0[w];
                            take = Mask((v > best) | float.IsNaN(v));
                            best = Select(take, v, best);
                            bestIndex = (take & (i0 + w)) | (~take & bestIndex);
                            v = p0[w + 1];
                            take = Mask((v > best) | float.IsNaN(v));
                            best = Select(take, v, best);
                            bestIndex = (take & (i0 + w + 1)) | (~take & bestIndex);
                            dst[q] = best;
                            if (idx is not null)
                            {
                                idx[q] = bestIndex;
                            }
                        }
                    }
                }
            }
        });
    }

    /// <summary>
    /// One plane of the 2×2 stride-2 max pool, 8 outputs at a time with AVX2 gathers
    /// (<paramref name="offsets"/>[o] is the top-left tap of output o); the tail runs scalar.
    /// Same tap order, tie and NaN rules as <see cref="MaxForward"/>.
    /// </summary>
    private static unsafe void MaxPlane2x2Avx2(float* src, int w, int[] offsets, float* dst, int* argmax)
    {
        var n = offsets.Length;
        fixed (int* off = offsets)
        {
            var o = 0;
            for (; o + 8 <= n; o += 8)
            {
                var i0 = Vector256.Load(off + o);
                var i1 = i0 + Vector256.Create(1);
                var i2 = i0 + Vector256.Create(w);
                var i3 = i2 + Vector256.Create(1);
                var best = Avx2.GatherVector256(src, i0, 4);
                var index = i0;
                var v = Avx2.GatherVector256(src, i1, 4);
                var take = Vector256.GreaterThan(v, best) | ~Vector256.Equals(v, v);
                best = Vector256.ConditionalSelect(take, v, best);
                index = Vector256.ConditionalSelect(take.AsInt32(), i1, index);
                v = Avx2.GatherVector256(src, i2, 4);
                take = Vector256.GreaterThan(v, best) | ~Vector256.Equals(v, v);
                best = Vector256.ConditionalSelect(take, v, best);
                index = Vector256.ConditionalSelect(take.AsInt32(), i2, index);
                v = Avx2.GatherVector256(src, i3, 4);
                take = Vector256.GreaterThan(v, best) | ~Vector256.Equals(v, v);
                best = Vector256.ConditionalSelect(take, v, best);
                index = Vector256.ConditionalSelect(take.AsInt32(), i3, index);
                best.Store(dst + o);
                if (argmax is not null)
                {
                    index.Store(argmax + o);
                }
            }

            for (; o < n; o++)
            {
                var i0 = off[o];
                var bestIndex = i0;
                var best = src[i0];
                foreach (var i in (ReadOnlySpan<int>)[i0 + 1, i0 + w, i0 + w + 1])
                {
                    var v = src[i];
                    if (v > best || float.IsNaN(v))
                    {
                        best = v;
                        bestIndex = i;
                    }
                }

                dst[o] = best;
                if (argmax is not null)
                {
                    argmax[o] = bestIndex;
                }
            }
        }
    }

    /// <summary>All ones when <paramref name="condition"/> holds, else zero, without a branch.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static int Mask(bool condition) => -System.Runtime.CompilerServices.Unsafe.As<bool, byte>(ref condition);

    /// <summary><paramref name="mask"/> ? <paramref name="a"/> : <paramref name="b"/> on the bit patterns, without a branch.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static float Select(int mask, float a, float b) =>
        BitConverter.Int32BitsToSingle((mask & BitConverter.SingleToInt32Bits(a)) | (~mask & BitConverter.SingleToInt32Bits(b)));

    /// <summary>Routes each output gradient to its recorded maximal input (dx is overwritten).</summary>
    public static void MaxBackward(float[] g, int[] argmax, PoolDims d, float[] dx)
    {
        Parallelism.For(d.Planes, d.OutPlane, (start, end) =>
        {
            for (var plane = start; plane < end; plane++)
            {
                var dst = dx.AsSpan(plane * d.InPlane, d.InPlane);
                dst.Clear();
                var outBase = plane * d.OutPlane;
                for (var o = 0; o < d.OutPlane; o++)
                {
                    var index = argmax[outBase + o];
                    if (index >= 0)
                    {
                        dst[index] += g[outBase + o];
                    }
                }
            }
        });
    }

    /// <summary>
    /// The averaging window of output (oh, ow): the clipped input rows/columns and the divisor.
    /// With <see cref="PoolDims.CountIncludePad"/> the divisor is the window clipped to the padded
    /// input (PyTorch's rule, so ceil-mode windows overhanging the padding count less); otherwise
    /// it is the number of input elements in the window.
    /// </summary>
    public static (int H0, int H1, int W0, int W1, float Divisor) AvgWindow(in PoolDims d, int oh, int ow)
    {
        var h0 = (oh * d.SH) - d.PT;
        var w0 = (ow * d.SW) - d.PL;
        var h1 = Math.Min(h0 + d.KH, d.H + d.PB);
        var w1 = Math.Min(w0 + d.KW, d.W + d.PR);
        var padded = (h1 - h0) * (w1 - w0);
        h0 = Math.Max(h0, 0);
        w0 = Math.Max(w0, 0);
        h1 = Math.Min(h1, d.H);
        w1 = Math.Min(w1, d.W);
        var divisor = d.CountIncludePad ? padded : Math.Max(h1 - h0, 0) * Math.Max(w1 - w0, 0);
        return (h0, h1, w0, w1, divisor);
    }

    /// <summary>Average pooling (padding counts as zeros).</summary>
    public static void AvgForward(float[] x, PoolDims d, float[] y)
    {
        Parallelism.For(d.Planes, (long)d.OutPlane * d.KH * d.KW, (start, end) =>
        {
            for (var plane = start; plane < end; plane++)
            {
                var src = x.AsSpan(plane * d.InPlane, d.InPlane);
                var outBase = plane * d.OutPlane;
                for (var oh = 0; oh < d.OH; oh++)
                {
                    for (var ow = 0; ow < d.OW; ow++)
                    {
                        var (h0, h1, w0, w1, divisor) = AvgWindow(d, oh, ow);
                        var sum = 0f;
                        for (var ih = h0; ih < h1; ih++)
                        {
                            for (var iw = w0; iw < w1; iw++)
                            {
                                sum += src[(ih * d.W) + iw];
                            }
                        }

                        y[outBase + (oh * d.OW) + ow] = sum / divisor;
                    }
                }
            }
        });
    }

    /// <summary>Spreads each output gradient evenly (÷ divisor) over its window (dx is overwritten).</summary>
    public static void AvgBackward(float[] g, PoolDims d, float[] dx)
    {
        Parallelism.For(d.Planes, (long)d.OutPlane * d.KH * d.KW, (start, end) =>
        {
            for (var plane = start; plane < end; plane++)
            {
                var dst = dx.AsSpan(plane * d.InPlane, d.InPlane);
                dst.Clear();
                var outBase = plane * d.OutPlane;
                for (var oh = 0; oh < d.OH; oh++)
                {
                    for (var ow = 0; ow < d.OW; ow++)
                    {
                        var (h0, h1, w0, w1, divisor) = AvgWindow(d, oh, ow);
                        var share = g[outBase + (oh * d.OW) + ow] / divisor;
                        for (var ih = h0; ih < h1; ih++)
                        {
                            for (var iw = w0; iw < w1; iw++)
                            {
                                dst[(ih * d.W) + iw] += share;
                            }
                        }
                    }
                }
            }
        });
    }

    /// <summary>
    /// Adaptive average pooling of each plane to <paramref name="oh"/> × <paramref name="ow"/>:
    /// output row i averages input rows [⌊i·H/oh⌋, ⌈(i+1)·H/oh⌉) (columns likewise). With
    /// <paramref name="backward"/> the roles flip: <paramref name="src"/> is ∂y and ∂x is written to <paramref name="dst"/>.
    /// </summary>
    public static void Adaptive(float[] src, int planes, int h, int w, int oh, int ow, float[] dst, bool backward)
    {
        Parallelism.For(planes, (long)h * w, (start, end) =>
        {
            for (var plane = start; plane < end; plane++)
            {
                var inPlane = plane * h * w;
                var outPlane = plane * oh * ow;
                if (backward)
                {
                    dst.AsSpan(inPlane, h * w).Clear();
                }

                for (var i = 0; i < oh; i++)
                {
                    int h0 = (int)((long)i * h / oh), h1 = (int)((((long)(i + 1) * h) + oh - 1) / oh);
                    for (var j = 0; j < ow; j++)
                    {
                        int w0 = (int)((long)j * w / ow), w1 = (int)((((long)(j + 1) * w) + ow - 1) / ow);
                        var count = (float)((h1 - h0) * (w1 - w0));
                        if (backward)
                        {
                            var share = src[outPlane + (i * ow) + j] / count;
                            for (var ih = h0; ih < h1; ih++)
                            {
                                for (var iw = w0; iw < w1; iw++)
                                {
                                    dst[inPlane + (ih * w) + iw] += share;
                                }
                            }
                        }
                        else
                        {
                            var sum = 0f;
                            for (var ih = h0; ih < h1; ih++)
                            {
                                for (var iw = w0; iw < w1; iw++)
                                {
                                    sum += src[inPlane + (ih * w) + iw];
                                }
                            }

                            dst[outPlane + (i * ow) + j] = sum / count;
                        }
                    }
                }
            }
        });
    }
}
