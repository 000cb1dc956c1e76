using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Gauntlet.Tensors.Kernels;

/// <summary>
/// Packed, cache-blocked, register-tiled SGEMM (GotoBLAS/BLIS loop order). op(B) is packed into
/// KC×NR micro-panels, alpha·op(A) into MR×KC micro-panels (transposes are absorbed by packing),
/// and a register-tiled micro-kernel computes one MR×NR tile of C per call: 8×32 with Vector512
/// FMA, 6×16 with Vector256 FMA, or 4×4 scalar. Every element of C is the sum, in a fixed order, of
/// its per-KC-block partial sums, each accumulated in a fixed k order, so the result does not
/// depend on how C is split across threads. Packing buffers are thread-local and reused.
/// </summary>
internal static unsafe class GemmBlocked
{
    private const int KC = 384;
    private const int MC = 96;
    private const int NC = 2048;

    private static readonly int s_width =
        Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? 512
        : Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported ? 256
        : 0;

    [ThreadStatic]
    private static float[]? t_packA;

    [ThreadStatic]
    private static float[]? t_packB;

    /// <summary>Rows of the register tile on this machine.</summary>
    public static int MR => s_width == 512 ? 8 : s_width == 256 ? 6 : 4;

    /// <summary>Columns of the register tile on this machine.</summary>
    public static int NR => s_width == 512 ? 32 : s_width == 256 ? 16 : 4;

    /// <summary>Name of the micro-kernel in use.</summary>
    public static string KernelName => s_width == 512 ? "Vector512 8x32" : s_width == 256 ? "Vector256 6x16" : "scalar 4x4";

