namespace Gauntlet.Explain;

/// <summary>The importance of one feature.</summary>
/// <param name="Feature">Its name.</param>
/// <param name="Index">Its column.</param>
/// <param name="MeanDrop">Mean accuracy drop over the repeats when the column is shuffled.</param>
/// <param name="StdDrop">Standard deviation of the drop over the repeats.</param>
public sealed record FeatureImportance(string Feature, int Index, double MeanDrop, double StdDrop);

/// <summary>Permutation importance (Breiman 2001; Fisher, Rudin &amp; Dominici 2019).</summary>
/// <param name="BaselineAccuracy">Accuracy on the unshuffled data.</param>
/// <param name="Features">Per feature, in column order.</param>
/// <param name="Repeats">Shuffles per feature.</param>
/// <param name="Seed">The seed of the shuffles.</param>
public sealed record PermutationImportanceResult(double BaselineAccuracy, IReadOnlyList<FeatureImportance> Features, int Repeats, int Seed);

/// <summary>
/// Permutation importance: how much accuracy falls when one column is shuffled across rows
/// (breaking its link to the label while keeping its distribution). Model-agnostic: it only
/// queries predictions, so it works for trees and remote models.
/// </summary>
public static class PermutationImportance
{
    /// <summary>Computes the importances.</summary>
    /// <param name="predict">The model's predicted class per row.</param>
    /// <param name="rows">Evaluation rows.</param>
    /// <param name="labels">Their true classes.</param>
    /// <param name="featureNames">Column names (null: f0, f1, …).</param>
    /// <param name="repeats">Shuffles per feature.</param>
    /// <param name="seed">Seed of the shuffles.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">No rows, or rows and labels disagree.</exception>
    public static PermutationImportanceResult Compute(Func<float[][], int[]> predict, float[][] rows, int[] labels, IReadOnlyList<string>? featureNames = null, int repeats = 5, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(predict);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        if (rows.Length == 0 || rows.Length != labels.Length)
        {
            throw new ArgumentException($"permutation importance: {rows.Length} rows and {labels.Length} labels; expected the same non-zero number.", nameof(rows));
        }

        var m = rows[0].Length;
        double Accuracy(float[][] r)
        {
            var p = predict(r);
            return Enumerable.Range(0, labels.Length).Count(i => p[i] == labels[i]) / (double)labels.Length;
        }

        var baseline = Accuracy(rows);
        var rng = new Random(seed);
        var features = new List<FeatureImportance>();
        for (var j = 0; j < m; j++)
        {
            var drops = new double[repeats];
            for (var r = 0; r < repeats; r++)
            {
                var perm = Enumerable.Range(0, rows.Length).ToArray();
                rng.Shuffle(perm);
                var shuffled = rows.Select(x => (float[])x.Clone()).ToArray();
                for (var i = 0; i < rows.Length; i++)
                {
                    shuffled[i][j] = rows[perm[i]][j];
                }

                drops[r] = baseline - Accuracy(shuffled);
            }

            var mean = drops.Average();
            var std = Math.Sqrt(drops.Sum(d => (d - mean) * (d - mean)) / repeats);
            features.Add(new FeatureImportance(featureNames is not null && j < featureNames.Count ? featureNames[j] : $"f{j}", j, mean, std));
        }

        return new PermutationImportanceResult(baseline, features, repeats, seed);
    }
}
