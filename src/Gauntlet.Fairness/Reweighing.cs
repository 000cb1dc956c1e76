namespace Gauntlet.Fairness;

/// <summary>One (group, label) cell of <see cref="Reweighing"/>.</summary>
/// <param name="Group">The protected attribute's value.</param>
/// <param name="Label">The class.</param>
/// <param name="Count">Samples in the cell, n(g, y).</param>
/// <param name="Weight">n(g) · n(y) / (n · n(g, y)).</param>
public sealed record ReweighingCell(string Group, int Label, int Count, double Weight);

/// <summary>
/// Kamiran &amp; Calders (2012) reweighing: each training sample of group g and label y gets the
/// weight <c>w(g, y) = P(g) · P(y) / P(g, y) = n(g) · n(y) / (n · n(g, y))</c>, the weight that
/// makes the label statistically independent of the group in the weighted training set. Training
/// with these sample weights (<c>TrainingOptions.SampleWeights</c>) lowers the demographic parity
/// difference the model learns from biased labels.
/// </summary>
public static class Reweighing
{
    /// <summary>The weight of every sample, and the table of cells.</summary>
    /// <param name="labels">True class per training sample.</param>
    /// <param name="groups">The protected attribute per training sample.</param>
    /// <returns>One weight per sample (mean 1 over the set) and the (group, label) cells.</returns>
    /// <exception cref="ArgumentException">The arrays differ in length or are empty.</exception>
    public static (float[] Weights, IReadOnlyList<ReweighingCell> Cells) Compute(int[] labels, string[] groups)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(groups);
        var n = labels.Length;
        if (n == 0 || groups.Length != n)
        {
            throw new ArgumentException($"reweighing: {n} labels and {groups.Length} group values; expected the same non-zero number.");
        }

        var byGroup = groups.GroupBy(g => g, StringComparer.Ordinal).ToDictionary(x => x.Key, x => x.Count(), StringComparer.Ordinal);
        var byLabel = labels.GroupBy(y => y).ToDictionary(x => x.Key, x => x.Count());
        var byCell = new Dictionary<(string, int), int>();
        for (var i = 0; i < n; i++)
        {
            byCell[(groups[i], labels[i])] = byCell.GetValueOrDefault((groups[i], labels[i])) + 1;
        }

        double Weight(string g, int y) => (double)byGroup[g] * byLabel[y] / ((double)n * byCell[(g, y)]);
        var weights = new float[n];
        for (var i = 0; i < n; i++)
        {
            weights[i] = (float)Weight(groups[i], labels[i]);
        }

        var cells = FairnessMetrics.Distinct(groups)
            .SelectMany(g => byLabel.Keys.Order().Where(y => byCell.ContainsKey((g, y))).Select(y => new ReweighingCell(g, y, byCell[(g, y)], Weight(g, y))))
            .ToList();
        return (weights, cells);
    }
}
