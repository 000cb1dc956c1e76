namespace Gauntlet.Poisoning.Detection;

/// <summary>Settings of <see cref="NeuralCleanse"/>; the defaults follow the paper's reference code where it fits a small model.</summary>
public sealed record NeuralCleanseOptions
{
    /// <summary>The most optimisation steps per class (one mini-batch each).</summary>
    public int Steps { get; init; } = 600;

    /// <summary>
    /// Early stop: once the trigger works, a class stops when its best L1 norm has not fallen by
    /// 1% for this many steps (the reference code's early stop, in steps).
    /// </summary>
    public int EarlyStopPatience { get; init; } = 100;

    /// <summary>Clean images per step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's learning rate on the tanh-parametrised mask and pattern (reference code: 0.1, betas 0.5 and 0.9).</summary>
    public float LearningRate { get; init; } = 0.1f;

    /// <summary>The first non-zero weight λ of the mask's L1 norm (reference code: 1e-3).</summary>
    public double InitialCost { get; init; } = 1e-3;

    /// <summary>Attack success rate on a batch that counts as reaching the target (reference code: 0.99).</summary>
    public double SuccessThreshold { get; init; } = 0.99;

    /// <summary>Steps in a row above (or below) <see cref="SuccessThreshold"/> before λ is raised (or lowered).</summary>
    public int Patience { get; init; } = 5;

    /// <summary>Factor λ is multiplied by when raised; it is divided by its 1.5th power when lowered (reference code: 1.5).</summary>
    public double CostMultiplier { get; init; } = 1.5;

    /// <summary>Seed of the batch order.</summary>
    public int Seed { get; init; }
}
