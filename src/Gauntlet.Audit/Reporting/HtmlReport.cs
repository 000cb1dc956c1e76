using Gauntlet.Core;
using System.Text.Json;
using Gauntlet.Reporting;

namespace Gauntlet.Audit.Reporting;

/// <summary>
/// Builds <c>report.html</c>: the audit as a <see cref="ReportDocument"/>, rendered by
/// <see cref="HtmlWriter"/> into one self-contained page (inline CSS, inline SVG charts, images as
/// <c>data:</c> URIs, no script, nothing fetched) that reads in any browser and prints cleanly.
/// </summary>
/// <remarks>
/// Order: scorecard (element <c>id="scorecard"</c>), findings most severe first, per threat the
/// robust-accuracy-versus-ε chart and the attack table, per-class tables, evaluation checks,
/// CI gates, example thumbnails, reproducibility with the plan folded away. Every string taken from
/// the report is escaped by the writer. The output depends on the report alone: the same report
/// gives the same bytes.
/// </remarks>
public static class HtmlReport
{
    /// <summary>The file name inside an output folder.</summary>
    public const string FileName = "report.html";

    /// <summary>The attacker categories in chart order; the writer styles series by position (solid red, dashed blue, dotted green).</summary>
    private static readonly (string Key, string Label)[] Curves = [("white_box", "white-box"), ("black_box", "black-box"), ("noise", "noise")];

    /// <summary>Renders <paramref name="report"/> as a self-contained HTML page.</summary>
    /// <param name="report">The audit report.</param>
    /// <returns>The page, UTF-8 text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    public static string Render(AuditReport report) => HtmlWriter.Render(Build(report));

