using System.Text.Json;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Xunit.Abstractions;

namespace Gauntlet.Onnx.Tests;

/// <summary>
/// Models exported by PyTorch 1.13 (tools/fixtures/make_onnx_models.py): Gauntlet's outputs
/// must match PyTorch's within 1e-4 and the input gradient of the summed cross-entropy within
/// 1e-3, both relative to the scale of the reference values.
/// </summary>
public class PyTorchExportTests(ITestOutputHelper output)
{
    private const double OutputTolerance = 1e-4;
    private const double GradientTolerance = 1e-3;

    public static TheoryData<string> ImageModels => ["mlp", "lenet", "resnet_mini", "mobilenet_mini"];

    private static (string Onnx, JsonElement Reference) Load(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, name + ".json")));
        return (Path.Combine(dir, name + ".onnx"), doc.RootElement.Clone());
    }

    private static float[] Floats(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetSingle())];

    private static int[] Ints(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetInt32())];

    private static double ScaledError(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = Math.Max(1e-6, expected.Max(v => Math.Abs((double)v)));
        return expected.Zip(actual, (e, a) => Math.Abs(e - (double)a)).Max() / scale;
    }

    [Theory]
    [MemberData(nameof(ImageModels))]
    public void ImageModel_OutputsAndInputGradients_MatchPyTorch(string name)
    {
        var (path, reference) = Load(name);
        var model = OnnxClassifier.Load(path);
        var x = Tensor.FromArray(Floats(reference.GetProperty("input")), Ints(reference.GetProperty("input_shape")));
        var labels = Ints(reference.GetProperty("labels"));
        var xg = x.Clone().RequireGrad();
        var logits = model.Forward(xg);
        var outputError = ScaledError(Floats(reference.GetProperty("logits")), logits.ToArray());
        var grad = Autodiff.Grad(Losses.CrossEntropy(logits, labels, Reduction.Sum), xg);
        var gradError = ScaledError(Floats(reference.GetProperty("input_grad")), grad.ToArray());
        output.WriteLine($"{name}: output error {outputError:G3}, input-gradient error {gradError:G3} (relative to scale)");
        Assert.True(outputError <= OutputTolerance, $"{name}: outputs differ from PyTorch by {outputError:G3} of scale");
        Assert.True(gradError <= GradientTolerance, $"{name}: input gradients differ from PyTorch by {gradError:G3} of scale");
    }

    [Fact]
    public void TransformerTextClassifier_OutputsMatchPyTorch()
    {
        var (path, reference) = Load("transformer_text");
        var session = new OnnxSession(OnnxModel.Load(path));
        var shape = Ints(reference.GetProperty("input_shape"));
        var tokens = reference.GetProperty("input").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        var result = session.Run(new Dictionary<string, OnnxValue> { ["input"] = OnnxValue.FromInts(tokens, shape) });
        var logits = result["logits"].Float!;
        Assert.Equal(Ints(reference.GetProperty("logits_shape")), logits.Shape.ToArray());
        var error = ScaledError(Floats(reference.GetProperty("logits")), logits.ToArray());
        output.WriteLine($"transformer_text: output error {error:G3} (relative to scale)");
        Assert.True(error <= OutputTolerance, $"transformer outputs differ from PyTorch by {error:G3} of scale");
    }

    [Fact]
    public void ExportedModels_HaveDynamicBatch()
    {
        var (path, reference) = Load("lenet");
        var model = OnnxClassifier.Load(path);
        var one = Tensor.FromArray(Floats(reference.GetProperty("input"))[..784], 1, 1, 28, 28);
        using var scope = GradMode.NoGrad();
        Assert.Equal(new Shape(1, 10), model.Forward(one).Shape);
    }
}
