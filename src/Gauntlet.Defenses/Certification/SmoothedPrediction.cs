namespace Gauntlet.Defenses.Certification;

/// <summary>What PREDICT concluded for one input: the smoothed classifier's class, or an abstention.</summary>
/// <param name="Prediction">The top class, or <see cref="SmoothedClassifier.Abstain"/> (−1).</param>
/// <param name="Counts">Draws per class.</param>
/// <param name="PValue">The two-sided binomial test p-value of the top count against the runner-up's.</param>
public sealed record SmoothedPrediction(int Prediction, long[] Counts, double PValue)
{
    /// <summary>Whether PREDICT abstained.</summary>
    public bool Abstained => Prediction == SmoothedClassifier.Abstain;

    /// <summary>
    /// The decision of Cohen et al.'s PREDICT from its counts: with the top two counts nA ≥ nB,
    /// abstain when the binomial test of nA in nA + nB at p = ½ has a p-value above α; else return
    /// the top class (the lowest index among equal counts).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two classes, a negative count, or no draws.</exception>
    public static SmoothedPrediction FromCounts(long[] counts, double alpha)
    {
        if (counts.Length < 2 || counts.Any(c => c < 0) || counts.Sum() < 1)
        {
            throw new ArgumentException("PREDICT needs non-negative counts for at least two classes and at least one draw.", nameof(counts));
        }

        var top = SmoothedClassifier.ArgMax(counts);
        var runnerUp = -1;
        for (var k = 0; k < counts.Length; k++)
        {
            if (k != top && (runnerUp < 0 || counts[k] > counts[runnerUp]))
            {
                runnerUp = k;
            }
        }

        var pValue = BinomialTest.TwoSidedHalf(counts[top], counts[top] + counts[runnerUp]);
        return new SmoothedPrediction(pValue > alpha ? SmoothedClassifier.Abstain : top, counts, pValue);
    }
}
