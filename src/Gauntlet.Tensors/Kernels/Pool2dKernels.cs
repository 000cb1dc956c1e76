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
