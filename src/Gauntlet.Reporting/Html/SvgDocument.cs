using System.Text;

namespace Gauntlet.Reporting;

/// <summary>One chart as a standalone SVG file, for commands that write a chart on its own (<c>certify --svg</c>).</summary>
/// <remarks>
/// The drawing is the HTML report's (<see cref="SvgChartWriter"/>): same geometry, styles, title,
/// description and tooltips, so a chart looks the same in a report and in a file. A file needs the
/// SVG namespace and an XML declaration, which an inline chart in HTML does without.
/// </remarks>
public static class SvgDocument
{
    /// <summary>The SVG file text of <paramref name="chart"/>.</summary>
    public static string Render(LineChart chart)
    {
        var svg = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        var start = svg.Length;
        new SvgChartWriter(svg).Line(chart);
        svg.Insert(start + "<svg".Length, " xmlns=\"http://www.w3.org/2000/svg\"");
        return svg.ToString();
    }
}
