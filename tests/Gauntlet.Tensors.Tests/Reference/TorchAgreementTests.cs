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

    public static TheoryData<string> LinearCases => TorchFixtures.Names("linear");

    public static TheoryData<string> NormalizationCases => TorchFixtures.Names("normalization");

    public static TheoryData<string> ActivationCases => TorchFixtures.Names("activations");

    public static TheoryData<string> LossCases => TorchFixtures.Names("losses");

    public static TheoryData<string> Conv2dCases => TorchFixtures.Names("conv2d");

    public static TheoryData<string> ConvTranspose2dCases => TorchFixtures.Names("conv_transpose2d");

    public static TheoryData<string> PoolingCases => TorchFixtures.Names("pooling");

    private static Reduction ParseReduction(string r) => r switch
    {
        "mean" => Reduction.Mean,
        "sum" => Reduction.Sum,
        "none" => Reduction.None,
        _ => throw new NotSupportedException($"reduction '{r}'"),
    };

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

    [Theory]
    [MemberData(nameof(LinearCases))]
    public void Linear_MatchesPyTorch_ForwardAndGradients(string name)
    {
        var c = TorchFixtures.Case("linear", name);
        TorchAssert.ForwardAndGradients(c, t => O.Linear(t["x"], t["weight"], t.GetValueOrDefault("bias")));
    }

    [Theory]
    [MemberData(nameof(NormalizationCases))]
    public void Normalization_MatchesPyTorch_ForwardGradientsAndRunningStatistics(string name)
    {
        var c = TorchFixtures.Case("normalization", name);
        if (name.StartsWith("layer_norm", StringComparison.Ordinal))
        {
            TorchAssert.ForwardAndGradients(c, t => O.LayerNorm(t["x"], c.Int("normalized_dims"), t["gamma"], t["beta"], c.Float("eps")));
            return;
        }

        var used = TorchAssert.ForwardAndGradients(c, t =>
            O.BatchNorm(t["x"], t["gamma"], t["beta"], t["running_mean"], t["running_var"], c.Bool("training"), c.Float("momentum"), c.Float("eps")));
        TorchAssert.Close(c.Tensor("running_mean_after"), used["running_mean"], $"{c} running mean after the call");
        TorchAssert.Close(c.Tensor("running_var_after"), used["running_var"], $"{c} running variance after the call");
    }

    [Theory]
    [MemberData(nameof(ActivationCases))]
    public void Activations_MatchPyTorch_ForwardAndGradients(string name)
    {
        var c = TorchFixtures.Case("activations", name);
        TorchAssert.ForwardAndGradients(c, t => name switch
        {
            "relu" => O.Relu(t["x"]),
            "leaky_relu" => O.LeakyRelu(t["x"], c.Float("slope")),
            "sigmoid" => O.Sigmoid(t["x"]),
            "tanh" => O.Tanh(t["x"]),
            "gelu_exact" => O.Gelu(t["x"], tanhApproximation: false),
            "gelu_tanh" => O.Gelu(t["x"], tanhApproximation: true),
            "erf" => O.Erf(t["x"]),
            "hardsigmoid" => O.HardSigmoid(t["x"]),
            "hardswish" => O.HardSwish(t["x"]),
            "softmax_last" or "softmax_axis1" => O.Softmax(t["x"], c.Int("axis")),
            "log_softmax_last" or "log_softmax_axis1" => O.LogSoftmax(t["x"], c.Int("axis")),
            _ => throw new NotSupportedException($"no Gauntlet mapping for {c}"),
        });
    }

    [Theory]
    [MemberData(nameof(LossCases))]
    public void Losses_MatchPyTorch_ForwardAndGradients(string name)
    {
        var c = TorchFixtures.Case("losses", name);
        TorchAssert.ForwardAndGradients(c, t =>
        {
            if (name.StartsWith("cross_entropy", StringComparison.Ordinal))
            {
                return Losses.CrossEntropy(t["logits"], c.Ints("labels"), ParseReduction(c.String("reduction")), c.Float("label_smoothing"));
            }

            if (name.StartsWith("nll", StringComparison.Ordinal))
            {
                return Losses.Nll(t["log_probs"], c.Ints("labels"), ParseReduction(c.String("reduction")));
            }

            if (name.StartsWith("mse", StringComparison.Ordinal))
            {
                return Losses.Mse(t["prediction"], t["target"], ParseReduction(c.String("reduction")));
            }

            if (name.StartsWith("kl_div", StringComparison.Ordinal))
            {
                var r = c.String("reduction");
                var batchMean = r == "batchmean";
                return Losses.KlDivergence(t["log_probs"], t["target"], batchMean ? Reduction.Mean : ParseReduction(r), c.Bool("log_target"), batchMean);
            }

            if (name.StartsWith("carlini_wagner", StringComparison.Ordinal))
            {
                return Losses.CarliniWagner(t["logits"], c.Ints("labels"), c.Float("kappa"), c.Bool("targeted"), ParseReduction(c.String("reduction")));
            }

            if (name.StartsWith("dlr", StringComparison.Ordinal))
            {
                return Losses.Dlr(t["logits"], c.Ints("labels"), ParseReduction(c.String("reduction")));
            }

            throw new NotSupportedException($"no Gauntlet mapping for {c}");
        });
    }

    [Theory]
    [MemberData(nameof(Conv2dCases))]
    public void Conv2d_MatchesPyTorch_ForwardAndGradients(string name)
    {
        var c = TorchFixtures.Case("conv2d", name);
        var geometry = name == "asymmetric_padding"
            ? new Conv2dGeometry(PadTop: c.Int("pad_top"), PadLeft: c.Int("pad_left"), PadBottom: c.Int("pad_bottom"), PadRight: c.Int("pad_right"))
            : Conv2dGeometry.Symmetric(c.Int("stride"), c.Int("padding"), c.Int("dilation"), c.Int("groups"));
        TorchAssert.ForwardAndGradients(c, t => O.Conv2d(t["x"], t["weight"], t["bias"], geometry));
    }

    [Theory]
    [MemberData(nameof(ConvTranspose2dCases))]
    public void ConvTranspose2d_MatchesPyTorch_ForwardAndGradients(string name)
    {
        var c = TorchFixtures.Case("conv_transpose2d", name);
        var geometry = ConvTranspose2dGeometry.Symmetric(c.Int("stride"), c.Int("padding"), c.Int("output_padding"), c.Int("dilation"), c.Int("groups"));
        TorchAssert.ForwardAndGradients(c, t => O.ConvTranspose2d(t["x"], t["weight"], t["bias"], geometry));
    }

    [Theory]
    [MemberData(nameof(PoolingCases))]
    public void Pooling_MatchesPyTorch_ForwardAndGradients(string name)
    {
        var c = TorchFixtures.Case("pooling", name);
        TorchAssert.ForwardAndGradients(c, t =>
        {
            var x = t["x"];
            if (name == "global_avg")
            {
                return O.GlobalAvgPool2d(x);
            }

            if (name.StartsWith("adaptive_avg", StringComparison.Ordinal))
            {
                return O.AdaptiveAvgPool2d(x, c.Int("out_h"), c.Int("out_w"));
            }

            var k = c.Int("kernel");
            var s = c.Int("stride");
            var p = c.Int("padding");
            if (name.StartsWith("max", StringComparison.Ordinal))
            {
                var d = c.Int("dilation");
                return O.MaxPool2d(x, new Pool2dGeometry(k, k, s, s, p, p, p, p, d, d, c.Bool("ceil_mode")));
            }

            return O.AvgPool2d(x, Pool2dGeometry.Square(k, s, p, c.Bool("ceil_mode"), c.Bool("count_include_pad")));
        });
    }
}
