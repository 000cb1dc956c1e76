namespace Gauntlet.Poisoning.Detection;

/// <summary>
/// Settings of <see cref="NeuralCleanse"/>; the defaults follow the paper's reference code
/// (bolunwang/backdoor, <c>gtsrb_visualize_example.py</c>) except where noted.
/// </summary>
public sealed record NeuralCleanseOptions
{
    /// <summary>
    /// The most optimisation steps (mini-batches) per class; the reference code allows 1,000 epochs,
    /// here the budget is counted in mini-batches so that a run's worst case is bounded.
    /// </summary>
    public int Steps { get; init; } = 1500;

    /// <summary>
    /// Mini-batches per epoch, the unit the cost schedule and the early stop count in. 0 (the default)
    /// means the reference code's: one pass over the clean images, <c>⌊n / batch⌋</c> mini-batches
    /// (at least 1).
    /// </summary>
    public int BatchesPerEpoch { get; init; }

    /// <summary>Clean images per mini-batch (reference code: 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's learning rate on the tanh-parametrised mask and pattern (reference code: 0.1, betas 0.5 and 0.9).</summary>
    public float LearningRate { get; init; } = 0.1f;

    /// <summary>The cost λ of the mask's L1 norm once the trigger works (reference code: 1e-3).</summary>
    public double InitialCost { get; init; } = 1e-3;

    /// <summary>
    /// Whether λ starts at 0 and is set to <see cref="InitialCost"/> only after <see cref="Patience"/>
    /// epochs in a row reach <see cref="SuccessThreshold"/> (the reference code's default, "reset cost to zero").
    /// </summary>
    public bool StartAtZeroCost { get; init; } = true;

    /// <summary>Epoch attack success rate that counts as reaching the target (reference code: 0.99).</summary>
    public double SuccessThreshold { get; init; } = 0.99;

    /// <summary>Epochs in a row above (or below) <see cref="SuccessThreshold"/> before λ is raised (or lowered) (reference code: 5).</summary>
    public int Patience { get; init; } = 5;

    /// <summary>Factor λ is multiplied by when raised; it is divided by its 1.5th power when lowered (reference code: 2).</summary>
    public double CostMultiplier { get; init; } = 2;

    /// <summary>
    /// Early stop: once a trigger has worked and λ has been both raised and lowered, a class stops
    /// after this many epochs in a row without a smaller best L1 norm (reference code: 5 × patience = 25).
    /// </summary>
    public int EarlyStopPatience { get; init; } = 25;

    /// <summary>
    /// An epoch counts towards the early stop unless the best L1 norm fell below this share of the
    /// best before it (reference code: 1.0, any improvement resets the count).
    /// </summary>
    public double EarlyStopThreshold { get; init; } = 1.0;

    /// <summary>Seed of the initial mask and pattern (uniform random, as in the reference code) and of the batch order.</summary>
    public int Seed { get; init; }
}
