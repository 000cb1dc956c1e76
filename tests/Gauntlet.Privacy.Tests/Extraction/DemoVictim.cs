using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Onnx;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Privacy.Tests.Extraction;

/// <summary>The embedded demo CNN as a victim, and the demo images split into the attacker's pool (first 800) and held-out images (last 200).</summary>
internal static class DemoVictim
{
    public static ModuleClassifier Create() =>
        new(new Sequential(new OnnxClassifier(OnnxModel.Parse(DemoModel.OnnxBytes(), "embedded demo model"))), new Shape(1, 28, 28), 10);

    public static (LabeledImages Pool, LabeledImages HeldOut) Data()
    {
        var demo = FashionMnist.LoadEmbeddedDemo();
        return (demo.Take(800), demo.Select([.. Enumerable.Range(800, 200)]));
    }
}
