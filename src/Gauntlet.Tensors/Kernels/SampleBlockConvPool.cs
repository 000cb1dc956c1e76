using System.Runtime.Intrinsics;

namespace Gauntlet.Tensors.Kernels;

/// <summary>
/// Convolution + bias + ReLU + 2×2 stride-2 max pooling for a batch, values only or with each
/// window's winner (for the backward pass): the GEMM's NR columns are NR samples at one output
/// position instead of NR positions of one sample. The input of NR samples is first transposed so
/// the samples are innermost (<c>[Cin, H, W, NR]</c>); every row of a B micro-panel is then one
/// contiguous copy, and only the positions the pooling windows read are computed (cnn-small's
/// second convolution: 100 of 121, where the per-sample implicit GEMM computes 128 columns). The
/// four positions of a window are computed into four tiles and pooled from there. Each
/// convolution output is the blocked GEMM's sum (same micro-kernel, K blocks and order) and the
/// pooling is that of the value-only or tracked epilogue, so results equal convolution, ReLU and
/// pooling in turn bit for bit.
/// </summary>
internal static unsafe class SampleBlockConvPool
{
    /// <summary>Largest transposed input block (floats per thread) this path takes on.</summary>
    private const int MaxBlockFloats = 1 << 18;

    /// <summary>
    /// One group, no padding, every tap inside the input, a per-sample product the blocked GEMM
    /// would run, a transposed block of at most 1 MB, and at least two blocks of NR samples (so the
    /// zero samples of a partial last block cost little).
    /// </summary>
    public static bool Applies(in ConvDims d) =>
        d.Groups == 1 && d.PT == 0 && d.PL == 0 && !d.IsPointwise && d.OH >= 2 && d.OW >= 2
        && ((d.OH - 1) * d.SH) + ((d.KH - 1) * d.DH) < d.H && ((d.OW - 1) * d.SW) + ((d.KW - 1) * d.DW) < d.W
        && !Gemm.IsSmall(d.Cout, d.P, d.K)
        && (long)d.InSample * GemmBlocked.NR <= MaxBlockFloats && d.N >= 2 * GemmBlocked.NR;

    /// <summary>
    /// <paramref name="y"/> <c>[N, Cout, OH/2, OW/2]</c> (overwritten) and, when given,
    /// <paramref name="argmax"/> (same size): each window's first maximum of conv + bias as an index
    /// into the sample's convolution output <c>[Cout, OH·OW]</c>, or −1 where that maximum is not
    /// positive, as the tracked epilogue gives it.
    /// </summary>
    public static void Forward(float[] x, float[] w, float[]? bias, ConvDims d, float[] y, int[]? argmax)
    {
        var nr = GemmBlocked.NR;
        var blocks = (d.N + nr - 1) / nr;
        Parallelism.For(blocks, d.FlopsPerSample * nr, (start, end) =>
        {
            var packed = Scratch.Get(2, ImplicitConvGemm.PackedWeightsLength(d));
            ImplicitConvGemm.PackWeights(w, d, packed);
            var rows = ImplicitConvGemm.RowsPadded(d);
            var xt = Scratch.Get(0, d.InSample * nr);
            var panel = Scratch.Get(3, d.K * nr);
            var tiles = Scratch.Get(1, 4 * rows * nr);
            for (var block = start; block < end; block++)
            {
                var first = block * nr;
                var count = Math.Min(nr, d.N - first);
                Transpose(x.AsSpan(first * d.InSample, count * d.InSample), d.InSample, count, nr, xt);
                Block(xt, packed, rows, bias, d, tiles, panel, y, argmax, first, count);
            }
        });
    }

    // xt[e·nr + s] = sample s's element e; samples past count are zero. Elements go in runs of 64 so
    // the destination lines a run writes (64 × nr floats) stay in L1 while every sample visits them.
    private static void Transpose(ReadOnlySpan<float> x, int inSample, int count, int nr, Span<float> xt)
    {
        const int run = 64;
        if (count < nr)
        {
            xt.Clear();
        }

        fixed (float* px = x, pt = xt)
        {
            for (var e0 = 0; e0 < inSample; e0 += run)
            {
                var e1 = Math.Min(inSample, e0 + run);
                for (var s = 0; s < count; s++)
                {
                    var src = px + ((long)s * inSample);
                    var dst = pt + s;
                    for (var e = e0; e < e1; e++)
                    {
                        dst[(long)e * nr] = src[e];
                    }
                }
            }
        }
    }

