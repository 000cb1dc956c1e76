using Gauntlet.Data;

namespace Gauntlet.Explain.Reporting;

/// <summary>How <see cref="Heatmap"/> maps values to colours.</summary>
public enum HeatmapPalette
{
    /// <summary>Signed attributions: blue (negative) – white (0) – red (positive), scaled by the largest |value|.</summary>
    Diverging,

    /// <summary>Non-negative maps (Grad-CAM): black – red – yellow – white, scaled by the largest value.</summary>
    Heat,
}

/// <summary>Attribution maps as PNG images (RGB, nearest-neighbour upscaled so 28×28 maps are readable).</summary>
public static class Heatmap
{
    /// <summary>Encodes an <paramref name="height"/>×<paramref name="width"/> map.</summary>
    /// <param name="values">Row-major values.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="palette">The colour scale.</param>
    /// <param name="scale">Upscaling factor (each value becomes scale×scale pixels).</param>
    /// <returns>PNG bytes.</returns>
    /// <exception cref="ArgumentException">The value count is not height × width, or the scale is below 1.</exception>
    public static byte[] Png(ReadOnlySpan<float> values, int height, int width, HeatmapPalette palette, int scale = 4)
    {
        if (values.Length != height * width || height < 1 || width < 1 || scale < 1)
        {
            throw new ArgumentException($"heatmap: {values.Length} values for {height}×{width} at scale {scale}.", nameof(values));
        }

        double peak = 0;
        foreach (var v in values)
        {
            if (float.IsFinite(v))
            {
                peak = Math.Max(peak, palette == HeatmapPalette.Diverging ? Math.Abs(v) : v);
            }
        }

        var (h, w) = (height * scale, width * scale);
        var rgb = new byte[h * w * 3];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var v = values[((y / scale) * width) + (x / scale)];
                var t = peak > 0 && float.IsFinite(v) ? v / peak : 0;
                var (r, g, b) = palette == HeatmapPalette.Diverging ? Diverging(t) : Heat(t);
                var o = ((y * w) + x) * 3;
                rgb[o] = r;
                rgb[o + 1] = g;
                rgb[o + 2] = b;
            }
        }

        return PngWriter.Encode(rgb, w, h, 3);
    }

    /// <summary>A grey image in [0, 1] (one channel, or the mean of three) as an upscaled PNG.</summary>
    /// <param name="values">Row-major values of one channel.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="scale">Upscaling factor.</param>
    /// <returns>PNG bytes.</returns>
    public static byte[] Grey(ReadOnlySpan<float> values, int height, int width, int scale = 4)
    {
        var (h, w) = (height * scale, width * scale);
        var g = new byte[h * w];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                g[(y * w) + x] = (byte)Math.Round(Math.Clamp(values[((y / scale) * width) + (x / scale)], 0f, 1f) * 255);
            }
        }

        return PngWriter.Encode(g, w, h, 1);
    }

    private static (byte, byte, byte) Diverging(double t)
    {
        t = Math.Clamp(t, -1, 1);
        var fade = (byte)Math.Round(255 * (1 - Math.Abs(t)));
        return t >= 0 ? ((byte)255, fade, fade) : (fade, fade, (byte)255);
    }

    private static (byte, byte, byte) Heat(double t)
    {
        t = Math.Clamp(t, 0, 1) * 3;
        static byte B(double v) => (byte)Math.Round(255 * Math.Clamp(v, 0, 1));
        return (B(t), B(t - 1), B(t - 2));
    }
}
