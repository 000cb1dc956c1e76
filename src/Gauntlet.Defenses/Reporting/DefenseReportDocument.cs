using System.Globalization;
using Gauntlet.Reporting;

namespace Gauntlet.Defenses.Reporting;

/// <summary>
/// <c>defense_report.html</c> and <c>defense_summary.md</c>: the report as a
/// <see cref="ReportDocument"/> in the audit's form — Challenge (model, data, threat), Approach
/// (plain and adaptive attacks, what is scored), Result (tables per defense), Key findings — rendered
/// by Gauntlet.Reporting's <see cref="HtmlWriter"/> and <see cref="MarkdownWriter"/>.
/// </summary>
public static class DefenseReportDocument
{
    /// <summary>The document for <paramref name="report"/>.</summary>
    public static ReportDocument Build(DefenseReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new ReportDocument
        {
            Title = "Gauntlet defense report",
            Subtitle = [Inline.Code(report.Model.Path), Inline.Text($" · {report.Data.Samples} samples of {report.Data.Source} · seed {report.Seed}")],
            Sections = [Challenge(report), Approach(report), Result(report), KeyFindings(report)],
            Footer =
            [
                new ReproductionBlock
                {
                    Items =
                    [
                        new LabeledText("tool", $"gauntlet {report.ToolVersion}"),
                        new LabeledText("model SHA-256", report.Model.Sha256),
                        new LabeledText("seed", report.Seed.ToString(CultureInfo.InvariantCulture)),
                    ],
                },
            ],
        };
    }

    /// <summary>The HTML page.</summary>
    public static string Html(DefenseReport report) => HtmlWriter.Render(Build(report));

    /// <summary>The Markdown summary.</summary>
    public static string Markdown(DefenseReport report) => MarkdownWriter.Render(Build(report));

    private static Section Challenge(DefenseReport report)
    {
        var names = report.InputDefenses.Select(d => d.Defense).Concat(report.TrainingDefenses.Select(d => d.Defense)).ToList();
        if (report.Detector is not null)
        {
            names.Add("squeeze-detector");
        }

        var e = report.Evaluation;
        return new Section
        {
            Heading = "Challenge",
            Blocks =
            [
                new Paragraph(
                    Inline.Text("Does "), Inline.Code(string.Join(", ", names)), Inline.Text(" make "), Inline.Code(report.Model.Path),
                    Inline.Text($" robust to {e.Norm} perturbations of ε {string.Join(", ", e.Epsilons.Select(DefenseFindings.F))}, and at what cost? Published input defenses have repeatedly been broken by attacks that account for them (Athalye et al. 2018; Tramer et al. 2020), so a plain attack's figure is not taken at its word.")),
            ],
        };
    }

    private static Section Approach(DefenseReport report)
    {
        var e = report.Evaluation;
        return new Section
        {
            Heading = "Approach",
            Blocks =
            [
                new BulletList(
                [
                    [Inline.Text($"Attacks: {string.Join(", then ", e.Attacks)} ({e.Steps} steps each), each only on the points the earlier ones failed on; a point counts as robust only if the defended model classifies it correctly clean and after every attack.")],
                    [Inline.Strong("Plain"), Inline.Text(": the attacks differentiate through the defense as it is (zero gradient through a quantiser).")],
                    [Inline.Strong("Adaptive"), Inline.Text($": BPDA (identity on the backward pass through the transform) and, for randomised defenses, EOT over {e.EotSamples} draws per gradient.")],
                    [Inline.Strong("Reported"), Inline.Text(": per sample, the worse of plain and adaptive. Robust training is compared model against model on the same attacks.")],
                ]),
            ],
        };
    }

