using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;
using Xunit.Abstractions;

namespace Gauntlet.Explain.Tests;

public sealed class GradientExplainerTests(ITestOutputHelper output)
{
    private static ModuleClassifier CnnSmall(int seed) =>
        new(ModelZoo.Create("cnn-small", 1, 28, 28, 10, seed), new Shape(1, 28, 28), 10);

    private static Tensor Image(int seed)
    {
        // A smooth blob plus noise in [0, 1]: a stand-in for a clothing item with fixed values.
        var rng = new Rng(seed);
        var px = new float[28 * 28];
        for (var y = 0; y < 28; y++)
        {
            for (var x = 0; x < 28; x++)
            {
                var d = (((x - 14) * (x - 14)) + ((y - 12) * (y - 12))) / 60.0;
                px[(y * 28) + x] = (float)Math.Clamp(Math.Exp(-d) + (0.1 * rng.NextDouble()), 0, 1);
            }
        }

        return Tensor.FromArray(px, 1, 1, 28, 28);
    }

    [Fact]
    public void IntegratedGradientsOnCnnSmallAreCompleteWithinOnePercent()
    {
        var model = CnnSmall(11);
        var x = Image(3);
        // The class whose logit moves most between the black baseline and the image, so that the
        // relative completeness error is measured against a clearly non-zero f(x) − f(baseline).
        var fx = model.Predict(x).ReadOnlySpan.ToArray();
        var f0 = model.Predict(Tensor.Zeros(1, 1, 28, 28)).ReadOnlySpan.ToArray();
        var target = Enumerable.Range(0, 10).MaxBy(k => Math.Abs(fx[k] - f0[k]));
        foreach (var rule in new[] { IntegrationRule.Trapezoid, IntegrationRule.RiemannMiddle })
        {
            var ig = GradientExplainer.IntegratedGradients(model, x, target, steps: 128, rule: rule);
            output.WriteLine($"{rule}: sum {ig.AttributionSum:F6}, f(x) − f(0) = {ig.Delta:F6}, error {ig.CompletenessError:P3}");
            Assert.True(Math.Abs(ig.Delta) > 1e-3, $"f(x) − f(baseline) = {ig.Delta} is too small to test completeness");
            Assert.True(ig.CompletenessError < 0.01, $"{rule}: completeness error {ig.CompletenessError:P2} ≥ 1%");
            Assert.Equal(x.Shape, ig.Attributions.Shape);
        }
    }

    [Fact]
    public void IntegratedGradientsOfALinearModelAreExactForEveryRule()
    {
        var model = new ModuleClassifier(new Sequential(new Linear(6, 3, new Rng(2))), new Shape(6), 3);
        var x = Tensor.FromArray([0.2f, 0.9f, 0.4f, 0.1f, 0.7f, 0.5f], 1, 6);
        var baseline = GradientExplainer.Baseline(model, BaselineKind.RangeMid);
        foreach (var rule in Enum.GetValues<IntegrationRule>())
        {
            var ig = GradientExplainer.IntegratedGradients(model, x, 1, baseline, steps: 3, rule: rule);
            Assert.True(ig.CompletenessError < 1e-4, $"{rule}: {ig.CompletenessError}");
        }
    }

    [Fact]
    public void VanillaGradientsMatchCentralFiniteDifferences()
    {
        var net = new Sequential(new Linear(5, 8, new Rng(4)), new Tanh(), new Linear(8, 3, new Rng(5)));
        var model = new ModuleClassifier(net, new Shape(5), 3, new InputRange(-2, 2));
        float[] x = [0.3f, -0.7f, 1.1f, 0.05f, -0.4f];
        foreach (var output in new[] { ExplainedOutput.Logit, ExplainedOutput.Probability })
        {
            var g = GradientExplainer.Vanilla(model, Tensor.FromArray((float[])x.Clone(), 1, 5), [2], output).ReadOnlySpan.ToArray();
            const float h = 1e-2f;
            for (var j = 0; j < 5; j++)
            {
                var up = (float[])x.Clone();
                var down = (float[])x.Clone();
                up[j] += h;
                down[j] -= h;
                var fu = TargetFunction.Values(model, Tensor.FromArray(up, 1, 5), [2], output)[0];
                var fd = TargetFunction.Values(model, Tensor.FromArray(down, 1, 5), [2], output)[0];
                var numeric = (fu - fd) / (2 * h);
                Assert.True(Math.Abs(numeric - g[j]) <= 2e-3 + (1e-2 * Math.Abs(numeric)), $"{output} feature {j}: autodiff {g[j]}, finite difference {numeric}");
            }
        }
    }

    [Fact]
    public void SmoothGradWithoutNoiseIsTheGradientAndIsReproducibleWithNoise()
    {
        var model = CnnSmall(5);
        var x = Image(1);
        var plain = GradientExplainer.Vanilla(model, x, [4]).ReadOnlySpan.ToArray();
        var zeroNoise = GradientExplainer.SmoothGrad(model, x, 4, samples: 4, noiseLevel: 0).ReadOnlySpan.ToArray();
        for (var i = 0; i < plain.Length; i++)
        {
            Assert.Equal(plain[i], zeroNoise[i], 4);
        }

        var a = GradientExplainer.SmoothGrad(model, x, 4, samples: 8, seed: 9).ReadOnlySpan.ToArray();
        var b = GradientExplainer.SmoothGrad(model, x, 4, samples: 8, seed: 9).ReadOnlySpan.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(plain, a);
    }

    [Fact]
    public void GradCamOnCnnSmallUsesTheLastFeatureMapAndCoversTheImage()
    {
        var net = ModelZoo.Create("cnn-small", 1, 28, 28, 10, 7);
        var cam = GradCam.Compute(net, Image(2), 3);
        Assert.Equal(5, cam.LayerIndex); // the second max-pool
        Assert.Equal(new Shape(28, 28), cam.Map.Shape);
        Assert.Equal(new Shape(5, 5), cam.Coarse.Shape);
        Assert.Equal(64, cam.ChannelWeights.Length);
        Assert.All(cam.Map.ReadOnlySpan.ToArray(), v => Assert.True(v >= 0));
    }

    [Fact]
    public void GradCamWeightsAreTheClassifierWeightsOverTheAreaBehindGlobalPooling()
    {
        // Conv → ReLU → global average pooling → linear: ∂y_c/∂A_k[i,j] = W[c,k] / (h·w) (the CAM case).
        var linear = new Linear(4, 3, new Rng(8));
        var net = new Sequential(new Conv2d(1, 4, 3, new Rng(9)), new Relu(), new GlobalAvgPool2d(), new Flatten(), linear);
        var cam = GradCam.Compute(net, Image(4), 2);
        Assert.Equal(1, cam.LayerIndex);
        var w = linear.Weight.ReadOnlySpan;
        for (var k = 0; k < 4; k++)
        {
            Assert.Equal(w[(2 * 4) + k] / (26f * 26f), cam.ChannelWeights[k], 6);
        }
    }
}
