using System.Numerics.Tensors;

namespace Gauntlet.Tensors.Kernels;

/// <summary>
/// Single-precision general matrix multiply, <c>C = alpha · op(A) · op(B) + beta · C</c>, row-major,
/// where <c>op(X)</c> is <c>X</c> or <c>Xᵀ</c>. This is the narrow interface every matmul, linear and
/// convolution goes through, so a faster implementation can replace the body without touching
/// callers. <see cref="Reference"/> is the scalar oracle tests compare against.
/// </summary>
public static class Gemm
{
    /// <summary>Below this m·n·k the unpacked row kernel is used.</summary>
    private const long SmallFlops = 16 * 16 * 64;

    /// <summary>Computes <c>C = alpha · op(A) · op(B) + beta · C</c>.</summary>
    /// <param name="transA">Use Aᵀ: A is stored k×m instead of m×k.</param>
    /// <param name="transB">Use Bᵀ: B is stored n×k instead of k×n.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A's storage.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">B's storage.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="beta">Scale of the existing C (0 ignores C's contents, even NaN).</param>
    /// <param name="c">C's storage.</param>
    /// <param name="ldc">Row stride of C.</param>
    public static void Multiply(
        bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        unsafe
        {
            fixed (float* pa = a, pb = b, pc = c)
            {
                var ap = (IntPtr)pa;
                var bp = (IntPtr)pb;
                var cp = (IntPtr)pc;
                int aLen = a.Length, bLen = b.Length, cLen = c.Length;
                if (k == 0 || IsSmall(m, n, k))
                {
                    // Small products: packing does not pay. Each row of C is computed by one thread in a fixed order.
                    Parallelism.For(m, (long)n * k, (start, end) =>
                    {
                        var sa = new ReadOnlySpan<float>((void*)ap, aLen);
                        var sb = new ReadOnlySpan<float>((void*)bp, bLen);
                        var sc = new Span<float>((void*)cp, cLen);
                        Rows(transA, transB, start, end, n, k, alpha, sa, lda, sb, ldb, beta, sc, ldc);
                    });
                    return;
                }

                // Split C into one block of rows (or columns, when C is wide) per thread. Each element's
                // summation order is independent of the split, so any thread count gives identical results.
                var byRows = m >= n;
                var unit = byRows ? GemmBlocked.MR : GemmBlocked.NR;
                var extent = byRows ? m : n;
                var units = (extent + unit - 1) / unit;
                var chunks = Math.Max(1, Math.Min(Parallelism.ThreadCount, units));
                var flopsPerChunk = 2L * m * n * k / chunks;
                Parallelism.For(chunks, flopsPerChunk, (start, end) =>
                {
                    var from = Math.Min(extent, (int)((long)start * units / chunks) * unit);
                    var to = Math.Min(extent, (int)((long)end * units / chunks) * unit);
                    var (i0, i1, j0, j1) = byRows ? (from, to, 0, n) : (0, m, from, to);
                    GemmBlocked.Run(transA, transB, i0, i1, j0, j1, k, alpha, (float*)ap, lda, (float*)bp, ldb, beta, (float*)cp, ldc);
                });
            }
        }
    }

    /// <summary>Name of the micro-kernel the blocked path uses on this machine (for benchmark reports).</summary>
    public static string KernelName => GemmBlocked.KernelName;

    /// <summary>Whether <see cref="Multiply"/> takes the unpacked row path (separate multiply and add) for this size.</summary>
    internal static bool IsSmall(int m, int n, int k) => (long)m * n * k < SmallFlops || n < 4 || m < 2;

    /// <summary>The scalar reference implementation, accumulating in double: the test oracle.</summary>
    public static void Reference(
        bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var p = 0; p < k; p++)
                {
                    var av = transA ? a[(p * lda) + i] : a[(i * lda) + p];
                    var bv = transB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                    sum += (double)av * bv;
                }

                var prior = beta == 0f ? 0f : beta * c[(i * ldc) + j];
                c[(i * ldc) + j] = (float)((alpha * sum) + prior);
            }
        }
    }

    private static void Rows(
        bool transA, bool transB, int start, int end, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        Span<float> rowA = k <= 4096 ? stackalloc float[k] : new float[k];
        for (var i = start; i < end; i++)
        {
            var cRow = c.Slice(i * ldc, n);
            if (beta == 0f)
            {
                cRow.Clear();
            }
            else if (beta != 1f)
            {
                TensorPrimitives.Multiply(cRow, beta, cRow);
            }

            if (transA)
            {
                for (var p = 0; p < k; p++)
                {
                    rowA[p] = a[(p * lda) + i];
                }
            }
            else
            {
                a.Slice(i * lda, k).CopyTo(rowA);
            }

            if (transB)
            {
                for (var j = 0; j < n; j++)
                {
                    cRow[j] += alpha * TensorPrimitives.Dot(rowA, b.Slice(j * ldb, k));
                }
            }
            else
            {
                // No skipping of zero entries of A: 0·Inf and 0·NaN in B must reach C, as in the reference.
                for (var p = 0; p < k; p++)
                {
                    TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), alpha * rowA[p], cRow, cRow);
                }
            }
        }
    }

    private static void Validate(bool transA, bool transB, int m, int n, int k, int aLen, int lda, int bLen, int ldb, int cLen, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentException($"Gemm: dimensions m={m}, n={n}, k={k} must be non-negative.");
        }

        var (aRows, aCols) = transA ? (k, m) : (m, k);
        var (bRows, bCols) = transB ? (n, k) : (k, n);
        if (lda < aCols || ldb < bCols || ldc < n)
        {
            throw new ArgumentException($"Gemm: leading dimensions lda={lda}, ldb={ldb}, ldc={ldc} are smaller than the row lengths {aCols}, {bCols}, {n}.");
        }

        if ((aRows > 0 && aLen < ((aRows - 1) * lda) + aCols) || (bRows > 0 && bLen < ((bRows - 1) * ldb) + bCols) || (m > 0 && cLen < ((m - 1) * ldc) + n))
        {
            throw new ArgumentException($"Gemm: buffers too small for m={m}, n={n}, k={k} (A {aLen}, B {bLen}, C {cLen} elements).");
        }
    }
}
