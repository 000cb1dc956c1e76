namespace Gauntlet.Poisoning.Triggers;

/// <summary>
/// A trigger given as a mask and a pattern (the form Neural Cleanse recovers):
/// <c>x'[c, h, w] = (1 − m[h, w])·x[c, h, w] + m[h, w]·p[c, h, w]</c>, with <c>m</c> in [0, 1].
/// </summary>
/// <param name="Mask">The mask <c>m</c>, <c>H·W</c> values, row-major.</param>
/// <param name="Pattern">The pattern <c>p</c>, <c>C·H·W</c> values, channel-major.</param>
public sealed record MaskTrigger(float[] Mask, float[] Pattern) : ITrigger
{
    /// <inheritdoc/>
    public string Describe() => "mask and pattern";

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The mask or pattern does not match the image size.</exception>
    public void Apply(Span<float> image, int channels, int height, int width)
    {
        var plane = height * width;
        if (Mask.Length != plane || Pattern.Length != channels * plane)
        {
            throw new ArgumentException($"a mask of {Mask.Length} and a pattern of {Pattern.Length} values do not fit {channels}×{height}×{width} images.", nameof(image));
        }

        for (var c = 0; c < channels; c++)
        {
            for (var i = 0; i < plane; i++)
            {
                var k = (c * plane) + i;
                image[k] = ((1f - Mask[i]) * image[k]) + (Mask[i] * Pattern[k]);
            }
        }
    }
}
