using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;
using Gauntlet.Tensors.Tests.Infrastructure;
using O = Gauntlet.Tensors.Ops;

namespace Gauntlet.Tensors.Tests.Nn;

public class PerSampleGradientModeTests
{
    private static Sequential SmallCnn(Rng rng) => new(
        new Conv2d(2, 3, 3, rng, padding: 1),
        new Relu(),
        new MaxPool2d(2),
        new Sequential(new Flatten(), new Linear(3 * 3 * 3, 4, rng)));

    [Fact]
    public void Compute_MatchesGradientOfEachSampleAlone()
    {
        var rng = new Rng(12);
        var model = SmallCnn(rng);
        var x = Tensor.RandN(rng, 5, 2, 6, 6);
        int[] labels = [0, 3, 1, 2, 3];
        var perSample = PerSampleGradientMode.Compute(model, x, logits => Losses.CrossEntropy(logits, labels, Reduction.None));
        Assert.Equal(["0.weight", "0.bias", "3.1.weight", "3.1.bias"], perSample.Keys);

        var parameters = model.NamedParameters().ToList();
        for (var i = 0; i < 5; i++)
        {
            var xi = O.Slice(x, 0, i, i + 1);
            var loss = Losses.CrossEntropy(model.Forward(xi), [labels[i]], Reduction.Sum);
            var grads = Autodiff.Grad(loss, [.. parameters.Select(p => p.Value)]);
            for (var p = 0; p < parameters.Count; p++)
            {
                var row = O.Squeeze(O.Slice(perSample[parameters[p].Name], 0, i, i + 1), 0);
                TensorAssert.Close(grads[p], row, rtol: 1e-4, atol: 1e-5, what: $"sample {i} {parameters[p].Name}");
            }
        }
    }

    [Fact]
    public void Compute_LayerNorm_MatchesGradientOfEachSampleAlone()
    {
        // Normalisation layers in DP-SGD: layer norm works on each sample alone, so it has a per-sample rule.
        var rng = new Rng(5);
        var norm = new LayerNorm([6]);
        O.Add(norm.Gamma!, Tensor.RandN(rng, 6)).ReadOnlySpan.CopyTo(norm.Gamma!.Span);
        Tensor.RandN(rng, 6).ReadOnlySpan.CopyTo(norm.Beta!.Span);
        var model = new Sequential(new Linear(4, 6, rng), norm, new Relu(), new Linear(6, 3, rng));
        var x = Tensor.RandN(rng, 4, 4);
        int[] labels = [2, 0, 1, 2];
        var perSample = PerSampleGradientMode.Compute(model, x, logits => Losses.CrossEntropy(logits, labels, Reduction.None));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"], perSample.Keys);

        var parameters = model.NamedParameters().ToList();
        for (var i = 0; i < 4; i++)
        {
            var loss = Losses.CrossEntropy(model.Forward(O.Slice(x, 0, i, i + 1)), [labels[i]], Reduction.Sum);
            var grads = Autodiff.Grad(loss, [.. parameters.Select(p => p.Value)]);
            for (var p = 0; p < parameters.Count; p++)
            {
                var row = O.Squeeze(O.Slice(perSample[parameters[p].Name], 0, i, i + 1), 0);
                TensorAssert.Close(grads[p], row, rtol: 1e-4, atol: 1e-5, what: $"sample {i} {parameters[p].Name}");
            }
        }
    }

    [Fact]
    public void Compute_RejectsLayersWithoutPerSampleRule()
    {
        var model = new Sequential(new Linear(3, 2, new Rng(1)), new BatchNorm(2));
        var ex = Assert.Throws<NotSupportedException>(() =>
            PerSampleGradientMode.Compute(model, Tensor.Ones(4, 3), y => O.Sum(y, 1)));
        Assert.Contains("BatchNorm", ex.Message);
    }

    [Fact]
    public void Compute_RejectsReducedLoss()
    {
        var model = new Sequential(new Linear(3, 2, new Rng(1)));
        var ex = Assert.Throws<TensorShapeException>(() =>
            PerSampleGradientMode.Compute(model, Tensor.Ones(4, 3), y => O.Sum(y)));
        Assert.Contains("Reduction.None", ex.Message);
    }
}
