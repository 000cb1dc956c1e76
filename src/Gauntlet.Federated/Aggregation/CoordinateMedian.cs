namespace Gauntlet.Federated.Aggregation;

/// <summary>
/// Coordinate-wise median (Yin et al. 2018): Δ[i] = median_k Δ_k[i], the mean of the two middle
/// values for an even count. Weights are ignored: a Byzantine client must not buy influence with a
/// claimed sample count.
/// </summary>
public sealed class CoordinateMedian : IAggregator
{
    /// <inheritdoc />
    public string Name => "median";

    /// <inheritdoc />
    public float[] Aggregate(IReadOnlyList<ClientUpdate> updates)
    {
        var length = AggregatorChecks.CommonLength(updates);
        var n = updates.Count;
        var column = new float[n];
        var result = new float[length];
        for (var i = 0; i < length; i++)
        {
            for (var k = 0; k < n; k++)
            {
                column[k] = updates[k].Delta[i];
            }

            Array.Sort(column);
            result[i] = n % 2 == 1 ? column[n / 2] : (column[(n / 2) - 1] + column[n / 2]) / 2f;
        }

        return result;
    }
}
