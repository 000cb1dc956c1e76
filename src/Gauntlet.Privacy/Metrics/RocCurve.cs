namespace Gauntlet.Privacy.Metrics;

/// <summary>One point of a ROC curve: predicting "member" for every score ≥ <see cref="Threshold"/>.</summary>
/// <param name="Threshold">The score threshold (+∞ for the first point, where nothing is called a member).</param>
/// <param name="Fpr">False-positive rate: non-members with score ≥ threshold, over all non-members.</param>
/// <param name="Tpr">True-positive rate: members with score ≥ threshold, over all members.</param>
public readonly record struct RocPoint(double Threshold, double Fpr, double Tpr);

/// <summary>
/// The ROC curve of a membership score (higher = more likely a member) and the figures the
/// membership-inference literature reports from it: AUC, TPR at a fixed low FPR, and balanced
/// accuracy at the best threshold.
/// </summary>
/// <remarks>
/// The curve has one point per distinct score, plus (0, 0) at threshold +∞. Equal scores are
/// one threshold: a tie between a member and a non-member moves the curve diagonally, so the
/// trapezoid AUC counts it as ½ — the AUC equals the Mann–Whitney probability
/// <c>P(s_member &gt; s_nonmember) + ½·P(s_member = s_nonmember)</c>.
/// </remarks>
public sealed class RocCurve
{
    private RocCurve(IReadOnlyList<RocPoint> points, int members, int nonMembers)
    {
        Points = points;
        Members = members;
        NonMembers = nonMembers;
    }

    /// <summary>The points in order of decreasing threshold; FPR and TPR never decrease along it, and it ends at (1, 1).</summary>
    public IReadOnlyList<RocPoint> Points { get; }

    /// <summary>Number of member scores.</summary>
    public int Members { get; }

    /// <summary>Number of non-member scores.</summary>
    public int NonMembers { get; }

    /// <summary>Builds the curve from the scores of known members and known non-members.</summary>
    /// <exception cref="ArgumentException">Either side is empty, or a score is NaN.</exception>
    public static RocCurve FromScores(IReadOnlyList<double> memberScores, IReadOnlyList<double> nonMemberScores)
    {
        ArgumentNullException.ThrowIfNull(memberScores);
        ArgumentNullException.ThrowIfNull(nonMemberScores);
        if (memberScores.Count == 0 || nonMemberScores.Count == 0)
        {
            throw new ArgumentException($"a ROC curve needs members and non-members; got {memberScores.Count} members and {nonMemberScores.Count} non-members.", nameof(memberScores));
        }

        if (memberScores.Any(double.IsNaN) || nonMemberScores.Any(double.IsNaN))
        {
            throw new ArgumentException("a membership score is NaN; every score must be a number (±∞ is allowed).", nameof(memberScores));
        }

        var all = memberScores.Select(s => (Score: s, Member: true))
            .Concat(nonMemberScores.Select(s => (Score: s, Member: false)))
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
                if (all[i].Member)
                {
                    tp++;
                }
                else
                {
                    fp++;
                }
            }

            points.Add(new RocPoint(threshold, fp / (double)nonMemberScores.Count, tp / (double)memberScores.Count));
        }

        return new RocCurve(points, memberScores.Count, nonMemberScores.Count);
    }

    /// <summary>Area under the curve by the trapezoid rule: <c>Σ (FPRᵢ − FPRᵢ₋₁)·(TPRᵢ + TPRᵢ₋₁)/2</c>.</summary>
    /// <remarks>0.5 is chance; 1 separates members from non-members perfectly.</remarks>
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
    /// With N non-members the smallest non-zero FPR is 1/N: at <c>maxFpr &lt; 1/N</c> only
    /// thresholds with no false positive count, so TPR@0.1% FPR on 1,000 non-members is the
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
}
