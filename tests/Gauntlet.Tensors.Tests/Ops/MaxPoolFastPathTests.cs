using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Tensors.Tests.Ops;

public class MaxPoolFastPathTests
{
    [Theory]
    [InlineData(8, 9)]
    [InlineData(26, 26)]
    [InlineData(11, 11)]
    [InlineData(4, 5)]
    public void TwoByTwo_MatchesNaiveFirstMaxAndNaNRules(int h, int w)
    {
        var rng = new Rng(h * 100 + w);
        var x = Tensor.RandN(rng, 2, 3, h, w);
        var data = x.Span;
        for (var i = 0; i < data.Length; i++)
        {
            // Coarse values make ties common; sprinkle NaNs.
            data[i] = i % 37 == 5 ? float.NaN : MathF.Round(data[i]);
        }

        var xv = x.Detach().RequireGrad();
        var y = Tensors.Ops.MaxPool2d(xv, Pool2dGeometry.Square(2, null, 0, false));
        var dx = Autodiff.Grad(Tensors.Ops.Sum(Tensors.Ops.Multiply(y, Tensor.Ones(y.Shape.ToArray()))), xv).ToArray();
        int oh = h / 2, ow = w / 2;
        var yv = y.ToArray();
        var expectedDx = new float[x.Size];
        for (var plane = 0; plane < 6; plane++)
        {
            for (var r = 0; r < oh; r++)
            {
                for (var q = 0; q < ow; q++)
                {
                    var best = float.NegativeInfinity;
                    var bestIndex = -1;
                    foreach (var (dr, dq) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                    {
                        var idx = (plane * h * w) + (((2 * r) + dr) * w) + (2 * q) + dq;
                        var v = data[idx];
                        if (bestIndex < 0 || v > best || float.IsNaN(v))
                        {
                            best = v;
                            bestIndex = idx;
                        }
                    }

                    var o = (plane * oh * ow) + (r * ow) + q;
                    Assert.Equal(best, yv[o]);
                    expectedDx[bestIndex] += 1f;
                }
            }
        }

        Assert.Equal(expectedDx, dx);
    }
}
