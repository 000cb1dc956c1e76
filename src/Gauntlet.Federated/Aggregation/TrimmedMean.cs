namespace Gauntlet.Federated.Aggregation;

/// <summary>
/// Coordinate-wise β-trimmed mean (Yin et al. 2018): at each coordinate, drop the ⌊β·n⌋ largest
/// and ⌊β·n⌋ smallest values and average the rest (unweighted).
/// </summary>
public sealed class TrimmedMean : IAggregator
{
    /// <summary>Creates the rule with trim fraction <paramref name="beta"/> per side.</summary>
    /// <exception cref="ArgumentOutOfRangeException">β is outside [0, 0.5).</exception>
    public TrimmedMean(double beta)
    {
        if (!(beta >= 0 && beta < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "the trim fraction β must be in [0, 0.5).");
        }

        Beta = beta;
    }

    /// <summary>The share trimmed from each end.</summary>
    public double Beta { get; }

    /// <inheritdoc />
    public string Name => "trimmed-mean";

    /// <inheritdoc />
    public float[] Aggregate(IReadOnlyList<ClientUpdate> updates)
    {
        var length = AggregatorChecks.CommonLength(updates);
        var n = updates.Count;
        var trim = (int)Math.Floor(Beta * n);
        var column = new float[n];
        var result = new float[length];
        for (var i = 0; i < length; i++)
        {
            for (var k = 0; k < n; k++)
            {
                column[k] = updates[k].Delta[i];
            }

            Array.Sort(column);
            double sum = 0;
            for (var k = trim; k < n - trim; k++)
            {
                sum += column[k];
            }

            result[i] = (float)(sum / (n - (2 * trim)));
        }

        return result;
    }
}
