namespace Gauntlet.Core.Metrics;

/// <summary>One point of a ROC curve: predicting "positive" for every score ≥ <see cref="Threshold"/>.</summary>
/// <param name="Threshold">The score threshold (+∞ for the first point, where nothing is called positive).</param>
/// <param name="Fpr">False-positive rate: negatives with score ≥ threshold, over all negatives.</param>
/// <param name="Tpr">True-positive rate: positives with score ≥ threshold, over all positives.</param>
public readonly record struct RocPoint(double Threshold, double Fpr, double Tpr);

/// <summary>
/// The ROC curve of a detector score (higher = more likely positive: a training-set member, an
/// adversarial or poisoned input) and the figures the literature reports from it: AUC, TPR at a
/// fixed low FPR, and balanced accuracy at the best threshold. One owner for every ROC in
/// Gauntlet (membership inference, input detectors, backdoor detectors, monitors).
/// </summary>
/// <remarks>
/// The curve has one point per distinct score, plus (0, 0) at threshold +∞. Equal scores are
/// one threshold: a tie between a positive and a negative moves the curve diagonally, so the
/// trapezoid AUC counts it as ½ — the AUC equals the Mann–Whitney probability
/// <c>P(s_positive &gt; s_negative) + ½·P(s_positive = s_negative)</c>.
/// </remarks>
public sealed class RocCurve
{
    private RocCurve(IReadOnlyList<RocPoint> points, int positives, int negatives)
    {
        Points = points;
        Positives = positives;
        Negatives = negatives;
    }

    /// <summary>The points in order of decreasing threshold; FPR and TPR never decrease along it, and it ends at (1, 1).</summary>
    public IReadOnlyList<RocPoint> Points { get; }

    /// <summary>Number of positive scores.</summary>
    public int Positives { get; }

    /// <summary>Number of negative scores.</summary>
    public int Negatives { get; }

    /// <summary>Builds the curve from the scores of known positives and known negatives.</summary>
    /// <exception cref="ArgumentException">Either side is empty, or a score is NaN.</exception>
    public static RocCurve FromScores(IReadOnlyList<double> positiveScores, IReadOnlyList<double> negativeScores)
    {
        ArgumentNullException.ThrowIfNull(positiveScores);
        ArgumentNullException.ThrowIfNull(negativeScores);
        if (positiveScores.Count == 0 || negativeScores.Count == 0)
        {
            throw new ArgumentException($"a ROC curve needs positives and negatives; got {positiveScores.Count} positives and {negativeScores.Count} negatives.", nameof(positiveScores));
        }

        if (positiveScores.Any(double.IsNaN) || negativeScores.Any(double.IsNaN))
        {
            throw new ArgumentException("a score is NaN; every score must be a number (±∞ is allowed).", nameof(positiveScores));
        }

        var all = positiveScores.Select(s => (Score: s, Positive: true))
            .Concat(negativeScores.Select(s => (Score: s, Positive: false)))
            .OrderByDescending(p => p.Score)
            .ToArray();
        var points = new List<RocPoint> { new(double.PositiveInfinity, 0, 0) };
        int tp = 0, fp = 0;
        for (var i = 0; i < all.Length;)
        {
            var threshold = all[i].Score;
            // Every score equal to this threshold crosses it together.
            for (; i < all.Length && all[i].Score.Equals(threshold); i++)
            {
                if (all[i].Positive)
                {
                    tp++;
                }
                else
                {
                    fp++;
                }
            }

            points.Add(new RocPoint(threshold, fp / (double)negativeScores.Count, tp / (double)positiveScores.Count));
        }

        return new RocCurve(points, positiveScores.Count, negativeScores.Count);
    }

