using System.Globalization;
using System.Text.Json;
using Gauntlet.Attacks.Evasion;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Onnx;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;
using Xunit.Abstractions;

namespace Gauntlet.Attacks.Tests;

/// <summary>
/// Gauntlet's attacks on a PyTorch-trained, PyTorch-exported ONNX CNN, loaded through
/// Gauntlet.Onnx, against PyTorch running the same attack definitions on the same model and the
/// same 1,000 images (tools/fixtures/make_attack_reference.py): robust accuracy within one
/// percentage point for FGSM and 20-step PGD-L∞ at three budgets, and mean L2 within 10% for the
/// minimum-norm attacks DeepFool and C&amp;W L2.
/// </summary>
public class TorchOnnxReferenceTests(ITestOutputHelper output)
{
    private const double AccuracyTolerance = 0.01;
    private const double NormTolerance = 0.10;

    private static readonly Lazy<(ModuleClassifier Classifier, LabeledImages Data, JsonElement Reference)> s_setup = new(() =>
    {
        var fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        var network = new Sequential(OnnxClassifier.Load(Path.Combine(fixtures, "torch_fmnist_cnn.onnx")));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixtures, "torch_attack_reference.json")));
        return (new ModuleClassifier(network, new Shape(1, 28, 28), 10), FashionMnist.LoadEmbeddedDemo(), doc.RootElement.Clone());
    });

    public static TheoryData<string, float> RobustAccuracyCells => new()
    {
        { "fgsm", 0.05f }, { "fgsm", 0.1f }, { "fgsm", 0.2f },
        { "pgd", 0.05f }, { "pgd", 0.1f }, { "pgd", 0.2f },
    };

    [Theory]
    [MemberData(nameof(RobustAccuracyCells))]
    public void RobustAccuracy_OnPyTorchExportedModel_MatchesPyTorchWithinOnePoint(string attack, float epsilon)
    {
        var (classifier, data, reference) = s_setup.Value;
        var steps = reference.GetProperty("pgd").GetProperty("steps").GetInt32();
        EvasionAttack evasion = attack == "fgsm" ? new Fgsm(epsilon) : new Pgd(epsilon, epsilon / 4f, steps, Norm.Linf, randomStart: false);
        var result = evasion.Run(classifier, data.Images, AttackGoal.Untargeted(data.Labels));
        var robust = result.AdversarialPrediction.Where((p, i) => p == data.Labels[i]).Count() / (double)data.Count;
        var expected = reference.GetProperty("robust_accuracy").GetProperty(FormattableString.Invariant($"{attack}/{epsilon}")).GetDouble();
        output.WriteLine($"{attack} ε {epsilon.ToString(CultureInfo.InvariantCulture)}: Gauntlet {robust:P1}, PyTorch {expected:P1} ({result.Seconds:F1} s)");
        Assert.True(Math.Abs(robust - expected) <= AccuracyTolerance, $"{attack} ε {epsilon}: Gauntlet {robust:P2} vs PyTorch {expected:P2}");
        Assert.All(result.Linf, v => Assert.True(v <= epsilon + 1e-6f, $"L∞ {v} exceeds ε {epsilon}"));
    }

    [Theory]
    [InlineData("deepfool_l2")]
    [InlineData("cw_l2")]
    public void MinimumNormAttack_OnPyTorchExportedModel_MeanL2WithinTenPercentOfPyTorch(string name)
    {
        var (classifier, data, root) = s_setup.Value;
        var reference = root.GetProperty(name);
        var subset = data.Take(reference.GetProperty("count").GetInt32());
        EvasionAttack evasion = name == "deepfool_l2"
            ? new DeepFool(Norm.L2, reference.GetProperty("max_iterations").GetInt32(), reference.GetProperty("overshoot").GetSingle(), reference.GetProperty("candidates").GetInt32())
            : new CarliniWagnerL2(
                reference.GetProperty("confidence").GetSingle(),
                reference.GetProperty("initial_constant").GetSingle(),
                reference.GetProperty("binary_search_steps").GetInt32(),
                reference.GetProperty("steps").GetInt32(),
                reference.GetProperty("learning_rate").GetSingle());
        var result = evasion.Run(classifier, subset.Images, AttackGoal.Untargeted(subset.Labels));
        var broken = Enumerable.Range(0, subset.Count).Where(i => result.OriginalPrediction[i] == subset.Labels[i] && result.Success[i]).ToArray();
        var meanL2 = broken.Average(i => (double)result.L2[i]);
        var expected = reference.GetProperty("mean_l2").GetDouble();
        output.WriteLine($"{name}: Gauntlet mean L2 {meanL2:F4} over {broken.Length} broken, PyTorch {expected:F4} over {reference.GetProperty("successes").GetInt32()} ({result.Seconds:F1} s)");
        Assert.Equal(reference.GetProperty("initially_correct").GetInt32(), result.OriginalPrediction.Where((p, i) => p == subset.Labels[i]).Count());
        Assert.True(Math.Abs(broken.Length - reference.GetProperty("successes").GetInt32()) <= 1, $"{name}: {broken.Length} successes vs PyTorch {reference.GetProperty("successes").GetInt32()}");
        Assert.True(Math.Abs(meanL2 - expected) <= NormTolerance * expected, $"{name}: mean L2 {meanL2} vs PyTorch {expected}");
    }
}
