namespace Gauntlet.Tensors.Nn;

/// <summary>
/// Batch normalisation over the channel axis (axis 1) of <c>[N, C]</c> or <c>[N, C, ...]</c>
/// input. Training mode normalises with batch statistics and updates the running mean and
/// variance buffers; inference mode uses the running statistics.
/// </summary>
public sealed class BatchNorm : Module
{
    /// <summary>Creates the layer: γ = 1, β = 0, running mean 0, running variance 1.</summary>
    public BatchNorm(int channels, float momentum = 0.1f, float epsilon = 1e-5f, bool affine = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        Channels = channels;
        Momentum = momentum;
        Epsilon = epsilon;
        Gamma = affine ? RegisterParameter("weight", Tensor.Ones(channels)) : null;
        Beta = affine ? RegisterParameter("bias", Tensor.Zeros(channels)) : null;
        RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(channels));
        RunningVar = RegisterBuffer("running_var", Tensor.Ones(channels));
    }

    /// <summary>Number of channels.</summary>
    public int Channels { get; }

    /// <summary>Running-statistics momentum.</summary>
    public float Momentum { get; }

    /// <summary>Added to the variance.</summary>
    public float Epsilon { get; }

    /// <summary>Scale γ, or null when not affine.</summary>
    public Tensor? Gamma { get; }

    /// <summary>Shift β, or null when not affine.</summary>
    public Tensor? Beta { get; }

    /// <summary>Running mean buffer.</summary>
    public Tensor RunningMean { get; }

    /// <summary>Running (unbiased) variance buffer.</summary>
    public Tensor RunningVar { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        Ops.BatchNorm(input, Gamma, Beta, RunningMean, RunningVar, IsTraining, Momentum, Epsilon);
}
