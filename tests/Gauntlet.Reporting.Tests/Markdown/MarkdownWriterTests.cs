using System.Text.RegularExpressions;

namespace Gauntlet.Reporting.Tests.Markdown;

public sealed class MarkdownWriterTests
{
    private static string Render(params Block[] blocks) =>
        MarkdownWriter.Render(new ReportDocument { Title = "T", Sections = [new Section { Heading = "S", Blocks = blocks }] });

    [Fact]
    public void SmallDocument_RendersExactly()
    {
        var document = new ReportDocument
        {
            Title = "Security audit: net",
            Lead = [new Notice([Inline.Strong("Partial report"), " (partial): out of time"])],
            Sections =
            [
                new Section
                {
                    Heading = "Result",
                    Blocks = [SampleDocuments.Verdict(), new Paragraph("Then ", Inline.Code("pgd"), ".")],
                    Subsections = [new Section { Heading = "Detail", Blocks = [new BulletList([["one"], [Inline.Strong("two"), ": ", Inline.Code("x")]])] }],
                },
            ],
            Footer = [new Paragraph(Inline.Emphasis("Reproduce:"), " seed 7, model ", Inline.Code("abc"), ".")],
        };

        var md = MarkdownWriter.Render(document);

        Assert.Equal(
            "# Security audit: net\n\n> **Partial report** (partial): out of time\n\n## Result\n\n**Score 42.5 / 100, grade D** — CI gates **failed**\n\n"
            + "| Category | Score |\n|---|---:|\n| White-box | 35 |\n| Privacy | not assessed |\n\nThen `pgd`.\n\n### Detail\n\n- one\n- **two**: `x`\n\n"
            + "---\n\n_Reproduce:_ seed 7, model `abc`.\n",
            md);
    }

    [Theory]
    [InlineData(VerdictStatus.Partial, "**Score 42.5 / 100, incomplete (partial: time budget spent)** — CI gates **failed**\n")]
    [InlineData(VerdictStatus.Incomplete, "**Score 42.5 / 100, incomplete (incomplete: time budget spent)** — CI gates **failed**\n")]
    public void UnfinishedVerdict_SaysIncomplete_NotAGrade(VerdictStatus status, string line)
    {
        var md = Render(SampleDocuments.Verdict(status, "time budget spent"));

        Assert.Contains("\n" + line, md, StringComparison.Ordinal);
        Assert.DoesNotContain("grade", md, StringComparison.Ordinal);
    }

