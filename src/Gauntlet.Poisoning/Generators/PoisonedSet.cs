using Gauntlet.Data;

namespace Gauntlet.Poisoning.Generators;

/// <summary>A poisoned copy of a data set and which samples were changed.</summary>
/// <param name="Data">The poisoned set: same size and order as the clean one.</param>
/// <param name="Attack">The generator's name: <c>badnets</c>, <c>blend</c>, <c>label-flip</c> or <c>clean-label</c>.</param>
/// <param name="Target">The target class, or null for random label flipping.</param>
/// <param name="Indices">Indices of the changed samples, ascending.</param>
/// <param name="OriginalLabels">The clean label of each changed sample, in <paramref name="Indices"/> order.</param>
/// <param name="NewLabels">The label each changed sample carries now.</param>
/// <param name="Trigger">The trigger's description, or null when none was stamped (label flipping).</param>
public sealed record PoisonedSet(LabeledImages Data, string Attack, int? Target, int[] Indices, int[] OriginalLabels, int[] NewLabels, string? Trigger)
{
    /// <summary>The share of samples changed.</summary>
    public double Rate => Data.Count == 0 ? 0 : Indices.Length / (double)Data.Count;
}