    /// <summary>The document <see cref="Render"/> writes.</summary>
    /// <param name="report">The audit report.</param>
    /// <returns>The report document.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    public static ReportDocument Build(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new ReportDocument
        {
            Title = "Gauntlet security audit",
            PageTitle = "Gauntlet security audit — " + report.Model.Path,
            Subtitle =
            [
                "Model ", Inline.Code(report.Model.Path),
                $" ({report.Model.Format}, {ReportText.Integer(report.Model.ClassCount)} classes) · {ReportText.Integer(report.Data.Samples)} samples of {report.Data.Source}"
                + $" · clean accuracy {ReportText.Percent(report.CleanAccuracy)} · started {report.Reproducibility.StartedAt}",
            ],
            Lead = [AuditVerdict.Build(report)],
            Sections =
            [
                new Section { Heading = "Findings", Id = "findings", Blocks = [new FindingList { Findings = ReportText.Ranked(report.Findings).Select(f => Finding(f, report)).ToList() }] },
                Assessments(report),
                Threats(report),
                PerClass(report),
                Checks(report),
                .. report.Gates.Count > 0 ? [Gates(report)] : Array.Empty<Section>(),
                Examples(report),
                Reproducibility(report),
            ],
        };
    }

    private static TableCell Dash => new("—") { Tone = CellTone.Missing };

    private static ReportFinding Finding(AuditFinding finding, AuditReport report) => new()
    {
        Severity = finding.Severity.ToName(),
        Id = finding.Id,
        Title = finding.Title,
        Description = Inline.WithCodeSpans(finding.Description),
        Evidence = finding.Evidence.Select(e => new LabeledText(ReportText.EvidenceName(e.Key), ReportText.EvidenceValue(e.Key, e.Value))).ToList(),
        Facts = finding.AffectedClasses.Count > 0 ? [new LabeledText("Affected classes", string.Join(", ", finding.AffectedClasses))] : [],
        Remediation = Inline.WithCodeSpans(finding.Remediation),
        Context = [new LabeledText("Category", report.Scorecard.Categories.FirstOrDefault(c => c.Id == finding.Category)?.Name ?? finding.Category), .. finding.Threat is null ? Array.Empty<LabeledText>() : [new LabeledText("threat", finding.Threat)]],
        References = [new ReferenceIds("OWASP ML", finding.OwaspMl), new ReferenceIds("MITRE ATLAS", finding.MitreAtlas)],
    };

    private static Section Threats(AuditReport report) => new()
    {
        Heading = "Robust accuracy by budget",
        Id = "robustness",
        Blocks = report.Threats.Count == 0 ? [new Paragraph("No threat model was evaluated.") { Muted = true }] : [],
        Subsections = report.Threats.Select(threat => new Section
        {
            Heading = $"{threat.Name} ({ReportText.NormName(threat.Norm)}, reference ε = {ReportText.Epsilon(threat.ReferenceEpsilon)})",
            Blocks =
            [
                threat.Points.Count == 0 ? new Paragraph("No budget was evaluated for this threat.") { Muted = true } : Chart(threat, report.CleanAccuracy),
                .. threat.Points.Select(AttackTable),
            ],
        }).ToList(),
    };

    /// <summary>Robust accuracy (0–100%) against ε (0 to the largest budget), one line per attacker category, each starting at the clean accuracy at ε = 0.</summary>
    private static LineChart Chart(ThreatResult threat, double cleanAccuracy)
    {
        var norm = ReportText.NormName(threat.Norm);
        var budgets = string.Join(", ", threat.Points.Select(p => ReportText.Epsilon(p.Epsilon)));
        return new LineChart
        {
            Title = "Robust accuracy versus ε for " + threat.Name,
            Description = $"Robust accuracy of white-box, black-box and noise attackers at {norm} budgets ε = {budgets}, starting from the clean accuracy {ReportText.Percent(cleanAccuracy)} at ε = 0.",
            XAxis = new ChartAxis
            {
                Title = $"ε ({norm} budget)",
                Symbol = "ε",
                Min = 0,
                Max = Math.Max(threat.Points.Max(p => (double)p.Epsilon), 1e-12),
                Ticks = new[] { 0f }.Concat(threat.Points.Select(p => p.Epsilon)).Distinct().Select(e => new ChartTick(e, ReportText.Epsilon(e))).ToList(),
            },
            YAxis = new ChartAxis
            {
                Title = "robust accuracy",
                Min = 0,
                Max = 1,
                Ticks = Enumerable.Range(0, 6).Select(i => new ChartTick(i / 5.0, ReportText.Integer(i * 20) + "%")).ToList(),
            },
            Series = Curves.Select(curve => new ChartSeries
            {
                Label = curve.Label,

                // Without an attack of its own, the category's curve only inherits the weaker attackers' breaks.
                LegendNote = threat.Points.Any(p => p.Attacks.Any(a => a.Category == curve.Key)) ? null : "(none run)",
                Points =
                [
                    new ChartPoint(0, cleanAccuracy),
                    .. threat.Points.Select(p => new ChartPoint(p.Epsilon, Accuracy(p.RobustAccuracy, curve.Key), ReportText.Epsilon(p.Epsilon), ReportText.Percent(Accuracy(p.RobustAccuracy, curve.Key)))),
                ],
            }).ToList(),
            ReferenceLines = [new ReferenceLine(cleanAccuracy, "clean " + ReportText.Percent(cleanAccuracy))],
        };
    }

    private static double Accuracy(CategoryAccuracy accuracy, string key) => key switch
    {
        "white_box" => accuracy.WhiteBox,
        "black_box" => accuracy.BlackBox,
        _ => accuracy.Noise,
    };

    private static DataTable AttackTable(EpsilonResult point) => new()
    {
        Caption = $"ε = {ReportText.Epsilon(point.Epsilon)}: robust accuracy white-box {ReportText.Percent(point.RobustAccuracy.WhiteBox)}, "
            + $"black-box {ReportText.Percent(point.RobustAccuracy.BlackBox)}, noise {ReportText.Percent(point.RobustAccuracy.Noise)}",
        Columns =
        [
            new("Attack"), new("Category"), new("Attacked", ColumnAlign.Right), new("Broken", ColumnAlign.Right), new("Robust after", ColumnAlign.Right),
            new("Median L2", ColumnAlign.Right), new("Median L∞", ColumnAlign.Right), new("Queries/sample", ColumnAlign.Right), new("Seconds", ColumnAlign.Right),
        ],
        Rows = point.Attacks.Select(a => (IReadOnlyList<TableCell>)
        [
            a.Attack, ReportText.CategoryName(a.Category), ReportText.Integer(a.Attacked), ReportText.Integer(a.Broken), ReportText.Percent(a.RobustAfter),
            // A median over no successful perturbation is not 0: nothing was broken, so there is none.
            a.Broken == 0 ? Dash : ReportText.Number(a.MedianL2, 4), a.Broken == 0 ? Dash : ReportText.Number(a.MedianLinf, 4),
            ReportText.Number(a.QueriesPerSample, 1), ReportText.Number(a.Seconds, 2),
        ]).ToList(),
    };

    private static Section PerClass(AuditReport report) => new()
    {
        Heading = "Per class",
        Id = "per-class",
        Blocks = report.Threats.Select(threat => (Block)new DataTable
        {
            Caption = $"{threat.Name} at ε = {ReportText.Epsilon(threat.ReferenceEpsilon)} (white-box)",
            Columns = [new("#", ColumnAlign.Right), new("Class"), new("Samples", ColumnAlign.Right), new("Clean accuracy", ColumnAlign.Right), new("Robust accuracy", ColumnAlign.Right)],
            Rows = threat.PerClass.Select(row => (IReadOnlyList<TableCell>)
                [ReportText.Integer(row.ClassIndex), row.Name, ReportText.Integer(row.Count), ReportText.Percent(row.CleanAccuracy), ReportText.Percent(row.RobustAccuracy)]).ToList(),
        }).ToList(),
    };

    private static Section Assessments(AuditReport report) => new()
    {
        Heading = "Assessments",
        Id = "assessments",
        Blocks = report.Assessments.Count == 0
            ? [new Paragraph("The report lists no assessment modules.") { Muted = true }]
            :
            [
                new DataTable
                {
                    Caption = "Assessment modules",
                    CaptionVisible = false,
                    Columns = [new("Module"), new("Status"), new("Categories"), new("Findings", ColumnAlign.Right), new("Seconds", ColumnAlign.Right), new("Note")],
                    Rows = report.Assessments.Select(module => (IReadOnlyList<TableCell>)
                    [
                        new TableCell(module.Name, Inline.Break, Inline.Code(module.Id)),
                        module.Status.Replace('_', ' '),
                        string.Join(", ", module.Categories),
                        ReportText.Integer(module.Findings),
                        ReportText.Number(module.Seconds, 2),
                        module.Reason ?? "—",
                    ]).ToList(),
                },
                .. report.Assessments.SelectMany(m => m.Artifacts).Any()
                    ?
                    [
                        new DataTable
                        {
                            Caption = "Scanned files",
                            Columns = [new("File"), new("Format"), new("Worst finding"), new("Findings", ColumnAlign.Right), new("SHA-256")],
                            Rows = report.Assessments.SelectMany(m => m.Artifacts).Select(a => (IReadOnlyList<TableCell>)
                            [
                                new TableCell(Inline.Code(a.Path)),
                                a.Format,
                                a.MaxSeverity ?? "none",
                                ReportText.Integer(a.Findings),
                                new TableCell(Inline.Code(a.Sha256 ?? "unreadable")),
                            ]).ToList(),
                        },
                    ]
                    : Array.Empty<Block>(),
            ],
    };

    private static Section Checks(AuditReport report) => new()
    {
        Heading = "Evaluation checks (gradient masking)",
        Id = "checks",
        Blocks = report.Checks.Count == 0
            ? [new Paragraph("No checks ran.") { Muted = true }]
            :
            [
                new DataTable
                {
                    Caption = "Evaluation checks",
                    CaptionVisible = false,
                    Columns = [new("Check"), new("Threat"), new("Result"), new("Detail")],
                    Rows = report.Checks.Select(check => (IReadOnlyList<TableCell>)
                    [
                        new TableCell(check.Name, Inline.Break, Inline.Code(check.Id)),
                        check.Threat ?? "—",
                        PassFail(check.Passed),
                        check.Detail,
                    ]).ToList(),
                },
            ],
    };

    private static Section Gates(AuditReport report) => new()
    {
        Heading = "CI gates",
        Id = "gates",
        Blocks =
        [
            new DataTable
            {
                Caption = "CI gates",
                CaptionVisible = false,
                Columns = [new("Gate"), new("Threshold", ColumnAlign.Right), new("Actual", ColumnAlign.Right), new("Result")],
                Rows = report.Gates.Select(gate => (IReadOnlyList<TableCell>)
                    [gate.Name, ReportText.Number(gate.Threshold, 4), ReportText.Number(gate.Actual, 4), PassFail(gate.Passed)]).ToList(),
            },
        ],
    };

    private static TableCell PassFail(bool passed) => passed ? new TableCell("passed") { Tone = CellTone.Pass } : new TableCell("FAILED") { Tone = CellTone.Fail };

    private static Section Examples(AuditReport report) => new()
    {
        Heading = "Examples",
        Id = "examples",
        Blocks = report.Examples.Count == 0
            ? [new Paragraph("No adversarial examples were recorded.") { Muted = true }]
            :
            [
                new ImageStrips
                {
                    Figures = report.Examples.Select(example => new ImageFigure
                    {
                        Images =
                        [
                            new Thumbnail { PngBase64 = example.CleanPng, Label = "clean", Alt = "clean input, label " + example.Label },
                            new Thumbnail { PngBase64 = example.AdversarialPng, Label = "adversarial", Alt = "adversarial input, predicted " + example.AdversarialPrediction },
                            new Thumbnail { PngBase64 = example.PerturbationPng, Label = "perturbation", Alt = "perturbation, rescaled" },
                        ],
                        Caption =
                        [
                            $"#{ReportText.Integer(example.Index)} · label ", Inline.Strong(example.Label), $" · clean → {example.CleanPrediction} · adversarial → ",
                            Inline.Strong(example.AdversarialPrediction), $" ({ReportText.Percent(example.AdversarialConfidence)})", Inline.Break,
                            $"{example.Attack}, {example.Threat} ε = {ReportText.Epsilon(example.Epsilon)}",
                        ],
                    }).ToList(),
                },
            ],
    };

    private static Section Reproducibility(AuditReport report)
    {
        var r = report.Reproducibility;
        var m = r.Machine;
        return new Section
        {
            Heading = "Reproducibility",
            Id = "reproducibility",
            Blocks =
            [
                new ReproductionBlock
                {
                    Items =
                    [
                        new("Tool version", r.ToolVersion),
                        new("Report schema", report.SchemaVersion),
                        new("Seed", ReportText.Integer(r.Seed)),
                        new("Model", report.Model.Path),
                        new("Model SHA-256", r.ModelSha256),
                        new("Data", report.Data.Source),
                        new("Data SHA-256", r.DataSha256),
                        new("Machine", $"{m.Os}, {m.Runtime}, {m.Architecture}, {ReportText.Integer(m.ProcessorCount)} logical processors, SIMD {m.Simd}"),
                        new("Started", r.StartedAt),
                        new("Wall time", ReportText.Number(r.Seconds, 1) + " s"),
                    ],
                },
                PlanTable(r.Plan),
                new FoldableBlock { Summary = "Plan (JSON)", Text = JsonSerializer.Serialize(r.Plan, ReportJson.Options), Language = "json" },
            ],
        };
    }

    // The plan a person reads: settings, then one row per threat; the JSON stays folded below it.
    private static Block PlanTable(AuditPlan plan) => new KeyValueTable
    {
        Caption = "Audit plan",
        CaptionVisible = true,
        Rows =
        [
            new("Samples", ReportText.Integer(plan.Samples)),
            new("Seed", ReportText.Integer(plan.Seed)),
            new("Batch", ReportText.Integer(plan.Batch)),
            new("Modules", plan.Assessments is { } modules ? string.Join(", ", modules) : "every module that applies"),
            new("Attack strength", $"PGD {ReportText.Integer(plan.PgdSteps)} steps, APGD {ReportText.Integer(plan.ApgdSteps)} steps ({ReportText.Integer(plan.ApgdTargetClasses)} target classes), "
                + $"{ReportText.Integer(plan.MaxQueries)} queries per sample, {ReportText.Integer(plan.NoiseTrials)} noise trials"),
            new("Time budget", plan.TimeBudgetSeconds > 0 ? ReportText.Number(plan.TimeBudgetSeconds, 1) + " s" : "none"),
            .. plan.Threats.Select(t => new LabeledText(
                $"Threat {t.Name}",
                $"{ReportText.NormName(t.Norm)}, ε ∈ {{{string.Join(", ", t.Epsilons.Select(e => ReportText.Epsilon(e)))}}} (reference {ReportText.Epsilon(t.ReferenceEpsilon ?? t.Epsilons[(t.Epsilons.Count - 1) / 2])}): {string.Join(", ", t.Attacks)}")),
            .. plan.Thresholds.MinScore > 0 ? [new LabeledText("Gate: minimum score", ReportText.Number(plan.Thresholds.MinScore, 1))] : Array.Empty<LabeledText>(),
            .. plan.Thresholds.MinRobustAccuracy.Select(g => new LabeledText($"Gate: {g.Threat} at ε = {ReportText.Epsilon(g.Epsilon)}", "white-box robust accuracy ≥ " + ReportText.Percent(g.Value))),
        ],
    };
}
