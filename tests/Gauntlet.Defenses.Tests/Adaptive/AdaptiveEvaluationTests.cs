using Gauntlet.Defenses.Adaptive;
using Gauntlet.Defenses.InputTransforms;

namespace Gauntlet.Defenses.Tests.Adaptive;

public sealed class AdaptiveEvaluationTests
{
    // Athalye et al.'s point in miniature: through a quantiser the plain gradient is zero, so PGD
    // barely moves and the defense looks robust; BPDA takes the model's gradient at the squeezed
    // input and brings robust accuracy back near the undefended model's.
    [Theory]
    [InlineData("bit-depth")]
    [InlineData("jpeg")]
    public void PlainAttackLooksStrong_BpdaBringsRobustAccuracyBackNearUndefended(string defense)
    {
        var (x, y) = DemoSubject.First(100);
        var options = new AdaptiveEvaluationOptions([0.1f], Attacks: ["pgd"], Steps: 10, Seed: 1);

        var result = AdaptiveEvaluation.Evaluate(DemoSubject.Classifier(), InputDefenses.Create(defense), x, y, options);

        var threat = Assert.Single(result.Threats);
        Assert.True(result.CleanDefended >= result.CleanUndefended - 0.1, $"clean {result.CleanDefended} vs {result.CleanUndefended}");
        Assert.True(threat.Plain >= threat.Undefended + 0.3, $"plain {threat.Plain} vs undefended {threat.Undefended}");
        Assert.True(threat.Adaptive <= threat.Undefended + 0.15, $"BPDA {threat.Adaptive} vs undefended {threat.Undefended}");
        Assert.Equal(threat.Adaptive, threat.Reported, 6);
        Assert.True(threat.Overstatement >= 0.25);
    }

    [Fact]
    public void RandomisedDefense_GetsEot_AndReportedIsThePerSampleWorstCase()
    {
        var (x, y) = DemoSubject.First(30);
        var options = new AdaptiveEvaluationOptions([0.05f], Attacks: ["pgd"], Steps: 3, EotSamples: 2, BatchSize: 30, Seed: 2);

        var result = AdaptiveEvaluation.Evaluate(DemoSubject.Classifier(), new TotalVariationMinimisation(steps: 3), x, y, options);

        Assert.True(result.Randomized);
        Assert.Equal(2, result.EotSamples);
        var threat = Assert.Single(result.Threats);
        Assert.True(threat.Reported <= Math.Min(threat.Plain, threat.Adaptive) + 1e-9);
        Assert.True(result.InferenceOverhead > 1, $"overhead {result.InferenceOverhead}");
    }

    [Fact]
    public void Budgets_MustBePositive()
    {
        var (x, y) = DemoSubject.First(2);
        Assert.Throws<ArgumentException>(() => AdaptiveEvaluation.Evaluate(DemoSubject.Classifier(), new BitDepthReduction(4), x, y, new AdaptiveEvaluationOptions([0f])));
    }
}
