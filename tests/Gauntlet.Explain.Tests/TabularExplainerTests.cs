using Gauntlet.Data;
using Gauntlet.Explain.Reporting;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Explain.Tests;

public sealed class TabularExplainerTests
{
    private static float[][] Rows(int n, int m, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, m).Select(_ => (float)(rng.NextDouble() * 2) - 1).ToArray())];
    }

    [Fact]
    public void KernelShapEqualsExactShapleyValuesOnAFiveFeatureNetwork()
    {
        // A non-linear model (an MLP with tanh, explained through its softmax probability).
        var net = new Sequential(new Linear(5, 16, new Rng(21)), new Tanh(), new Linear(16, 2, new Rng(22)));
        var model = new ModuleClassifier(net, new Shape(5), 2, new InputRange(-1, 1));
        var f = TabularModel.Probability(model, 1);
        var background = Rows(25, 5, 1);
        foreach (var x in Rows(3, 5, 2))
        {
            var exact = KernelShap.ExactShapley(f, x, background);
            var shap = KernelShap.Explain(f, x, background);
            Assert.True(shap.Exact);
            Assert.Equal(30, shap.Coalitions); // 2^5 − 2
            for (var j = 0; j < 5; j++)
            {
                Assert.True(Math.Abs(exact[j] - shap.Values[j]) < 0.01, $"feature {j}: KernelSHAP {shap.Values[j]}, exact {exact[j]}");
            }

            Assert.Equal(shap.Prediction - shap.BaseValue, shap.Values.Sum(), 9);
            Assert.True(exact.Max(Math.Abs) > 1e-3, "the model should depend on its features");
        }
    }

    [Fact]
    public void SampledKernelShapRecoversALinearModelsValues()
    {
        // For f(x) = w·x + c with the interventional value function, φⱼ = wⱼ (xⱼ − mean of bⱼ).
        var w = new[] { 0.5, -1.0, 2.0, 0.0, 0.3, -0.7, 1.2, 0.9, -0.2, 0.4, 1.5, -1.1 };
        Func<float[][], double[]> f = rows => [.. rows.Select(r => 0.25 + r.Select((v, j) => w[j] * v).Sum())];
        var background = Rows(10, 12, 3);
        var x = Rows(1, 12, 4)[0];
        var shap = KernelShap.Explain(f, x, background, budget: 300, seed: 5);
        Assert.False(shap.Exact);
        for (var j = 0; j < 12; j++)
        {
            var expected = w[j] * (x[j] - background.Average(b => (double)b[j]));
            Assert.Equal(expected, shap.Values[j], 4);
        }
    }

    [Fact]
    public void PermutationImportanceFindsTheOnlyFeatureTheModelUses()
    {
        var rows = Rows(200, 4, 6);
        var labels = rows.Select(r => r[2] > 0 ? 1 : 0).ToArray();
        var result = PermutationImportance.Compute(r => [.. r.Select(x => x[2] > 0 ? 1 : 0)], rows, labels, ["a", "b", "c", "d"], repeats: 3, seed: 1);
        Assert.Equal(1.0, result.BaselineAccuracy);
        Assert.True(result.Features[2].MeanDrop > 0.3, $"drop {result.Features[2].MeanDrop}");
        foreach (var j in new[] { 0, 1, 3 })
        {
            Assert.Equal(0.0, result.Features[j].MeanDrop);
        }

        Assert.Equal("c", ExplanationBlocks.Importance(result).Rows[0][0].Inlines[0].Value);
    }

    [Fact]
    public void HeatmapsAreUpscaledRgbPngs()
    {
        var png = Heatmap.Png(new float[] { -1, 0, 0.5f, 1, 0, 0 }, 2, 3, HeatmapPalette.Diverging, scale: 4);
        var image = PngDecoder.Decode(new MemoryStream(png), "heatmap");
        Assert.Equal(12, image.Width);
        Assert.Equal(8, image.Height);
        var bars = ExplanationBlocks.Bars("t", "d", ["a", "b", "c"], [0.1, -0.5, 0.2]);
        Assert.Equal("b", bars.Bars[0].Label);
        Assert.Equal(-0.5, bars.ValueAxis.Min);
    }
}
