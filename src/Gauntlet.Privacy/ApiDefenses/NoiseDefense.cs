using System.Globalization;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Privacy.ApiDefenses;

/// <summary>
/// Adds Gaussian noise of standard deviation σ to every answered probability, then clips to
/// [0, 1] and renormalises: <c>p′ = clip(p + σ·ε) / Σ clip(p + σ·ε)</c>, ε ~ N(0, 1) from a seeded
/// stream (a uniform answer where every entry clips to 0). σ is in probability units, so it is
/// calibrated against the gaps between class scores the attacks read: large enough to blur
/// confidence, and the label flips it causes are the defence's cost in clean accuracy.
/// </summary>
public sealed class NoiseDefense : OutputDefense
{
    private readonly Rng _rng;
    private readonly Lock _gate = new();

    /// <summary>Wraps <paramref name="model"/> with noise of scale <paramref name="sigma"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sigma"/> is not in (0, 1].</exception>
    public NoiseDefense(IClassifier model, double sigma, int seed)
        : base(model)
    {
        if (!(sigma > 0 && sigma <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "the noise scale σ must lie in (0, 1] (probability units).");
        }

        Sigma = sigma;
        Seed = seed;
        _rng = new Rng(seed);
    }

    /// <summary>σ.</summary>
    public double Sigma { get; }

    /// <summary>Seed of the noise.</summary>
    public int Seed { get; }

    /// <inheritdoc />
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"noise:{Sigma}");

    /// <inheritdoc />
    protected override void Transform(Span<double> probabilities)
    {
        double sum = 0;
        lock (_gate)
        {
            for (var j = 0; j < probabilities.Length; j++)
            {
                probabilities[j] = Math.Clamp(probabilities[j] + (Sigma * _rng.NextGaussian()), 0, 1);
                sum += probabilities[j];
            }
        }

        for (var j = 0; j < probabilities.Length; j++)
        {
            probabilities[j] = sum > 0 ? probabilities[j] / sum : 1.0 / probabilities.Length;
        }
    }
}
