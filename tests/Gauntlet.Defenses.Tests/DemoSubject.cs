using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Onnx;
using Gauntlet.Tensors;

namespace Gauntlet.Defenses.Tests;

/// <summary>The embedded demo CNN and the first demo images, shared by the tests.</summary>
internal static class DemoSubject
{
    private static readonly Lazy<LabeledImages> Data = new(FashionMnist.LoadEmbeddedDemo);

    /// <summary>A fresh classifier over the demo model (query counts start at zero).</summary>
    public static IClassifier Classifier() =>
        new ModuleClassifier(new Gauntlet.Tensors.Nn.Sequential(new OnnxClassifier(OnnxModel.Parse(DemoModel.OnnxBytes(), "embedded demo model"))), new Shape(1, 28, 28), 10);

    /// <summary>The first <paramref name="count"/> demo images and labels.</summary>
    public static (Tensor Images, int[] Labels) First(int count)
    {
        var set = Data.Value.Take(count);
        return (set.Images, set.Labels);
    }
}
