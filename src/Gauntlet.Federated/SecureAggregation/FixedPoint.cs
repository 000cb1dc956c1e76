namespace Gauntlet.Federated.SecureAggregation;

/// <summary>
/// Fixed-point encoding of floats into the ring Z_2^32, where secure aggregation's masks live:
/// q = round(x · 2^f) as a two's-complement 32-bit word, so sums of encodings are encodings of
/// sums (mod 2^32) as long as the true sum stays inside ±2^(31−f).
/// </summary>
public static class FixedPoint
{
    /// <summary>The fractional bits f used by the federation: a resolution of 2^-20 ≈ 9.5e-7 and a range of ±2048 for the sum.</summary>
    public const int FractionalBits = 20;

    /// <summary>The largest magnitude one encoded value may have (a tenth of the ring's range, so that ten such values still sum without wrapping).</summary>
    public static double MaxMagnitude => Math.Pow(2, 31 - FractionalBits) / 10;

    /// <summary>Encodes <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is not finite or exceeds <see cref="MaxMagnitude"/>: it would wrap in the sum.</exception>
    public static uint[] Encode(ReadOnlySpan<float> values)
    {
        var scale = Math.Pow(2, FractionalBits);
        var max = MaxMagnitude;
        var words = new uint[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (!float.IsFinite(v) || Math.Abs(v) > max)
            {
                throw new ArgumentOutOfRangeException(nameof(values), v, $"value {i} is {v}; the fixed-point encoding holds magnitudes up to {max} (2^{31 - FractionalBits}/10).");
            }

            words[i] = unchecked((uint)(int)Math.Round(v * scale));
        }

        return words;
    }

    /// <summary>Decodes a (summed) encoding: x = (int32)q / 2^f.</summary>
    public static float[] Decode(ReadOnlySpan<uint> words)
    {
        var scale = Math.Pow(2, -FractionalBits);
        var values = new float[words.Length];
        for (var i = 0; i < words.Length; i++)
        {
            values[i] = (float)(unchecked((int)words[i]) * scale);
        }

        return values;
    }
}
