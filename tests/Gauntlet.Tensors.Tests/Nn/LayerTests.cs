using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;
using O = Gauntlet.Tensors.Ops;

namespace Gauntlet.Tensors.Tests.Nn;

public class LayerTests
{
    [Fact]
    public void Linear_UsesPyTorchDefaultInitBounds_AndComputesAffineMap()
    {
        var layer = new Linear(16, 4, new Rng(3));
        Assert.All(layer.Weight.ToArray(), v => Assert.InRange(v, -0.25f, 0.25f));
        var x = Tensor.RandN(new Rng(4), 2, 16);
        var expected = O.Add(O.MatMul(x, O.Transpose(layer.Weight, 0, 1)), layer.Bias!);
        Infrastructure.TensorAssert.Close(expected, layer.Forward(x), rtol: 1e-5, atol: 1e-6);
    }

    [Fact]
    public void BatchNorm_UsesBatchStatsInTraining_AndRunningStatsInEval()
    {
        var bn = new BatchNorm(2);
        var x = Tensor.FromArray([1f, 10f, 3f, 30f], 2, 2);
        var train = bn.Forward(x);
        Assert.Equal(-1f, train[0, 0], 3);
        Assert.Equal(1f, train[1, 1], 3);
        Assert.Equal(0.2f, bn.RunningMean.Span[0], 5);
        bn.Eval();
        var eval = bn.Forward(x);
        Assert.Equal((1f - 0.2f) / MathF.Sqrt(bn.RunningVar.Span[0] + 1e-5f), eval[0, 0], 4);
        Assert.Equal(["weight", "bias"], bn.NamedParameters().Select(p => p.Name));
        Assert.Equal(["running_mean", "running_var"], bn.NamedBuffers().Select(p => p.Name));
    }

    [Fact]
    public void Dropout_IsIdentityInEval_AndSeededInTraining()
    {
        var x = Tensor.Ones(1000);
        var a = new Dropout(0.5f, new Rng(1)).Forward(x);
        var b = new Dropout(0.5f, new Rng(1)).Forward(x);
        Assert.Equal(a.ToArray(), b.ToArray());
        Assert.InRange(a.ToArray().Count(v => v == 0f), 400, 600);
        var d = new Dropout(0.5f, new Rng(1));
        d.Eval();
        Assert.Equal(x.ToArray(), d.Forward(x).ToArray());
    }

    [Fact]
    public void FrozenCnn_InputGradient_SkipsWeightGradients()
    {
        var rng = new Rng(5);
        var model = new Sequential(new Conv2d(1, 4, 3, rng), new Relu(), new GlobalAvgPool2d(), new Flatten(), new Linear(4, 3, rng));
        model.SetRequiresGrad(false);
        var x = Tensor.RandN(rng, 2, 1, 8, 8).RequireGrad();
        var loss = Losses.CrossEntropy(model.Forward(x), [0, 2]);
        var g = Autodiff.Grad(loss, x);
        Assert.Equal(x.Shape, g.Shape);
        Assert.Contains(g.ToArray(), v => v != 0f);
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void Conv2d_RejectsChannelsNotDivisibleByGroups()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 3, new Rng(1), groups: 2));
        Assert.Contains("groups 2", ex.Message);
    }
}
