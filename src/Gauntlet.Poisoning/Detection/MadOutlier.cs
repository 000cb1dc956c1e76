namespace Gauntlet.Poisoning.Detection;

/// <summary>The outcome of <see cref="MadOutlier.Analyse"/>.</summary>
/// <param name="Median">The median of the values.</param>
/// <param name="Mad">The consistency-scaled median absolute deviation, <c>1.4826 · median(|xᵢ − median|)</c>.</param>
/// <param name="Indices">Per value, the anomaly index <c>|xᵢ − median| / MAD</c>.</param>
/// <param name="AnomalyIndex">The anomaly index of the smallest value (Neural Cleanse's headline figure).</param>
/// <param name="Flagged">Values below the median whose index exceeds the threshold, by index in the input.</param>
public sealed record MadResult(double Median, double Mad, double[] Indices, double AnomalyIndex, int[] Flagged);

/// <summary>
/// Neural Cleanse's outlier test (Wang et al. 2019, §IV-C): the median absolute deviation with
/// the 1.4826 consistency constant (it makes MAD estimate the standard deviation of normal data),
/// the anomaly index of each value, and the values on the small side whose index exceeds 2 (a
/// probability above 95% that they are outliers).
/// </summary>
public static class MadOutlier
{
    /// <summary>The consistency constant for normally distributed data.</summary>
    public const double ConsistencyConstant = 1.4826;

    /// <summary>The anomaly index above which a small value is flagged.</summary>
    public const double Threshold = 2.0;

    /// <summary>Computes the median, the scaled MAD, every anomaly index and the flagged small values.</summary>
    /// <remarks>When every value equals the median (MAD 0) no value is an outlier: every index is 0.</remarks>
    /// <exception cref="ArgumentException">Fewer than two values, or a value is not finite.</exception>
    public static MadResult Analyse(IReadOnlyList<double> values, double threshold = Threshold)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2 || values.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException($"MAD outlier detection needs at least two finite values; got {values.Count}.", nameof(values));
        }

        var median = Median(values);
        var mad = ConsistencyConstant * Median([.. values.Select(v => Math.Abs(v - median))]);
        var indices = values.Select(v => mad > 0 ? Math.Abs(v - median) / mad : 0).ToArray();
        var min = 0;
        for (var i = 1; i < values.Count; i++)
        {
            min = values[i] < values[min] ? i : min;
        }

        var flagged = Enumerable.Range(0, values.Count).Where(i => values[i] < median && indices[i] > threshold).ToArray();
        return new MadResult(median, mad, indices, indices[min], flagged);
    }

    /// <summary>The median (the mean of the two middle values for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }
}
