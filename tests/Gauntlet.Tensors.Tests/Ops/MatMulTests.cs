using Gauntlet.Tensors.Kernels;
using Gauntlet.Tensors.Tests.Infrastructure;
using O = Gauntlet.Tensors.Ops;

namespace Gauntlet.Tensors.Tests.Ops;

public class MatMulTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Gemm_MatchesReference_OnRandomSizes(bool transA, bool transB)
    {
        var rng = new Rng(31);
        foreach (var (m, n, k) in new[] { (1, 1, 1), (3, 5, 7), (17, 1, 33), (64, 65, 3), (2, 130, 257) })
        {
            var a = Tensor.RandN(rng, m * k);
            var b = Tensor.RandN(rng, k * n);
            var c0 = Tensor.RandN(rng, m * n);
            var expected = c0.Clone();
            var actual = c0.Clone();
            var lda = transA ? m : k;
            var ldb = transB ? k : n;
            Gemm.Reference(transA, transB, m, n, k, 0.7f, a.ReadOnlySpan, lda, b.ReadOnlySpan, ldb, 0.3f, expected.Span, n);
            Gemm.Multiply(transA, transB, m, n, k, 0.7f, a.ReadOnlySpan, lda, b.ReadOnlySpan, ldb, 0.3f, actual.Span, n);
            TensorAssert.Close(expected, actual, rtol: 1e-4, atol: 1e-4, what: $"gemm {m}x{n}x{k}");
        }
    }

    [Fact]
    public void Gemm_BetaZero_IgnoresNaNInOutput()
    {
        var c = Tensor.Full(float.NaN, 2, 2);
        Gemm.Multiply(false, false, 2, 2, 1, 1f, [1f, 2f], 1, [3f, 4f], 2, 0f, c.Span, 2);
        Assert.Equal([3f, 4f, 6f, 8f], c.ToArray());
    }

    [Fact]
    public void Gemm_PropagatesNonFiniteValues_LikeReference()
    {
        float[] a = [0f, 1f];
        float[] b = [float.PositiveInfinity, 2f];
        var fast = new float[1];
        var reference = new float[1];
        Gemm.Multiply(false, false, 1, 1, 2, 1f, a, 2, b, 1, 0f, fast, 1);
        Gemm.Reference(false, false, 1, 1, 2, 1f, a, 2, b, 1, 0f, reference, 1);
        Assert.True(float.IsNaN(reference[0]));
        Assert.True(float.IsNaN(fast[0]));
    }

    [Fact]
    public void Gemm_IsIdenticalForAnyThreadCount()
    {
        var rng = new Rng(2);
        var a = Tensor.RandN(rng, 300 * 200);
        var b = Tensor.RandN(rng, 200 * 100);
        var one = new float[300 * 100];
        var many = new float[300 * 100];
        var saved = Parallelism.ThreadCount;
        try
        {
            Parallelism.ThreadCount = 1;
            Gemm.Multiply(false, false, 300, 100, 200, 1f, a.ReadOnlySpan, 200, b.ReadOnlySpan, 100, 0f, one, 100);
            Parallelism.ThreadCount = 4;
            Gemm.Multiply(false, false, 300, 100, 200, 1f, a.ReadOnlySpan, 200, b.ReadOnlySpan, 100, 0f, many, 100);
        }
        finally
        {
            Parallelism.ThreadCount = saved;
        }

        Assert.Equal(one, many);
    }

    [Fact]
    public void MatMul_BatchedWithBroadcast_MatchesPerBatchProducts()
    {
        var rng = new Rng(4);
        var a = Tensor.RandN(rng, 2, 1, 3, 4);
        var b = Tensor.RandN(rng, 5, 4, 2);
        var c = O.MatMul(a, b);
        Assert.Equal(new Shape(2, 5, 3, 2), c.Shape);
        for (var i = 0; i < 2; i++)
        {
            for (var j = 0; j < 5; j++)
            {
                for (var r = 0; r < 3; r++)
                {
                    for (var s = 0; s < 2; s++)
                    {
                        double sum = 0;
                        for (var p = 0; p < 4; p++)
                        {
                            sum += a[i, 0, r, p] * b[j, p, s];
                        }

                        Assert.Equal(sum, c[i, j, r, s], 4);
                    }
                }
            }
        }
    }

    [Fact]
    public void MatMul_GradientsMatchFiniteDifferences_IncludingVectors()
    {
        var rng = new Rng(8);
        GradCheck.Check(t => O.MatMul(t[0], t[1]), [GradCheck.Input(rng, [3, 4]), GradCheck.Input(rng, [4, 5])]);
        GradCheck.Check(t => O.MatMul(t[0], t[1]), [GradCheck.Input(rng, [2, 1, 3, 4]), GradCheck.Input(rng, [3, 4, 1])]);
        GradCheck.Check(t => O.MatMul(t[0], t[1]), [GradCheck.Input(rng, [4]), GradCheck.Input(rng, [4, 3])]);
        GradCheck.Check(t => O.MatMul(t[0], t[1]), [GradCheck.Input(rng, [2, 4]), GradCheck.Input(rng, [4])]);
    }

    [Fact]
    public void MatMul_ThrowsNamingShapes_ForInnerDimensionMismatch()
    {
        var ex = Assert.Throws<TensorShapeException>(() => O.MatMul(Tensor.Zeros(2, 3), Tensor.Zeros(4, 5)));
        Assert.Contains("MatMul", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4, 5]", ex.Message);
    }
}
