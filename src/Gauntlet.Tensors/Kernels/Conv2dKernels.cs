using System.Numerics.Tensors;

namespace Gauntlet.Tensors.Kernels;

/// <summary>
/// Convolution forward, backward-data and backward-weights as im2col + <see cref="Gemm"/> per
/// (sample, group); the forward of unit-stride, unpadded convolutions uses
/// <see cref="ImplicitConvGemm"/> instead (the same sums without the im2col matrix). Work is split across samples with <see cref="Parallelism.For"/> (the GEMMs run
/// serially inside that region, or in parallel over rows when there is one sample). Every output
/// element is produced by one thread in a fixed order, and weight-gradient partials are summed in
/// a fixed block order that depends only on the batch size, so results are identical for any
/// thread count.
/// </summary>
internal static class Conv2dKernels
{
    /// <summary>Largest number of weight-gradient partial buffers a batch is split into.</summary>
    private const int MaxWeightBlocks = 16;

    /// <summary><c>y = conv(x, w) (+ bias)</c>; <paramref name="y"/> is overwritten.</summary>
    public static void Forward(float[] x, float[] w, float[]? bias, ConvDims d, float[] y)
    {
        if (ImplicitConvGemm.Applies(d))
        {
            ForwardImplicit(x, w, bias, d, y);
            return;
        }

        Parallelism.For(d.N, d.FlopsPerSample, (start, end) =>
        {
            var col = d.IsPointwise ? Span<float>.Empty : Scratch.Get(0, d.K * d.P);
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

                    var ys = y.AsSpan((n * d.OutSample) + (g * d.CoutG * d.P), d.CoutG * d.P);
                    Gemm.Multiply(false, false, d.CoutG, d.P, d.K, 1f, w.AsSpan(g * d.CoutG * d.K, d.CoutG * d.K), d.K, b, d.P, 0f, ys, d.P);
                }

                if (bias is not null)
                {
                    for (var co = 0; co < d.Cout; co++)
                    {
                        var plane = y.AsSpan((n * d.OutSample) + (co * d.P), d.P);
                        TensorPrimitives.Add(plane, bias[co], plane);
                    }
                }
            }
        });
    }

    // Unit-stride, unpadded convolutions: the implicit GEMM per sample (no im2col matrix), its planes
    // (rows W apart) copied row by row into y, then the bias added, as in the im2col path.
    private static void ForwardImplicit(float[] x, float[] w, float[]? bias, ConvDims d, float[] y)
    {
        var stride = ImplicitConvGemm.PlaneStride(d, d.OH, d.OW);
        Parallelism.For(d.N, d.FlopsPerSample, (start, end) =>
        {
            var packed = Scratch.Get(2, ImplicitConvGemm.PackedWeightsLength(d));
            ImplicitConvGemm.PackWeights(w, d, packed);
            var panel = Scratch.Get(0, d.K * GemmBlocked.NR);
            var conv = Scratch.Get(1, d.Cout * stride);
            for (var n = start; n < end; n++)
            {
                ImplicitConvGemm.Sample(x.AsSpan(n * d.InSample, d.InSample), packed, d, d.OH, d.OW, conv, panel);
                for (var co = 0; co < d.Cout; co++)
                {
                    var plane = y.AsSpan((n * d.OutSample) + (co * d.P), d.P);
                    for (var oy = 0; oy < d.OH; oy++)
                    {
                        conv.Slice((co * stride) + (oy * d.W), d.OW).CopyTo(plane.Slice(oy * d.OW, d.OW));
                    }

                    if (bias is not null)
                    {
                        TensorPrimitives.Add(plane, bias[co], plane);
                    }
                }
            }
        });
    }

    /// <summary>
    /// Backward of <see cref="Forward"/>: <paramref name="dx"/> (overwritten, may be null) receives
    /// ∂L/∂x = col2im(Wᵀ·dy), and the returned buffer holds the weight-gradient partials
    /// <c>dy·im2col(x)ᵀ</c> of <paramref name="weightBlocks"/> contiguous sample blocks, block-major
    /// (<c>[weightBlocks, Cout, CinG, kH, kW]</c>), or null when <paramref name="weightBlocks"/> is 0.
    /// </summary>
    /// <param name="x">The forward input (needed only for weight gradients).</param>
    /// <param name="w">The weights (needed only for input gradients).</param>
    /// <param name="dy">∂L/∂y.</param>
    /// <param name="d">Sizes.</param>
    /// <param name="dx">Destination for ∂L/∂x, or null to skip it.</param>
    /// <param name="weightBlocks">0 to skip weight gradients; N for per-sample gradients; otherwise the number of partial sums.</param>
    public static float[]? Backward(float[]? x, float[]? w, float[] dy, ConvDims d, float[]? dx, int weightBlocks)
    {
        var partials = weightBlocks > 0 ? Tensor.Buffer(checked(weightBlocks * d.WeightSize)) : null;
        if (d.N == 0 || (dx is null && partials is null))
        {
            return partials;
        }

        // Work items: weight blocks when weights are wanted, otherwise single samples.
        var items = partials is null ? d.N : weightBlocks;
        var perItem = (long)d.N * d.FlopsPerSample * (dx is null || partials is null ? 1 : 2) / items;
        Parallelism.For(items, perItem, (start, end) =>
        {
            // A 1×1 unit-stride kernel reads x and writes dx directly: no column buffer.
            var col = d.IsPointwise ? Span<float>.Empty : Scratch.Get(0, d.K * d.P);
            for (var item = start; item < end; item++)
            {
                var first = (int)((long)item * d.N / items);
                var last = (int)((long)(item + 1) * d.N / items);
                var partial = partials is null ? Span<float>.Empty : partials.AsSpan(item * d.WeightSize, d.WeightSize);
                for (var n = first; n < last; n++)
                {
                    for (var g = 0; g < d.Groups; g++)
                    {
                        var dys = dy.AsSpan((n * d.OutSample) + (g * d.CoutG * d.P), d.CoutG * d.P);
                        var xOffset = (n * d.InSample) + (g * d.CinG * d.InPlane);
                        if (partials is not null)
                        {
                            ReadOnlySpan<float> xcol = d.IsPointwise ? x!.AsSpan(xOffset, d.K * d.P) : col;
                            if (!d.IsPointwise)
                            {
                                Im2Col.Pack(x!.AsSpan(xOffset, d.CinG * d.InPlane), d, col);
                            }

                            // dW_g += dy_g · colᵀ, samples of the block accumulated in order.
                            Gemm.Multiply(false, true, d.CoutG, d.K, d.P, 1f, dys, d.P, xcol, d.P, 1f, partial.Slice(g * d.CoutG * d.K, d.CoutG * d.K), d.K);
                        }

                        if (dx is not null)
                        {
                            var wg = w!.AsSpan(g * d.CoutG * d.K, d.CoutG * d.K);
                            var dxs = dx.AsSpan(xOffset, d.CinG * d.InPlane);
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
                }
            }
        });

        return partials;
    }

    /// <summary>How many weight-gradient partials a batch of <paramref name="n"/> is split into (depends only on n).</summary>
    public static int WeightBlocks(int n) => Math.Clamp(n, 1, MaxWeightBlocks);

    /// <summary>Sums <paramref name="blocks"/> consecutive partials of <paramref name="size"/> elements in block order.</summary>
    public static float[] SumPartials(float[] partials, int blocks, int size)
    {
        if (blocks == 1)
        {
            return partials;
        }

        var result = Tensor.Buffer(size);
        for (var b = 0; b < blocks; b++)
        {
            TensorPrimitives.Add(result, partials.AsSpan(b * size, size), result);
        }

        return result;
    }

    /// <summary>
    /// ∂L/∂bias: per-channel sums of <paramref name="dy"/> (<c>[N, C, P]</c>) over samples and
    /// positions, accumulated in a fixed order. With <paramref name="perSample"/> the result is
    /// <c>[N, C]</c> instead of <c>[C]</c>.
    /// </summary>
    public static float[] BiasGrad(float[] dy, int n, int c, int p, bool perSample)
    {
        var result = Tensor.Buffer(perSample ? n * c : c);
        for (var ch = 0; ch < c; ch++)
        {
            double total = 0;
            for (var s = 0; s < n; s++)
            {
                var sum = TensorPrimitives.Sum(dy.AsSpan(((s * c) + ch) * p, p));
                if (perSample)
                {
                    result[(s * c) + ch] = sum;
                }

                total += sum;
            }

            if (!perSample)
            {
                result[ch] = (float)total;
            }
        }

        return result;
    }
}
