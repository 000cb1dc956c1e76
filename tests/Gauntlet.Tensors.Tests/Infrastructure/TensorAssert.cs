namespace Gauntlet.Tensors.Tests.Infrastructure;

/// <summary>Value assertions with named tolerances.</summary>
internal static class TensorAssert
{
    /// <summary>Asserts equal shapes and |a − e| ≤ atol + rtol·|e| element-wise.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rtol = 1e-5, double atol = 1e-6, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var a = actual[i];
            if (float.IsNaN(e))
            {
                Assert.True(float.IsNaN(a), $"{what}[{i}]: expected NaN, got {a}");
                continue;
            }

            Assert.True(Math.Abs(a - e) <= atol + (rtol * Math.Abs(e)), $"{what}[{i}]: expected {e:G7}, got {a:G7}");
        }
    }

    /// <summary>Asserts equal shapes and values within tolerance.</summary>
    public static void Close(Tensor expected, Tensor actual, double rtol = 1e-5, double atol = 1e-6, string what = "")
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Close(expected.ReadOnlySpan, actual.ReadOnlySpan, rtol, atol, what);
    }
}