    [Fact]
    public void HostileText_IsEscapedInParagraphsHeadingsAndTableCells()
    {
        var md = MarkdownWriter.Render(SampleDocuments.Everything(SampleDocuments.Hostile));

        // Outside fenced blocks and code spans (where GFM shows text literally) no tag survives, and no newline starts a list.
        var prose = Regex.Replace(Regex.Replace(md, "(?ms)^(`{3,})[^\n]*\n.*?^\\1\n", string.Empty), "(`+).*?\\1", string.Empty);
        Assert.DoesNotContain("<script", prose, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\n- item", prose, StringComparison.Ordinal);
        const string text = "&lt;script&gt;alert('x')&lt;/script&gt; \\| \\`tick\\` \\*b\\* \\[l](javascript:x) - item";
        Assert.StartsWith("# Report " + text + "\n\n", md, StringComparison.Ordinal);
        Assert.Contains("\n## All " + text + "\n", md, StringComparison.Ordinal);

        // A table cell: pipes escaped, so the row keeps its three cells.
        Assert.Contains("\n| " + text + " | 1.5 | FAILED |\n", md, StringComparison.Ordinal);

        // A code span keeps the text exactly, fenced with more backticks than it holds; in a table its pipe is escaped.
        Assert.Contains("Paragraph ``<script>alert('x')</script> | `tick` *b* [l](javascript:x) - item``", md, StringComparison.Ordinal);
        Assert.Contains("| ``<script>alert('x')</script> \\| `tick` *b* [l](javascript:x) - item`` | 2 | passed |", md, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- not a list", "\\- not a list\n\n")]
    [InlineData("12. not a list", "12\\. not a list\n\n")]
    [InlineData("    not code", "not code\n\n")]
    [InlineData("# not a heading", "\\# not a heading\n\n")]
    [InlineData("snake_case and _emphasis_", "snake_case and \\_emphasis\\_\n\n")]
    public void ParagraphText_CannotStartAnotherBlock(string text, string expected) =>
        Assert.EndsWith("## S\n\n" + expected[..^1], Render(new Paragraph(text)), StringComparison.Ordinal);

    [Fact]
    public void DataTable_KeepsAlignmentAndPadsShortRows_WithAVisibleCaptionAbove()
    {
        var table = new DataTable
        {
            Caption = "Attacks",
            Columns = [new("Attack"), new("Robust", ColumnAlign.Right), new("Note", ColumnAlign.Center)],
            Rows = [["pgd", "30.0%", "ok"], ["fgsm"]],
        };

        Assert.EndsWith("## S\n\n*Attacks*\n\n| Attack | Robust | Note |\n|---|---:|:---:|\n| pgd | 30.0% | ok |\n| fgsm |  |  |\n", Render(table), StringComparison.Ordinal);
    }

    [Fact]
    public void Findings_AreAListInGivenOrder_WithDetailOnContinuationLines()
    {
        var compact = new ReportFinding { Severity = "low", Id = "GA-B", Title = "Second", Facts = [new LabeledText("hardest hit", "Shirt")], Remediation = ["Retrain."] };
        var md = Render(new FindingList { Findings = [SampleDocuments.Finding(), compact], Overflow = "… and 3 more in report.html" });

        Assert.EndsWith(
            "## S\n\n- **HIGH** Title net (`GA-net`) — Affected classes: net. Train adversarially: `gauntlet train net`\n  Observed on `net`.\n"
            + "  Evidence: epsilon 0.01, robust net 0.6\n  Category net · OWASP ML: `ML01:2023` · MITRE ATLAS: —\n"
            + "- **LOW** Second (`GA-B`) — hardest hit: Shirt. Retrain.\n- … and 3 more in report.html\n",
            md,
            StringComparison.Ordinal);
    }

    [Fact]
    public void LineChart_BecomesATableOfTheMarkedPoints()
    {
        var md = Render(SampleDocuments.Chart());

        Assert.EndsWith(
            "## S\n\n**Robust accuracy versus ε for linf** — Two attackers on linf.\n\n| ε | white-box | noise (none run) |\n|---:|---:|---:|\n"
            + "| 0.05 | 50.0% | 90.0% |\n| 0.1 | 0.0% | 90.0% |\n\nReference: clean 80.0%.\n",
            md,
            StringComparison.Ordinal);
    }

    [Fact]
    public void BarChart_BecomesATwoColumnTable() =>
        Assert.EndsWith(
            "## S\n\n**Score by category** — Scores out of 100.\n\n|  | score |\n|---|---:|\n| White-box | 50 |\n| Noise | 100 |\n",
            Render(SampleDocuments.Bars()),
            StringComparison.Ordinal);

    [Fact]
    public void Images_AreLinkedWhereAPathIsGiven_OtherwiseOmittedWithANote()
    {
        var strips = new ImageStrips
        {
            Figures =
            [
                new ImageFigure
                {
                    Images =
                    [
                        new Thumbnail { PngBase64 = SampleDocuments.TinyPng, Alt = "clean [x]", Label = "clean", FilePath = "examples/0 clean.png" },
                        new Thumbnail { PngBase64 = SampleDocuments.TinyPng, Alt = "adversarial", Label = "adversarial" },
                        new Thumbnail { PngBase64 = SampleDocuments.TinyPng, Alt = "bad path", Label = "bad", FilePath = "a>b.png" },
                    ],
                    Caption = ["#0 · label ", Inline.Strong("Shirt")],
                },
            ],
        };

        Assert.Equal(
            "# T\n\n## S\n\n- ![clean \\[x]](<examples/0 clean.png>) \\#0 · label **Shirt**\n\n*2 images are not included in the Markdown; the HTML report embeds them.*\n",
            Render(strips));
    }

    [Fact]
    public void FoldableBlock_IsDetailsAroundAFenceLongerThanAnyInside_AndReproductionListsCommands()
    {
        var fold = new FoldableBlock { Summary = "Plan <b>", Text = "a\n```\nb", Language = "json" };
        var repro = new ReproductionBlock { Items = [new LabeledText("Seed", "7")], Commands = ["gauntlet audit m.onnx --seed 7"] };

        Assert.EndsWith(
            "## S\n\n<details><summary>Plan &lt;b&gt;</summary>\n\n````json\na\n```\nb\n````\n\n</details>\n\n| Item | Value |\n|---|---|\n| Seed | `7` |\n\n```sh\ngauntlet audit m.onnx --seed 7\n```\n",
            Render(fold, repro),
            StringComparison.Ordinal);
    }

    [Fact]
    public void EveryBlockType_Renders_AndTheSameDocumentGivesTheSameBytes()
    {
        var md = MarkdownWriter.Render(SampleDocuments.Everything());

        Assert.EndsWith("---\n\n_Reproduce:_ seed 7\n", md, StringComparison.Ordinal);
        Assert.DoesNotContain("\n\n\n", md, StringComparison.Ordinal);
        Assert.Equal(md, MarkdownWriter.Render(SampleDocuments.Everything()));
    }
}
