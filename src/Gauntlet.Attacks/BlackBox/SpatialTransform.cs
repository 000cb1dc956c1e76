using Gauntlet.Attacks.Registry;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Attacks.BlackBox;

/// <summary>
/// Spatial-transformation attack (in the spirit of Engstrom et al. 2019): a grid search over
/// rotations (degrees, about the image centre) and translations (pixels, in x and y), each image
/// resampled bilinearly with zero fill outside (zero clamped into the input domain). Transforms
/// are tried from the smallest (|θ|/max|θ| + max(|dx|, |dy|)/max|t|) upwards, all samples not yet
/// successful together; each sample keeps the first transform that meets the goal, else the one
/// with the lowest margin loss (the worst case). The budget is the grid, not a norm: the
/// reported L∞/L2 norms are measured, not bounded. Queries: at most one per transform per sample,
/// plus the base class's two.
/// </summary>
public sealed class SpatialTransform : EvasionAttack
{
    /// <summary>The registry entry: <c>spatial</c>, a fixed grid of rotations ±30° (10° steps) × shifts of −3, 0, 3 pixels.</summary>
    public static AttackDescriptor Descriptor { get; } = new()
    {
        Name = "spatial",
        Kind = AttackKind.Spatial,
        Norms = [],
        SupportsTargeted = true,
        Parameters = [],
        CostRank = 12,
        Description = "Rotations of ±30° in 10° steps × translations of −3, 0, 3 pixels in x and y (63 transforms), smallest first; the first that fools the model.",
        Citation = "Engstrom et al. 2019",
        Factory = _ => new SpatialTransform([-30f, -20f, -10f, 0f, 10f, 20f, 30f], [-3f, 0f, 3f]),
    };

    /// <summary>Creates the attack.</summary>
    /// <param name="rotations">Rotation angles in degrees (positive turns clockwise as displayed, y pointing down).</param>
    /// <param name="translations">Shifts in pixels, used for both x and y (positive moves right and down).</param>
    /// <exception cref="ArgumentException">A list is empty or holds a non-finite value.</exception>
    public SpatialTransform(IReadOnlyList<float> rotations, IReadOnlyList<float> translations)
    {
        if (rotations.Count == 0 || translations.Count == 0 || rotations.Concat(translations).Any(v => !float.IsFinite(v)))
        {
            throw new ArgumentException("spatial: give at least one finite rotation and one finite translation (0 for none).", nameof(rotations));
        }

        var maxAngle = Math.Max(rotations.Max(Math.Abs), 1e-6f);
        var maxShift = Math.Max(translations.Max(Math.Abs), 1e-6f);
        var grid = new List<(float, float, float)>();
        foreach (var r in rotations.Distinct())
        {
            foreach (var dx in translations.Distinct())
            {
                foreach (var dy in translations.Distinct())
                {
                    grid.Add((r, dx, dy));
                }
            }
        }

        Grid = [.. grid.OrderBy(g => (Math.Abs(g.Item1) / maxAngle) + (Math.Max(Math.Abs(g.Item2), Math.Abs(g.Item3)) / maxShift))];
    }

    /// <summary>The transforms (degrees, dx, dy) in the order they are tried.</summary>
    public IReadOnlyList<(float Degrees, float Dx, float Dy)> Grid { get; }

    /// <inheritdoc />
    public override string Name => "spatial";

    /// <inheritdoc />
    public override Norm Norm => Norm.Linf;

    /// <summary>
    /// Rotates each image of <paramref name="images"/> <c>[N, C, H, W]</c> by
    /// <paramref name="degrees"/> about its centre and then shifts it by (<paramref name="dx"/>,
    /// <paramref name="dy"/>) pixels, sampling bilinearly; points falling outside read <paramref name="fill"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not rank 4.</exception>
    public static Tensor Warp(Tensor images, float degrees, float dx, float dy, float fill = 0f)
    {
        if (images.Rank != 4)
        {
            throw new ArgumentException($"spatial: Warp needs [N, C, H, W] images; got shape {images.Shape}.", nameof(images));
        }

        var (n, c, h, w) = (images.Dim(0), images.Dim(1), images.Dim(2), images.Dim(3));
        var output = new float[images.Size];
        var src = images.ToArray();
        for (var plane = 0; plane < n * c; plane++)
        {
            WarpPlane(src, plane * h * w, output.AsSpan(plane * h * w, h * w), h, w, degrees, dx, dy, fill);
        }

        return Tensor.FromArray(output, images.Shape);
    }

    private static void WarpPlane(float[] src, int start, Span<float> dst, int h, int w, float degrees, float dx, float dy, float fill)
    {
        var angle = degrees * Math.PI / 180.0;
        var (sin, cos) = Math.SinCos(angle);
        var cx = (w - 1) / 2.0;
        var cy = (h - 1) / 2.0;
        for (var r = 0; r < h; r++)
        {
            for (var col = 0; col < w; col++)
            {
                // Inverse map: undo the shift, then the rotation, to find where this pixel came from.
                var u = col - cx - dx;
                var v = r - cy - dy;
                var sx = (cos * u) + (sin * v) + cx;
                var sy = (-sin * u) + (cos * v) + cy;
                var x0 = (int)Math.Floor(sx);
                var y0 = (int)Math.Floor(sy);
                var fx = sx - x0;
                var fy = sy - y0;
                double At(int yy, int xx) => yy >= 0 && yy < h && xx >= 0 && xx < w ? src[start + (yy * w) + xx] : fill;
                var value = ((1 - fy) * (((1 - fx) * At(y0, x0)) + (fx * At(y0, x0 + 1))))
                    + (fy * (((1 - fx) * At(y0 + 1, x0)) + (fx * At(y0 + 1, x0 + 1))));
                dst[(r * w) + col] = (float)value;
            }
        }
    }

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng) => Generate(classifier, x, goal, rng, new long[x.Dim(0)]);

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng, long[] sampleQueries)
    {
        var (c, h, w) = BlackBoxQueries.ImageDims(classifier, Name);
        var n = x.Dim(0);
        var d = c * h * w;
        var k = classifier.ClassCount;
        var fill = Math.Clamp(0f, classifier.InputRange.Min, classifier.InputRange.Max);
        var clean = x.ToArray();
        var best = (float[])clean.Clone();
        var bestMargin = new float[n];
        Array.Fill(bestMargin, float.PositiveInfinity);
        foreach (var (degrees, dx, dy) in Grid)
        {
            var active = Enumerable.Range(0, n).Where(i => bestMargin[i] >= 0f).ToArray();
            if (active.Length == 0)
            {
                break;
            }

            var batch = new float[active.Length * d];
            for (var a = 0; a < active.Length; a++)
            {
                clean.AsSpan(active[a] * d, d).CopyTo(batch.AsSpan(a * d, d));
            }

            var warped = Warp(Tensor.FromArray(batch, active.Length, c, h, w), degrees, dx, dy, fill).ToArray();
            var z = BlackBoxQueries.Logits(classifier, warped, active.Length);
            for (var a = 0; a < active.Length; a++)
            {
                var i = active[a];
                sampleQueries[i]++;
                var m = BlackBoxQueries.Margin(z.AsSpan(a * k, k), goal.LossLabels[i], goal.IsTargeted);
                if (m < bestMargin[i])
                {
                    bestMargin[i] = m;
                    warped.AsSpan(a * d, d).CopyTo(best.AsSpan(i * d, d));
                }
            }
        }

        return Tensor.FromArray(best, x.Shape);
    }
}