    private static Section Result(DefenseReport report)
    {
        var blocks = new List<Block>();
        if (report.InputDefenses.Count > 0)
        {
            blocks.Add(new DataTable
            {
                Caption = "Input defenses: clean and robust accuracy (plain, adaptive, reported = worse of the two)",
                Columns = [new("defense"), new("ε", ColumnAlign.Right), new("clean", ColumnAlign.Right), new("undefended", ColumnAlign.Right), new("plain", ColumnAlign.Right), new("adaptive", ColumnAlign.Right), new("reported", ColumnAlign.Right), new("overhead", ColumnAlign.Right)],
                Rows = [.. report.InputDefenses.SelectMany(d => d.Threats.Select(t => (IReadOnlyList<TableCell>)
                [
                    new TableCell(Inline.Code(d.Defense), Inline.Text($" ({d.Settings})")),
                    DefenseFindings.F(t.Epsilon),
                    $"{DefenseFindings.P(d.CleanDefended)} (was {DefenseFindings.P(d.CleanUndefended)})",
                    DefenseFindings.P(t.Undefended),
                    new TableCell(Inline.Text(DefenseFindings.P(t.Plain))) { Tone = t.Overstatement >= DefenseFindings.MaskingThreshold ? CellTone.Fail : CellTone.None },
                    DefenseFindings.P(t.Adaptive),
                    new TableCell(Inline.Strong(DefenseFindings.P(t.Reported))),
                    $"{d.InferenceOverhead.ToString("F1", CultureInfo.InvariantCulture)}×",
                ]))],
            });
        }

        if (report.TrainingDefenses.Count > 0)
        {
            blocks.Add(new DataTable
            {
                Caption = "Robust training: the original model against the trained one",
                Columns = [new("defense"), new("ε", ColumnAlign.Right), new("clean before", ColumnAlign.Right), new("clean after", ColumnAlign.Right), new("robust before", ColumnAlign.Right), new("robust after", ColumnAlign.Right), new("training time", ColumnAlign.Right)],
                Rows = [.. report.TrainingDefenses.SelectMany(d => d.Threats.Select(t => (IReadOnlyList<TableCell>)
                [
                    new TableCell(Inline.Code(d.Defense)),
                    DefenseFindings.F(t.Epsilon),
                    DefenseFindings.P(d.CleanBefore),
                    DefenseFindings.P(d.CleanAfter),
                    DefenseFindings.P(t.Before),
                    new TableCell(Inline.Strong(DefenseFindings.P(t.After))),
                    d.TrainingSeconds is { } s ? $"{s.ToString("F0", CultureInfo.InvariantCulture)} s" : "unknown",
                ]))],
            });
        }

        if (report.Detector is { } detector)
        {
            blocks.Add(new DataTable
            {
                Caption = "Feature-squeezing detector",
                Columns = [new("squeezers"), new("target FPR", ColumnAlign.Right), new("clean FPR", ColumnAlign.Right), new("detection rate", ColumnAlign.Right), new("AUC", ColumnAlign.Right), new("adversarial examples", ColumnAlign.Right)],
                Rows =
                [
                    [
                        detector.Squeezers,
                        DefenseFindings.P(detector.TargetFalsePositiveRate),
                        DefenseFindings.P(detector.CleanFalsePositiveRate),
                        DefenseFindings.P(detector.DetectionRate),
                        detector.Auc.ToString("F3", CultureInfo.InvariantCulture),
                        $"{detector.AdversarialSamples} ({detector.Attack}, ε {DefenseFindings.F(detector.Epsilon)})",
                    ],
                ],
            });
        }

        if (blocks.Count == 0)
        {
            blocks.Add(new Paragraph(Inline.Text("No defense was evaluated.")));
        }

        return new Section { Heading = "Result", Blocks = blocks };
    }

    private static Section KeyFindings(DefenseReport report) => new()
    {
        Heading = "Key findings",
        Blocks =
        [
            new FindingList
            {
                Findings = [.. report.Findings.Select(f => new ReportFinding
                {
                    Severity = f.Severity,
                    Id = f.Id,
                    Title = f.Title,
                    Description = [Inline.Text(f.Detail)],
                })],
            },
        ],
    };
}
