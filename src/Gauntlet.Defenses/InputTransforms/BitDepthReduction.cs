using Gauntlet.Tensors;

namespace Gauntlet.Defenses.InputTransforms;

/// <summary>
/// Feature squeezing by colour-bit-depth reduction (Xu et al. 2018): each value in [0, 1] becomes
/// <c>round(x·(2^b − 1)) / (2^b − 1)</c>. Piecewise constant, so its derivative is zero almost
/// everywhere; <see cref="IsDifferentiable"/> is false.
/// </summary>
public sealed class BitDepthReduction : IInputTransform
{
    /// <summary>Creates the squeezer.</summary>
    /// <param name="bits">Bits kept, 1 to 8.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is outside 1..8.</exception>
    public BitDepthReduction(int bits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 8);
        Bits = bits;
    }

    /// <summary>Bits kept.</summary>
    public int Bits { get; }

    /// <inheritdoc />
    public string Name => "bit-depth";

    /// <inheritdoc />
    public string Settings => $"{Bits} bits";

    /// <inheritdoc />
    public bool IsRandomized => false;

    /// <inheritdoc />
    public bool IsDifferentiable => false;

    /// <inheritdoc />
    public TransformedInput Apply(Tensor x, Rng rng)
    {
        ImageBatch.Dims(x, Name);
        float levels = (1 << Bits) - 1;
        var output = Ops.Map(x.Detach(), v => MathF.Round(Math.Clamp(v, 0f, 1f) * levels, MidpointRounding.ToEven) / levels);
        return new TransformedInput(output, ImageBatch.ZeroBackward(x.Shape));
    }
}
