using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gauntlet.Tensors.Kernels;

/// <summary>
/// Convolution + bias + ReLU + 2×2 stride-2 max pooling of single-channel samples with AVX-512,
/// values only or with each window's winner: the two convolution rows of a pooling row are computed
/// together in registers and pooled there, so no convolution output is ever stored. Each convolution output is
/// the FMA chain over the taps in row-major order from zero, exactly as the direct kernel and the
/// blocked GEMM compute it, and the pooling is that of the value-only or tracked epilogue, so
/// results equal convolution, ReLU and pooling applied in turn bit for bit.
/// </summary>
internal static unsafe class DirectConvPool
{
    /// <summary>
    /// Whether <see cref="SingleChannel512"/> applies: AVX-512, one input channel, unit stride and
    /// dilation, no padding, taps inside the input, at most 16 taps, Cout a multiple of 4 and at least
    /// 16 convolution columns read by the windows.
    /// </summary>
    public static bool Applies(in ConvDims d) =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported && d.Groups == 1 && d.Cin == 1
        && d.KH * d.KW <= 16 && d.SH == 1 && d.SW == 1 && d.DH == 1 && d.DW == 1 && d.PT == 0 && d.PL == 0
        && d.OH + d.KH - 1 <= d.H && d.OW + d.KW - 1 <= d.W && d.OW / 2 * 2 >= 16 && d.OH >= 2 && d.Cout % 4 == 0;