    private static void Block(Span<float> xt, Span<float> packed, int rows, float[]? bias, in ConvDims d, Span<float> tiles, Span<float> panel, float[] y, int[]? argmax, int first, int count)
    {
        int k = d.K, mr = GemmBlocked.MR, nr = GemmBlocked.NR, kStep = GemmBlocked.KStep(k);
        int ph = d.OH / 2, pw = d.OW / 2, pooled = ph * pw, perSample = d.Cout * pooled;
        var pooledTile = stackalloc float[32];
        var indexTile = stackalloc int[32];
        fixed (float* pt = xt, pa = packed, ptiles = tiles, pb = panel, py = y)
        fixed (int* pi = argmax)
        {
            for (var i = 0; i < ph; i++)
            {
                for (var j = 0; j < pw; j++)
                {
                    // The window's taps in row-major order, one tile [rows, nr] each.
                    for (var tap = 0; tap < 4; tap++)
                    {
                        PackPanel(pt, d, (2 * i) + (tap >> 1), (2 * j) + (tap & 1), nr, pb);
                        var tile = ptiles + ((long)tap * rows * nr);
                        for (var ir = 0; ir < rows; ir += mr)
                        {
                            for (var pc = 0; pc < k; pc += kStep)
                            {
                                var kc = Math.Min(kStep, k - pc);
                                GemmBlocked.Kernel(kc, pa + ((long)rows * pc) + ((long)ir * kc), pb + ((long)pc * nr), tile + ((long)ir * nr), nr, overwrite: pc == 0);
                            }
                        }
                    }

                    var window = ((long)first * perSample) + (i * pw) + j;
                    if (pi is null)
                    {
                        Pool(ptiles, rows, nr, bias, d.Cout, py + window, pooled, perSample, count, pooledTile);
                    }
                    else
                    {
                        PoolTracked(ptiles, rows, nr, bias, d, (2 * i * d.OW) + (2 * j), py + window, pi + window, count, pooledTile, indexTile);
                    }
                }
            }
        }
    }

    // ReLU(max of the window's four tiles + bias) for every channel and sample, written to
    // y[sample, channel, window]. Vector256.Max and Math.Max are the IEEE 754 maximum (a NaN
    // propagates, −0 < +0), as in the value-only epilogue, and associative, so the order of the taps
    // does not matter.
    private static void Pool(float* tiles, int rows, int nr, float[]? bias, int cout, float* dst, int pooled, int perSample, int count, float* pooledTile)
    {
        var tileSize = (long)rows * nr;
        for (var co = 0; co < cout; co++)
        {
            var t0 = tiles + ((long)co * nr);
            var b = bias is null ? 0f : bias[co];
            var s = 0;
            if (Vector256.IsHardwareAccelerated && nr % Vector256<float>.Count == 0)
            {
                var bv = Vector256.Create(b);
                for (; s < nr; s += Vector256<float>.Count)
                {
                    var m = Vector256.Max(
                        Vector256.Max(Vector256.Load(t0 + s), Vector256.Load(t0 + tileSize + s)),
                        Vector256.Max(Vector256.Load(t0 + (2 * tileSize) + s), Vector256.Load(t0 + (3 * tileSize) + s)));
                    Vector256.Max(m + bv, Vector256<float>.Zero).Store(pooledTile + s);
                }
            }
            else
            {
                for (; s < nr; s++)
                {
                    var m = Math.Max(Math.Max(t0[s], t0[tileSize + s]), Math.Max(t0[(2 * tileSize) + s], t0[(3 * tileSize) + s]));
                    pooledTile[s] = Math.Max(m + b, 0f);
                }
            }

            var channel = dst + ((long)co * pooled);
            for (s = 0; s < count; s++)
            {
                channel[(long)s * perSample] = pooledTile[s];
            }
        }
    }

