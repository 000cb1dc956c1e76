using System.Text;

namespace Gauntlet.Reporting;

/// <summary>Draws charts as inline SVG into a page: fixed geometry, so the same chart gives the same bytes.</summary>
/// <remarks>
/// Each chart is <c>role="img"</c>, named by its <c>&lt;title&gt;</c> and described by its
/// <c>&lt;desc&gt;</c> (ids <c>chart-N-title</c>, <c>chart-N-desc</c>, unique on the page). Line
/// charts map a data point (x, y) to <c>(Left + (x − xMin) / (xMax − xMin) · PlotWidth,
/// Top + (1 − (y − yMin) / (yMax − yMin)) · PlotHeight)</c>, y clamped to the axis; marked points
/// carry a <c>&lt;title&gt;</c> tooltip <c>"{series} {x symbol} = {x}: {y}"</c>.
/// </remarks>
internal sealed class SvgChartWriter(StringBuilder html)
{
    /// <summary>Line-chart geometry, in SVG user units (CSS pixels at 100%); the right margin holds the legend.</summary>
    internal const double Width = 700, Height = 320, Left = 56, Right = 184, Top = 16, Bottom = 48;

    /// <summary>The plot area's size.</summary>
    internal const double PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom;

    /// <summary>Bar-chart geometry: the label column, the row pitch and the bar thickness.</summary>
    internal const double BarLabelWidth = 180, BarRow = 26, BarThickness = 16, BarRight = 90;

    private const string Grid = "#e3e7ee", Frame = "#8a93a5";

    /// <summary>Series colours and dash patterns by position: the line style differs as well as the colour, for readers who cannot tell the colours apart.</summary>
    private static readonly (string Colour, string Dash)[] Styles =
    [
        ("#c0392b", ""),
        ("#2457c5", "6 3"),
        ("#1e8a4c", "2 3"),
        ("#7b1fa2", "10 3 2 3"),
        ("#b3541e", "1 2"),
        ("#5b6475", "8 2"),
    ];

    private int count;

    /// <summary>The screen position of a data x value on a line chart.</summary>
    internal static double MapX(ChartAxis axis, double x) => Left + (Fraction(axis, x, clamp: false) * PlotWidth);

    /// <summary>The screen position of a data y value on a line chart (clamped to the axis).</summary>
    internal static double MapY(ChartAxis axis, double y) => Top + ((1 - Fraction(axis, y, clamp: true)) * PlotHeight);

    public void Line(LineChart chart)
    {
        Open(chart.Title, chart.Description, Width, Height);
        html.Append("<rect x=\"").Append(N(Left)).Append("\" y=\"").Append(N(Top)).Append("\" width=\"").Append(N(PlotWidth)).Append("\" height=\"").Append(N(PlotHeight))
            .Append("\" fill=\"#fff\" stroke=\"").Append(Frame).Append("\"/>\n");

        foreach (var tick in chart.YAxis.Ticks)
        {
            var y = MapY(chart.YAxis, tick.Value);
            html.Append("<line x1=\"").Append(N(Left)).Append("\" x2=\"").Append(N(Left + PlotWidth)).Append("\" y1=\"").Append(N(y)).Append("\" y2=\"").Append(N(y))
                .Append("\" stroke=\"").Append(Grid).Append("\"/>\n<text x=\"").Append(N(Left - 6)).Append("\" y=\"").Append(N(y + 4)).Append("\" text-anchor=\"end\">")
                .Append(E(tick.Label)).Append("</text>\n");
        }

        var lastLabelX = double.NegativeInfinity;
        foreach (var tick in chart.XAxis.Ticks)
        {
            var x = MapX(chart.XAxis, tick.Value);
            html.Append("<line x1=\"").Append(N(x)).Append("\" x2=\"").Append(N(x)).Append("\" y1=\"").Append(N(Top + PlotHeight)).Append("\" y2=\"").Append(N(Top + PlotHeight + 5))
                .Append("\" stroke=\"").Append(Frame).Append("\"/>\n");

            // Budgets can sit close together (0.01, 0.03): a label that would overlap the previous one is left out; its tick mark stays.
            if (x - lastLabelX >= 28)
            {
                html.Append("<text x=\"").Append(N(x)).Append("\" y=\"").Append(N(Top + PlotHeight + 18)).Append("\" text-anchor=\"middle\">").Append(E(tick.Label)).Append("</text>\n");
                lastLabelX = x;
            }
        }

        html.Append("<text x=\"").Append(N(Left + (PlotWidth / 2))).Append("\" y=\"").Append(N(Height - 10)).Append("\" text-anchor=\"middle\" font-size=\"12\">")
            .Append(E(chart.XAxis.Title)).Append("</text>\n")
            .Append("<text transform=\"translate(14 ").Append(N(Top + (PlotHeight / 2))).Append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">")
            .Append(E(chart.YAxis.Title)).Append("</text>\n");

