using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Tests.Infrastructure;
using O = Gauntlet.Tensors.Ops;

namespace Gauntlet.Tensors.Tests.Ops;

public class ReductionTests
{
    [Fact]
    public void Sum_OverAxes_MatchesLoops()
    {
        var x = Tensor.FromArray([.. Enumerable.Range(0, 24).Select(i => (float)i)], 2, 3, 4);
        Assert.Equal([12f, 15f, 18f, 21f, 48f, 51f, 54f, 57f], O.Sum(x, 1).ToArray());
        Assert.Equal(new Shape(2, 1, 4), O.Sum(x, 1, keepDims: true).Shape);
        Assert.Equal([60f, 92f, 124f], O.Sum(x, [0, 2]).ToArray());
        Assert.Equal(276f, O.Sum(x).Item());
        Assert.Equal(11.5f, O.Mean(x).Item());
        Assert.Equal([1.5f, 5.5f, 9.5f, 13.5f, 17.5f, 21.5f], O.Mean(x, -1).ToArray());
    }

    [Fact]
    public void Reductions_GradientsMatchFiniteDifferences_OnRandomShapes()
    {
        var rng = new Rng(21);
        foreach (var shape in GradCheck.Shapes(rng, 3, 6))
        {
            var x = GradCheck.Input(rng, shape);
            GradCheck.Check(t => O.Sum(t[0]), [x]);
            GradCheck.Check(t => O.Sum(t[0], [0, 2]), [x]);
            GradCheck.Check(t => O.Mean(t[0], 1, keepDims: true), [x]);
            GradCheck.Check(t => O.LogSumExp(t[0], -1), [x]);
            GradCheck.Check(t => O.Max(t[0], 1), [x]);
        }
    }

    [Fact]
    public void Max_GradientGoesToFirstMaximum_OnTies()
    {
        var x = Tensor.FromArray([1f, 3f, 3f, 0f], 1, 4).RequireGrad();
        var m = O.Max(x, 1);
        Assert.Equal(3f, m.Item());
        var g = Autodiff.Grad(O.Sum(m), x);
        Assert.Equal([0f, 1f, 0f, 0f], g.ToArray());
        Assert.Equal([1], O.ArgMax(x, 1));
    }

    [Fact]
    public void LogSumExp_IsStable_ForLargeValues()
    {
        var x = Tensor.FromArray([1000f, 1000f, -1000f], 1, 3);
        Assert.Equal(1000f + MathF.Log(2f), O.LogSumExp(x, 1).Item(), 3);
        var neg = Tensor.FromArray([float.NegativeInfinity, float.NegativeInfinity], 1, 2);
        Assert.Equal(float.NegativeInfinity, O.LogSumExp(neg, 1).Item());
    }

    [Fact]
    public void Sum_ThrowsNamingAxis_WhenAxisOutOfRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => O.Sum(Tensor.Zeros(2, 3), 2));
        Assert.Contains("Sum", ex.Message);
        Assert.Contains("rank 2", ex.Message);
    }

    [Fact]
    public void Sum_ThrowsWhenAxisRepeated()
    {
        var ex = Assert.Throws<ArgumentException>(() => O.Sum(Tensor.Zeros(2, 3), [1, -1]));
        Assert.Contains("twice", ex.Message);
    }

    [Fact]
    public void Max_ThrowsForEmptyAxis()
    {
        var ex = Assert.Throws<TensorShapeException>(() => O.Max(Tensor.Zeros(2, 0), 1));
        Assert.Contains("Max", ex.Message);
        Assert.Contains("[2, 0]", ex.Message);
    }
}
