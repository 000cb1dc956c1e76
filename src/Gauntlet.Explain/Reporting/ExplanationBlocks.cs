using System.Globalization;
using Gauntlet.Reporting;

namespace Gauntlet.Explain.Reporting;

/// <summary>Report blocks for explanations: attribution bar charts, heatmap strips, importance tables.</summary>
public static class ExplanationBlocks
{
    /// <summary>A horizontal bar chart of signed attributions, largest |value| first (at most <paramref name="top"/> bars).</summary>
    /// <param name="title">Chart title.</param>
    /// <param name="description">What the bars mean (read by screen readers).</param>
    /// <param name="names">Feature names.</param>
    /// <param name="values">Attribution per feature.</param>
    /// <param name="top">Most bars shown.</param>
    /// <returns>The chart.</returns>
    public static BarChart Bars(string title, string description, IReadOnlyList<string> names, IReadOnlyList<double> values, int top = 15)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(values);
        var order = Enumerable.Range(0, values.Count).OrderByDescending(i => Math.Abs(values[i])).Take(top).ToList();
        var peak = Math.Max(1e-12, order.Count == 0 ? 1 : order.Max(i => Math.Abs(values[i])));
        var min = values.Any(v => v < 0) ? -peak : 0;
        return new BarChart
        {
            Title = title,
            Description = description,
            ValueAxis = new ChartAxis { Title = "attribution", Min = min, Max = peak, Ticks = [new(min, N(min)), new(0, "0"), new(peak, N(peak))] },
            Bars = [.. order.Select(i => new ChartBar(names[i], values[i], N(values[i])))],
        };
    }

    /// <summary>One strip of images (input, heatmaps) with a caption.</summary>
    /// <param name="images">Label and PNG bytes of each image.</param>
    /// <param name="caption">The caption.</param>
    /// <returns>The block.</returns>
    public static ImageStrips Strip(IReadOnlyList<(string Label, byte[] Png)> images, string caption)
    {
        ArgumentNullException.ThrowIfNull(images);
        return new ImageStrips
        {
            Figures =
            [
                new ImageFigure
                {
                    Images = [.. images.Select(i => new Thumbnail { PngBase64 = Convert.ToBase64String(i.Png), Alt = i.Label, Label = i.Label })],
                    Caption = [Inline.Text(caption)],
                },
            ],
            ThumbnailSize = 112,
        };
    }

    /// <summary>Permutation importances as a table.</summary>
    /// <param name="result">The importances.</param>
    /// <returns>The table, most important first.</returns>
    public static DataTable Importance(PermutationImportanceResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new DataTable
        {
            Caption = $"Permutation importance (baseline accuracy {N(result.BaselineAccuracy)}, {result.Repeats} shuffles per feature, seed {result.Seed})",
            Columns = [new("feature"), new("accuracy drop", ColumnAlign.Right), new("std", ColumnAlign.Right)],
            Rows = [.. result.Features.OrderByDescending(f => f.MeanDrop).Select(f => (IReadOnlyList<TableCell>)[f.Feature, N(f.MeanDrop), N(f.StdDrop)])],
        };
    }

    /// <summary>A number with four decimals, invariant culture.</summary>
    /// <param name="v">The number.</param>
    /// <returns>The text.</returns>
    public static string N(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
}
