using System.Xml.Linq;

namespace Gauntlet.Reporting.Tests.Html;

public sealed class SvgDocumentTests
{
    [Fact]
    public void Render_IsWellFormedSvgWithTheNamespace_TheTitleAndOneMarkerPerMarkedPoint()
    {
        var chart = new LineChart
        {
            Title = "Certified accuracy",
            Description = "Certified accuracy against L2 radius.",
            XAxis = new ChartAxis { Title = "L2 radius", Symbol = "r", Min = 0, Max = 1, Ticks = [new(0, "0"), new(0.5, "0.5"), new(1, "1")] },
            YAxis = new ChartAxis { Title = "certified accuracy", Min = 0, Max = 1, Ticks = [new(0, "0%"), new(1, "100%")] },
            Series = [new ChartSeries { Label = "σ = 0.25", Points = [new(0, 0.8, "0", "80%"), new(0.3, 0.6), new(0.5, 0.4, "0.5", "40%"), new(1, 0, "1", "0%")] }],
        };

        var text = SvgDocument.Render(chart);
        var document = XDocument.Parse(text);
        XNamespace svg = "http://www.w3.org/2000/svg";
        Assert.Equal(svg + "svg", document.Root!.Name);
        Assert.Equal("Certified accuracy", document.Root.Element(svg + "title")!.Value);
        Assert.Equal(3, document.Descendants(svg + "circle").Count());
        Assert.Equal(text, SvgDocument.Render(chart));
    }
}
