using Gauntlet.Tensors;

namespace Gauntlet.Onnx.Tests;

/// <summary>Engine bugs found by the ONNX conformance run, pinned here.</summary>
public sealed class EngineRegressionTests
{
    [Fact]
    public void BroadcastTo_from_a_one_element_vector_fills_every_element()
    {
        var y = Ops.BroadcastTo(Tensor.FromArray([1f], 1), new Shape(3, 2));
        Assert.Equal([1f, 1, 1, 1, 1, 1], y.ToArray());
        var w = Ops.Where(Tensor.FromArray([1f, 0, 0, 0, 0, 0], 3, 2), Tensor.FromArray([0f], 1), Tensor.FromArray([1f], 1));
        Assert.Equal([0f, 1, 1, 1, 1, 1], w.ToArray());
    }

    [Fact]
    public void Conv2d_with_padding_wider_than_the_input_is_zero_outside()
    {
        // A 1x5 kernel over a 1x1 input with 2 columns of padding each side: only the centre tap reads data.
        var x = Tensor.FromArray([3f], 1, 1, 1, 1);
        var w = Tensor.FromArray([1f, 2, 10, 4, 5], 1, 1, 1, 5);
        var y = Ops.Conv2d(x, w, null, new Conv2dGeometry(1, 1, 0, 2, 0, 2, 1, 1, 1));
        Assert.Equal([30f], y.ToArray());
    }
}
