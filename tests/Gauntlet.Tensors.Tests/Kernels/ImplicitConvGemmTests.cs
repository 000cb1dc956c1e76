using Gauntlet.Tensors.Kernels;

namespace Gauntlet.Tensors.Tests.Kernels;

public class ImplicitConvGemmTests
{
    public static TheoryData<int, int, int, int, int, int, int, int> Shapes() => new()
    {
        // cin, h, w, cout, kh, kw, dilation, groups
        { 32, 13, 13, 64, 3, 3, 1, 1 },  // cnn-small's second convolution
        { 8, 15, 14, 10, 3, 3, 2, 2 },   // dilation, groups, 5 rows per group (partial register tiles)
        { 48, 7, 9, 9, 3, 3, 1, 1 },     // K = 432: two K blocks
        { 5, 20, 6, 9, 2, 4, 1, 1 },     // rectangular kernel, narrow rows
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Sample_EqualsIm2ColThenGemm_BitForBit(int cin, int h, int w, int cout, int kh, int kw, int dilation, int groups)
    {
        var rng = new Rng((cin * 31) + h);
        int oh = h - ((kh - 1) * dilation), ow = w - ((kw - 1) * dilation);
        var d = new ConvDims(2, cin, h, w, cout, kh, kw, oh, ow, 1, 1, 0, 0, dilation, dilation, groups); // Sample runs one of the two
        Assert.True(ImplicitConvGemm.Applies(d));
        var x = Tensor.RandN(rng, cin * h * w).ToArray();
        x[7] = float.PositiveInfinity; // an infinity and a NaN reach some outputs, as through the GEMM
        x[^3] = float.NaN;
        var weights = Tensor.RandN(rng, cout * d.K).ToArray();

        var expected = new float[cout * d.P];
        var col = new float[d.K * d.P];
        for (var g = 0; g < groups; g++)
        {
            Im2Col.Pack(x.AsSpan(g * d.CinG * h * w, d.CinG * h * w), d, col);
            Gemm.Multiply(false, false, d.CoutG, d.P, d.K, 1f, weights.AsSpan(g * d.CoutG * d.K), d.K, col, d.P, 0f, expected.AsSpan(g * d.CoutG * d.P), d.P);
        }

        var packed = new float[ImplicitConvGemm.PackedWeightsLength(d)];
        ImplicitConvGemm.PackWeights(weights, d, packed);
        var stride = ImplicitConvGemm.PlaneStride(d, oh, ow);
        var conv = new float[cout * stride];
        ImplicitConvGemm.Sample(x, packed, d, oh, ow, conv, new float[d.K * GemmBlocked.NR]);
        for (var co = 0; co < cout; co++)
        {
            for (var y = 0; y < oh; y++)
            {
                for (var xo = 0; xo < ow; xo++)
                {
                    var e = expected[(co * d.P) + (y * ow) + xo];
                    var a = conv[(co * stride) + (y * w) + xo];
                    Assert.True(e.Equals(a), $"channel {co}, position ({y}, {xo}): im2col + GEMM {e}, implicit {a}");
                }
            }
        }
    }

    [Fact]
    public void Applies_OnlyToUnitStrideUnpaddedProductsTheBlockedGemmWouldRun()
    {
        var conv2 = new ConvDims(2, 32, 13, 13, 64, 3, 3, 11, 11, 1, 1, 0, 0, 1, 1, 1);
        Assert.True(ImplicitConvGemm.Applies(conv2));
        Assert.False(ImplicitConvGemm.Applies(conv2 with { OH = 13, OW = 13, PT = 1, PL = 1 }));
        Assert.False(ImplicitConvGemm.Applies(conv2 with { OH = 6, OW = 6, SH = 2, SW = 2 }));
        Assert.False(ImplicitConvGemm.Applies(conv2 with { Cin = 2, Cout = 2 })); // a small product takes the GEMM's row path
        Assert.False(ImplicitConvGemm.Applies(conv2 with { KH = 1, KW = 1, OH = 13, OW = 13 })); // pointwise: no im2col to avoid
    }
}
