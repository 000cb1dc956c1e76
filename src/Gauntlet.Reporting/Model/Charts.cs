namespace Gauntlet.Reporting;

/// <summary>A labelled position on a chart axis.</summary>
/// <param name="Value">The position, in data units.</param>
/// <param name="Label">The label drawn there, already formatted.</param>
public sealed record ChartTick(double Value, string Label);

/// <summary>A chart axis: its range, ticks and title.</summary>
public sealed record ChartAxis
{
    /// <summary>The axis title drawn along it, e.g. <c>ε (L∞ budget)</c>.</summary>
    public required string Title { get; init; }

    /// <summary>The short name used in point labels and the Markdown table header, e.g. <c>ε</c>; <see cref="Title"/> when null.</summary>
    public string? Symbol { get; init; }

    /// <summary>The data value at the start of the axis.</summary>
    public required double Min { get; init; }

    /// <summary>The data value at the end of the axis; values outside [Min, Max] are clamped to the plot.</summary>
    public required double Max { get; init; }

    /// <summary>The labelled ticks.</summary>
    public IReadOnlyList<ChartTick> Ticks { get; init; } = [];
}

/// <summary>One point of a <see cref="ChartSeries"/>.</summary>
/// <param name="X">The x value, in data units.</param>
/// <param name="Y">The y value, in data units.</param>
/// <param name="XText">The x value as text; with <paramref name="YText"/>, the point gets a marker and a tooltip.</param>
/// <param name="YText">The y value as text; null for a point that only shapes the line (no marker, not in the Markdown table).</param>
public sealed record ChartPoint(double X, double Y, string? XText = null, string? YText = null)
{
    /// <summary>Whether the point is drawn as a marker and listed in the Markdown table.</summary>
    public bool IsMarked => XText is not null && YText is not null;
}

/// <summary>A line of a <see cref="LineChart"/>. Colour and dash pattern come from the series' position, so lines differ in more than colour.</summary>
public sealed record ChartSeries
{
    /// <summary>The legend label and the prefix of each point's tooltip.</summary>
    public required string Label { get; init; }

    /// <summary>Added after the label in the legend only, e.g. <c>(none run)</c>; null for none.</summary>
    public string? LegendNote { get; init; }

    /// <summary>The points, in drawing order.</summary>
    public required IReadOnlyList<ChartPoint> Points { get; init; }
}

/// <summary>A dotted horizontal line across the plot, listed in the legend (e.g. the clean accuracy).</summary>
/// <param name="Y">The y value.</param>
/// <param name="Label">The legend label, already formatted: <c>clean 90.0%</c>.</param>
public sealed record ReferenceLine(double Y, string Label);

/// <summary>A line chart rendered as inline SVG with a title, a description and a legend; Markdown gets a table of the marked points.</summary>
public sealed record LineChart : Block
{
    /// <summary>The chart's accessible name (SVG <c>&lt;title&gt;</c>).</summary>
    public required string Title { get; init; }

    /// <summary>What the chart shows, in a sentence (SVG <c>&lt;desc&gt;</c>).</summary>
    public required string Description { get; init; }

    /// <summary>The horizontal axis.</summary>
    public required ChartAxis XAxis { get; init; }

    /// <summary>The vertical axis.</summary>
    public required ChartAxis YAxis { get; init; }

    /// <summary>The lines, in legend order.</summary>
    public required IReadOnlyList<ChartSeries> Series { get; init; }

    /// <summary>Horizontal reference lines.</summary>
    public IReadOnlyList<ReferenceLine> ReferenceLines { get; init; } = [];
}

/// <summary>One bar of a <see cref="BarChart"/>.</summary>
/// <param name="Label">The category label.</param>
/// <param name="Value">The value, in axis units.</param>
/// <param name="ValueText">The value as text, drawn at the bar's end.</param>
public sealed record ChartBar(string Label, double Value, string ValueText);

/// <summary>A horizontal bar chart rendered as inline SVG; Markdown gets a two-column table.</summary>
public sealed record BarChart : Block
{
    /// <summary>The chart's accessible name (SVG <c>&lt;title&gt;</c>).</summary>
    public required string Title { get; init; }

    /// <summary>What the chart shows, in a sentence (SVG <c>&lt;desc&gt;</c>).</summary>
    public required string Description { get; init; }

    /// <summary>The value axis (horizontal).</summary>
    public required ChartAxis ValueAxis { get; init; }

    /// <summary>The bars, top to bottom.</summary>
    public required IReadOnlyList<ChartBar> Bars { get; init; }
}
