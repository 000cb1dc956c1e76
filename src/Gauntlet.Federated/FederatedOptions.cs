using Gauntlet.Federated.Aggregation;
using Gauntlet.Federated.Byzantine;
using Gauntlet.Federated.Privacy;
using Gauntlet.Federated.Splits;
using Gauntlet.Federated.Training;

namespace Gauntlet.Federated;

/// <summary>How the sums of a round are computed.</summary>
public enum AggregationMode
{
    /// <summary>Clients send their updates in the clear (float32); any aggregator applies.</summary>
    Plain,

    /// <summary>Bonawitz et al.'s secure aggregation: the server sees only masked vectors and their unmasked sum.</summary>
    SecureAggregation,

    /// <summary>Paillier: clients send encrypted packed updates; the server multiplies ciphertexts; a key authority decrypts the sum only.</summary>
    Paillier,
}

/// <summary>Kill one client's process (or stop its task) in the middle of a round, to show the round survives.</summary>
/// <param name="ClientId">The client to kill.</param>
/// <param name="Round">The round (1-based) it dies in: after fetching the global model (plain, Paillier) or after sharing its keys (secure aggregation, so its masks must be recovered).</param>
public sealed record DropPlan(int ClientId, int Round);

/// <summary>Everything a federated run is given.</summary>
/// <param name="Clients">N, the simulated clients.</param>
/// <param name="Rounds">R, the communication rounds.</param>
/// <param name="Aggregator">A name from <see cref="AggregatorCatalog"/>.</param>
/// <param name="Local">Local training; <see cref="LocalTrainingOptions.ProximalMu"/> is FedProx's μ.</param>
/// <param name="Split">IID or Dirichlet.</param>
/// <param name="Alpha">Dirichlet α (used with <see cref="SplitKind.Dirichlet"/>).</param>
/// <param name="Byzantine">K: clients 0..K−1 are Byzantine.</param>
/// <param name="Attack">What the Byzantine clients do.</param>
/// <param name="AttackScale">λ for sign-flip (−λΔ) and scale (λΔ).</param>
/// <param name="Mode">Plain, secure aggregation or Paillier.</param>
/// <param name="Threshold">Secure aggregation's t (null: ⌊N/2⌋ + 1).</param>
/// <param name="PaillierBits">Paillier modulus bits.</param>
/// <param name="Dp">Client-level DP, or null.</param>
/// <param name="Hidden">Hidden units of the federated MLP.</param>
/// <param name="Seed">Seeds the model, the split, local shuffles and DP noise.</param>
/// <param name="RoundTimeout">How long the server waits in each phase for clients that have neither answered nor gone.</param>
/// <param name="Drop">A failure to inject, or null.</param>
/// <param name="Aggregation">f, m and β for the robust rules (f defaults to K).</param>
public sealed record FederatedOptions(
    int Clients = 10,
    int Rounds = 20,
    string Aggregator = "fedavg",
    LocalTrainingOptions? Local = null,
    SplitKind Split = SplitKind.Dirichlet,
    double Alpha = 0.5,
    int Byzantine = 0,
    ByzantineAttackKind Attack = ByzantineAttackKind.SignFlip,
    float AttackScale = 5f,
    AggregationMode Mode = AggregationMode.Plain,
    int? Threshold = null,
    int PaillierBits = 1024,
    ClientLevelDp? Dp = null,
    int Hidden = 32,
    int Seed = 0,
    TimeSpan? RoundTimeout = null,
    DropPlan? Drop = null,
    AggregatorSettings? Aggregation = null)
{
    /// <summary>The local training settings, defaults filled in.</summary>
    public LocalTrainingOptions LocalTraining => Local ?? new LocalTrainingOptions();

    /// <summary>Secure aggregation's threshold t.</summary>
    public int EffectiveThreshold => Threshold ?? (Clients / 2) + 1;

    /// <summary>The phase deadline.</summary>
    public TimeSpan EffectiveRoundTimeout => RoundTimeout ?? TimeSpan.FromSeconds(120);

    /// <summary>f, m, β with f defaulting to the Byzantine count.</summary>
    public AggregatorSettings EffectiveAggregation => Aggregation ?? new AggregatorSettings(Byzantine);

    /// <summary>Checks the combination; every message is one line naming the option.</summary>
    /// <exception cref="ArgumentException">A value is out of range or the combination is impossible.</exception>
    public void Validate()
    {
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException(message);
            }
        }

        Require(Clients >= 2, $"--clients must be at least 2 (got {Clients}).");
        Require(Rounds >= 1, $"--rounds must be at least 1 (got {Rounds}).");
        Require(Split != SplitKind.Dirichlet || (Alpha > 0 && double.IsFinite(Alpha)), $"--alpha must be positive and finite (got {Alpha}).");
        Require(Byzantine >= 0 && Byzantine < Clients, $"--byzantine must be in [0, clients) (got {Byzantine} with {Clients} clients).");
        Require(AttackScale > 0 && float.IsFinite(AttackScale), $"--byzantine-scale must be positive (got {AttackScale}).");
        Require(Hidden >= 1, $"--hidden must be at least 1 (got {Hidden}).");
        var descriptor = AggregatorCatalog.All.FirstOrDefault(d => d.Name == Aggregator);
        Require(descriptor is not null, $"--aggregator '{Aggregator}' is unknown; expected one of: {string.Join(", ", AggregatorCatalog.All.Select(d => d.Name))}.");
        var settings = EffectiveAggregation;
        if (Aggregator is "krum" or "multi-krum")
        {
            Require(Krum.Admits(Clients, settings.Byzantine), $"--aggregator {Aggregator} tolerates f = {settings.Byzantine} Byzantine clients only with more than 2f + 2 = {(2 * settings.Byzantine) + 2} clients (got {Clients}).");
            Require(Aggregator == "krum" || settings.MultiKrumSelected <= Clients, $"--multi-krum-m {settings.MultiKrumSelected} exceeds the {Clients} clients.");
        }

        Require(Aggregator != "trimmed-mean" || (settings.TrimFraction >= 0 && settings.TrimFraction < 0.5), $"--trim must be in [0, 0.5) (got {settings.TrimFraction}).");
        Require(Aggregator != "fedprox" || LocalTraining.ProximalMu > 0, "--aggregator fedprox needs --mu > 0 (μ = 0 is FedAvg).");
        Require(Mode == AggregationMode.Plain || descriptor!.IsMean, $"--{(Mode == AggregationMode.Paillier ? "paillier" : "secure-aggregation")} computes only sums, so it works with fedavg or fedprox, not {Aggregator} (a robust rule needs each client's update, which the server must not see).");
        Require(Dp is null || descriptor!.IsMean, $"--dp-clip works with fedavg or fedprox (DP-FedAvg), not {Aggregator}.");
        Require(Dp is null || (Dp.Clip > 0 && float.IsFinite(Dp.Clip) && Dp.NoiseMultiplier >= 0 && float.IsFinite(Dp.NoiseMultiplier)), "--dp-clip must be positive and --dp-noise non-negative.");
        Require(Mode != AggregationMode.SecureAggregation || (EffectiveThreshold >= 2 && EffectiveThreshold <= Clients), $"--threshold must be in [2, clients] (got {EffectiveThreshold}).");
        Require(Mode != AggregationMode.Paillier || (PaillierBits >= 256 && PaillierBits % 2 == 0), $"--paillier-bits must be even and at least 256 (got {PaillierBits}).");
        Require(Drop is null || (Drop.ClientId >= 0 && Drop.ClientId < Clients && Drop.Round >= 1 && Drop.Round <= Rounds), "--drop-client must name a client and --drop-round a round of the run.");
        var local = LocalTraining;
        Require(local.Epochs >= 1 && local.BatchSize >= 1 && local.LearningRate > 0 && float.IsFinite(local.LearningRate) && local.ProximalMu >= 0, "--local-epochs, --local-batch and --lr must be positive and --mu non-negative.");
    }
}
