using Gauntlet.Attacks.Evasion;
using Gauntlet.Tensors;
using Xunit.Abstractions;

namespace Gauntlet.Attacks.Tests;

/// <summary>
/// Gauntlet's gradient attacks against PyTorch computing the same attack on the same model and
/// images (tools/fixtures/make_attack_fixtures.py). Iterated sign steps can differ where a
/// gradient component is within float rounding of zero, and a flipped sign then compounds over
/// later steps (measured: single-step attacks agree on 100% of pixels, 20-step targeted BIM on
/// 99.4%), so the check is element-wise agreement on at least <see cref="RequiredAgreement"/> of
/// pixels plus identical adversarial predictions.
/// </summary>
public class TorchReferenceTests(ITestOutputHelper output)
{
    private const double ElementTolerance = 1e-5;
    private const double RequiredAgreement = 0.99;

    [Fact]
    public void ReferenceModel_CleanLogits_MatchPyTorch()
    {
        var reference = ReferenceModel.Instance;
        var logits = reference.Classifier().Predict(reference.Images).ToArray();
        for (var i = 0; i < logits.Length; i++)
        {
            Assert.True(Math.Abs(logits[i] - reference.CleanLogits[i]) <= 1e-4 * Math.Max(1, Math.Abs(reference.CleanLogits[i])), $"logit {i}: {logits[i]} vs {reference.CleanLogits[i]}");
        }
    }

    public static TheoryData<string> Cases => ["fgsm", "fgm_l2", "bim", "bim_targeted", "mi_fgsm"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Attack_MatchesPyTorch(string name)
    {
        var reference = ReferenceModel.Instance;
        var c = reference.Cases[name];
        var eps = c.GetProperty("epsilon").GetSingle();
        EvasionAttack attack = name switch
        {
            "fgsm" => new Fgsm(eps),
            "fgm_l2" => new Fgsm(eps, Norm.L2),
            "mi_fgsm" => new MiFgsm(eps, c.GetProperty("step").GetSingle(), c.GetProperty("steps").GetInt32()),
            _ => new Bim(eps, c.GetProperty("step").GetSingle(), c.GetProperty("steps").GetInt32()),
        };
        var goal = name == "bim_targeted"
            ? AttackGoal.Targeted(reference.Labels, [.. c.GetProperty("targets").EnumerateArray().Select(e => e.GetInt32())])
            : AttackGoal.Untargeted(reference.Labels);
        var result = attack.Run(reference.Classifier(), reference.Images, goal);

        var expected = ReferenceModel.Floats(c.GetProperty("adversarial"));
        var actual = result.Adversarial.ToArray();
        var agree = 0;
        var maxDiff = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            var d = Math.Abs(expected[i] - actual[i]);
            maxDiff = Math.Max(maxDiff, d);
            if (d <= ElementTolerance)
            {
                agree++;
            }
        }

        var fraction = agree / (double)expected.Length;
        output.WriteLine($"{name}: {fraction:P3} of pixels agree with PyTorch within {ElementTolerance}, max |diff| {maxDiff:G3}, success {result.SuccessRate:P0}");
        Assert.True(fraction >= RequiredAgreement, $"{name}: only {fraction:P3} of pixels agree (max |diff| {maxDiff})");
        Assert.Equal(c.GetProperty("predictions").EnumerateArray().Select(e => e.GetInt32()), result.AdversarialPrediction);
    }
}
