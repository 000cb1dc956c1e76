namespace Gauntlet.Fairness;

/// <summary>What <see cref="GroupThresholds.Fit"/> equalises across groups.</summary>
public enum ThresholdCriterion
{
    /// <summary>The selection rate P(ŷ = 1 | g) (demographic parity).</summary>
    SelectionRate,

    /// <summary>The true positive rate P(ŷ = 1 | y = 1, g) (equal opportunity).</summary>
    TruePositiveRate,
}

/// <summary>The outcome of per-group thresholds.</summary>
/// <param name="Criterion">What was equalised.</param>
/// <param name="TargetRate">The rate every group was moved to: the overall rate at the single threshold.</param>
/// <param name="Thresholds">The score threshold per group (predict positive when score ≥ threshold).</param>
/// <param name="Predictions">The post-processed predictions.</param>
/// <param name="Before">Fairness at the single threshold.</param>
/// <param name="After">Fairness with the per-group thresholds.</param>
public sealed record GroupThresholdResult(
    ThresholdCriterion Criterion,
    double TargetRate,
    IReadOnlyDictionary<string, double> Thresholds,
    int[] Predictions,
    FairnessMetricsResult Before,
    FairnessMetricsResult After)
{
    /// <summary>Accuracy lost by the mitigation (before − after; negative if it gained).</summary>
    public double AccuracyCost => Before.Accuracy - After.Accuracy;
}

/// <summary>
/// Post-processing mitigation (in the spirit of Hardt et al. 2016, deterministic thresholds):
/// one score threshold per group, chosen so that each group's selection rate, or true positive
/// rate, is as close as the group's scores allow to the overall rate at the single threshold.
/// It changes no model; the cost is paid in accuracy, which the result reports, and it uses the
/// protected attribute at decision time, which some jurisdictions forbid.
/// </summary>
public static class GroupThresholds
{
    /// <summary>Fits the thresholds on (scores, labels, groups) and reports before and after.</summary>
    /// <param name="scores">Predicted probability of the positive class per sample.</param>
    /// <param name="labels">True class per sample.</param>
    /// <param name="groups">Protected attribute per sample.</param>
    /// <param name="criterion">What to equalise.</param>
    /// <param name="options">Fairness settings (positive class); defaults when null.</param>
    /// <param name="threshold">The single threshold the model uses (default 0.5).</param>
    /// <returns>The thresholds, the new predictions and the metrics before and after.</returns>
    /// <exception cref="ArgumentException">The arrays differ in length or a score is outside [0, 1].</exception>
    public static GroupThresholdResult Fit(double[] scores, int[] labels, string[] groups, ThresholdCriterion criterion, FairnessOptions? options = null, double threshold = 0.5)
    {
        options ??= new FairnessOptions();
        ArgumentNullException.ThrowIfNull(scores);
        var pos = options.PositiveClass;
        var neg = pos == 0 ? 1 : 0;
        var n = scores.Length;
        var before = Predict(scores, _ => threshold, groups, pos, neg);
        var beforeMetrics = FairnessMetrics.Compute(before, labels, groups, options, scores);
        var all = Enumerable.Range(0, n).ToArray();
        var pool = criterion == ThresholdCriterion.TruePositiveRate ? all.Where(i => labels[i] == pos).ToArray() : all;
        var target = pool.Length == 0 ? 0 : pool.Count(i => scores[i] >= threshold) / (double)pool.Length;
        var thresholds = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var g in FairnessMetrics.Distinct(groups))
        {
            var candidates = pool.Where(i => groups[i] == g).Select(i => scores[i]).OrderDescending().ToArray();
            if (candidates.Length == 0)
            {
                thresholds[g] = threshold;
                continue;
            }

            var k = (int)Math.Round(target * candidates.Length, MidpointRounding.AwayFromZero);
            thresholds[g] = k == 0 ? Math.BitIncrement(candidates[0]) : candidates[k - 1];
        }

        var after = Predict(scores, i => thresholds[groups[i]], groups, pos, neg);
        return new GroupThresholdResult(criterion, target, thresholds, after, beforeMetrics, FairnessMetrics.Compute(after, labels, groups, options, scores));
    }

    private static int[] Predict(double[] scores, Func<int, double> threshold, string[] groups, int pos, int neg)
    {
        if (groups.Length != scores.Length)
        {
            throw new ArgumentException($"group thresholds: {scores.Length} scores and {groups.Length} group values; expected one of each per sample.");
        }

        var p = new int[scores.Length];
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = scores[i] >= threshold(i) ? pos : neg;
        }

        return p;
    }
}
