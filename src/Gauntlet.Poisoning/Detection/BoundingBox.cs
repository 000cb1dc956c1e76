namespace Gauntlet.Poisoning.Detection;

/// <summary>An inclusive pixel rectangle.</summary>
/// <param name="Top">First row.</param>
/// <param name="Left">First column.</param>
/// <param name="Bottom">Last row.</param>
/// <param name="Right">Last column.</param>
public sealed record BoundingBox(int Top, int Left, int Bottom, int Right)
{
    /// <summary>The share of the mask's mass needed inside the box.</summary>
    public const double MassShare = 0.5;

    /// <summary>
    /// The box around the mask's heaviest pixels: pixels sorted by mask value, taken from the largest
    /// until they hold <see cref="MassShare"/> of the mask's total mass, and the box around them.
    /// Null for an all-zero mask.
    /// </summary>
    public static BoundingBox? OfMask(ReadOnlySpan<float> mask, int height, int width)
    {
        double total = 0;
        foreach (var v in mask)
        {
            total += v;
        }

        if (!(total > 0))
        {
            return null;
        }

        var order = Enumerable.Range(0, mask.Length).ToArray();
        var values = mask.ToArray();
        Array.Sort(order, (a, b) => values[b].CompareTo(values[a]));
        var (top, left, bottom, right) = (height, width, -1, -1);
        double mass = 0;
        foreach (var i in order)
        {
            var (y, x) = (i / width, i % width);
            (top, left, bottom, right) = (Math.Min(top, y), Math.Min(left, x), Math.Max(bottom, y), Math.Max(right, x));
            mass += values[i];
            if (mass >= MassShare * total)
            {
                break;
            }
        }

        return new BoundingBox(top, left, bottom, right);
    }

    /// <summary>
    /// Which part of an image the box's centre lies in: rows and columns cut in thirds, e.g.
    /// <c>bottom-right</c>, <c>top-center</c>, <c>center</c>.
    /// </summary>
    public string Region(int height, int width)
    {
        var cy = (Top + Bottom) / 2.0;
        var cx = (Left + Right) / 2.0;
        var vertical = cy < height / 3.0 ? "top" : cy >= 2 * height / 3.0 ? "bottom" : "center";
        var horizontal = cx < width / 3.0 ? "left" : cx >= 2 * width / 3.0 ? "right" : "center";
        return vertical == "center" && horizontal == "center" ? "center" : $"{vertical}-{horizontal}";
    }
}
