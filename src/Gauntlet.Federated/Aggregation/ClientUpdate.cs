namespace Gauntlet.Federated.Aggregation;

/// <summary>One client's contribution to a round.</summary>
/// <param name="ClientId">The client's id (0-based).</param>
/// <param name="Delta">Its update Δ = w_local − w_global.</param>
/// <param name="Weight">Its weight in a weighted mean (its sample count under FedAvg, 1 under client-level DP).</param>
public sealed record ClientUpdate(int ClientId, float[] Delta, double Weight);
