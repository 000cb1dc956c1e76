using Gauntlet.Tensors.Optim;

namespace Gauntlet.Tensors.Tests.Optim;

public class OptimizerTests
{
    private static Tensor Param(params float[] values) => Tensor.FromArray(values, values.Length).RequireGrad();

    private static void SetGrad(Tensor p, params float[] g) => p.Grad = Tensor.FromArray(g, g.Length);

    [Fact]
    public void Sgd_Plain_StepsAgainstGradient()
    {
        var p = Param(1f, -2f);
        var opt = new Sgd([p], 0.1f);
        SetGrad(p, 0.5f, -1f);
        opt.Step();
        Assert.Equal([0.95f, -1.9f], p.ToArray());
    }

    [Fact]
    public void Sgd_MomentumNesterovAndWeightDecay_FollowPyTorchRule()
    {
        // Hand-unrolled PyTorch rule for two steps with g = 1, μ = 0.9, λ = 0.1, lr = 0.1, p0 = 1.
        var p = Param(1f);
        var opt = new Sgd([p], 0.1f, momentum: 0.9f, weightDecay: 0.1f, nesterov: true);
        SetGrad(p, 1f);
        opt.Step();
        var g1 = 1f + (0.1f * 1f);
        var b1 = g1;
        var p1 = 1f - (0.1f * (g1 + (0.9f * b1)));
        Assert.Equal(p1, p.Span[0], 6);
        SetGrad(p, 1f);
        opt.Step();
        var g2 = 1f + (0.1f * p1);
        var b2 = (0.9f * b1) + g2;
        var p2 = p1 - (0.1f * (g2 + (0.9f * b2)));
        Assert.Equal(p2, p.Span[0], 6);
    }

    [Fact]
    public void Adam_FirstStepMovesByLearningRate_WithBiasCorrection()
    {
        var p = Param(0.5f, 0.5f);
        var opt = new Adam([p], 0.01f);
        SetGrad(p, 3f, -0.001f);
        opt.Step();
        Assert.Equal(0.49f, p.Span[0], 5);
        Assert.Equal(0.51f, p.Span[1], 4);
    }

    [Fact]
    public void AdamW_DecaysWeightsIndependentlyOfGradient()
    {
        var p = Param(2f);
        var opt = new AdamW([p], 0.1f, weightDecay: 0.5f);
        SetGrad(p, 0f);
        opt.Step();
        Assert.Equal(2f - (0.1f * 0.5f * 2f), p.Span[0], 6);
        var q = Param(2f);
        var adam = new Adam([q], 0.1f, weightDecay: 0.5f);
        SetGrad(q, 0f);
        adam.Step();
        Assert.Equal(2f - 0.1f, q.Span[0], 4);
    }

    [Fact]
    public void Optimizers_MinimiseAQuadratic()
    {
        foreach (var make in new Func<Tensor, Optimizer>[]
        {
            p => new Sgd([p], 0.1f, momentum: 0.9f),
            p => new Adam([p], 0.1f),
            p => new AdamW([p], 0.1f, weightDecay: 0f),
        })
        {
            var p = Param(3f, -4f);
            var opt = make(p);
            for (var i = 0; i < 300; i++)
            {
                opt.ZeroGrad();
                var target = Tensor.FromArray([1f, 2f], 2);
                var diff = Gauntlet.Tensors.Ops.Subtract(p, target);
                Gauntlet.Tensors.Ops.Sum(Gauntlet.Tensors.Ops.Multiply(diff, diff)).Backward();
                opt.Step();
            }

            Assert.Equal(1f, p.Span[0], 2);
            Assert.Equal(2f, p.Span[1], 2);
        }
    }

    [Fact]
    public void Schedules_ComputeStepAndCosineRates()
    {
        var opt = new Sgd([Param(0f)], 1f);
        var step = new StepSchedule(opt, stepSize: 2, gamma: 0.5f);
        Assert.Equal([1f, 1f, 0.5f, 0.5f, 0.25f], Enumerable.Range(1, 5).Select(_ =>
        {
            var before = opt.LearningRate;
            step.Step();
            return before;
        }));
        var cos = new CosineSchedule(new Sgd([Param(0f)], 1f), tMax: 4, etaMin: 0.1f);
        Assert.Equal(1f, cos.RateAt(0), 6);
        Assert.Equal(0.55f, cos.RateAt(2), 6);
        Assert.Equal(0.1f, cos.RateAt(4), 6);
        Assert.Equal(0.1f, cos.RateAt(9), 6);
    }

    [Fact]
    public void Optimizer_RejectsFrozenParametersAndBadHyperParameters()
    {
        var frozen = Tensor.Zeros(2);
        Assert.Contains("require gradients", Assert.Throws<ArgumentException>(() => new Sgd([frozen], 0.1f)).Message);
        Assert.Contains("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([Param(0f)], 0.1f, beta1: 1f)).Message);
        Assert.Contains("learning rate", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([Param(0f)], float.NaN)).Message);
    }
}
