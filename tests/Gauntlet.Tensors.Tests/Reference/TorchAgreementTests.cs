using Gauntlet.Tensors.Optim;
using Gauntlet.Tensors.Tests.Infrastructure;
using O = Gauntlet.Tensors.Ops;

namespace Gauntlet.Tensors.Tests.Reference;

/// <summary>
/// Agreement with PyTorch 1.13 (CPU, float32): every case of every fixture family in
/// Fixtures/torch is recomputed with Gauntlet and its output and every input gradient compared
/// within <see cref="TorchAssert.RelativeTolerance"/> (floor <see cref="TorchAssert.AbsoluteFloor"/>).
/// </summary>
public class TorchAgreementTests
{
    public static TheoryData<string> CoreCases => TorchFixtures.Names("core");

    public static TheoryData<string> OptimizerCases => TorchFixtures.Names("optimizers");

    [Fact]
    public void Fixtures_ComeFromPyTorch113_AndEveryFamilyHasCases()
    {
        string[] families = ["core", "linear", "conv2d", "conv_transpose2d", "pooling", "normalization", "activations", "losses", "small_cnn", "optimizers"];
        foreach (var family in families)
        {
            var file = TorchFixtures.Load(family);
            Assert.StartsWith("1.13", file.TorchVersion, StringComparison.Ordinal);
            Assert.NotEmpty(file.Cases);
            Assert.Equal(file.Cases.Count, file.Cases.Select(c => c.Name).Distinct().Count());
        }

        Assert.Equal(families.Order(), Directory.GetFiles(TorchFixtures.Directory, "*.json").Select(Path.GetFileNameWithoutExtension).Order()!);
    }

    [Theory]
    [MemberData(nameof(CoreCases))]
    public void CoreOps_MatchPyTorch_ForwardAndGradients(string name)
    {
        var c = TorchFixtures.Case("core", name);
        TorchAssert.ForwardAndGradients(c, t => name switch
        {
            "matmul_2d" or "matmul_batched_broadcast" => O.MatMul(t["a"], t["b"]),
            "add_broadcast" => t["a"] + t["b"],
            "subtract_broadcast" => t["a"] - t["b"],
            "multiply_broadcast" => t["a"] * t["b"],
            "divide_broadcast" => t["a"] / t["b"],
            "pow_scalar" => O.Pow(t["a"], 3f),
            "exp" => O.Exp(t["a"]),
            "log" => O.Log(t["a"]),
            "sqrt" => O.Sqrt(t["a"]),
            "abs" => O.Abs(t["a"]),
            "clamp" => O.Clamp(t["a"], c.Float("min"), c.Float("max")),
            "maximum" => O.Maximum(t["a"], t["b"]),
            "sum_axes" => O.Sum(t["a"], [0, 2]),
            "mean_axis_keepdim" => O.Mean(t["a"], 1, keepDims: true),
            "max_axis" => O.Max(t["a"], 1),
            "logsumexp_last" => O.LogSumExp(t["a"], -1),
            "permute" => O.Permute(t["a"], 2, 0, 1),
            "concat_axis1" => O.Concat([t["a"], t["b"]], 1),
            "slice_step2" => O.Slice(t["a"], 1, 1, 5, 2),
            "pad_constant" => O.Pad(t["a"], [0, 0, 0, 1, 1, 2]),
            _ => throw new NotSupportedException($"no Gauntlet mapping for {c}"),
        });
    }

    [Theory]
    [MemberData(nameof(OptimizerCases))]
    public void Optimizers_MatchPyTorch_OverThreeSteps(string name)
    {
        var c = TorchFixtures.Case("optimizers", name);
        var p = c.Tensor("param").RequireGrad();
        var lr = c.Float("lr");
        var wd = c.Float("weight_decay");
        Optimizer opt = name switch
        {
            _ when name.StartsWith("sgd", StringComparison.Ordinal) =>
                new Sgd([p], lr, momentum: c.Float("momentum"), weightDecay: wd, nesterov: c.Bool("nesterov"), dampening: c.Float("dampening")),
            _ when name.StartsWith("adamw", StringComparison.Ordinal) =>
                new AdamW([p], lr, c.Float("beta1"), c.Float("beta2"), c.Float("eps"), wd),
            _ when name.StartsWith("adam", StringComparison.Ordinal) =>
                new Adam([p], lr, c.Float("beta1"), c.Float("beta2"), c.Float("eps"), wd),
            _ => throw new NotSupportedException($"no Gauntlet optimizer for {c}"),
        };
        for (var step = 1; step <= c.Int("steps"); step++)
        {
            p.Grad = c.Tensor($"grad_step{step}");
            opt.Step();
            TorchAssert.Close(c.Tensor($"param_step{step}"), p, $"{c} parameter after step {step}");
        }
    }
}
