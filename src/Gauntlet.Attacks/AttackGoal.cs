namespace Gauntlet.Attacks;

/// <summary>
/// The labels an attack works with: untargeted attacks move away from the true labels, targeted
/// attacks move towards the target labels.
/// </summary>
public sealed class AttackGoal
{
    private AttackGoal(int[] labels, int[]? targets)
    {
        Labels = labels;
        Targets = targets;
    }

    /// <summary>The true labels.</summary>
    public int[] Labels { get; }

    /// <summary>Target labels, or null for an untargeted attack.</summary>
    public int[]? Targets { get; }

    /// <summary>True for a targeted attack.</summary>
    public bool IsTargeted => Targets is not null;

    /// <summary>Moves predictions away from <paramref name="labels"/>.</summary>
    public static AttackGoal Untargeted(int[] labels) => new(labels, null);

    /// <summary>Moves predictions towards <paramref name="targets"/>.</summary>
    /// <exception cref="ArgumentException">The arrays differ in length.</exception>
    public static AttackGoal Targeted(int[] labels, int[] targets)
    {
        if (labels.Length != targets.Length)
        {
            throw new ArgumentException($"targeted attack: {labels.Length} labels but {targets.Length} targets; expected one target per sample.", nameof(targets));
        }

        return new AttackGoal(labels, targets);
    }

    /// <summary>Whether <paramref name="prediction"/> for sample <paramref name="i"/> meets the goal.</summary>
    public bool IsMet(int i, int prediction) => Targets is { } t ? prediction == t[i] : prediction != Labels[i];

    /// <summary>The labels the loss is computed against: targets when targeted, else the true labels.</summary>
    public int[] LossLabels => Targets ?? Labels;
}