    /// <summary>
    /// Computes rows [i0, i1) and columns [j0, j1) of <c>C = alpha·op(A)·op(B) + beta·C</c> on the
    /// calling thread. Requires k &gt; 0.
    /// </summary>
    public static void Run(
        bool transA, bool transB, int i0, int i1, int j0, int j1, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (i1 <= i0 || j1 <= j0)
        {
            return;
        }

        int mr = MR, nr = NR;
        if (beta != 0f && beta != 1f)
        {
            for (var i = i0; i < i1; i++)
            {
                var row = c + ((long)i * ldc);
                for (var j = j0; j < j1; j++)
                {
                    row[j] *= beta;
                }
            }
        }

        var packA = t_packA ??= GC.AllocateUninitializedArray<float>((MC * KC) + 16, pinned: true);
        var packB = t_packB ??= GC.AllocateUninitializedArray<float>((KC * NC) + 16, pinned: true);
        var pa = Align64((float*)Unsafe.AsPointer(ref packA[0]));
        var pb = Align64((float*)Unsafe.AsPointer(ref packB[0]));
        var tile = stackalloc float[8 * 32];

        for (var jc = j0; jc < j1; jc += NC)
        {
            var nc = Math.Min(NC, j1 - jc);
            var kStep = KStep(k);
            for (var pc = 0; pc < k; pc += kStep)
            {
                var kc = Math.Min(kStep, k - pc);
                var overwrite = pc == 0 && beta == 0f;
                PackB(transB, b, ldb, pc, kc, jc, nc, nr, pb);
                for (var ic = i0; ic < i1; ic += MC)
                {
                    var mc = Math.Min(MC, i1 - ic);
                    PackA(transA, a, lda, ic, mc, pc, kc, alpha, mr, pa);
                    for (var jr = 0; jr < nc; jr += nr)
                    {
                        var nv = Math.Min(nr, nc - jr);
                        var bPanel = pb + ((long)jr * kc);
                        for (var ir = 0; ir < mc; ir += mr)
                        {
                            var mv = Math.Min(mr, mc - ir);
                            var aPanel = pa + ((long)ir * kc);
                            var cTile = c + ((long)(ic + ir) * ldc) + jc + jr;
                            if (mv == mr && nv == nr)
                            {
                                Kernel(kc, aPanel, bPanel, cTile, ldc, overwrite);
                            }
                            else
                            {
                                Kernel(kc, aPanel, bPanel, tile, nr, overwrite: true);
                                for (var r = 0; r < mv; r++)
                                {
                                    var dst = cTile + ((long)r * ldc);
                                    var src = tile + (r * nr);
                                    for (var q = 0; q < nv; q++)
                                    {
                                        dst[q] = overwrite ? src[q] : dst[q] + src[q];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Size of the K blocks a product of depth <paramref name="k"/> is summed in (the last may be
    /// shorter): blocks of equal size, at most KC, depending only on k, so there is no thin last block.
    /// Callers that drive <see cref="Kernel"/> themselves use the same blocks to get the same sums.
    /// </summary>
    public static int KStep(int k)
    {
        var kBlocks = (k + KC - 1) / KC;
        return (k + kBlocks - 1) / kBlocks;
    }

    private static float* Align64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);

    /// <summary>
    /// One MR×NR tile of C from an MR-row A micro-panel and an NR-column B micro-panel, both k-major:
    /// each element is the FMA chain over the kc steps from zero, then stored (<paramref name="overwrite"/>)
    /// or added to C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Kernel(int kc, float* a, float* b, float* c, int ldc, bool overwrite)
    {
        if (s_width == 512)
        {
            Kernel512(kc, a, b, c, ldc, overwrite);
        }
        else if (s_width == 256)
        {
            Kernel256(kc, a, b, c, ldc, overwrite);
        }
        else
        {
            KernelScalar(kc, a, b, c, ldc, overwrite);
        }
    }

    /// <summary>Packs alpha·op(A)[ic..ic+mc, pc..pc+kc] into MR-row micro-panels, k-major, zero-padded.</summary>
    public static void PackA(bool transA, float* a, int lda, int ic, int mc, int pc, int kc, float alpha, int mr, float* dst)
    {
        for (var ir = 0; ir < mc; ir += mr)
        {
            var mv = Math.Min(mr, mc - ir);
            var panel = dst + ((long)ir * kc);
            if (transA)
            {
                // A stored k×m: row p of storage holds column p of op(A); contiguous in i.
                for (var p = 0; p < kc; p++)
                {
                    var src = a + ((long)(pc + p) * lda) + ic + ir;
                    var d = panel + ((long)p * mr);
                    var r = 0;
                    for (; r < mv; r++)
                    {
                        d[r] = alpha * src[r];
                    }

                    for (; r < mr; r++)
                    {
                        d[r] = 0f;
                    }
                }
            }
            else
            {
                for (var r = 0; r < mv; r++)
                {
                    var src = a + ((long)(ic + ir + r) * lda) + pc;
                    var d = panel + r;
                    for (var p = 0; p < kc; p++)
                    {
                        d[(long)p * mr] = alpha * src[p];
                    }
                }

                for (var r = mv; r < mr; r++)
                {
                    for (var p = 0; p < kc; p++)
                    {
                        panel[((long)p * mr) + r] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>Packs op(B)[pc..pc+kc, jc..jc+nc] into NR-column micro-panels, k-major, zero-padded.</summary>
    private static void PackB(bool transB, float* b, int ldb, int pc, int kc, int jc, int nc, int nr, float* dst)
    {
        for (var jr = 0; jr < nc; jr += nr)
        {
            var nv = Math.Min(nr, nc - jr);
            var panel = dst + ((long)jr * kc);
            if (!transB)
            {
                for (var p = 0; p < kc; p++)
                {
                    var src = b + ((long)(pc + p) * ldb) + jc + jr;
                    var d = panel + ((long)p * nr);
                    if (nv == nr)
                    {
                        new ReadOnlySpan<float>(src, nr).CopyTo(new Span<float>(d, nr));
                    }
                    else
                    {
                        var q = 0;
                        for (; q < nv; q++)
                        {
                            d[q] = src[q];
                        }

                        for (; q < nr; q++)
                        {
                            d[q] = 0f;
                        }
                    }
                }
            }
            else
            {
                // B stored n×k: row j of storage is column j of op(B); contiguous in p.
                for (var q = 0; q < nv; q++)
                {
                    var src = b + ((long)(jc + jr + q) * ldb) + pc;
                    var d = panel + q;
                    for (var p = 0; p < kc; p++)
                    {
                        d[(long)p * nr] = src[p];
                    }
                }

                for (var q = nv; q < nr; q++)
                {
                    for (var p = 0; p < kc; p++)
                    {
                        panel[((long)p * nr) + q] = 0f;
                    }
                }
            }
        }
    }

    private static void Kernel512(int kc, float* a, float* b, float* c, int ldc, bool overwrite)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(av, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(av, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(av, b1, c71);
            a += 8;
            b += 32;
        }

        Store512(c, c00, c01, overwrite);
        Store512(c + ldc, c10, c11, overwrite);
        Store512(c + (2 * ldc), c20, c21, overwrite);
        Store512(c + (3 * ldc), c30, c31, overwrite);
        Store512(c + (4 * ldc), c40, c41, overwrite);
        Store512(c + (5 * ldc), c50, c51, overwrite);
        Store512(c + (6 * ldc), c60, c61, overwrite);
        Store512(c + (7 * ldc), c70, c71, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> v0, Vector512<float> v1, bool overwrite)
    {
        if (!overwrite)
        {
            v0 += Vector512.Load(c);
            v1 += Vector512.Load(c + 16);
        }

        v0.Store(c);
        v1.Store(c + 16);
    }

    private static void Kernel256(int kc, float* a, float* b, float* c, int ldc, bool overwrite)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
            av = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
            av = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
            av = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
            av = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
            av = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
            a += 6;
            b += 16;
        }

        Store256(c, c00, c01, overwrite);
        Store256(c + ldc, c10, c11, overwrite);
        Store256(c + (2 * ldc), c20, c21, overwrite);
        Store256(c + (3 * ldc), c30, c31, overwrite);
        Store256(c + (4 * ldc), c40, c41, overwrite);
        Store256(c + (5 * ldc), c50, c51, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> v0, Vector256<float> v1, bool overwrite)
    {
        if (!overwrite)
        {
            v0 += Vector256.Load(c);
            v1 += Vector256.Load(c + 8);
        }

        v0.Store(c);
        v1.Store(c + 8);
    }

    private static void KernelScalar(int kc, float* a, float* b, float* c, int ldc, bool overwrite)
    {
        var acc = stackalloc float[16];
        new Span<float>(acc, 16).Clear();
        for (var p = 0; p < kc; p++)
        {
            for (var r = 0; r < 4; r++)
            {
                var av = a[r];
                var row = acc + (r * 4);
                row[0] += av * b[0];
                row[1] += av * b[1];
                row[2] += av * b[2];
                row[3] += av * b[3];
            }

            a += 4;
            b += 4;
        }

        for (var r = 0; r < 4; r++)
        {
            var dst = c + ((long)r * ldc);
            for (var q = 0; q < 4; q++)
            {
                dst[q] = overwrite ? acc[(r * 4) + q] : dst[q] + acc[(r * 4) + q];
            }
        }
    }
}