    /// <summary>
    /// <paramref name="y"/> <c>[Cout, OH/2, OW/2]</c> of one sample <paramref name="x"/> (<c>[1, H, W]</c>)
    /// and, unless empty, <paramref name="argmax"/> (same size): each window's first maximum of
    /// conv + bias as an index into the sample's convolution output <c>[Cout, OH·OW]</c>, or −1 where
    /// that maximum is not positive, as the tracked epilogue gives it.
    /// </summary>
    public static void SingleChannel512(ReadOnlySpan<float> x, float[] w, float[]? bias, in ConvDims d, Span<float> y, Span<int> argmax)
    {
        var track = !argmax.IsEmpty;
        // Per step: four output channels × the two convolution rows of a pooling row × two 16-wide
        // column chunks, sixteen accumulators. Chunks start at even columns so that every window lies
        // inside one chunk; the last chunk overlaps its predecessor instead of running past the row.
        int kh = d.KH, kw = d.KW, taps = kh * kw, width = d.W, ph = d.OH / 2, pw = d.OW / 2, pooled = ph * pw;
        const int lanes = 16;
        var cols = 2 * pw;
        var chunks = (cols + lanes - 1) / lanes;
        var starts = stackalloc int[chunks + 1];
        for (var i = 0; i < chunks; i++)
        {
            starts[i] = Math.Min(i * lanes, cols - lanes);
        }

        starts[chunks] = starts[chunks - 1];
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14);
        var lanesIndex = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        fixed (float* px = x, pw0 = w, py = y)
        fixed (int* pa = argmax)
        {
            for (var co = 0; co < d.Cout; co += 4)
            {
                var w0 = pw0 + ((long)co * taps);
                var w1 = w0 + taps;
                var w2 = w1 + taps;
                var w3 = w2 + taps;
                var b0 = Vector512.Create(bias is null ? 0f : bias[co]);
                var b1 = Vector512.Create(bias is null ? 0f : bias[co + 1]);
                var b2 = Vector512.Create(bias is null ? 0f : bias[co + 2]);
                var b3 = Vector512.Create(bias is null ? 0f : bias[co + 3]);
                var y0 = py + ((long)co * pooled);
                var y1 = y0 + pooled;
                var y2 = y1 + pooled;
                var y3 = y2 + pooled;
                for (var i = 0; i < ph; i++)
                {
                    var top = px + ((long)2 * i * width);
                    var outRow = i * pw;
                    for (var ci = 0; ci < chunks; ci += 2)
                    {
                        int c0 = starts[ci], c1 = starts[ci + 1];

                        // a: convolution row 2i, b: row 2i + 1; digits: channel, chunk.
                        Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default;
                        Vector512<float> a20 = default, a21 = default, a30 = default, a31 = default;
                        Vector512<float> b00 = default, b01 = default, b10 = default, b11 = default;
                        Vector512<float> b20 = default, b21 = default, b30 = default, b31 = default;
                        for (var r = 0; r <= kh; r++)
                        {
                            var row = top + ((long)r * width);
                            for (var j = 0; j < kw; j++)
                            {
                                var x0 = Vector512.Load(row + c0 + j);
                                var x1 = Vector512.Load(row + c1 + j);
                                if (r < kh)
                                {
                                    var t = (r * kw) + j;
                                    var v = Vector512.Create(w0[t]);
                                    a00 = Vector512.FusedMultiplyAdd(v, x0, a00);
                                    a01 = Vector512.FusedMultiplyAdd(v, x1, a01);
                                    v = Vector512.Create(w1[t]);
                                    a10 = Vector512.FusedMultiplyAdd(v, x0, a10);
                                    a11 = Vector512.FusedMultiplyAdd(v, x1, a11);
                                    v = Vector512.Create(w2[t]);
                                    a20 = Vector512.FusedMultiplyAdd(v, x0, a20);
                                    a21 = Vector512.FusedMultiplyAdd(v, x1, a21);
                                    v = Vector512.Create(w3[t]);
                                    a30 = Vector512.FusedMultiplyAdd(v, x0, a30);
                                    a31 = Vector512.FusedMultiplyAdd(v, x1, a31);
                                }

                                if (r > 0)
                                {
                                    var t = ((r - 1) * kw) + j;
                                    var v = Vector512.Create(w0[t]);
                                    b00 = Vector512.FusedMultiplyAdd(v, x0, b00);
                                    b01 = Vector512.FusedMultiplyAdd(v, x1, b01);
                                    v = Vector512.Create(w1[t]);
                                    b10 = Vector512.FusedMultiplyAdd(v, x0, b10);
                                    b11 = Vector512.FusedMultiplyAdd(v, x1, b11);
                                    v = Vector512.Create(w2[t]);
                                    b20 = Vector512.FusedMultiplyAdd(v, x0, b20);
                                    b21 = Vector512.FusedMultiplyAdd(v, x1, b21);
                                    v = Vector512.Create(w3[t]);
                                    b30 = Vector512.FusedMultiplyAdd(v, x0, b30);
                                    b31 = Vector512.FusedMultiplyAdd(v, x1, b31);
                                }
                            }
                        }

                        int o0 = outRow + (c0 / 2), o1 = outRow + (c1 / 2);
                        if (track)
                        {
                            // Index of the window's top-left tap for each lane: co·P + 2i·OW + column.
                            var rowBase = Vector512.Create(2 * i * d.OW) + lanesIndex;
                            var i0 = rowBase + Vector512.Create((co * d.P) + c0);
                            var i1 = rowBase + Vector512.Create((co * d.P) + c1);
                            var p = d.P;
                            var pooledOffset = (long)co * pooled;
                            PoolTracked(a00, b00, b0, even, i0, d.OW, y0 + o0, pa + pooledOffset + o0);
                            PoolTracked(a01, b01, b0, even, i1, d.OW, y0 + o1, pa + pooledOffset + o1);
                            PoolTracked(a10, b10, b1, even, i0 + Vector512.Create(p), d.OW, y1 + o0, pa + pooledOffset + pooled + o0);
                            PoolTracked(a11, b11, b1, even, i1 + Vector512.Create(p), d.OW, y1 + o1, pa + pooledOffset + pooled + o1);
                            PoolTracked(a20, b20, b2, even, i0 + Vector512.Create(2 * p), d.OW, y2 + o0, pa + pooledOffset + (2 * pooled) + o0);
                            PoolTracked(a21, b21, b2, even, i1 + Vector512.Create(2 * p), d.OW, y2 + o1, pa + pooledOffset + (2 * pooled) + o1);
                            PoolTracked(a30, b30, b3, even, i0 + Vector512.Create(3 * p), d.OW, y3 + o0, pa + pooledOffset + (3 * pooled) + o0);
                            PoolTracked(a31, b31, b3, even, i1 + Vector512.Create(3 * p), d.OW, y3 + o1, pa + pooledOffset + (3 * pooled) + o1);
                            continue;
                        }

                        Pool(a00, b00, b0, even, y0 + o0);
                        Pool(a01, b01, b0, even, y0 + o1);
                        Pool(a10, b10, b1, even, y1 + o0);
                        Pool(a11, b11, b1, even, y1 + o1);
                        Pool(a20, b20, b2, even, y2 + o0);
                        Pool(a21, b21, b2, even, y2 + o1);
                        Pool(a30, b30, b3, even, y3 + o0);
                        Pool(a31, b31, b3, even, y3 + o1);
                    }
                }
            }
        }
    }

    // Eight windows with their winners, as the tracked epilogue (PoolPlane after adding the bias)
    // computes them: over conv + bias, the taps in row-major order, a later tap wins only when it is
    // greater or is the first NaN; the value is ReLU'd (a NaN propagates) and the index is −1 unless
    // the maximum is positive.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PoolTracked(Vector512<float> upper, Vector512<float> lower, Vector512<float> bias, Vector512<int> even, Vector512<int> topLeft, int ow, float* dst, int* index)
    {
        var t0 = upper + bias;
        var t2 = lower + bias;
        var t1 = Avx512F.Permute4x32(t0, 0b10_11_00_01);
        var t3 = Avx512F.Permute4x32(t2, 0b10_11_00_01);
        var best = t0;
        var offset = Vector512<int>.Zero;
        Take(t1, Vector512.Create(1), ref best, ref offset);
        Take(t2, Vector512.Create(ow), ref best, ref offset);
        Take(t3, Vector512.Create(ow + 1), ref best, ref offset);
        var positive = Vector512.GreaterThan(best, Vector512<float>.Zero);
        var value = Vector512.ConditionalSelect(positive | Vector512.IsNaN(best), best, Vector512<float>.Zero);
        var winner = Vector512.ConditionalSelect(positive.AsInt32(), topLeft + offset, Vector512.Create(-1));
        Avx512F.PermuteVar16x32(value, even).GetLower().Store(dst);
        Avx512F.PermuteVar16x32(winner, even).GetLower().Store(index);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(Vector512<float> tap, Vector512<int> tapOffset, ref Vector512<float> best, ref Vector512<int> offset)
    {
        var take = Vector512.GreaterThan(tap, best) | (Vector512.IsNaN(tap) & ~Vector512.IsNaN(best));
        best = Vector512.ConditionalSelect(take, tap, best);
        offset = Vector512.ConditionalSelect(take.AsInt32(), tapOffset, offset);
    }

    // Eight windows: the maximum of the two rows, then of each even lane and its right neighbour
    // (Vector512.Max is the IEEE 754 maximum: a NaN propagates), + bias, ReLU, even lanes stored.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pool(Vector512<float> upper, Vector512<float> lower, Vector512<float> bias, Vector512<int> even, float* dst)
    {
        var v = Vector512.Max(upper, lower);
        var m = Vector512.Max(v, Avx512F.Permute4x32(v, 0b10_11_00_01));
        var r = Vector512.Max(m + bias, Vector512<float>.Zero);
        Avx512F.PermuteVar16x32(r, even).GetLower().Store(dst);
    }
}
