using System.Globalization;
using Gauntlet.Tensors;

namespace Gauntlet.Poisoning.Triggers;

/// <summary>
/// A blended trigger (Chen et al. 2017, "Targeted Backdoor Attacks on Deep Learning Systems Using
/// Data Poisoning"): <c>x' = (1 − α)·x + α·k</c> for a key pattern <c>k</c> of the image's size,
/// here uniform random noise in [<see cref="Min"/>, <see cref="Max"/>] drawn once from
/// <see cref="Seed"/> (the paper's random-pattern key).
/// </summary>
public sealed class BlendTrigger : ITrigger
{
    private float[]? _key;

    /// <summary>Creates the trigger.</summary>
    /// <param name="alpha">Blend ratio α in (0, 1].</param>
    /// <param name="seed">Seed of the key pattern.</param>
    /// <param name="min">The input range's minimum.</param>
    /// <param name="max">The input range's maximum.</param>
    /// <exception cref="ArgumentOutOfRangeException">α is not in (0, 1].</exception>
    public BlendTrigger(float alpha, int seed = 0, float min = 0f, float max = 1f)
    {
        if (!(alpha > 0f && alpha <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), $"blend ratio α = {alpha}; expected 0 < α ≤ 1.");
        }

        (Alpha, Seed, Min, Max) = (alpha, seed, min, max);
    }

    /// <summary>Blend ratio α.</summary>
    public float Alpha { get; }

    /// <summary>Seed of the key pattern.</summary>
    public int Seed { get; }

    /// <summary>Lowest pixel value.</summary>
    public float Min { get; }

    /// <summary>Highest pixel value.</summary>
    public float Max { get; }

    /// <inheritdoc/>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"blend alpha {Alpha} with a random key (seed {Seed})");

    /// <inheritdoc/>
    public void Apply(Span<float> image, int channels, int height, int width)
    {
        var key = Key(channels * height * width);
        for (var i = 0; i < image.Length; i++)
        {
            image[i] = ((1f - Alpha) * image[i]) + (Alpha * key[i]);
        }
    }

    // Drawn on first use, when the image size is known; the same seed gives the same key.
    private float[] Key(int size)
    {
        if (_key is null || _key.Length != size)
        {
            var rng = new Rng(Seed);
            var key = new float[size];
            for (var i = 0; i < size; i++)
            {
                key[i] = Min + ((Max - Min) * (float)rng.NextDouble());
            }

            _key = key;
        }

        return _key;
    }
}
