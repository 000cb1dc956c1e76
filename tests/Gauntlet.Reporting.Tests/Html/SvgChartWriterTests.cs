using System.Text.RegularExpressions;

namespace Gauntlet.Reporting.Tests.Html;

/// <summary>
/// The line chart's plot is 460×256 at (56, 16) in a 700×320 view box, so on a 0–0.1 × 0–1 chart
/// x = 56 + 4600·ε and y = 16 + 256·(1 − accuracy).
/// </summary>
public sealed class SvgChartWriterTests
{
    private static string Render(params Block[] blocks) =>
        HtmlWriter.Render(new ReportDocument { Title = "T", Sections = [new Section { Heading = "Charts", Blocks = blocks }] });

    [Fact]
    public void LineChart_PlacesEverySeriesPointAtItsCoordinates()
    {
        var html = Render(SampleDocuments.Chart());

        Assert.Contains("<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\" points=\"56,16 286,144 516,272\"/>", html, StringComparison.Ordinal);
        Assert.Contains("<polyline fill=\"none\" stroke=\"#2457c5\" stroke-width=\"2\" stroke-dasharray=\"6 3\" points=\"56,41.6 286,41.6 516,41.6\"/>", html, StringComparison.Ordinal);
        Assert.Contains("<circle cx=\"286\" cy=\"144\" r=\"3.5\" fill=\"#c0392b\"><title>white-box ε = 0.05: 50.0%</title></circle>", html, StringComparison.Ordinal);
        Assert.Contains("<circle cx=\"516\" cy=\"272\" r=\"3.5\" fill=\"#c0392b\"><title>white-box ε = 0.1: 0.0%</title></circle>", html, StringComparison.Ordinal);
        Assert.Contains("<circle cx=\"516\" cy=\"41.6\" r=\"3.5\" fill=\"#2457c5\"><title>noise ε = 0.1: 90.0%</title></circle>", html, StringComparison.Ordinal);

        // The unmarked first points shape the lines only: four markers in all.
        Assert.Equal(4, Regex.Count(html, "<circle "));
    }

    [Fact]
    public void LineChart_HasAccessibleNameAxesTicksReferenceLineAndLegend()
    {
        var html = Render(SampleDocuments.Chart());

        Assert.Contains(
            "<svg class=\"chart\" width=\"700\" height=\"320\" viewBox=\"0 0 700 320\" role=\"img\" aria-labelledby=\"chart-1-title chart-1-desc\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#1d2433\">\n"
            + "<title id=\"chart-1-title\">Robust accuracy versus ε for linf</title>\n<desc id=\"chart-1-desc\">Two attackers on linf.</desc>\n",
            html,
            StringComparison.Ordinal);
        Assert.Contains("<text x=\"50\" y=\"276\" text-anchor=\"end\">0%</text>", html, StringComparison.Ordinal);
        Assert.Contains("<text x=\"50\" y=\"148\" text-anchor=\"end\">50%</text>", html, StringComparison.Ordinal);
        Assert.Contains("<text x=\"286\" y=\"290\" text-anchor=\"middle\">0.05</text>", html, StringComparison.Ordinal);
        Assert.Contains(">ε (L∞ budget)</text>", html, StringComparison.Ordinal);
        Assert.Contains("rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">robust accuracy</text>", html, StringComparison.Ordinal);
        Assert.Contains("<line x1=\"56\" x2=\"516\" y1=\"67.2\" y2=\"67.2\" stroke=\"#8a93a5\" stroke-dasharray=\"1 4\"/>", html, StringComparison.Ordinal);
        Assert.Contains("<text x=\"560\" y=\"30\">white-box</text>", html, StringComparison.Ordinal);
        Assert.Contains("<text x=\"560\" y=\"50\">noise (none run)</text>", html, StringComparison.Ordinal);
        Assert.Contains("<text x=\"560\" y=\"70\">clean 80.0%</text>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void LineChart_ClampsToTheAxis_AndSkipsTickLabelsThatWouldOverlap()
    {
        var chart = SampleDocuments.Chart() with
        {
            XAxis = SampleDocuments.Chart().XAxis with { Ticks = [new(0, "0"), new(0.001, "0.001"), new(0.1, "0.1")] },
            Series = [new ChartSeries { Label = "over", Points = [new(0.05, 1.5, "0.05", "150%"), new(0.1, -1, "0.1", "-100%")] }],
        };

        var html = Render(chart);

        Assert.Contains("points=\"286,16 516,272\"", html, StringComparison.Ordinal);
        Assert.Contains("<line x1=\"60.6\" x2=\"60.6\" y1=\"272\" y2=\"277\" stroke=\"#8a93a5\"/>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">0.001</text>", html, StringComparison.Ordinal);
        Assert.Contains("<text x=\"516\" y=\"290\" text-anchor=\"middle\">0.1</text>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoCharts_GetDistinctIds()
    {
        var html = Render(SampleDocuments.Chart("a"), SampleDocuments.Bars());

        Assert.Contains("aria-labelledby=\"chart-1-title chart-1-desc\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-labelledby=\"chart-2-title chart-2-desc\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void BarChart_DrawsEachBarToItsValue_WithLabelValueAndTooltip()
    {
        // Bars start at x = 180 and 100 spans 430 units; rows are 26 apart from y = 16, bars 16 high.
        var html = Render(SampleDocuments.Bars());

        Assert.Contains("<svg class=\"chart\" width=\"700\" height=\"116\" viewBox=\"0 0 700 116\"", html, StringComparison.Ordinal);
        Assert.Contains(
            "<text x=\"172\" y=\"33\" text-anchor=\"end\">White-box</text>\n<rect x=\"180\" y=\"21\" width=\"215\" height=\"16\" fill=\"#2457c5\"><title>White-box: 50</title></rect>\n"
            + "<text x=\"401\" y=\"33\">50</text>\n",
            html,
            StringComparison.Ordinal);
        Assert.Contains("<rect x=\"180\" y=\"47\" width=\"430\" height=\"16\" fill=\"#2457c5\"><title>Noise: 100</title></rect>", html, StringComparison.Ordinal);
        Assert.Contains("<text x=\"395\" y=\"86\" text-anchor=\"middle\">50</text>", html, StringComparison.Ordinal);
    }
}
