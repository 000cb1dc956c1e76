using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Gauntlet.Tensors.Kernels;

/// <summary>
/// A unit-stride, unpadded convolution of one sample as a GEMM that never builds the im2col
/// matrix. Numbering output positions <c>t = oy·W + ox</c> (the input's row length, not the
/// output's), the im2col row of tap <c>(c, kh, kw)</c> is the input itself from offset
/// <c>c·H·W + kh·dH·W + kw·dW</c> on, contiguous in t. Each NR-column micro-panel of B is then K
/// straight copies of NR floats, small enough to stay in L1 while every row panel of the weights
/// passes over it; the columns with <c>ox ≥ OW</c> (which wrap into the next input row) are
/// computed and ignored, so an output plane has rows W apart. Every element is the blocked GEMM's
/// sum (the same micro-kernel, K blocks and summation order as <see cref="Gemm.Multiply"/>), so
/// results equal im2col + GEMM bit for bit.
/// </summary>
internal static unsafe class ImplicitConvGemm
{
    /// <summary>
    /// Unit stride, no padding, every tap inside the input, a per-sample product that
    /// <see cref="Gemm.Multiply"/> would run on its blocked kernels, and more than one sample unless
    /// one thread runs: threads split this path by sample, while a single sample's im2col GEMM
    /// splits its rows across threads.
    /// </summary>
    public static bool Applies(in ConvDims d) =>
        (d.N > 1 || Parallelism.ThreadCount == 1) && d.SH == 1 && d.SW == 1 && d.PT == 0 && d.PL == 0 && !d.IsPointwise
        && d.OH - 1 + ((d.KH - 1) * d.DH) < d.H && d.OW - 1 + ((d.KW - 1) * d.DW) < d.W
        && !Gemm.IsSmall(d.CoutG, d.P, d.K);

    /// <summary>Elements of the packed weights of all groups.</summary>
    public static int PackedWeightsLength(in ConvDims d) => d.Groups * RowsPadded(d) * d.K;

    /// <summary>
    /// Elements between output channels in <see cref="Sample"/>'s result for output rows
    /// [0, <paramref name="rows"/>) and columns [0, <paramref name="cols"/>): whole micro-panels.
    /// </summary>
    public static int PlaneStride(in ConvDims d, int rows, int cols)
    {
        var nr = GemmBlocked.NR;
        return (Columns(d, rows, cols) + nr - 1) / nr * nr;
    }

    /// <summary>
    /// Packs the weights <c>[Cout, K]</c> of every group into the micro-kernel's A layout: per group,
    /// per K block (<see cref="GemmBlocked.KStep"/>), MR-row panels, k-major, zero-padded rows.
    /// </summary>
    public static void PackWeights(ReadOnlySpan<float> w, in ConvDims d, Span<float> packed)
    {
        int k = d.K, mr = GemmBlocked.MR, rows = RowsPadded(d), kStep = GemmBlocked.KStep(k);
        fixed (float* pw = w, pp = packed)
        {
            for (var g = 0; g < d.Groups; g++)
            {
                var wg = pw + ((long)g * d.CoutG * k);
                var dst = pp + ((long)g * rows * k);
                for (var pc = 0; pc < k; pc += kStep)
                {
                    var kc = Math.Min(kStep, k - pc);
                    GemmBlocked.PackA(false, wg, k, 0, d.CoutG, pc, kc, 1f, mr, dst + ((long)rows * pc));
                }
            }
        }
    }

