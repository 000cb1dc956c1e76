namespace Gauntlet.Tensors.Kernels;

/// <summary>
/// Direct scalar convolutions accumulating in double: the test oracle for the im2col + GEMM path
/// of <see cref="Ops.Conv2d"/> and <see cref="Ops.ConvTranspose2d"/>. Slow by design; not recorded
/// for autodiff. Shapes are validated exactly as the fast ops validate them.
/// </summary>
public static class ConvReference
{
    /// <summary>
    /// <c>y[n, co, i, j] = bias[co] + Σ_{c, p, q} w[co, c, p, q] · x[n, g·Cg + c, i·sH − padTop + p·dH, j·sW − padLeft + q·dW]</c>
    /// by seven nested loops.
    /// </summary>
    /// <exception cref="TensorShapeException">The shapes are invalid (see <see cref="Ops.Conv2d"/>).</exception>
    /// <exception cref="ArgumentException">The geometry is invalid (see <see cref="Ops.Conv2d"/>).</exception>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, Conv2dGeometry geometry)
    {
        var d = Ops.Conv2dDims("Conv2d", x.Shape, weight.Shape, bias?.Shape, geometry);
        var y = Tensor.Zeros(d.N, d.Cout, d.OH, d.OW);
        var xs = x.ReadOnlySpan;
        var ws = weight.ReadOnlySpan;
        var ys = y.Span;
        for (var n = 0; n < d.N; n++)
        {
            for (var co = 0; co < d.Cout; co++)
            {
                var g = co / d.CoutG;
                for (var i = 0; i < d.OH; i++)
                {
                    for (var j = 0; j < d.OW; j++)
                    {
                        double sum = bias is null ? 0 : bias.ReadOnlySpan[co];
                        for (var c = 0; c < d.CinG; c++)
                        {
                            for (var p = 0; p < d.KH; p++)
                            {
                                var ih = (i * d.SH) - d.PT + (p * d.DH);
                                if (ih < 0 || ih >= d.H)
                                {
                                    continue;
                                }

                                for (var q = 0; q < d.KW; q++)
                                {
                                    var iw = (j * d.SW) - d.PL + (q * d.DW);
                                    if (iw < 0 || iw >= d.W)
                                    {
                                        continue;
                                    }

                                    var xv = xs[(((((n * d.Cin) + (g * d.CinG) + c) * d.H) + ih) * d.W) + iw];
                                    var wv = ws[(((((co * d.CinG) + c) * d.KH) + p) * d.KW) + q];
                                    sum += (double)xv * wv;
                                }
                            }
                        }

                        ys[(((((n * d.Cout) + co) * d.OH) + i) * d.OW) + j] = (float)sum;
                    }
                }
            }
        }

        return y;
    }

    /// <summary>
    /// The transposed convolution by direct scatter: every input element adds
    /// <c>x[n, g·Cg + c, i, j] · w[g·Cg + c, o, p, q]</c> to output position
    /// <c>(i·sH − padTop + p·dH, j·sW − padLeft + q·dW)</c> of channel <c>g·Cog + o</c> when inside the output.
    /// </summary>
    /// <exception cref="TensorShapeException">The shapes are invalid (see <see cref="Ops.ConvTranspose2d"/>).</exception>
    /// <exception cref="ArgumentException">The geometry is invalid (see <see cref="Ops.ConvTranspose2d"/>).</exception>
    public static Tensor ConvTranspose2d(Tensor x, Tensor weight, Tensor? bias, ConvTranspose2dGeometry geometry)
    {
        // d is the adjoint convolution: its input (Cin, H, W) is our output.
        var d = Ops.ConvTranspose2dDims("ConvTranspose2d", x.Shape, weight.Shape, bias?.Shape, geometry);
        int cout = d.Cin, ho = d.H, wo = d.W, cin = d.Cout, h = d.OH, w = d.OW;
        int cinG = d.CoutG, coutG = d.CinG;
        var acc = new double[d.N * cout * ho * wo];
        var xs = x.ReadOnlySpan;
        var ws = weight.ReadOnlySpan;
        for (var n = 0; n < d.N; n++)
        {
            for (var ci = 0; ci < cin; ci++)
            {
                var g = ci / cinG;
                for (var i = 0; i < h; i++)
                {
                    for (var j = 0; j < w; j++)
                    {
                        var xv = (double)xs[(((((n * cin) + ci) * h) + i) * w) + j];
                        for (var o = 0; o < coutG; o++)
                        {
                            for (var p = 0; p < d.KH; p++)
                            {
                                var oy = (i * d.SH) - d.PT + (p * d.DH);
                                if (oy < 0 || oy >= ho)
                                {
                                    continue;
                                }

                                for (var q = 0; q < d.KW; q++)
                                {
                                    var ox = (j * d.SW) - d.PL + (q * d.DW);
                                    if (ox < 0 || ox >= wo)
                                    {
                                        continue;
                                    }

                                    var wv = ws[(((((ci * coutG) + o) * d.KH) + p) * d.KW) + q];
                                    acc[(((((n * cout) + (g * coutG) + o) * ho) + oy) * wo) + ox] += xv * wv;
                                }
                            }
                        }
                    }
                }
            }
        }

        var y = Tensor.Zeros(d.N, cout, ho, wo);
        var ys = y.Span;
        for (var k = 0; k < acc.Length; k++)
        {
            var c = k / (ho * wo) % cout;
            ys[k] = (float)(acc[k] + (bias is null ? 0 : bias.ReadOnlySpan[c]));
        }

        return y;
    }
}
