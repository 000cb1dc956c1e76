namespace Gauntlet.Tensors.Nn;

/// <summary>Layer normalisation over the trailing dimensions given by <c>normalizedShape</c>.</summary>
public sealed class LayerNorm : Module
{
    /// <summary>Creates the layer with γ = 1 and β = 0 of shape <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int[] normalizedShape, float epsilon = 1e-5f, bool affine = true)
    {
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
        {
            throw new ArgumentException($"LayerNorm: normalized shape {Shape.Format(normalizedShape)} must be non-empty with positive sizes.", nameof(normalizedShape));
        }

        NormalizedShape = normalizedShape;
        Epsilon = epsilon;
        Gamma = affine ? RegisterParameter("weight", Tensor.Ones(normalizedShape)) : null;
        Beta = affine ? RegisterParameter("bias", Tensor.Zeros(normalizedShape)) : null;
    }

    /// <summary>The trailing dimensions normalised over.</summary>
    public int[] NormalizedShape { get; }

    /// <summary>Added to the variance.</summary>
    public float Epsilon { get; }

    /// <summary>Scale γ, or null.</summary>
    public Tensor? Gamma { get; }

    /// <summary>Shift β, or null.</summary>
    public Tensor? Beta { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.LayerNorm(input, NormalizedShape.Length, Gamma, Beta, Epsilon);
}
