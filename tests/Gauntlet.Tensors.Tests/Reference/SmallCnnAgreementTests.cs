using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Tests.Infrastructure;
using O = Gauntlet.Tensors.Ops;

namespace Gauntlet.Tensors.Tests.Reference;

/// <summary>
/// A small CNN built from engine ops with PyTorch's parameters (Fixtures/torch/small_cnn.json):
/// conv 1→4 3×3, relu, max-pool 2, conv 4→8 3×3 pad 1, batch-norm (inference), relu,
/// global average pool, flatten, linear 8→10, mean cross-entropy over 5 images of 1×12×12.
/// </summary>
public class SmallCnnAgreementTests
{
    private static readonly string[] s_parameters =
        ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "bn.weight", "bn.bias", "fc.weight", "fc.bias"];

    private static (Tensor Logits, Tensor Loss, Dictionary<string, Tensor> Leaves) Run(TorchCase c)
    {
        var p = new Dictionary<string, Tensor> { ["x"] = c.Tensor("x").RequireGrad() };
        foreach (var name in s_parameters)
        {
            p[name] = c.Tensor(name).RequireGrad();
        }

        var h = O.Conv2d(p["x"], p["conv1.weight"], p["conv1.bias"], Conv2dGeometry.Symmetric());
        h = O.Relu(h);
        h = O.MaxPool2d(h, Pool2dGeometry.Square(2));
        h = O.Conv2d(h, p["conv2.weight"], p["conv2.bias"], Conv2dGeometry.Symmetric(padding: 1));
        h = O.BatchNorm(h, p["bn.weight"], p["bn.bias"], c.Tensor("bn.running_mean"), c.Tensor("bn.running_var"), training: false, eps: c.Float("bn_eps"));
        h = O.Relu(h);
        h = O.Flatten(O.GlobalAvgPool2d(h));
        var logits = O.Linear(h, p["fc.weight"], p["fc.bias"]);
        var loss = Losses.CrossEntropy(logits, c.Ints("labels"));
        return (logits, loss, p);
    }

    [Fact]
    public void SmallCnn_MatchesPyTorch_LogitsAndLoss()
    {
        var c = TorchFixtures.Case("small_cnn", "small_cnn");
        var (logits, loss, _) = Run(c);
        TorchAssert.Close(c.Tensor("logits"), logits, $"{c} logits");
        TorchAssert.Close(c.Tensor("loss"), loss, $"{c} loss");
    }

    [Fact]
    public void SmallCnn_MatchesPyTorch_InputAndEveryParameterGradient()
    {
        var c = TorchFixtures.Case("small_cnn", "small_cnn");
        var (_, loss, leaves) = Run(c);
        Assert.Equal(["x", .. s_parameters], c.Inputs);
        var names = c.Inputs.ToArray();
        var grads = Autodiff.Grad(loss, [.. names.Select(n => leaves[n])]);
        for (var i = 0; i < names.Length; i++)
        {
            TorchAssert.Close(c.Tensor("grad." + names[i]), grads[i], $"{c} ∂loss/∂{names[i]}");
        }
    }
}
