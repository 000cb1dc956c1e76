using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Gauntlet.Tensors.Kernels;

/// <summary>
/// The im2col / col2im pair for one group of one sample. The column matrix is
/// <c>[CinG · kH · kW, OH · OW]</c>, row <c>(c·kH + kh)·kW + kw</c> holding, for every output position
/// <c>(oh, ow)</c>, the input element <c>x[c, oh·sH − pT + kh·dH, ow·sW − pL + kw·dW]</c> (zero
/// outside the input). <see cref="Unpack(ReadOnlySpan{float}, in ConvDims, Span{float})"/> is its exact adjoint (a scatter-add).
/// </summary>
internal static class Im2Col
{
    /// <summary>Fills <paramref name="col"/> from <paramref name="x"/> (CinG planes of H·W).</summary>
    public static void Pack(ReadOnlySpan<float> x, in ConvDims d, Span<float> col) => Pack(x, d, col, d.P);

    /// <summary>
    /// As <see cref="Pack(ReadOnlySpan{float}, in ConvDims, Span{float})"/>, with column-matrix rows
    /// <paramref name="rowStride"/> apart (≥ OH·OW), so several samples can share one matrix side by side.
    /// </summary>
    public static void Pack(ReadOnlySpan<float> x, in ConvDims d, Span<float> col, int rowStride)
    {
        if (d.SW == 1 && d.PT == 0 && d.PL == 0 && d.OW >= Vector256<float>.Count
            && ((d.OH - 1) * d.SH) + ((d.KH - 1) * d.DH) < d.H && d.OW - 1 + ((d.KW - 1) * d.DW) < d.W
            && x.Length >= d.CinG * d.InPlane && col.Length >= ((d.K - 1) * rowStride) + d.P)
        {
            PackInside(x, d, col, rowStride);
            return;
        }

        int plane = d.InPlane, p = d.P;
        for (var c = 0; c < d.CinG; c++)
        {
            var src = x.Slice(c * plane, plane);
            for (var kh = 0; kh < d.KH; kh++)
            {
                for (var kw = 0; kw < d.KW; kw++)
                {
                    var dst = col.Slice((((c * d.KH) + kh) * d.KW + kw) * rowStride, p);
                    var iw0 = (kw * d.DW) - d.PL;
                    var (lo, hi) = ValidRange(iw0, d.SW, d.W, d.OW);
                    for (var oh = 0; oh < d.OH; oh++)
                    {
                        var row = dst.Slice(oh * d.OW, d.OW);
                        var ih = (oh * d.SH) - d.PT + (kh * d.DH);
                        if ((uint)ih >= (uint)d.H)
                        {
                            row.Clear();
                            continue;
                        }

                        var srow = src.Slice(ih * d.W, d.W);
                        row[..lo].Clear();
                        row[hi..].Clear();
                        if (hi <= lo)
                        {
                            continue;
                        }

                        if (d.SW == 1)
                        {
                            srow.Slice(iw0 + lo, hi - lo).CopyTo(row[lo..hi]);
                        }
                        else
                        {
                            for (var ow = lo; ow < hi; ow++)
                            {
                                row[ow] = srow[iw0 + (ow * d.SW)];
                            }
                        }
                    }
                }
            }
        }
    }

    // Every tap reads inside the input (no padding reaches the output) and rows are contiguous
    // (unit stride along W): each output row is a copy of OW consecutive inputs, done in 8-wide
    // chunks, the last one overlapping its predecessor instead of running past the row.
    private static unsafe void PackInside(ReadOnlySpan<float> x, in ConvDims d, Span<float> col, int rowStride)
    {
        int plane = d.InPlane, ow = d.OW, width = d.W, last = ow - Vector256<float>.Count;
        fixed (float* px = x, pcol = col)
        {
            var dst = pcol;
            for (var c = 0; c < d.CinG; c++)
            {
                for (var kh = 0; kh < d.KH; kh++)
                {
                    for (var kw = 0; kw < d.KW; kw++)
                    {
                        var src = px + ((long)c * plane) + ((long)kh * d.DH * width) + (kw * d.DW);
                        var row = dst;
                        for (var oh = 0; oh < d.OH; oh++)
                        {
                            var s = src + ((long)oh * d.SH * width);
                            for (var q = 0; q < last; q += Vector256<float>.Count)
                            {
                                Vector256.Store(Vector256.Load(s + q), row + q);
                            }

                            Vector256.Store(Vector256.Load(s + last), row + last);
                            row += ow;
                        }

                        dst += rowStride;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Adds every entry of <paramref name="col"/> into the input element it was read from
    /// (col2im). <paramref name="x"/> is accumulated into, not cleared; the order is fixed.
    /// </summary>
    public static void Unpack(ReadOnlySpan<float> col, in ConvDims d, Span<float> x) => Unpack(col, d, x, d.P);

    /// <summary>As <see cref="Unpack(ReadOnlySpan{float}, in ConvDims, Span{float})"/>, with column-matrix rows <paramref name="rowStride"/> apart.</summary>
    public static void Unpack(ReadOnlySpan<float> col, in ConvDims d, Span<float> x, int rowStride)
    {
        int plane = d.InPlane, p = d.P;
        for (var c = 0; c < d.CinG; c++)
        {
            var dstPlane = x.Slice(c * plane, plane);
            for (var kh = 0; kh < d.KH; kh++)
            {
                for (var kw = 0; kw < d.KW; kw++)
                {
                    var src = col.Slice((((c * d.KH) + kh) * d.KW + kw) * rowStride, p);
                    var iw0 = (kw * d.DW) - d.PL;
                    var (lo, hi) = ValidRange(iw0, d.SW, d.W, d.OW);
                    if (hi <= lo)
                    {
                        continue;
                    }

                    for (var oh = 0; oh < d.OH; oh++)
                    {
                        var ih = (oh * d.SH) - d.PT + (kh * d.DH);
                        if ((uint)ih >= (uint)d.H)
                        {
                            continue;
                        }

                        var drow = dstPlane.Slice(ih * d.W, d.W);
                        var row = src.Slice(oh * d.OW, d.OW);
                        if (d.SW == 1)
                        {
                            var target = drow.Slice(iw0 + lo, hi - lo);
                            TensorPrimitives.Add(target, row[lo..hi], target);
                        }
                        else
                        {
                            for (var ow = lo; ow < hi; ow++)
                            {
                                drow[iw0 + (ow * d.SW)] += row[ow];
                            }
                        }
                    }
                }
            }
        }
    }

    // Output columns [lo, hi) whose input column iw0 + ow·stride lies in [0, width).
    private static (int Lo, int Hi) ValidRange(int iw0, int stride, int width, int outWidth)
    {
        var lo = iw0 >= 0 ? 0 : (-iw0 + stride - 1) / stride;
        var hi = width - iw0 <= 0 ? 0 : (width - iw0 + stride - 1) / stride;
        lo = Math.Min(lo, outWidth);
        hi = Math.Clamp(hi, lo, outWidth);
        return (lo, hi);
    }
}
