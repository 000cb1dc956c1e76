namespace Gauntlet.Federated.Aggregation;

/// <summary>The checks every aggregator makes on its input.</summary>
internal static class AggregatorChecks
{
    /// <summary>The length all updates share.</summary>
    /// <exception cref="ArgumentException">No updates, or two of different lengths.</exception>
    public static int CommonLength(IReadOnlyList<ClientUpdate> updates)
    {
        if (updates.Count == 0)
        {
            throw new ArgumentException("no client updates to aggregate.", nameof(updates));
        }

        var length = updates[0].Delta.Length;
        if (updates.FirstOrDefault(u => u.Delta.Length != length) is { } odd)
        {
            throw new ArgumentException($"client {odd.ClientId} sent {odd.Delta.Length} values; client {updates[0].ClientId} sent {length}.", nameof(updates));
        }

        return length;
    }
}
