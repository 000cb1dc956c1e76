using Gauntlet.Core.Metrics;

namespace Gauntlet.Core.Tests.Metrics;

public sealed class RocCurveTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Auc_MatchesHandComputedMannWhitney()
    {
        // Positives {0.9, 0.6, 0.4}, negatives {0.7, 0.3}: pairs positive > negative are
        // (0.9,0.7), (0.9,0.3), (0.6,0.3), (0.4,0.3) = 4 of 6.
        var roc = RocCurve.FromScores([0.9, 0.6, 0.4], [0.7, 0.3]);
        Assert.Equal(4.0 / 6.0, roc.Auc(), Tolerance);
        Assert.Equal([0, 0, 0.5, 0.5, 0.5, 1], roc.Points.Select(p => p.Fpr));
        double[] tpr = [0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 1, 1];
        Assert.All(roc.Points.Zip(tpr), t => Assert.Equal(t.Second, t.First.Tpr, Tolerance));
    }

    [Fact]
    public void Auc_CountsATieAsHalf()
    {
        // One positive and one negative with the same score: a diagonal step, AUC ½.
        Assert.Equal(0.5, RocCurve.FromScores([1.0], [1.0]).Auc(), Tolerance);
        // Positives {2, 1}, negatives {1, 0}: pairs >: (2,1), (2,0), (1,0) = 3, tie (1,1) = ½ → 3.5/4.
        Assert.Equal(3.5 / 4, RocCurve.FromScores([2.0, 1.0], [1.0, 0.0]).Auc(), Tolerance);
    }

    [Fact]
    public void Auc_IsOneForPerfectSeparation_AndZeroForReversed()
    {
        Assert.Equal(1.0, RocCurve.FromScores([3.0, 4.0], [1.0, 2.0]).Auc(), Tolerance);
        Assert.Equal(0.0, RocCurve.FromScores([1.0, 2.0], [3.0, 4.0]).Auc(), Tolerance);
    }

    [Fact]
    public void TprAtFpr_IsTheStepReadingAtOrBelowTheFpr()
    {
        // Negatives {0.7, 0.3}; FPR 0 allows only thresholds above 0.7 → TPR 1/3 (just 0.9).
        var roc = RocCurve.FromScores([0.9, 0.6, 0.4], [0.7, 0.3]);
        Assert.Equal(1 / 3.0, roc.TprAtFpr(0.0), Tolerance);
        Assert.Equal(1 / 3.0, roc.TprAtFpr(0.49), Tolerance);
        Assert.Equal(1.0, roc.TprAtFpr(0.5), Tolerance);
        Assert.Equal(1.0, roc.TprAtFpr(1.0), Tolerance);
        Assert.Throws<ArgumentOutOfRangeException>(() => roc.TprAtFpr(1.5));
    }

    [Fact]
    public void BalancedAccuracy_IsTheBestThresholdsMeanOfTprAndTnr()
    {
        // Points: (0,⅓) → ⅔; (½,1) → ¾ at threshold 0.4; (1,1) → ½.
        var roc = RocCurve.FromScores([0.9, 0.6, 0.4], [0.7, 0.3]);
        Assert.Equal(0.75, roc.BestBalancedAccuracy(), Tolerance);
        Assert.Equal(0.4, roc.BestThreshold());
    }

    [Fact]
    public void FromScores_RefusesAnEmptySideAndNaN()
    {
        Assert.Throws<ArgumentException>(() => RocCurve.FromScores([], [1.0]));
        Assert.Throws<ArgumentException>(() => RocCurve.FromScores([1.0], []));
        Assert.Throws<ArgumentException>(() => RocCurve.FromScores([double.NaN], [1.0]));
    }
}
