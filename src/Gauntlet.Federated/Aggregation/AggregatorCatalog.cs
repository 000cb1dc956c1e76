namespace Gauntlet.Federated.Aggregation;

/// <summary>The parameters an aggregator may read.</summary>
/// <param name="Byzantine">f, the Byzantine clients Krum tolerates.</param>
/// <param name="MultiKrumSelected">m, the updates Multi-Krum averages.</param>
/// <param name="TrimFraction">β, the share trimmed from each end by the trimmed mean.</param>
public sealed record AggregatorSettings(int Byzantine = 0, int MultiKrumSelected = 0, double TrimFraction = 0.1);

/// <summary>One aggregation rule: its name, whether it averages (so secure aggregation can compute it), and its factory.</summary>
/// <param name="Name">The CLI name.</param>
/// <param name="IsMean">True for the weighted mean, the only rule a sum-only protocol (secure aggregation, Paillier) can compute.</param>
/// <param name="Description">One line for --help and docs.</param>
/// <param name="Create">Builds the rule for <c>clients</c> clients and the settings.</param>
public sealed record AggregatorDescriptor(string Name, bool IsMean, string Description, Func<int, AggregatorSettings, IAggregator> Create);

/// <summary>The aggregation rules, by name: the list is the dispatch table.</summary>
public static class AggregatorCatalog
{
    /// <summary>Every rule.</summary>
    public static IReadOnlyList<AggregatorDescriptor> All { get; } =
    [
        new("fedavg", true, "weighted mean of the updates (McMahan et al. 2017)", (_, _) => new WeightedMean()),
        new("fedprox", true, "weighted mean, with the proximal term μ in local training (Li et al. 2020)", (_, _) => new WeightedMean()),
        new("median", false, "coordinate-wise median (Yin et al. 2018)", (_, _) => new CoordinateMedian()),
        new("trimmed-mean", false, "coordinate-wise β-trimmed mean (Yin et al. 2018)", (_, s) => new TrimmedMean(s.TrimFraction)),
        new("krum", false, "the update closest to its n − f − 2 neighbours (Blanchard et al. 2017)", (_, s) => new Krum(s.Byzantine)),
        new("multi-krum", false, "mean of the m best Krum scores (default m = n − f)", (n, s) => new Krum(s.Byzantine, s.MultiKrumSelected > 0 ? s.MultiKrumSelected : Math.Max(1, n - s.Byzantine))),
    ];

    /// <summary>The rule called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No rule has that name.</exception>
    public static AggregatorDescriptor Find(string name) =>
        All.FirstOrDefault(d => d.Name == name) ?? throw new ArgumentException($"unknown aggregator '{name}'; expected one of: {string.Join(", ", All.Select(d => d.Name))}.", nameof(name));
}
