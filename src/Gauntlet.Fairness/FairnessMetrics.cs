namespace Gauntlet.Fairness;

/// <summary>
/// Per-group metrics for a binary decision and a declared protected attribute: selection rate,
/// true and false positive rates, accuracy and calibration per group, and the usual summaries:
/// demographic parity difference, equal opportunity difference, equalised odds difference and
/// the disparate impact ratio with the four-fifths rule.
/// </summary>
/// <remarks>
/// Definitions (Hardt, Price &amp; Srebro 2016; fairlearn's <c>*_difference</c> functions; the
/// US EEOC four-fifths rule): with ŷ = 1 meaning the prediction is <see cref="FairnessOptions.PositiveClass"/>,
/// DPD = max_g P(ŷ=1|g) − min_g P(ŷ=1|g); EOpD = max_g TPR_g − min_g TPR_g; EOD = max(TPR gap, FPR gap);
/// DIR = min_g P(ŷ=1|g) / max_g P(ŷ=1|g). A rate a group cannot have (TPR with no positive labels)
/// is NaN and left out of the gap. Calibration: the expected calibration error of the positive-class
/// score in equal-width bins, Σ_b (n_b / n) · |mean(y = 1 in b) − mean(score in b)|.
/// </remarks>
public static class FairnessMetrics
{
    /// <summary>Computes the metrics.</summary>
    /// <param name="predictions">Predicted class per sample.</param>
    /// <param name="labels">True class per sample.</param>
    /// <param name="groups">The protected attribute's value per sample.</param>
    /// <param name="options">Settings (positive class, bins); defaults when null.</param>
    /// <param name="scores">The predicted probability of the positive class per sample, for calibration; optional.</param>
    /// <returns>The per-group figures and the summaries.</returns>
    /// <exception cref="ArgumentException">The arrays differ in length, are empty, or a score is outside [0, 1].</exception>
    public static FairnessMetricsResult Compute(int[] predictions, int[] labels, string[] groups, FairnessOptions? options = null, double[]? scores = null)
    {
        options ??= new FairnessOptions();
        options.Validate();
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(groups);
        var n = predictions.Length;
        if (n == 0)
        {
            throw new ArgumentException("fairness: no samples.");
        }

        if (labels.Length != n || groups.Length != n || (scores is not null && scores.Length != n))
        {
            throw new ArgumentException($"fairness: {n} predictions, {labels.Length} labels, {groups.Length} group values{(scores is null ? "" : $", {scores.Length} scores")}; expected one of each per sample.");
        }

        if (scores is not null && scores.Any(s => !(s >= 0 && s <= 1)))
        {
            throw new ArgumentException("fairness: a score is outside [0, 1]; give the predicted probability of the positive class.");
        }

        var pos = options.PositiveClass;
        var rows = new List<GroupMetrics>();
        foreach (var g in Distinct(groups))
        {
            var idx = Enumerable.Range(0, n).Where(i => groups[i] == g).ToArray();
            var positives = idx.Where(i => labels[i] == pos).ToArray();
            var negatives = idx.Where(i => labels[i] != pos).ToArray();
            rows.Add(new GroupMetrics(
                g,
                idx.Length,
                Rate(idx, i => labels[i] == pos),
                Rate(idx, i => predictions[i] == pos),
                Rate(positives, i => predictions[i] == pos),
                Rate(negatives, i => predictions[i] == pos),
                Rate(idx, i => predictions[i] == labels[i]),
                scores is null ? null : ExpectedCalibrationError([.. idx.Select(i => scores[i])], [.. idx.Select(i => labels[i] == pos)], options.CalibrationBins)));
        }

        var selection = rows.Select(r => r.SelectionRate).ToArray();
        var least = rows.MinBy(r => r.SelectionRate)!;
        var most = rows.MaxBy(r => r.SelectionRate)!;
        var dir = most.SelectionRate == 0 ? 1.0 : least.SelectionRate / most.SelectionRate;
        var tprGap = Gap(rows.Select(r => r.TruePositiveRate));
        var fprGap = Gap(rows.Select(r => r.FalsePositiveRate));
        double? calibrationGap = scores is null ? null : Gap(rows.Select(r => r.ExpectedCalibrationError!.Value));
        return new FairnessMetricsResult(
            options.ProtectedAttribute,
            rows,
            Rate([.. Enumerable.Range(0, n)], i => predictions[i] == labels[i]),
            selection.Max() - selection.Min(),
            tprGap,
            Math.Max(tprGap, fprGap),
            dir,
            dir >= options.FourFifths,
            least.Group,
            most.Group,
            calibrationGap);
    }

    /// <summary>Expected calibration error of binary scores in <paramref name="bins"/> equal-width bins over [0, 1].</summary>
    /// <param name="scores">Predicted probabilities of the positive outcome.</param>
    /// <param name="positive">Whether each sample's true outcome is positive.</param>
    /// <param name="bins">Number of bins (a score of exactly 1 falls in the last).</param>
    /// <returns>Σ_b (n_b / n) · |observed positive rate in b − mean score in b|; 0 for no samples.</returns>
    public static double ExpectedCalibrationError(double[] scores, bool[] positive, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        if (scores.Length == 0)
        {
            return 0;
        }

        var count = new int[bins];
        var sumScore = new double[bins];
        var sumPositive = new double[bins];
        for (var i = 0; i < scores.Length; i++)
        {
            var b = Math.Min(bins - 1, (int)(scores[i] * bins));
            count[b]++;
            sumScore[b] += scores[i];
            sumPositive[b] += positive[i] ? 1 : 0;
        }

        double ece = 0;
        for (var b = 0; b < bins; b++)
        {
            if (count[b] > 0)
            {
                ece += (double)count[b] / scores.Length * Math.Abs((sumPositive[b] / count[b]) - (sumScore[b] / count[b]));
            }
        }

        return ece;
    }

    /// <summary>The distinct values in order of first appearance.</summary>
    internal static List<string> Distinct(string[] groups)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var g in groups)
        {
            if (seen.Add(g))
            {
                order.Add(g);
            }
        }

        return order;
    }

    private static double Rate(int[] idx, Func<int, bool> hit) => idx.Length == 0 ? double.NaN : idx.Count(hit) / (double)idx.Length;

    private static double Gap(IEnumerable<double> values)
    {
        var defined = values.Where(double.IsFinite).ToArray();
        return defined.Length == 0 ? 0 : defined.Max() - defined.Min();
    }
}
