using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Attacks.BlackBox;

/// <summary>
/// Shared plumbing of the black-box attacks: batched <see cref="IClassifier.Predict"/> calls on
/// flat rows, margins and labels from logits, per-sample query accounting. Nothing here touches
/// gradients.
/// </summary>
internal static class BlackBoxQueries
{
    /// <summary>Queries the base class spends per sample on clean and final predictions.</summary>
    public const int EvaluationQueries = 2;

    /// <summary>Largest number of rows sent in one <see cref="IClassifier.Predict"/> call.</summary>
    public const int ChunkRows = 512;

    /// <summary>Logits <c>[count·K]</c> for <paramref name="count"/> flat rows of <paramref name="rows"/>, chunked.</summary>
    public static float[] Logits(IClassifier classifier, float[] rows, int count)
    {
        var d = classifier.SampleShape.Size;
        var k = classifier.ClassCount;
        var logits = new float[count * k];
        var dims = classifier.SampleShape.ToArray();
        for (var start = 0; start < count; start += ChunkRows)
        {
            var m = Math.Min(ChunkRows, count - start);
            var shape = new int[dims.Length + 1];
            shape[0] = m;
            dims.CopyTo(shape, 1);
            var batch = Tensor.FromArray(rows.AsSpan(start * d, m * d).ToArray(), shape);
            var z = classifier.Predict(batch).ReadOnlySpan;
            z[..(m * k)].CopyTo(logits.AsSpan(start * k, m * k));
        }

        return logits;
    }

    /// <summary>
    /// The margin loss the score-based attacks minimise: untargeted <c>z_y − max_{j≠y} z_j</c>,
    /// targeted <c>max_{j≠t} z_j − z_t</c>. It is negative exactly when the goal is met.
    /// </summary>
    public static float Margin(ReadOnlySpan<float> row, int label, bool targeted)
    {
        var other = float.NegativeInfinity;
        for (var j = 0; j < row.Length; j++)
        {
            if (j != label && row[j] > other)
            {
                other = row[j];
            }
        }

        return targeted ? other - row[label] : row[label] - other;
    }

    /// <summary>Index of the largest logit (the first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var j = 1; j < row.Length; j++)
        {
            if (row[j] > row[best])
            {
                best = j;
            }
        }

        return best;
    }

    /// <summary>The sample shape as channels, height and width.</summary>
    /// <exception cref="ArgumentException">The classifier's samples are not <c>[C, H, W]</c> images.</exception>
    public static (int C, int H, int W) ImageDims(IClassifier classifier, string attack)
    {
        var s = classifier.SampleShape;
        if (s.Rank != 3)
        {
            throw new ArgumentException($"{attack}: needs image samples [C, H, W]; the classifier's sample shape is {s}.", nameof(classifier));
        }

        return (s[0], s[1], s[2]);
    }

    /// <summary>The attack's own per-sample budget once the base class's evaluation queries are set aside.</summary>
    public static int AttackBudget(int maxQueries) => maxQueries - EvaluationQueries;

    /// <summary>Euclidean distance between two rows.</summary>
    public static float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sq = 0;
        for (var j = 0; j < a.Length; j++)
        {
            var diff = (double)a[j] - b[j];
            sq += diff * diff;
        }

        return (float)Math.Sqrt(sq);
    }
}
