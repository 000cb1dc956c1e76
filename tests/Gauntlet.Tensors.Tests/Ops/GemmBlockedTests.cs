using Gauntlet.Tensors.Kernels;

namespace Gauntlet.Tensors.Tests.Ops;

public class GemmBlockedTests
{
    private static void Check(bool transA, bool transB, int m, int n, int k, float alpha, float beta, int pad, Rng rng)
    {
        var lda = (transA ? m : k) + pad;
        var ldb = (transB ? k : n) + pad;
        var ldc = n + pad;
        var a = Tensor.RandN(rng, Math.Max(1, (transA ? k : m) * lda)).ToArray();
        var b = Tensor.RandN(rng, Math.Max(1, (transB ? n : k) * ldb)).ToArray();
        var c0 = Tensor.RandN(rng, Math.Max(1, m * ldc)).ToArray();
        var expected = (float[])c0.Clone();
        var actual = (float[])c0.Clone();
        Gemm.Reference(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc);
        Gemm.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, actual, ldc);
        var tol = 1e-5 * Math.Sqrt(k + 1) * 8;
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var diff = Math.Abs(e - actual[i]);
            Assert.True(diff <= tol * (1 + Math.Abs(e)), $"gemm tA={transA} tB={transB} {m}x{n}x{k} alpha={alpha} beta={beta} pad={pad}: element {i} expected {e} got {actual[i]}");
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void MatchesReference_OnOddSizes(bool transA, bool transB)
    {
        var rng = new Rng(101);
        for (var s = 1; s <= 70; s += 3)
        {
            Check(transA, transB, s, s + 1, s + 2, 1f, 0f, 0, rng);
            Check(transA, transB, s + 5, (s * 3) % 71 + 1, (s * 7) % 67 + 1, 0.7f, 0.3f, 1, rng);
            Check(transA, transB, (s * 5) % 73 + 1, s, 70 - s + 1, -1.5f, 1f, 3, rng);
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void MatchesReference_OnLargeSizes(bool transA, bool transB)
    {
        var rng = new Rng(7);
        Check(transA, transB, 131, 97, 300, 1f, 0f, 0, rng);
        Check(transA, transB, 9, 2100, 33, 1f, 1f, 2, rng);
        Check(transA, transB, 200, 40, 517, 0.5f, 2f, 0, rng);
    }

    [Fact]
    public void BetaZero_IgnoresNaN_OnBlockedPath()
    {
        const int n = 64;
        var rng = new Rng(3);
        var a = Tensor.RandN(rng, n * n).ToArray();
        var b = Tensor.RandN(rng, n * n).ToArray();
        var c = Enumerable.Repeat(float.NaN, n * n).ToArray();
        var expected = new float[n * n];
        Gemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
        Gemm.Reference(false, false, n, n, n, 1f, a, n, b, n, 0f, expected, n);
        Assert.All(c, v => Assert.False(float.IsNaN(v)));
        for (var i = 0; i < c.Length; i++)
        {
            Assert.True(Math.Abs(c[i] - expected[i]) < 1e-3, $"element {i}");
        }
    }

    [Fact]
    public void PropagatesNaN_OnBlockedPath()
    {
        const int n = 48;
        var rng = new Rng(5);
        var a = Tensor.RandN(rng, n * n).ToArray();
        var b = Tensor.RandN(rng, n * n).ToArray();
        a[(3 * n) + 7] = 0f;
        b[(7 * n) + 11] = float.PositiveInfinity;
        var c = new float[n * n];
        Gemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
        Assert.True(float.IsNaN(c[(3 * n) + 11]));
    }

    [Theory]
    [InlineData(300, 100, 200)]
    [InlineData(40, 900, 150)]
    [InlineData(257, 255, 600)]
    public void IsIdenticalForAnyThreadCount_OnBlockedPath(int m, int n, int k)
    {
        var rng = new Rng(11);
        var a = Tensor.RandN(rng, m * k).ToArray();
        var b = Tensor.RandN(rng, k * n).ToArray();
        var saved = Parallelism.ThreadCount;
        var results = new List<float[]>();
        try
        {
            foreach (var threads in new[] { 1, 2, 3, 8 })
            {
                Parallelism.ThreadCount = threads;
                var c = new float[m * n];
                Gemm.Multiply(false, true, m, n, k, 1f, a, k, b, k, 0f, c, n);
                results.Add(c);
            }
        }
        finally
        {
            Parallelism.ThreadCount = saved;
        }

        foreach (var r in results)
        {
            Assert.Equal(results[0], r);
        }
    }
}