    /// <summary>Area under the curve by the trapezoid rule: <c>Σ (FPRᵢ − FPRᵢ₋₁)·(TPRᵢ + TPRᵢ₋₁)/2</c>.</summary>
    /// <remarks>0.5 is chance; 1 separates positives from negatives perfectly.</remarks>
    public double Auc()
    {
        double area = 0;
        for (var i = 1; i < Points.Count; i++)
        {
            area += (Points[i].Fpr - Points[i - 1].Fpr) * (Points[i].Tpr + Points[i - 1].Tpr) / 2;
        }

        return area;
    }

    /// <summary>
    /// The highest TPR of any threshold whose FPR is at most <paramref name="maxFpr"/> — the
    /// step (not interpolated) reading of the curve used by Carlini et al. (2022), so the figure
    /// is one an attacker can actually reach with a threshold.
    /// </summary>
    /// <remarks>
    /// With N negatives the smallest non-zero FPR is 1/N: at <c>maxFpr &lt; 1/N</c> only
    /// thresholds with no false positive count, so TPR@0.1% FPR on 1,000 negatives is the
    /// TPR at zero false positives.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxFpr"/> is not in [0, 1].</exception>
    public double TprAtFpr(double maxFpr)
    {
        if (!(maxFpr >= 0 && maxFpr <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(maxFpr), maxFpr, "the FPR must be in [0, 1].");
        }

        return Points.Where(p => p.Fpr <= maxFpr).Max(p => p.Tpr);
    }

    /// <summary>
    /// Balanced accuracy at the best threshold: <c>maxᵢ (TPRᵢ + 1 − FPRᵢ) / 2</c> over the curve's
    /// points (0.5 is chance).
    /// </summary>
    public double BestBalancedAccuracy() => Points.Max(p => (p.Tpr + 1 - p.Fpr) / 2);

    /// <summary>The threshold that reaches <see cref="BestBalancedAccuracy"/> (the highest such one).</summary>
    public double BestThreshold() => Points.MaxBy(p => (p.Tpr + 1 - p.Fpr) / 2).Threshold;

    /// <summary>
    /// The detection threshold for a stated false-positive rate: the smallest t among
    /// <paramref name="negativeScores"/> such that at most ⌊rate·m⌋ of the m negative scores lie
    /// strictly above it; a sample is flagged when its score exceeds t.
    /// </summary>
    /// <exception cref="ArgumentException">No negative scores, or a rate outside [0, 1).</exception>
    public static double ThresholdAt(IReadOnlyList<double> negativeScores, double falsePositiveRate)
    {
        ArgumentNullException.ThrowIfNull(negativeScores);
        if (negativeScores.Count == 0 || !(falsePositiveRate >= 0 && falsePositiveRate < 1))
        {
            throw new ArgumentException($"detector threshold: {negativeScores.Count} negative scores, rate {falsePositiveRate}; expected scores and a rate in [0, 1).", nameof(negativeScores));
        }

        var sorted = negativeScores.OrderBy(s => s).ToArray();
        var allowed = (int)Math.Floor(falsePositiveRate * sorted.Length);
        return sorted[sorted.Length - 1 - allowed];
    }

    /// <summary>The share of <paramref name="scores"/> strictly above <paramref name="threshold"/> (0 for none).</summary>
    public static double FlaggedRate(IReadOnlyList<double> scores, double threshold)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return scores.Count == 0 ? 0 : (double)scores.Count(s => s > threshold) / scores.Count;
    }

    /// <summary>
    /// <see cref="Auc"/> of the curve built from the two score lists, or NaN when either is empty
    /// (a detector with nothing to detect has no AUC).
    /// </summary>
    public static double AucOrNaN(IReadOnlyList<double> positiveScores, IReadOnlyList<double> negativeScores)
    {
        ArgumentNullException.ThrowIfNull(positiveScores);
        ArgumentNullException.ThrowIfNull(negativeScores);
        return positiveScores.Count == 0 || negativeScores.Count == 0 ? double.NaN : FromScores(positiveScores, negativeScores).Auc();
    }
}