        foreach (var reference in chart.ReferenceLines)
        {
            var y = MapY(chart.YAxis, reference.Y);
            html.Append("<line x1=\"").Append(N(Left)).Append("\" x2=\"").Append(N(Left + PlotWidth)).Append("\" y1=\"").Append(N(y)).Append("\" y2=\"").Append(N(y))
                .Append("\" stroke=\"").Append(Frame).Append("\" stroke-dasharray=\"1 4\"/>\n");
        }

        var symbol = chart.XAxis.Symbol ?? chart.XAxis.Title;
        for (var s = 0; s < chart.Series.Count; s++)
        {
            var series = chart.Series[s];
            var (colour, dash) = Styles[s % Styles.Length];
            html.Append("<polyline fill=\"none\" stroke=\"").Append(colour).Append("\" stroke-width=\"2\"").Append(DashAttribute(dash))
                .Append(" points=\"").AppendJoin(' ', series.Points.Select(p => N(MapX(chart.XAxis, p.X)) + "," + N(MapY(chart.YAxis, p.Y)))).Append("\"/>\n");
            foreach (var point in series.Points.Where(p => p.IsMarked))
            {
                html.Append("<circle cx=\"").Append(N(MapX(chart.XAxis, point.X))).Append("\" cy=\"").Append(N(MapY(chart.YAxis, point.Y))).Append("\" r=\"3.5\" fill=\"").Append(colour)
                    .Append("\"><title>").Append(E(series.Label)).Append(' ').Append(E(symbol)).Append(" = ").Append(E(point.XText!)).Append(": ").Append(E(point.YText!))
                    .Append("</title></circle>\n");
            }
        }

        var legendX = Left + PlotWidth + 14;
        var legendY = Top + 10;
        for (var s = 0; s < chart.Series.Count; s++)
        {
            var series = chart.Series[s];
            var (colour, dash) = Styles[s % Styles.Length];
            LegendEntry(legendX, legendY, colour, "2", dash, series.LegendNote is null ? series.Label : series.Label + " " + series.LegendNote);
            legendY += 20;
        }

        foreach (var reference in chart.ReferenceLines)
        {
            LegendEntry(legendX, legendY, Frame, null, "1 4", reference.Label);
            legendY += 20;
        }

