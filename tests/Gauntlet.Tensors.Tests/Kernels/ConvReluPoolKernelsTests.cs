using Gauntlet.Tensors.Kernels;

namespace Gauntlet.Tensors.Tests.Kernels;

public class ConvReluPoolKernelsTests
{
    [Theory]
    [InlineData(2, 1, 20, 21, 8)]   // single channel (AVX-512: pooled in registers)
    [InlineData(70, 8, 13, 13, 16)] // a batch for the sample-block path
    [InlineData(3, 8, 13, 12, 16)]  // the implicit GEMM per sample
    [InlineData(1, 8, 13, 13, 16)]  // one sample: im2col
    public void ValuesAndWinners_FollowTheFirstMaximumOfConvPlusBias(int n, int cin, int h, int w, int cout)
    {
        // Whichever kernel this machine picks, each window's value and winner must be what the
        // definition gives from conv + bias: taps in row-major order, a later tap wins only when it is
        // greater or is the first NaN, ReLU'd value (a NaN propagates), −1 unless the maximum is positive.
        var rng = new Rng((n * 7) + cin);
        var x = Grid(rng, n * cin * h * w);
        x[3] = float.NaN;
        x[(h * w) + 5] = float.PositiveInfinity;
        x[^1] = float.NegativeInfinity;
        var weights = Grid(rng, cout * cin * 9);
        var bias = Grid(rng, cout);
        var d = new ConvDims(n, cin, h, w, cout, 3, 3, h - 2, w - 2, 1, 1, 0, 0, 1, 1, 1);
        int ph = d.OH / 2, pw = d.OW / 2, pooled = ph * pw;

        var conv = new float[n * d.OutSample];
        Conv2dKernels.Forward(x, weights, bias, d, conv);
        var y = new float[n * cout * pooled];
        var argmax = new int[y.Length];
        ConvReluPoolKernels.Forward(x, weights, bias, d, y, argmax);
        var valuesOnly = new float[y.Length];
        ConvReluPoolKernels.Forward(x, weights, bias, d, valuesOnly, null);

        var nanWindows = 0;
        for (var s = 0; s < n; s++)
        {
            for (var co = 0; co < cout; co++)
            {
                var plane = conv.AsSpan((s * d.OutSample) + (co * d.P), d.P);
                for (var i = 0; i < ph; i++)
                {
                    for (var j = 0; j < pw; j++)
                    {
                        var at = (2 * i * d.OW) + (2 * j);
                        var best = plane[at];
                        foreach (var tap in new[] { at + 1, at + d.OW, at + d.OW + 1 })
                        {
                            if (plane[tap] > best || (float.IsNaN(plane[tap]) && !float.IsNaN(best)))
                            {
                                best = plane[tap];
                                at = tap;
                            }
                        }

                        var o = (((s * cout) + co) * pooled) + (i * pw) + j;
                        var expected = best > 0f || float.IsNaN(best) ? best : 0f;
                        nanWindows += float.IsNaN(expected) ? 1 : 0;
                        Assert.True(expected.Equals(y[o]), $"sample {s}, channel {co}, window ({i}, {j}): value {y[o]}, expected {expected}");
                        Assert.True(expected.Equals(valuesOnly[o]), $"sample {s}, channel {co}, window ({i}, {j}): value-only {valuesOnly[o]}, expected {expected}");
                        Assert.True((best > 0f ? (co * d.P) + at : -1) == argmax[o], $"sample {s}, channel {co}, window ({i}, {j}): winner {argmax[o]}");
                    }
                }
            }
        }

        Assert.True(nanWindows > 0);
    }

    // Values on a coarse grid, so windows hold ties and exact zeros.
    private static float[] Grid(Rng rng, int count)
    {
        var values = Tensor.RandN(rng, count).ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Round(values[i] * 2f) / 2f;
        }

        return values;
    }
}
