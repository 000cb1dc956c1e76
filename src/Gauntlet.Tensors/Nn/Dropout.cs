namespace Gauntlet.Tensors.Nn;

/// <summary>Inverted dropout with its own seeded generator; identity in inference mode.</summary>
public sealed class Dropout : Module
{
    private readonly Rng _rng;

    /// <summary>Creates the layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1).</exception>
    public Dropout(float p, Rng rng)
    {
        if (p is < 0f or >= 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: probability {p} must be in [0, 1).");
        }

        P = p;
        _rng = rng;
    }

    /// <summary>Probability of zeroing an element.</summary>
    public float P { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.Dropout(input, P, IsTraining, _rng);
}