    // As Pool, with winners, as the tracked epilogue (PoolPlane after adding the bias) computes them:
    // over conv + bias, the taps in row-major order, a later tap wins only when it is greater or is the
    // first NaN; the value is ReLU'd (a NaN propagates) and the index, co·P + the tap's position, is −1
    // unless the maximum is positive.
    private static void PoolTracked(float* tiles, int rows, int nr, float[]? bias, in ConvDims d, int topLeft, float* dst, int* index, int count, float* pooledTile, int* indexTile)
    {
        int pooled = d.OH / 2 * (d.OW / 2), perSample = d.Cout * pooled, ow = d.OW;
        var tileSize = (long)rows * nr;
        for (var co = 0; co < d.Cout; co++)
        {
            var t0 = tiles + ((long)co * nr);
            var b = bias is null ? 0f : bias[co];
            var at = (co * d.P) + topLeft;
            var s = 0;
            if (Vector256.IsHardwareAccelerated && nr % Vector256<float>.Count == 0)
            {
                var bv = Vector256.Create(b);
                for (; s < nr; s += Vector256<float>.Count)
                {
                    var best = Vector256.Load(t0 + s) + bv;
                    var offset = Vector256<int>.Zero;
                    Take(Vector256.Load(t0 + tileSize + s) + bv, 1, ref best, ref offset);
                    Take(Vector256.Load(t0 + (2 * tileSize) + s) + bv, ow, ref best, ref offset);
                    Take(Vector256.Load(t0 + (3 * tileSize) + s) + bv, ow + 1, ref best, ref offset);
                    var positive = Vector256.GreaterThan(best, Vector256<float>.Zero);
                    Vector256.ConditionalSelect(positive | Vector256.IsNaN(best), best, Vector256<float>.Zero).Store(pooledTile + s);
                    Vector256.ConditionalSelect(positive.AsInt32(), Vector256.Create(at) + offset, Vector256.Create(-1)).Store(indexTile + s);
                }
            }
            else
            {
                for (; s < nr; s++)
                {
                    var best = t0[s] + b;
                    var offset = 0;
                    TakeScalar(t0[tileSize + s] + b, 1, ref best, ref offset);
                    TakeScalar(t0[(2 * tileSize) + s] + b, ow, ref best, ref offset);
                    TakeScalar(t0[(3 * tileSize) + s] + b, ow + 1, ref best, ref offset);
                    var positive = best > 0f;
                    pooledTile[s] = positive || float.IsNaN(best) ? best : 0f;
                    indexTile[s] = positive ? at + offset : -1;
                }
            }

            var channel = (long)co * pooled;
            for (s = 0; s < count; s++)
            {
                dst[channel + ((long)s * perSample)] = pooledTile[s];
                index[channel + ((long)s * perSample)] = indexTile[s];
            }
        }
    }

    private static void Take(Vector256<float> tap, int tapOffset, ref Vector256<float> best, ref Vector256<int> offset)
    {
        var take = Vector256.GreaterThan(tap, best) | (Vector256.IsNaN(tap) & ~Vector256.IsNaN(best));
        best = Vector256.ConditionalSelect(take, tap, best);
        offset = Vector256.ConditionalSelect(take.AsInt32(), Vector256.Create(tapOffset), offset);
    }

    private static void TakeScalar(float tap, int tapOffset, ref float best, ref int offset)
    {
        if (tap > best || (float.IsNaN(tap) && !float.IsNaN(best)))
        {
            best = tap;
            offset = tapOffset;
        }
    }

    // B micro-panel [K, nr] for output position (oy, ox): row (c, kh, kw) is the nr samples' input
    // element (c, oy·sH + kh·dH, ox·sW + kw·dW), contiguous in xt.
    private static void PackPanel(float* xt, in ConvDims d, int oy, int ox, int nr, float* dst)
    {
        for (var c = 0; c < d.Cin; c++)
        {
            for (var kh = 0; kh < d.KH; kh++)
            {
                var rowStart = (((c * d.H) + (oy * d.SH) + (kh * d.DH)) * d.W) + (ox * d.SW);
                for (var kw = 0; kw < d.KW; kw++, dst += nr)
                {
                    ImplicitConvGemm.CopyPanelRow(xt + ((long)(rowStart + (kw * d.DW)) * nr), dst, nr);
                }
            }
        }
    }
}
