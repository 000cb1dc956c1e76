namespace Gauntlet.Reporting.Tests;

/// <summary>Hand-built documents whose every value is known, for the writer tests.</summary>
internal static class SampleDocuments
{
    /// <summary>A name with HTML, Markdown and table metacharacters, a backtick and a newline.</summary>
    public const string Hostile = "<script>alert('x')</script> | `tick` *b* [l](javascript:x)\n- item";

    /// <summary>A 4×4 greyscale PNG.</summary>
    public const string TinyPng = "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAAAAACMmsGiAAAAGUlEQVR4nGNgsKnYwiAXNe0SiPGBAcjgAwBDDAdxf3lM/QAAAABJRU5ErkJggg==";

    /// <summary>
    /// Accuracy against ε on a 0–0.1 by 0–1 plot: "white-box" (0, 1) → (0.05, 0.5) → (0.1, 0), the
    /// first point unmarked; "noise" flat at 0.9 with a legend note; a reference line at 0.8.
    /// </summary>
    public static LineChart Chart(string name = "linf") => new()
    {
        Title = "Robust accuracy versus ε for " + name,
        Description = "Two attackers on " + name + ".",
        XAxis = new ChartAxis { Title = "ε (L∞ budget)", Symbol = "ε", Min = 0, Max = 0.1, Ticks = [new(0, "0"), new(0.05, "0.05"), new(0.1, "0.1")] },
        YAxis = new ChartAxis { Title = "robust accuracy", Min = 0, Max = 1, Ticks = [new(0, "0%"), new(0.5, "50%"), new(1, "100%")] },
        Series =
        [
            new ChartSeries { Label = "white-box", Points = [new(0, 1), new(0.05, 0.5, "0.05", "50.0%"), new(0.1, 0, "0.1", "0.0%")] },
            new ChartSeries { Label = "noise", LegendNote = "(none run)", Points = [new(0, 0.9), new(0.05, 0.9, "0.05", "90.0%"), new(0.1, 0.9, "0.1", "90.0%")] },
        ],
        ReferenceLines = [new ReferenceLine(0.8, "clean 80.0%")],
    };

    /// <summary>Two bars on a 0–100 axis: 50 and 100.</summary>
    public static BarChart Bars() => new()
    {
        Title = "Score by category",
        Description = "Scores out of 100.",
        ValueAxis = new ChartAxis { Title = "score", Min = 0, Max = 100, Ticks = [new(0, "0"), new(50, "50"), new(100, "100")] },
        Bars = [new ChartBar("White-box", 50, "50"), new ChartBar("Noise", 100, "100")],
    };

    /// <summary>A complete verdict: 42.5 / 100, grade D, one breakdown row.</summary>
    public static Verdict Verdict(VerdictStatus status = VerdictStatus.Complete, string? reason = null) => new()
    {
        Score = 42.5,
        Grade = "D",
        Status = status,
        StatusReason = reason,
        Summary = ["CI gates ", Inline.Strong("failed")],
        Breakdown = new DataTable
        {
            Caption = "Score by category",
            CaptionVisible = false,
            Columns = [new("Category"), new("Score", ColumnAlign.Right)],
            Rows = [["White-box", new TableCell("35") { Bar = 0.35 }], ["Privacy", new TableCell("not assessed") { Tone = CellTone.Missing }]],
        },
    };

    /// <summary>One finding with every field set; <paramref name="text"/> goes into every string.</summary>
    public static ReportFinding Finding(string text = "net") => new()
    {
        Severity = "high",
        Id = "GA-" + text,
        Title = "Title " + text,
        Description = ["Observed on ", Inline.Code(text), "."],
        Evidence = [new LabeledText("epsilon", "0.01"), new LabeledText("robust " + text, "0.6")],
        Facts = [new LabeledText("Affected classes", text)],
        Remediation = ["Train adversarially: ", Inline.Code("gauntlet train " + text)],
        Context = [new LabeledText("Category", text)],
        References = [new ReferenceIds("OWASP ML", ["ML01:2023"]), new ReferenceIds("MITRE ATLAS", [])],
    };

    /// <summary>A block of every type, each holding <paramref name="text"/> wherever it holds text.</summary>
    public static IReadOnlyList<Block> EveryBlock(string text = "net") =>
    [
        new Paragraph("Paragraph ", Inline.Code(text), " ", Inline.Strong(text), " ", Inline.Emphasis(text), Inline.Break, text),
        new BulletList([[text], ["second ", Inline.Code(text)]]),
        new Notice([Inline.Strong("Partial"), " " + text]),
        new FoldableBlock { Summary = "Plan " + text, Text = "{\n  \"name\": \"" + text + "\"\n}", Language = "json" },
        new DataTable
        {
            Caption = "Table " + text,
            Columns = [new("Name " + text), new("Value", ColumnAlign.Right), new("Result", ColumnAlign.Center)],
            Rows = [[text, "1.5", new TableCell("FAILED") { Tone = CellTone.Fail }], [new TableCell(Inline.Code(text)), "2", new TableCell("passed") { Tone = CellTone.Pass }]],
        },
        new KeyValueTable { Caption = "Facts " + text, Rows = [new LabeledText("Key " + text, text)], ValuesAsCode = true },
        new ReproductionBlock { Items = [new LabeledText("Seed", "7"), new LabeledText("Model " + text, text)], Commands = ["gauntlet audit " + text + " --seed 7"] },
        new FindingList { Findings = [Finding(text)], Overflow = "… and 1 more " + text },
        Verdict(VerdictStatus.Partial, "time budget " + text),
        Chart(text),
        Bars() with { Bars = [new ChartBar(text, 50, "50")] },
        new ImageStrips
        {
            Figures =
            [
                new ImageFigure
                {
                    Images = [new Thumbnail { PngBase64 = TinyPng, Alt = "clean " + text, Label = "clean" }, new Thumbnail { PngBase64 = TinyPng, Alt = "adv " + text, Label = "adversarial" }],
                    Caption = ["label ", Inline.Strong(text)],
                },
            ],
        },
    ];

    /// <summary>A document with every block type in one section, <paramref name="text"/> in its title, subtitle and headings.</summary>
    public static ReportDocument Everything(string text = "net") => new()
    {
        Title = "Report " + text,
        Subtitle = ["Model ", Inline.Code(text)],
        Lead = [Verdict()],
        Sections = [new Section { Heading = "All " + text, Id = "all", Blocks = EveryBlock(text), Subsections = [new Section { Heading = "Sub " + text }] }],
        Footer = [new Paragraph(Inline.Emphasis("Reproduce:"), " seed 7")],
    };
}
