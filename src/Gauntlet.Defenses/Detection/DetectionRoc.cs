namespace Gauntlet.Defenses.Detection;

/// <summary>
/// ROC summary of a detector's scores (higher = more suspicious): the AUC and the threshold for a
/// stated false-positive rate on clean data. Written here rather than taken from
/// <c>Gauntlet.Privacy.Metrics.RocCurve</c>, which Defenses may not reference (both sit in layer 3)
/// and which speaks of members and non-members; the arithmetic is the same Mann–Whitney AUC.
/// </summary>
public static class DetectionRoc
{
    /// <summary>
    /// AUC = P(adversarial score &gt; clean score) + ½·P(equal), the Mann–Whitney U statistic over
    /// every pair, computed by sorting in O((m + n) log(m + n)). NaN when either side is empty.
    /// </summary>
    public static double Auc(IReadOnlyList<double> clean, IReadOnlyList<double> adversarial)
    {
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(adversarial);
        if (clean.Count == 0 || adversarial.Count == 0)
        {
            return double.NaN;
        }

        var all = clean.Select(s => (Score: s, Adversarial: false)).Concat(adversarial.Select(s => (Score: s, Adversarial: true))).OrderBy(p => p.Score).ToArray();
        // Sum of the adversarial scores' mid-ranks (ties share the mean rank).
        double rankSum = 0;
        for (var i = 0; i < all.Length;)
        {
            var j = i;
            while (j < all.Length && all[j].Score == all[i].Score)
            {
                j++;
            }

            var midRank = ((i + 1) + j) / 2.0;
            for (var k = i; k < j; k++)
            {
                if (all[k].Adversarial)
                {
                    rankSum += midRank;
                }
            }

            i = j;
        }

        double n = adversarial.Count;
        double m = clean.Count;
        return (rankSum - (n * (n + 1) / 2)) / (n * m);
    }

    /// <summary>
    /// The smallest threshold t among the clean scores such that the share of clean scores strictly
    /// above t is at most <paramref name="falsePositiveRate"/>; a sample is flagged when its score
    /// exceeds t.
    /// </summary>
    /// <exception cref="ArgumentException">No clean scores, or a rate outside [0, 1).</exception>
    public static double ThresholdAt(IReadOnlyList<double> clean, double falsePositiveRate)
    {
        ArgumentNullException.ThrowIfNull(clean);
        if (clean.Count == 0 || !(falsePositiveRate >= 0 && falsePositiveRate < 1))
        {
            throw new ArgumentException($"detector threshold: {clean.Count} clean scores, rate {falsePositiveRate}; expected scores and a rate in [0, 1).", nameof(clean));
        }

        var sorted = clean.OrderBy(s => s).ToArray();
        // Allowed false positives: ⌊rate·m⌋ scores may lie above the threshold.
        var allowed = (int)Math.Floor(falsePositiveRate * sorted.Length);
        return sorted[sorted.Length - 1 - allowed];
    }

    /// <summary>The share of <paramref name="scores"/> strictly above <paramref name="threshold"/>.</summary>
    public static double FlaggedRate(IReadOnlyList<double> scores, double threshold)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return scores.Count == 0 ? 0 : (double)scores.Count(s => s > threshold) / scores.Count;
    }
}
