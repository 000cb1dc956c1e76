namespace Gauntlet.Poisoning.Detection;

/// <summary>The smallest trigger Neural Cleanse found that sends clean images to one class.</summary>
/// <param name="Target">The class.</param>
/// <param name="Mask">The mask <c>m</c>, <c>H·W</c> values in [0, 1].</param>
/// <param name="Pattern">The pattern <c>p</c>, <c>C·H·W</c> values in the input range.</param>
/// <param name="L1">The mask's L1 norm, <c>Σ m</c> (the figure the outlier test compares).</param>
/// <param name="AttackSuccessRate">Share of clean images not of the class that the trigger sends to it.</param>
/// <param name="Box">The box around the mask's heaviest pixels, or null for an empty mask.</param>
/// <param name="ReachedThreshold">Whether any epoch reached the success threshold (otherwise the last mask is kept).</param>
/// <param name="Steps">Optimisation steps (mini-batches) the class ran before it stopped.</param>
public sealed record ClassTrigger(int Target, float[] Mask, float[] Pattern, double L1, double AttackSuccessRate, BoundingBox? Box, bool ReachedThreshold, int Steps = 0);

/// <summary>Neural Cleanse's outcome over every class.</summary>
/// <param name="Triggers">One recovered trigger per class, in class order.</param>
/// <param name="Outliers">The MAD outlier test on the triggers' L1 norms.</param>
/// <param name="Channels">C of the images.</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record NeuralCleanseResult(IReadOnlyList<ClassTrigger> Triggers, MadResult Outliers, int Channels, int Height, int Width, double Seconds)
{
    /// <summary>Classes whose trigger is an outlier on the small side: suspected backdoor targets.</summary>
    public IReadOnlyList<int> Flagged => Outliers.Flagged;
}
