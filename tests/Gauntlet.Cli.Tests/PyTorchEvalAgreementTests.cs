using System.Text.Json;
using Gauntlet.Data;
using Gauntlet.Onnx;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Cli.Tests;

/// <summary>
/// A CNN trained and exported by PyTorch (tools/fixtures/make_eval_fixture.py): `gauntlet eval`
/// must give exactly PyTorch's accuracy on the same 1,000 images, prediction for prediction.
/// </summary>
public sealed class PyTorchEvalAgreementTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-torch-eval-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void Eval_OnPyTorchExportedModel_GivesPyTorchsAccuracyExactly()
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Fixture("torch_fmnist_predictions.json")));
        var expected = reference.RootElement.GetProperty("predictions").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var json = Path.Combine(_dir, "eval.json");
        var (code, _, _, error) = CliRunner.Run("eval", Fixture("torch_fmnist_cnn.onnx"), "--data", "demo", "--json", json);
        Assert.True(code == 0, error);
        using var result = JsonDocument.Parse(File.ReadAllText(json));
        var demo = FashionMnist.LoadEmbeddedDemo();
        var torchCorrect = expected.Where((p, i) => p == demo.Labels[i]).Count();
        Assert.Equal(torchCorrect / 1000.0, result.RootElement.GetProperty("accuracy").GetDouble(), 12);

        var model = OnnxClassifier.Load(Fixture("torch_fmnist_cnn.onnx"));
        using var scope = GradMode.NoGrad();
        var predictions = Ops.ArgMax(model.Forward(demo.Images), 1);
        Assert.Equal(expected, predictions);
    }
}
