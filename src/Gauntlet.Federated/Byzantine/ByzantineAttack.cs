namespace Gauntlet.Federated.Byzantine;

/// <summary>What a Byzantine client does instead of an honest update.</summary>
public enum ByzantineAttackKind
{
    /// <summary>Sends −λ·Δ: the honest update reversed and scaled (the sign-flipping attack of Li et al. 2019 / Fang et al. 2020).</summary>
    SignFlip,

    /// <summary>Sends λ·Δ: a boosted update (Bhagoji et al. 2019's explicit boosting).</summary>
    Scale,

    /// <summary>Trains on flipped labels y → K − 1 − y and sends that update honestly (Tolpegin et al. 2020).</summary>
    LabelFlip,
}

/// <summary>The Byzantine behaviours, applied by a client that the run marks Byzantine.</summary>
public static class ByzantineAttack
{
    /// <summary>The CLI names, in <see cref="ByzantineAttackKind"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sign-flip", "scale", "label-flip"];

    /// <summary>The kind called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static ByzantineAttackKind Parse(string name) => name switch
    {
        "sign-flip" => ByzantineAttackKind.SignFlip,
        "scale" => ByzantineAttackKind.Scale,
        "label-flip" => ByzantineAttackKind.LabelFlip,
        _ => throw new ArgumentException($"unknown Byzantine attack '{name}'; expected one of: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>The CLI name of <paramref name="kind"/>.</summary>
    public static string NameOf(ByzantineAttackKind kind) => Names[(int)kind];

    /// <summary>The labels a client trains on: flipped for <see cref="ByzantineAttackKind.LabelFlip"/>, else unchanged.</summary>
    public static int[] TrainingLabels(ByzantineAttackKind kind, int[] labels, int classCount) =>
        kind == ByzantineAttackKind.LabelFlip ? [.. labels.Select(y => classCount - 1 - y)] : labels;

    /// <summary>The update sent for the honest <paramref name="delta"/>: −λΔ, λΔ, or Δ itself (label flipping poisons the data, not the update).</summary>
    public static float[] Corrupt(ByzantineAttackKind kind, float[] delta, float scale)
    {
        var factor = kind switch
        {
            ByzantineAttackKind.SignFlip => -scale,
            ByzantineAttackKind.Scale => scale,
            _ => 1f,
        };
        return [.. delta.Select(d => d * factor)];
    }
}