    /// <summary>
    /// The convolution (no bias) of one sample <paramref name="x"/> (<c>[Cin, H, W]</c>) for output
    /// rows [0, <paramref name="rows"/>) and columns [0, <paramref name="cols"/>):
    /// <c>conv[co·stride + oy·W + ox]</c>, stride = <see cref="PlaneStride"/>; other elements of
    /// each plane are overwritten with values of no meaning. <paramref name="panel"/> is scratch of
    /// at least K·NR elements.
    /// </summary>
    public static void Sample(ReadOnlySpan<float> x, ReadOnlySpan<float> packed, in ConvDims d, int rows, int cols, Span<float> conv, Span<float> panel)
    {
        int k = d.K, mr = GemmBlocked.MR, nr = GemmBlocked.NR, kStep = GemmBlocked.KStep(k);
        int rowsPadded = RowsPadded(d), stride = PlaneStride(d, rows, cols), groupIn = d.CinG * d.InPlane;
        var tile = stackalloc float[8 * 32];
        fixed (float* px = x, pp = packed, pc0 = conv, pb = panel)
        {
            for (var g = 0; g < d.Groups; g++)
            {
                var xg = px + ((long)g * groupIn);
                var ag = pp + ((long)g * rowsPadded * k);
                var cg = pc0 + ((long)g * d.CoutG * stride);
                for (var t0 = 0; t0 < stride; t0 += nr)
                {
                    PackPanel(xg, groupIn, d, t0, nr, pb);
                    for (var ir = 0; ir < d.CoutG; ir += mr)
                    {
                        var mv = Math.Min(mr, d.CoutG - ir);
                        var full = mv == mr;
                        var c = full ? cg + ((long)ir * stride) + t0 : tile;
                        var ldc = full ? stride : nr;
                        for (var pc = 0; pc < k; pc += kStep)
                        {
                            var kc = Math.Min(kStep, k - pc);
                            GemmBlocked.Kernel(kc, ag + ((long)rowsPadded * pc) + ((long)ir * kc), pb + ((long)pc * nr), c, ldc, overwrite: pc == 0);
                        }

                        if (!full)
                        {
                            for (var r = 0; r < mv; r++)
                            {
                                new ReadOnlySpan<float>(tile + (r * nr), nr).CopyTo(new Span<float>(cg + ((long)(ir + r) * stride) + t0, nr));
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Output channels per group rounded up to whole register tiles: the rows of each group's packed weights.</summary>
    public static int RowsPadded(in ConvDims d)
    {
        var mr = GemmBlocked.MR;
        return (d.CoutG + mr - 1) / mr * mr;
    }

    private static int Columns(in ConvDims d, int rows, int cols) => ((rows - 1) * d.W) + cols;

    // B micro-panel [K, NR] for columns [t0, t0 + NR): row (c, kh, kw) is the input from
    // c·H·W + kh·dH·W + kw·dW + t0 on. Reads stop at the group's last input element; columns past it
    // are zero (they lie beyond every wanted output).
    private static void PackPanel(float* x, int length, in ConvDims d, int t0, int nr, float* dst)
    {
        for (var c = 0; c < d.CinG; c++)
        {
            for (var kh = 0; kh < d.KH; kh++)
            {
                var rowStart = (c * d.InPlane) + (kh * d.DH * d.W) + t0;
                for (var kw = 0; kw < d.KW; kw++, dst += nr)
                {
                    var start = rowStart + (kw * d.DW);
                    var src = x + start;
                    var available = length - start;
                    if (available >= nr)
                    {
                        CopyPanelRow(src, dst, nr);
                    }
                    else
                    {
                        var q = 0;
                        for (; q < available; q++)
                        {
                            dst[q] = src[q];
                        }

                        for (; q < nr; q++)
                        {
                            dst[q] = 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Copies one row of a B micro-panel (<paramref name="nr"/> floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CopyPanelRow(float* src, float* dst, int nr)
    {
        if (nr == 32 && Vector512.IsHardwareAccelerated)
        {
            Vector512.Store(Vector512.Load(src), dst);
            Vector512.Store(Vector512.Load(src + 16), dst + 16);
        }
        else if (nr == 16 && Vector256.IsHardwareAccelerated)
        {
            Vector256.Store(Vector256.Load(src), dst);
            Vector256.Store(Vector256.Load(src + 8), dst + 8);
        }
        else
        {
            for (var q = 0; q < nr; q++)
            {
                dst[q] = src[q];
            }
        }
    }
}
