namespace Gauntlet.Federated.Aggregation;

/// <summary>FedAvg's rule (McMahan et al. 2017): Δ = Σ_k w_k Δ_k / Σ_k w_k.</summary>
public sealed class WeightedMean : IAggregator
{
    /// <inheritdoc />
    public string Name => "fedavg";

    /// <inheritdoc />
    public float[] Aggregate(IReadOnlyList<ClientUpdate> updates)
    {
        var length = AggregatorChecks.CommonLength(updates);
        var sum = new double[length];
        double total = 0;
        foreach (var u in updates)
        {
            total += u.Weight;
            for (var i = 0; i < length; i++)
            {
                sum[i] += u.Weight * u.Delta[i];
            }
        }

        if (!(total > 0))
        {
            throw new ArgumentException($"the weights of {updates.Count} updates sum to {total}; expected a positive total.", nameof(updates));
        }

        return [.. sum.Select(s => (float)(s / total))];
    }
}
