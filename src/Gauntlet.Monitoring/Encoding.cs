namespace Gauntlet.Monitoring;

/// <summary>
/// Compact encodings of input samples: an image <c>[C, H, W]</c> is average-pooled to at most
/// <c>side × side</c> per channel. Drift (MMD) and the stateful detector compare these instead of
/// raw pixels, which keeps per-query cost small and smooths out pixel-level noise.
/// </summary>
public static class SampleEncoding
{
    /// <summary>Average-pools one sample of shape <paramref name="shape"/> (rank 3 <c>[C,H,W]</c>; anything else is returned as a copy).</summary>
    /// <param name="sample">The sample's values.</param>
    /// <param name="shape">The sample's shape.</param>
    /// <param name="side">The pooled side length (default 7, so 28×28 becomes 7×7).</param>
    public static float[] Pool(ReadOnlySpan<float> sample, IReadOnlyList<int> shape, int side = 7)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 1);
        if (shape.Count != 3)
        {
            return sample.ToArray();
        }

        int c = shape[0], h = shape[1], w = shape[2];
        var oh = Math.Min(side, h);
        var ow = Math.Min(side, w);
        var output = new float[c * oh * ow];
        for (var ch = 0; ch < c; ch++)
        {
            for (var y = 0; y < h; y++)
            {
                var py = y * oh / h;
                for (var x = 0; x < w; x++)
                {
                    var px = x * ow / w;
                    output[(ch * oh * ow) + (py * ow) + px] += sample[(ch * h * w) + (y * w) + x];
                }
            }
        }

        // Each pooled cell averages the pixels that fell into it.
        var counts = new int[oh * ow];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                counts[(y * oh / h * ow) + (x * ow / w)]++;
            }
        }

        for (var i = 0; i < output.Length; i++)
        {
            output[i] /= counts[i % counts.Length];
        }

        return output;
    }

    /// <summary>Euclidean distance between two encodings of equal length.</summary>
    public static double Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = (double)a[i] - b[i];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }
}
