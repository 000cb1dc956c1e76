namespace Gauntlet.Reporting.Tests;

/// <summary>The example of docs/reporting.md ("Building a new report"), kept word for word apart from the file writes.</summary>
public sealed class DocsExampleTests
{
    [Fact]
    public void PrivacyReportExample_RendersToBothFormats()
    {
        var document = new ReportDocument
        {
            Title = "Gauntlet privacy audit",
            Subtitle = ["Model ", Inline.Code("model.onnx"), " · 1000 samples"],
            Lead = [new Verdict { Score = 71.5, Grade = "B", Summary = ["membership inference near chance"] }],
            Sections =
            [
                new Section
                {
                    Heading = "Membership inference",
                    Blocks =
                    [
                        new Paragraph("Attack ", Inline.Code("loss-threshold"), " on 500 members and 500 non-members."),
                        new DataTable
                        {
                            Caption = "Attack advantage by class",
                            Columns = [new("Class"), new("Advantage", ColumnAlign.Right)],
                            Rows = [["T-shirt", ReportFormat.Percent(0.031)], ["Trouser", ReportFormat.Percent(0.012)]],
                        },
                    ],
                },
            ],
        };

        var html = HtmlWriter.Render(document);
        var md = MarkdownWriter.Render(document);

        Assert.Contains("<div class=\"grade grade-B\">B</div>\n<div class=\"status status-complete\">Status: complete</div>\n<div class=\"summary\">membership inference near chance</div>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>T-shirt</td><td class=\"num\">3.1%</td></tr>", html, StringComparison.Ordinal);
        Assert.Equal(
            "# Gauntlet privacy audit\n\nModel `model.onnx` · 1000 samples\n\n**Score 71.5 / 100, grade B** — membership inference near chance\n\n## Membership inference\n\n"
            + "Attack `loss-threshold` on 500 members and 500 non-members.\n\n*Attack advantage by class*\n\n| Class | Advantage |\n|---|---:|\n| T-shirt | 3.1% |\n| Trouser | 1.2% |\n",
            md);
    }
}
