using System.Text.Json;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Attacks.Tests;

/// <summary>
/// The PyTorch-trained CNN of tools/fixtures/make_attack_fixtures.py rebuilt from Gauntlet
/// modules, its reference attack results, and the 8 images they were computed on.
/// </summary>
internal sealed class ReferenceModel
{
    private static readonly Lazy<ReferenceModel> s_instance = new(() => new ReferenceModel());

    private ReferenceModel()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "attack_reference.json")));
        var root = doc.RootElement;
        Network = new Sequential(
            new Conv2d(1, 8, 3, new Rng(0)), new Relu(), new MaxPool2d(2),
            new Conv2d(8, 16, 3, new Rng(0)), new Relu(), new MaxPool2d(2),
            new Flatten(), new Linear(400, 10, new Rng(0)));
        var state = new Dictionary<string, Tensor>();
        foreach (var p in root.GetProperty("parameters").EnumerateObject())
        {
            var shape = p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            state[p.Name] = Tensor.FromArray(Floats(p.Value.GetProperty("values")), shape);
        }

        Network.LoadStateDict(state);
        Labels = [.. root.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32())];
        CleanLogits = Floats(root.GetProperty("clean_logits"));
        Cases = root.GetProperty("cases").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.Clone());
        Images = FashionMnist.LoadEmbeddedDemo().Take(Labels.Length).Images;
    }

    public static ReferenceModel Instance => s_instance.Value;

    public Sequential Network { get; }

    public int[] Labels { get; }

    public float[] CleanLogits { get; }

    public Tensor Images { get; }

    public Dictionary<string, JsonElement> Cases { get; }

    public ModuleClassifier Classifier() => new(Network, new Shape(1, 28, 28), 10);

    public static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetSingle())];
}
