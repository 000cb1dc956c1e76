using Gauntlet.Attacks;
using Gauntlet.Attacks.Evasion;
using Gauntlet.Core.Metrics;
using Gauntlet.Defenses.Detection;
using Gauntlet.Tensors;

namespace Gauntlet.Defenses.Tests.Detection;

public sealed class DetectionTests
{
    [Fact]
    public void Auc_IsMannWhitney_WithTiesHalf()
    {
        Assert.Equal(1.0, RocCurve.AucOrNaN([0.3, 0.4], [0.1, 0.2]));
        Assert.Equal(0.0, RocCurve.AucOrNaN([0.1, 0.2], [0.3, 0.4]));
        // Pairs: (0.1,0.2)>, (0.1,0.1)=, (0.3,0.2)<, (0.3,0.1)< → (1 + 0.5) / 4.
        Assert.Equal(0.375, RocCurve.AucOrNaN([0.2, 0.1], [0.1, 0.3]));
        Assert.True(double.IsNaN(RocCurve.AucOrNaN([1.0], [])));
    }

    [Fact]
    public void Threshold_KeepsTheFalsePositiveRateAtMostTheTarget()
    {
        var clean = Enumerable.Range(1, 100).Select(i => i / 100.0).ToArray();
        var threshold = RocCurve.ThresholdAt(clean, 0.05);
        Assert.Equal(0.95, threshold, 9);
        Assert.Equal(0.05, RocCurve.FlaggedRate(clean, threshold), 9);
        Assert.Equal(1.0, RocCurve.ThresholdAt(clean, 0));
        Assert.Throws<ArgumentException>(() => RocCurve.ThresholdAt(clean, 1));
    }

    [Fact]
    public void SqueezingDetector_ScoresAdversarialExamplesHigherThanCleanOnes()
    {
        var (x, y) = DemoSubject.First(60);
        var model = DemoSubject.Classifier();
        var detector = new FeatureSqueezingDetector(model);
        var clean = detector.Scores(x);
        var attack = new Pgd(0.1f, 0.025f, 10).Run(model, x, AttackGoal.Untargeted(y), 0);
        var fooled = Enumerable.Range(0, y.Length).Where(i => attack.Success[i]).ToArray();
        Assert.True(fooled.Length >= 20, $"{fooled.Length} fooled");
        var adversarial = detector.Scores(Ops.IndexSelect(attack.Adversarial, 0, fooled));
        Assert.All(clean.Concat(adversarial), s => Assert.InRange(s, 0.0, 2.0));
        Assert.True(RocCurve.AucOrNaN(adversarial, clean) > 0.6, $"AUC {RocCurve.AucOrNaN(adversarial, clean)}");
    }
}
