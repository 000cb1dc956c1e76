namespace Gauntlet.Federated.Aggregation;

/// <summary>Combines the round's client updates into the server's update.</summary>
public interface IAggregator
{
    /// <summary>The aggregator's name as the CLI spells it.</summary>
    string Name { get; }

    /// <summary>The combined update, of the updates' common length.</summary>
    /// <exception cref="ArgumentException">No updates, updates of different lengths, or too few for the rule (Krum: n &gt; 2f + 2).</exception>
    float[] Aggregate(IReadOnlyList<ClientUpdate> updates);
}
