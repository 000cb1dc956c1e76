using CsCheck;
using Gauntlet.Core.Metrics;

namespace Gauntlet.Core.Tests.Metrics;

/// <summary>Properties of <see cref="RocCurve"/> over random scores with many ties (few distinct values).</summary>
public sealed class RocCurvePropertyTests
{
    private const long Iterations = 2_000;

    // Scores from a small set so ties between and within the sides are common.
    private static readonly Gen<double[]> Scores = Gen.Int[0, 6].Select(i => i / 2.0).Array[1, 40];

    [Fact]
    public void Auc_EqualsTheMannWhitneyProbabilityWithTiesAsHalf()
    {
        Gen.Select(Scores, Scores).Sample((m, n) =>
        {
            double wins = 0;
            foreach (var a in m)
            {
                foreach (var b in n)
                {
                    wins += a > b ? 1 : a == b ? 0.5 : 0;
                }
            }

            return Math.Abs(RocCurve.FromScores(m, n).Auc() - (wins / (m.Length * n.Length))) < 1e-12;
        }, iter: Iterations);
    }

    [Fact]
    public void Curve_IsMonotone_EndsAtOneOne_AndFiguresStayInRange()
    {
        Gen.Select(Scores, Scores, Gen.Double[0, 1]).Sample((m, n, f) =>
        {
            var roc = RocCurve.FromScores(m, n);
            var p = roc.Points;
            var monotone = p.Zip(p.Skip(1)).All(t => t.Second.Fpr >= t.First.Fpr && t.Second.Tpr >= t.First.Tpr && t.Second.Threshold < t.First.Threshold);
            var tpr = roc.TprAtFpr(f);
            var ba = roc.BestBalancedAccuracy();
            return monotone && p[^1].Fpr == 1 && p[^1].Tpr == 1 && tpr >= 0 && tpr <= 1 && tpr >= roc.TprAtFpr(0) && ba >= 0.5 && ba <= 1;
        }, iter: Iterations);
    }

    [Fact]
    public void Auc_IsOneMinusTheAucOfSwappedSides()
    {
        Gen.Select(Scores, Scores).Sample((m, n) =>
            Math.Abs(RocCurve.FromScores(m, n).Auc() + RocCurve.FromScores(n, m).Auc() - 1) < 1e-12, iter: Iterations);
    }
}