        html.Append("</svg>\n");
    }

    public void Bar(BarChart chart)
    {
        var plotWidth = Width - BarLabelWidth - BarRight;
        var plotHeight = Math.Max(1, chart.Bars.Count) * BarRow;
        var height = Top + plotHeight + Bottom;
        Open(chart.Title, chart.Description, Width, height);
        double X(double value) => BarLabelWidth + (Fraction(chart.ValueAxis, value, clamp: true) * plotWidth);

        foreach (var tick in chart.ValueAxis.Ticks)
        {
            var x = X(tick.Value);
            html.Append("<line x1=\"").Append(N(x)).Append("\" x2=\"").Append(N(x)).Append("\" y1=\"").Append(N(Top)).Append("\" y2=\"").Append(N(Top + plotHeight + 5))
                .Append("\" stroke=\"").Append(Grid).Append("\"/>\n<text x=\"").Append(N(x)).Append("\" y=\"").Append(N(Top + plotHeight + 18))
                .Append("\" text-anchor=\"middle\">").Append(E(tick.Label)).Append("</text>\n");
        }

        html.Append("<line x1=\"").Append(N(BarLabelWidth)).Append("\" x2=\"").Append(N(BarLabelWidth)).Append("\" y1=\"").Append(N(Top)).Append("\" y2=\"").Append(N(Top + plotHeight))
            .Append("\" stroke=\"").Append(Frame).Append("\"/>\n");
        for (var i = 0; i < chart.Bars.Count; i++)
        {
            var bar = chart.Bars[i];
            var y = Top + (i * BarRow) + ((BarRow - BarThickness) / 2);
            var end = X(bar.Value);
            var start = X(Math.Clamp(0, chart.ValueAxis.Min, chart.ValueAxis.Max));
            html.Append("<text x=\"").Append(N(BarLabelWidth - 8)).Append("\" y=\"").Append(N(y + 12)).Append("\" text-anchor=\"end\">").Append(E(bar.Label)).Append("</text>\n")
                .Append("<rect x=\"").Append(N(Math.Min(start, end))).Append("\" y=\"").Append(N(y)).Append("\" width=\"").Append(N(Math.Abs(end - start)))
                .Append("\" height=\"").Append(N(BarThickness)).Append("\" fill=\"#2457c5\"><title>").Append(E(bar.Label)).Append(": ").Append(E(bar.ValueText)).Append("</title></rect>\n")
                .Append("<text x=\"").Append(N(Math.Max(start, end) + 6)).Append("\" y=\"").Append(N(y + 12)).Append("\">").Append(E(bar.ValueText)).Append("</text>\n");
        }

        html.Append("<text x=\"").Append(N(BarLabelWidth + (plotWidth / 2))).Append("\" y=\"").Append(N(height - 10)).Append("\" text-anchor=\"middle\" font-size=\"12\">")
            .Append(E(chart.ValueAxis.Title)).Append("</text>\n</svg>\n");
    }

    /// <summary>Where <paramref name="value"/> falls along the axis, 0 at Min and 1 at Max; a zero-length axis maps everything to 0.</summary>
    private static double Fraction(ChartAxis axis, double value, bool clamp)
    {
        var span = axis.Max - axis.Min;
        var f = span > 1e-12 && double.IsFinite(value) ? (value - axis.Min) / span : 0;
        return clamp ? Math.Clamp(f, 0, 1) : f;
    }

    /// <summary>Opens the <c>&lt;svg&gt;</c> with its accessible name and description.</summary>
    private void Open(string title, string description, double width, double height)
    {
        var id = "chart-" + ReportFormat.Integer(++count);
        html.Append("<svg class=\"chart\" width=\"").Append(N(width)).Append("\" height=\"").Append(N(height)).Append("\" viewBox=\"0 0 ").Append(N(width)).Append(' ').Append(N(height))
            .Append("\" role=\"img\" aria-labelledby=\"").Append(id).Append("-title ").Append(id).Append("-desc\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#1d2433\">\n")
            .Append("<title id=\"").Append(id).Append("-title\">").Append(E(title)).Append("</title>\n")
            .Append("<desc id=\"").Append(id).Append("-desc\">").Append(E(description)).Append("</desc>\n");
    }

    private void LegendEntry(double x, double y, string colour, string? strokeWidth, string dash, string label)
    {
        html.Append("<line x1=\"").Append(N(x)).Append("\" x2=\"").Append(N(x + 24)).Append("\" y1=\"").Append(N(y)).Append("\" y2=\"").Append(N(y))
            .Append("\" stroke=\"").Append(colour).Append('"');
        if (strokeWidth is not null)
        {
            html.Append(" stroke-width=\"").Append(strokeWidth).Append('"');
        }

        html.Append(DashAttribute(dash)).Append("/>\n<text x=\"").Append(N(x + 30)).Append("\" y=\"").Append(N(y + 4)).Append("\">").Append(E(label)).Append("</text>\n");
    }

    private static string DashAttribute(string dash) => dash.Length > 0 ? " stroke-dasharray=\"" + dash + "\"" : string.Empty;

    private static string N(double value) => HtmlText.N(value);

    private static string E(string text) => HtmlText.Escape(text);
}
