using Gauntlet.Tensors.Autograd;
using O = Gauntlet.Tensors.Ops;

namespace Gauntlet.Tensors.Tests.Autograd;

public class AutodiffTests
{
    [Fact]
    public void Backward_AccumulatesIntoLeaves_AcrossSharedSubexpressions()
    {
        var x = Tensor.FromArray([2f, 3f], 2).RequireGrad();
        var y = O.Multiply(x, x);          // x²
        var z = O.Add(y, O.Multiply(x, 3f)); // x² + 3x
        O.Sum(O.Multiply(z, y)).Backward(); // Σ (x² + 3x)·x² → d/dx = 4x³ + 9x²
        Assert.Equal([(4 * 8f) + (9 * 4f), (4 * 27f) + (9 * 9f)], x.Grad!.ToArray());

        O.Sum(x).Backward();
        Assert.Equal([(4 * 8f) + (9 * 4f) + 1, (4 * 27f) + (9 * 9f) + 1], x.Grad!.ToArray());
    }

    [Fact]
    public void Grad_ReturnsInputGradientOnly_AndLeavesParameterGradUntouched()
    {
        var w = Tensor.FromArray([1f, -2f], 2, 1).RequireGrad();
        var x = Tensor.FromArray([3f, 4f, 5f, 6f], 2, 2).RequireGrad();
        var y = O.MatMul(x, w);
        var gx = Autodiff.Grad(O.Sum(y), x);
        Assert.Equal([1f, -2f, 1f, -2f], gx.ToArray());
        Assert.Null(w.Grad);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void Grad_SkipsBranchesThatDoNotReachRequestedInputs()
    {
        var x = Tensor.FromArray([1f, 2f], 2).RequireGrad();
        var frozen = Tensor.FromArray([5f, 6f], 2).RequireGrad();
        var calls = 0;
        var spy = Gauntlet.Tensors.Autograd.Autodiff.Record(O.Multiply(frozen, 1f).Detach(), "Spy", [frozen], (g, _) =>
        {
            calls++;
            return [g];
        });
        var y = O.Add(O.Multiply(x, 2f), spy);
        var gx = Autodiff.Grad(O.Sum(y), x);
        Assert.Equal([2f, 2f], gx.ToArray());
        Assert.Equal(0, calls);
    }

    [Fact]
    public void VectorJacobianProduct_UsesGivenGradOutput()
    {
        var x = Tensor.FromArray([1f, 2f, 3f], 3).RequireGrad();
        var y = O.Multiply(x, x);
        var v = Tensor.FromArray([1f, 0f, -1f], 3);
        var g = Autodiff.Grad(y, x, v);
        Assert.Equal([2f, 0f, -6f], g.ToArray());
    }

    [Fact]
    public void NoGrad_RecordsNothing()
    {
        var x = Tensor.FromArray([1f], 1).RequireGrad();
        Tensor y;
        using (GradMode.NoGrad())
        {
            y = O.Multiply(x, 2f);
        }

        Assert.False(y.RequiresGrad);
        Assert.True(y.IsLeaf);
        Assert.True(GradMode.IsEnabled);
    }

    [Fact]
    public void Backward_ThrowsClearly_ForNonScalarWithoutGradOutput()
    {
        var x = Tensor.FromArray([1f, 2f], 2).RequireGrad();
        var ex = Assert.Throws<TensorShapeException>(() => O.Multiply(x, 2f).Backward());
        Assert.Contains("gradOutput", ex.Message);
        Assert.Contains("[2]", ex.Message);
    }

    [Fact]
    public void Backward_ThrowsClearly_WhenNothingRequiresGrad()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => O.Sum(Tensor.Zeros(2)).Backward());
        Assert.Contains("does not require a gradient", ex.Message);
    }

    [Fact]
    public void WholeBatchInputGradient_ComesFromOneBackward()
    {
        // Per-sample losses summed: the gradient for sample i depends only on sample i.
        var rng = new Rng(1);
        var w = Tensor.RandN(rng, 4, 3);
        var x = Tensor.RandN(rng, 5, 4).RequireGrad();
        var g = Autodiff.Grad(O.Sum(O.Multiply(O.MatMul(x, w), O.MatMul(x, w))), x);
        for (var i = 0; i < 5; i++)
        {
            var xi = O.Slice(x.Detach(), 0, i, i + 1).RequireGrad();
            var gi = Autodiff.Grad(O.Sum(O.Multiply(O.MatMul(xi, w), O.MatMul(xi, w))), xi);
            for (var j = 0; j < 4; j++)
            {
                Assert.Equal(gi[0, j], g[i, j], 4);
            }
        }
    }
}
