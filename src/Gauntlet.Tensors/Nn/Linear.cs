namespace Gauntlet.Tensors.Nn;

/// <summary>Fully connected layer <c>y = x·Wᵀ + b</c>, weight <c>[out, in]</c>, PyTorch's default initialisation.</summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer with weights drawn from <paramref name="rng"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A feature count is not positive.</exception>
    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Tensor.Zeros(outFeatures, inFeatures));
        Bias = bias ? RegisterParameter("bias", Tensor.Zeros(outFeatures)) : null;
        Init.PyTorchDefault(Weight, Bias, rng);
    }

    /// <summary>Input features.</summary>
    public int InFeatures { get; }

    /// <summary>Output features.</summary>
    public int OutFeatures { get; }

    /// <summary>Weight <c>[out, in]</c>.</summary>
    public Tensor Weight { get; }

    /// <summary>Bias <c>[out]</c>, or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.Linear(input, Weight, Bias);
}
