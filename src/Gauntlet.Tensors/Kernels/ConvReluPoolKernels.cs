using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        var direct = IsDirect(d);
        if (!direct && SampleBlockConvPool.Applies(d))
        {
            SampleBlockConvPool.Forward(x, w, bias, d, y, argmax);
            return;
        }

        if (!direct && ImplicitConvGemm.Applies(d))
        {
            ForwardImplicit(x, w, bias, d, y, argmax);
            return;
        }

        var fused = !Gemm.IsSmall(d.Cout, d.P, d.K);
        if (fused && DirectConvPool.Applies(d))
        {
            var perSample = d.Cout * pooled;
            Parallelism.For(d.N, d.FlopsPerSample, (start, end) =>
            {
                for (var n = start; n < end; n++)
                {
                    DirectConvPool.SingleChannel512(x.AsSpan(n * d.InSample, d.InSample), w, bias, d, y.AsSpan(n * perSample, perSample), argmax is null ? default : argmax.AsSpan(n * perSample, perSample));
                }
            });
            return;
        }

        var s = direct ? 1 : SamplesPerGemm(d, 2048, 16);
        var chunks = (d.N + s - 1) / s;
        Parallelism.For(chunks, d.FlopsPerSample * s, (start, end) =>
        {
            // Columns of s samples side by side ([K, s·P]) and their convolution outputs ([Cout, s·P]):
            // one GEMM per chunk and group instead of one per sample when P is small.
            var col = direct || (d.IsPointwise && s == 1) ? Span<float>.Empty : Scratch.Get(0, d.K * d.P * s);
            var conv = Scratch.Get(1, d.Cout * d.P * s);
            for (var chunk = start; chunk < end; chunk++)
            {
                var first = chunk * s;
                var count = Math.Min(s, d.N - first);
                var width = count * d.P;
                if (direct)
                {
                    // With AVX-512, DirectConvPool took every direct case above.
                    if (fused)
                    {
                        DirectSingleChannel<FusedStep>(x.AsSpan(first * d.InSample, d.InSample), w, d, conv);
                    }
                    else
                    {
                        DirectSingleChannel<SplitStep>(x.AsSpan(first * d.InSample, d.InSample), w, d, conv);
                    }
                }
                else
                {
                    for (var g = 0; g < d.Groups; g++)
                    {
                        ReadOnlySpan<float> b;
                        if (d.IsPointwise && count == 1)
                        {
                            b = x.AsSpan((first * d.InSample) + (g * d.CinG * d.InPlane), d.CinG * d.InPlane);
                        }
                        else
                        {
                            for (var i = 0; i < count; i++)
                            {
                                var xs = x.AsSpan(((first + i) * d.InSample) + (g * d.CinG * d.InPlane), d.CinG * d.InPlane);
                                Im2Col.Pack(xs, d, col[(i * d.P)..], width);
                            }

                            b = col[..(d.K * width)];
                        }

                        Gemm.Multiply(false, false, d.CoutG, width, d.K, 1f, w.AsSpan(g * d.CoutG * d.K, d.CoutG * d.K), d.K, b, width, 0f, conv.Slice(g * d.CoutG * width, d.CoutG * width), width);
                    }
                }

                for (var i = 0; i < count; i++)
                {
                    var n = first + i;
                    for (var co = 0; co < d.Cout; co++)
                    {
                        PoolChannel(conv.Slice((co * width) + (i * d.P), d.P), d.OW, bias, d, n, co, y, argmax);
                    }
                }
            }
        });
    }

    // Per sample: the convolution of the output rows and columns the windows read (an odd last row or
    // column is dropped) by the implicit GEMM, then pooled from planes whose rows are W apart.
    private static void ForwardImplicit(float[] x, float[] w, float[]? bias, ConvDims d, float[] y, int[]? argmax)
    {
        int ph = d.OH / 2, pw = d.OW / 2;
        var stride = ImplicitConvGemm.PlaneStride(d, 2 * ph, 2 * pw);
        Parallelism.For(d.N, d.FlopsPerSample, (start, end) =>
        {
            var packed = Scratch.Get(2, ImplicitConvGemm.PackedWeightsLength(d));
            ImplicitConvGemm.PackWeights(w, d, packed);
            var panel = Scratch.Get(0, d.K * GemmBlocked.NR);
            var conv = Scratch.Get(1, d.Cout * stride);
            for (var n = start; n < end; n++)
            {
                ImplicitConvGemm.Sample(x.AsSpan(n * d.InSample, d.InSample), packed, d, 2 * ph, 2 * pw, conv, panel);
                for (var co = 0; co < d.Cout; co++)
                {
                    PoolChannel(conv.Slice(co * stride, stride), d.W, bias, d, n, co, y, argmax);
                }
            }
        });
    }

    // Bias, ReLU and 2×2 pooling of sample n's channel co from its convolution plane (rows
    // rowStride apart) into y and, when tracked, argmax (positions numbered with rows OW apart).
    private static void PoolChannel(Span<float> plane, int rowStride, float[]? bias, in ConvDims d, int n, int co, float[] y, int[]? argmax)
    {
        int ph = d.OH / 2, pw = d.OW / 2, pooled = ph * pw;
        var outBase = ((n * d.Cout) + co) * pooled;
        var yp = y.AsSpan(outBase, pooled);
        if (argmax is null)
        {
            // Values only: max(v + b) = max(v) + b exactly (rounding is monotonic), and ReLU
            // commutes with the maximum, so the bias is added to the pooled values.
            PoolValues(plane, rowStride, ph, pw, yp, bias is null ? 0f : bias[co]);
            return;
        }

        // Winning positions are those of conv + bias, where rounding may create ties.
        if (bias is not null)
        {
            TensorPrimitives.Add(plane, bias[co], plane);
        }

        PoolPlane(plane, rowStride, d.OW, ph, pw, yp, argmax.AsSpan(outBase, pooled), co * d.P, 0f);
    }

    // One input channel, unit stride and dilation, no padding that reaches the output: the
    // convolution is computed directly (im2col and packing would dominate a K = kH·kW product).
    private static bool IsDirect(in ConvDims d) =>
        Fma.IsSupported && Vector256.IsHardwareAccelerated && d.Groups == 1 && d.Cin == 1 && d.KH * d.KW <= 16
        && d.SH == 1 && d.SW == 1 && d.DH == 1 && d.DW == 1 && d.PT == 0 && d.PL == 0
        && d.OH + d.KH - 1 <= d.H && d.OW + d.KW - 1 <= d.W && d.OW >= Vector256<float>.Count && d.Cout % 4 == 0;

    /// <summary>
    /// conv <c>[Cout, OH·OW]</c> of one single-channel sample. Each output is the multiply-add chain
    /// over the taps in row-major order starting from zero, fused or not as
    /// <typeparamref name="TStep"/> says (the blocked GEMM's FMA micro-kernels or its row path for small products), so
    /// the results are those of <see cref="Gemm.Multiply"/> on the sample's im2col matrix.
    /// </summary>
    private static unsafe void DirectSingleChannel<TStep>(ReadOnlySpan<float> x, float[] w, in ConvDims d, Span<float> conv)
        where TStep : struct, IStep
    {
        // Four output channels and two 8-wide column chunks at a time: eight independent FMA chains.
        int kh = d.KH, kw = d.KW, taps = kh * kw, oh = d.OH, ow = d.OW, width = d.W, p = d.P;
        var lanes = Vector256<float>.Count;
        var chunks = (ow + lanes - 1) / lanes;
        var starts = stackalloc int[chunks + 1];
        for (var i = 0; i < chunks; i++)
        {
            // The last chunk overlaps its predecessor rather than running past the row.
            starts[i] = Math.Min(i * lanes, ow - lanes);
        }

        starts[chunks] = starts[chunks - 1];
        var wt = stackalloc Vector256<float>[4 * 16];
        fixed (float* px = x, pc = conv, pw = w)
        {
            for (var co = 0; co < d.Cout; co += 4)
            {
                for (var t = 0; t < 4 * taps; t++)
                {
                    wt[t] = Vector256.Create(pw[(co * taps) + t]);
                }

                var o0 = pc + ((long)co * p);
                var o1 = o0 + p;
                var o2 = o1 + p;
                var o3 = o2 + p;
                for (var r = 0; r < oh; r++)
                {
                    var src = px + ((long)r * width);
                    var rowOut = (long)r * ow;
                    for (var ci = 0; ci < chunks; ci += 2)
                    {
                        int c0 = starts[ci], c1 = starts[ci + 1];
                        Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
                        Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
                        for (var i = 0; i < kh; i++)
                        {
                            var row = src + ((long)i * width);
                            for (var j = 0; j < kw; j++)
                            {
                                var t = (i * kw) + j;
                                var x0 = Avx.LoadVector256(row + c0 + j);
                                var x1 = Avx.LoadVector256(row + c1 + j);
                                var w0 = wt[t];
                                a00 = TStep.Step(w0, x0, a00);
                                a01 = TStep.Step(w0, x1, a01);
                                var w1 = wt[taps + t];
                                a10 = TStep.Step(w1, x0, a10);
                                a11 = TStep.Step(w1, x1, a11);
                                var w2 = wt[(2 * taps) + t];
                                a20 = TStep.Step(w2, x0, a20);
                                a21 = TStep.Step(w2, x1, a21);
                                var w3 = wt[(3 * taps) + t];
                                a30 = TStep.Step(w3, x0, a30);
                                a31 = TStep.Step(w3, x1, a31);
                            }
                        }

                        Avx.Store(o0 + rowOut + c0, a00);
                        Avx.Store(o0 + rowOut + c1, a01);
                        Avx.Store(o1 + rowOut + c0, a10);
                        Avx.Store(o1 + rowOut + c1, a11);
                        Avx.Store(o2 + rowOut + c0, a20);
                        Avx.Store(o2 + rowOut + c1, a21);
                        Avx.Store(o3 + rowOut + c0, a30);
                        Avx.Store(o3 + rowOut + c1, a31);
                    }
                }
            }
        }
    }

    // acc + w·x, fused as in the blocked GEMM's FMA micro-kernels or rounded twice as in its row
    // path; a type parameter so that each variant is compiled without a branch in the loop.
    private interface IStep
    {
        static abstract Vector256<float> Step(Vector256<float> w, Vector256<float> x, Vector256<float> acc);
    }

    private readonly struct FusedStep : IStep
    {
        public static Vector256<float> Step(Vector256<float> w, Vector256<float> x, Vector256<float> acc) => Fma.MultiplyAdd(w, x, acc);
    }

    private readonly struct SplitStep : IStep
    {
        public static Vector256<float> Step(Vector256<float> w, Vector256<float> x, Vector256<float> acc) => Avx.Add(Avx.Multiply(x, w), acc);
    }

    /// <summary>
    /// Samples per GEMM: enough that the GEMM has about <paramref name="columns"/> columns (1 to
    /// <paramref name="max"/> samples). The forward pass takes about 2,048 and up to 16 (measured on
    /// cnn-small's second convolution, 64×288 weights: 16 samples of 121 positions beat 4), the
    /// backward pass about 512 and up to 8.
    /// </summary>
    private static int SamplesPerGemm(in ConvDims d, int columns, int max) => Math.Clamp(columns / Math.Max(d.P, 1), 1, max);

    // Values only (no winning positions): ReLU(max of each 2×2 window + bias). Vector256.Max is the
    // IEEE 754 maximum (a NaN propagates, −0 < +0), so no NaN pre-check is needed; which of equal
    // taps wins does not matter for the value. Four windows per step, the last step overlapping its
    // predecessor when pw is not a multiple of four.
    private static unsafe void PoolValues(Span<float> plane, int ow, int ph, int pw, Span<float> y, float bias)
    {
        if (!Avx2.IsSupported || pw < 4)
        {
            PoolPlane(plane, ow, ow, ph, pw, y, default, 0, bias);
            return;
        }

        var compact = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        var biasV = Vector256.Create(bias);
        fixed (float* pp = plane, py = y)
        {
            for (var i = 0; i < ph; i++)
            {
                var top = pp + (2 * i * ow);
                var outRow = py + (i * pw);
                for (var j = 0; ; j += 4)
                {
                    if (j > pw - 4)
                    {
                        j = pw - 4;
                    }

                    var v = Vector256.Max(Vector256.Load(top + (2 * j)), Vector256.Load(top + ow + (2 * j)));
                    var m = Vector256.Max(v, Avx.Permute(v, 0b10_11_00_01));
                    var r = Vector256.Max(m + biasV, Vector256<float>.Zero);
                    Sse.Store(outRow + j, Avx2.PermuteVar8x32(r, compact).GetLower());
                    if (j == pw - 4)
                    {
                        break;
                    }
                }
            }
        }
    }

    // 2×2 stride-2 max pooling of one convolution-output plane (rows `stride` apart) followed by
    // ReLU; winning positions are numbered as in a plane with rows `indexRow` apart. Windows without a
    // NaN take a branch-free AVX2 path (four windows per step); planes with a NaN take the exact
    // scalar path (first maximum wins, a NaN propagates).
    private static unsafe void PoolPlane(Span<float> plane, int stride, int indexRow, int ph, int pw, Span<float> y, Span<int> argmax, int indexBase, float bias)
    {
        var ow = stride;
        var track = !argmax.IsEmpty;
        var vector = Avx2.IsSupported && pw >= 4 && !float.IsNaN(bias) && !float.IsNaN(TensorPrimitives.Sum(plane));
        fixed (float* pp = plane, py = y)
        fixed (int* pa = argmax)
        {
            for (var i = 0; i < ph; i++)
            {
                var top = 2 * i * ow;
                var j = 0;
                if (vector)
                {
                    var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
                    var compact = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
                    var one = Vector256.Create(1);
                    var below = Vector256.Create(indexRow);
                    var biasV = Vector256.Create(bias);
                    for (; j + 4 <= pw; j += 4)
                    {
                        // Even lanes hold a window's left taps; Permute swaps neighbours so they also see the right taps.
                        var r0 = Avx.LoadVector256(pp + top + (2 * j));
                        var r1 = Avx.LoadVector256(pp + top + ow + (2 * j));
                        var s0 = Avx.Permute(r0, 0b10_11_00_01);
                        var s1 = Avx.Permute(r1, 0b10_11_00_01);
                        var right0 = Avx.CompareGreaterThan(s0, r0);
                        var right1 = Avx.CompareGreaterThan(s1, r1);
                        var m0 = Avx.BlendVariable(r0, s0, right0);
                        var m1 = Avx.BlendVariable(r1, s1, right1);
                        var lower = Avx.CompareGreaterThan(m1, m0);
                        var m = Avx.BlendVariable(m0, m1, lower);
                        var relu = Avx.Max(Avx.Add(m, biasV), Vector256<float>.Zero);
                        Sse.Store(py + (i * pw) + j, Avx2.PermuteVar8x32(relu, compact).GetLower());
                        if (track)
                        {
                            var off0 = right0.AsInt32() & one;
                            var off1 = (right1.AsInt32() & one) + below;
                            var index = Vector256.Create(indexBase + (2 * i * indexRow) + (2 * j)) + lanes + Avx2.BlendVariable(off0, off1, lower.AsInt32());
                            var positive = Avx.CompareGreaterThan(m, Vector256<float>.Zero).AsInt32();
                            index = Avx2.BlendVariable(Vector256.Create(-1), index, positive);
                            Sse2.Store(pa + (i * pw) + j, Avx2.PermuteVar8x32(index, compact).GetLower());
                        }
                    }
                }

                for (; j < pw; j++)
                {
                    // Window taps in row-major order; the first maximum wins, a NaN propagates.
                    var at = top + (2 * j);
                    var best = pp[at];
                    Take(pp, at + 1, ref best, ref at);
                    Take(pp, top + ow + (2 * j), ref best, ref at);
                    Take(pp, top + ow + (2 * j) + 1, ref best, ref at);
                    best += bias;
                    var positive = best > 0f;
                    py[(i * pw) + j] = positive || float.IsNaN(best) ? best : 0f;
                    if (track)
                    {
                        var below = at >= top + ow ? 1 : 0;
                        var right = at - top - (below * ow) - (2 * j);
                        pa[(i * pw) + j] = positive ? indexBase + (((2 * i) + below) * indexRow) + (2 * j) + right : -1;
                    }
                }
            }
        }
    }

    /// <summary>
    /// ∂L/∂x from ∂L/∂y through the pooling, ReLU and convolution, one sample at a time;
    /// <paramref name="dx"/> is overwritten.
    /// </summary>
    public static void BackwardData(float[] w, float[] gy, int[] argmax, ConvDims d, float[] dx)
    {
        var pooled = d.OH / 2 * (d.OW / 2);
        var s = SamplesPerGemm(d, 512, 8);
        var chunks = (d.N + s - 1) / s;
        Parallelism.For(chunks, d.FlopsPerSample * s, (start, end) =>
        {
            var col = Scratch.Get(0, d.K * d.P * s);
            var dy = Scratch.Get(1, d.Cout * d.P * s);
            for (var chunk = start; chunk < end; chunk++)
            {
                var first = chunk * s;
                var count = Math.Min(s, d.N - first);
                var width = count * d.P;

                // ∂L/∂(conv output) of the chunk as [Cout, count·P], then one GEMM per group.
                dy[..(d.Cout * width)].Clear();
                for (var i = 0; i < count; i++)
                {
                    var perSample = d.Cout * pooled;
                    var gs = gy.AsSpan((first + i) * perSample, perSample);
                    var idx = argmax.AsSpan((first + i) * perSample, perSample);
                    for (var q = 0; q < gs.Length; q++)
                    {
                        var at = idx[q];
                        if (at >= 0)
                        {
                            // at = co·P + position within the plane.
                            var co = at / d.P;
                            dy[(co * width) + (i * d.P) + (at - (co * d.P))] += gs[q];
                        }
                    }
                }

                for (var g = 0; g < d.Groups; g++)
                {
                    var dys = dy.Slice(g * d.CoutG * width, d.CoutG * width);
                    var wg = w.AsSpan(g * d.CoutG * d.K, d.CoutG * d.K);
                    Gemm.Multiply(true, false, d.K, width, d.CoutG, 1f, wg, d.K, dys, width, 0f, col, width);
                    for (var i = 0; i < count; i++)
                    {
                        var dxs = dx.AsSpan(((first + i) * d.InSample) + (g * d.CinG * d.InPlane), d.CinG * d.InPlane);
                        dxs.Clear();
                        Im2Col.Unpack(col[(i * d.P)..], d, dxs, width);
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

    private static unsafe void Take(float* plane, int index, ref float best, ref int at)
    {
        var v = plane[index];
        if (v > best || (float.IsNaN(v) && !float.IsNaN(best)))
        {
            best = v;
            at = index;
        }
    }
}
