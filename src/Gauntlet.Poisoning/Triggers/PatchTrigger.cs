using System.Globalization;
using Gauntlet.Tensors;

namespace Gauntlet.Poisoning.Triggers;

/// <summary>The fill of a BadNets patch.</summary>
public enum PatchPattern
{
    /// <summary>Every pixel at the top of the input range (a white square).</summary>
    White,

    /// <summary>Alternating maximum and minimum pixels, starting with the maximum at the patch's top-left.</summary>
    Checkerboard,

    /// <summary>Uniform random pixels drawn once from the trigger's seed (the same for every image).</summary>
    Random,
}

/// <summary>
/// A BadNets trigger (Gu et al. 2017): a small <see cref="Size"/>×<see cref="Size"/> patch whose
/// top-left pixel is at (<see cref="Row"/>, <see cref="Column"/>), replacing those pixels in every
/// channel with <see cref="Pattern"/>'s values in [<see cref="Min"/>, <see cref="Max"/>].
/// </summary>
public sealed class PatchTrigger : ITrigger
{
    private readonly float[] _values;

    /// <summary>Creates the trigger.</summary>
    /// <param name="row">Top row of the patch.</param>
    /// <param name="column">Left column of the patch.</param>
    /// <param name="size">Side of the square patch in pixels.</param>
    /// <param name="pattern">What fills it.</param>
    /// <param name="seed">Seed of the <see cref="PatchPattern.Random"/> fill.</param>
    /// <param name="min">The input range's minimum.</param>
    /// <param name="max">The input range's maximum (the "white" value).</param>
    /// <exception cref="ArgumentOutOfRangeException">A position is negative or the size not positive.</exception>
    public PatchTrigger(int row, int column, int size, PatchPattern pattern = PatchPattern.White, int seed = 0, float min = 0f, float max = 1f)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        (Row, Column, Size, Pattern, Seed, Min, Max) = (row, column, size, pattern, seed, min, max);
        var rng = new Rng(seed);
        _values = new float[size * size];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                _values[(y * size) + x] = pattern switch
                {
                    PatchPattern.White => max,
                    PatchPattern.Checkerboard => (x + y) % 2 == 0 ? max : min,
                    _ => min + ((max - min) * (float)rng.NextDouble()),
                };
            }
        }
    }

    /// <summary>
    /// A patch in a named corner (<c>bottom-right</c>, <c>bottom-left</c>, <c>top-right</c>,
    /// <c>top-left</c>, <c>center</c>) or at <c>ROW,COL</c>, <paramref name="margin"/> pixels from the edges.
    /// </summary>
    /// <exception cref="ArgumentException">The position is not understood, or the patch does not fit the image.</exception>
    public static PatchTrigger At(string position, int size, int height, int width, PatchPattern pattern = PatchPattern.White, int seed = 0, float min = 0f, float max = 1f, int margin = 1)
    {
        ArgumentNullException.ThrowIfNull(position);
        (int Row, int Col) corner = position switch
        {
            "bottom-right" => (height - size - margin, width - size - margin),
            "bottom-left" => (height - size - margin, margin),
            "top-right" => (margin, width - size - margin),
            "top-left" => (margin, margin),
            "center" => ((height - size) / 2, (width - size) / 2),
            _ => ParseRowColumn(position),
        };
        if (size < 1 || corner.Row < 0 || corner.Col < 0 || corner.Row + size > height || corner.Col + size > width)
        {
            throw new ArgumentException($"a {size}×{size} patch at '{position}' (row {corner.Row}, column {corner.Col}) does not fit {height}×{width} images.", nameof(position));
        }

        return new PatchTrigger(corner.Row, corner.Col, size, pattern, seed, min, max);
    }

    /// <summary>Top row.</summary>
    public int Row { get; }

    /// <summary>Left column.</summary>
    public int Column { get; }

    /// <summary>Side in pixels.</summary>
    public int Size { get; }

    /// <summary>The fill.</summary>
    public PatchPattern Pattern { get; }

    /// <summary>Seed of a random fill.</summary>
    public int Seed { get; }

    /// <summary>Lowest pixel value.</summary>
    public float Min { get; }

    /// <summary>Highest pixel value.</summary>
    public float Max { get; }

    /// <inheritdoc/>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"badnets {Size}x{Size} {Pattern.ToString().ToLowerInvariant()} patch at row {Row}, column {Column}");

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The patch does not fit the image.</exception>
    public void Apply(Span<float> image, int channels, int height, int width)
    {
        if (Row + Size > height || Column + Size > width)
        {
            throw new ArgumentException($"the {Size}×{Size} patch at ({Row}, {Column}) does not fit {height}×{width} images.", nameof(image));
        }

        for (var c = 0; c < channels; c++)
        {
            for (var y = 0; y < Size; y++)
            {
                for (var x = 0; x < Size; x++)
                {
                    image[(c * height * width) + ((Row + y) * width) + Column + x] = _values[(y * Size) + x];
                }
            }
        }
    }

    private static (int, int) ParseRowColumn(string position)
    {
        var parts = position.Split(',');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var r)
            && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var c)
            ? (r, c)
            : throw new ArgumentException($"position '{position}' is not bottom-right, bottom-left, top-right, top-left, center or ROW,COL.", nameof(position));
    }
}
