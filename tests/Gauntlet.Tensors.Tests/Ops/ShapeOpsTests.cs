using Gauntlet.Tensors.Tests.Infrastructure;
using O = Gauntlet.Tensors.Ops;

namespace Gauntlet.Tensors.Tests.Ops;

public class ShapeOpsTests
{
    private static Tensor Iota(params int[] shape)
    {
        var s = new Shape(shape);
        return Tensor.FromArray([.. Enumerable.Range(0, s.Size).Select(i => (float)i)], shape);
    }

    [Fact]
    public void Reshape_IsAViewSharingStorage_AndInfersMinusOne()
    {
        var x = Iota(2, 6);
        var y = O.Reshape(x, 3, -1);
        Assert.Equal(new Shape(3, 4), y.Shape);
        x.Span[5] = 100f;
        Assert.Equal(100f, y[1, 1]);
    }

    [Fact]
    public void Reshape_ThrowsNamingShapes_WhenSizesDiffer()
    {
        var ex = Assert.Throws<TensorShapeException>(() => O.Reshape(Iota(2, 3), 4, 2));
        Assert.Contains("Reshape", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4, 2]", ex.Message);
    }

    [Fact]
    public void Permute_MovesElements()
    {
        var x = Iota(2, 3, 4);
        var y = O.Permute(x, 2, 0, 1);
        Assert.Equal(new Shape(4, 2, 3), y.Shape);
        for (var i = 0; i < 2; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                for (var k = 0; k < 4; k++)
                {
                    Assert.Equal(x[i, j, k], y[k, i, j]);
                }
            }
        }

        Assert.Equal(x[1, 2, 3], O.Transpose(x, 0, 2)[3, 2, 1]);
    }

    [Fact]
    public void ConcatSliceIndexSelectPad_ProduceExpectedValues()
    {
        var a = Iota(2, 2);
        var b = Iota(2, 1);
        Assert.Equal([0f, 1f, 0f, 2f, 3f, 1f], O.Concat([a, b], 1).ToArray());
        Assert.Equal([1f, 3f, 5f, 7f], O.Slice(Iota(8), 0, 1, 8, 2).ToArray());
        Assert.Equal([6f, 7f], O.Slice(Iota(8), 0, -2, 100).ToArray());
        Assert.Equal([2f, 3f, 0f, 1f, 2f, 3f], O.IndexSelect(a, 0, [1, 0, -1]).ToArray());
        Assert.Equal([9f, 0f, 1f, 9f, 9f, 2f, 3f, 9f], O.Pad(a, [0, 0, 1, 1], 9f).ToArray());
        Assert.Equal([1f, 3f], O.Pad(a, [0, 0, -1, 0]).ToArray());
        var emb = O.Gather(Iota(5, 2), [4, 0, 4], new Shape(3));
        Assert.Equal([8f, 9f, 0f, 1f, 8f, 9f], emb.ToArray());
    }

    [Fact]
    public void ShapeOps_GradientsMatchFiniteDifferences()
    {
        var rng = new Rng(17);
        foreach (var shape in GradCheck.Shapes(rng, 3, 4))
        {
            var x = GradCheck.Input(rng, shape);
            var y = GradCheck.Input(rng, shape);
            GradCheck.Check(t => O.Permute(t[0], 1, 2, 0), [x]);
            GradCheck.Check(t => O.Reshape(t[0], -1), [x]);
            GradCheck.Check(t => O.Concat([t[0], t[1]], 1), [x, y]);
            GradCheck.Check(t => O.Slice(t[0], 2, 0, shape[2], 2), [x]);
            GradCheck.Check(t => O.IndexSelect(t[0], 0, [0, 0, shape[0] - 1]), [x]);
            GradCheck.Check(t => O.Pad(t[0], [0, 1, 1, 0, 2, 1]), [x]);
            GradCheck.Check(t => O.BroadcastTo(t[0], new Shape([2, .. shape])), [x]);
        }
    }

    [Fact]
    public void Concat_ThrowsNamingShapes_WhenOtherDimensionsDiffer()
    {
        var ex = Assert.Throws<TensorShapeException>(() => O.Concat([Iota(2, 3), Iota(3, 3)], 1));
        Assert.Contains("Concat", ex.Message);
        Assert.Contains("[3, 3]", ex.Message);
    }

    [Fact]
    public void IndexSelect_ThrowsNamingIndex_WhenOutOfRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => O.IndexSelect(Iota(2, 3), 1, [3]));
        Assert.Contains("index 3", ex.Message);
        Assert.Contains("size 3", ex.Message);
    }

    [Fact]
    public void Permute_ThrowsForRepeatedAxis()
    {
        var ex = Assert.Throws<ArgumentException>(() => O.Permute(Iota(2, 3), 0, 0));
        Assert.Contains("Permute", ex.Message);
    }
}
