using Gauntlet.Reporting;
using Gauntlet.Core;

namespace Gauntlet.Audit.Reporting;

/// <summary>
/// Builds <c>summary.md</c>: the audit in the "challenge, approach, result, key findings" form a
/// portfolio README uses, as a <see cref="ReportDocument"/> rendered by <see cref="MarkdownWriter"/>.
/// </summary>
/// <remarks>
/// Sections, in order: <c>## Challenge</c> (model, data, threat models), <c>## Approach</c>
/// (attacks per threat, samples, seed, checks), <c>## Result</c> (score and grade — "incomplete"
/// instead of a grade for a partial audit —, category table, robust accuracy per threat and ε),
/// <c>## Key findings</c> (most severe first) and a reproducibility line. Text is escaped by the
/// writer; the output depends on the report alone.
/// </remarks>
public static class MarkdownReport
{
    /// <summary>The file name inside an output folder.</summary>
    public const string FileName = "summary.md";

    /// <summary>How many findings the Key findings section lists.</summary>
    public const int KeyFindingCount = 5;

    /// <summary>Renders <paramref name="report"/> as Markdown.</summary>
    /// <param name="report">The audit report.</param>
    /// <returns>The Markdown text, ending in a newline.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    public static string Render(AuditReport report) => MarkdownWriter.Render(Build(report));

    /// <summary>The document <see cref="Render"/> writes.</summary>
    /// <param name="report">The audit report.</param>
    /// <returns>The report document.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    public static ReportDocument Build(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var r = report.Reproducibility;
        return new ReportDocument
        {
            Title = "Security audit: " + report.Model.Path,
            Lead = report.Status == "complete" ? [] : [new Notice([Inline.Strong("Partial report"), $" ({report.Status}): {report.PartialReason ?? "no reason recorded"}"])],
            Sections = [Challenge(report), Approach(report), Result(report), KeyFindings(report)],
            Footer =
            [
                new Paragraph(
                    Inline.Emphasis("Reproduce:"), $" Gauntlet {r.ToolVersion}, seed {ReportText.Integer(r.Seed)}, model SHA-256 ", Inline.Code(r.ModelSha256),
                    ", data SHA-256 ", Inline.Code(r.DataSha256), $", {r.Machine.Runtime} on {r.Machine.Os} ({r.Machine.Architecture}, {r.Machine.Simd}), started {r.StartedAt}."),
            ],
        };
    }

    private static Section Challenge(AuditReport report)
    {
        var model = report.Model;
        var blocks = new List<Block>
        {
            new Paragraph(
                $"How robust is the {model.Format} classifier ", Inline.Code(model.Path),
                $" ({ReportText.Integer(model.ClassCount)} classes, input {string.Join("×", model.SampleShape.Select(ReportText.Integer))}"
                + $" in [{ReportText.Number(model.InputMin)}, {ReportText.Number(model.InputMax)}]) against adversarial inputs? "
                + $"It was audited on {ReportText.Integer(report.Data.Samples)} samples of {report.Data.Source}, where its clean accuracy is {ReportText.Percent(report.CleanAccuracy)}."),
        };
        if (report.Threats.Count == 0)
        {
            blocks.Add(new Paragraph("No threat model was evaluated."));
        }
        else
        {
            blocks.Add(new Paragraph("Threat models:"));
            blocks.Add(new BulletList(report.Threats.Select(threat => (IReadOnlyList<Inline>)
            [
                Inline.Strong(threat.Name),
                $": an attacker who may change each input within an {ReportText.NormName(threat.Norm)} ball of radius ε ∈ {{{string.Join(", ", threat.Points.Select(p => ReportText.Epsilon(p.Epsilon)))}}}"
                + $" (reference ε = {ReportText.Epsilon(threat.ReferenceEpsilon)})",
            ]).ToList()));
        }

        return new Section { Heading = "Challenge", Blocks = blocks };
    }

    private static Section Approach(AuditReport report)
    {
        var plan = report.Reproducibility.Plan;
        var items = report.Threats.Select(threat =>
        {
            var runs = new List<Inline> { Inline.Strong(threat.Name), ": " };
            var groups = threat.Points.SelectMany(p => p.Attacks).GroupBy(a => a.Category).OrderBy(g => CategoryOrder(g.Key)).ToList();
            for (var g = 0; g < groups.Count; g++)
            {
                runs.Add((g > 0 ? "; " : string.Empty) + ReportText.CategoryName(groups[g].Key) + " ");
                var attacks = groups[g].Select(a => a.Attack).Distinct(StringComparer.Ordinal).ToList();
                for (var a = 0; a < attacks.Count; a++)
                {
                    if (a > 0)
                    {
                        runs.Add(", ");
                    }

                    runs.Add(Inline.Code(attacks[a]));
                }
            }

            return (IReadOnlyList<Inline>)runs;
        }).ToList();

        items.Add([$"{ReportText.Integer(report.Data.Samples)} samples, seed {ReportText.Integer(report.Reproducibility.Seed)}, PGD {ReportText.Integer(plan.PgdSteps)} steps, "
            + $"APGD {ReportText.Integer(plan.ApgdSteps)} steps, {ReportText.Integer(plan.MaxQueries)} queries per sample for black-box attacks"]);
        items.AddRange(report.Assessments.Select(module => (IReadOnlyList<Inline>)
        [
            Inline.Strong(module.Name), $" ({module.Status.Replace('_', ' ')}", module.Reason is null ? ")" : $": {module.Reason})",
            .. module.Artifacts.Count == 0 ? Array.Empty<Inline>() : [$": scanned {string.Join(", ", module.Artifacts.Select(a => $"{a.Path} (worst finding: {a.MaxSeverity ?? "none"})"))}"],
        ]));
        var failed = report.Checks.Where(c => !c.Passed).ToList();
        items.Add([$"{ReportText.Integer(report.Checks.Count)} sanity checks for gradient masking and weak attacks: "
            + (failed.Count == 0 ? "all passed" : $"{ReportText.Integer(failed.Count)} failed ({string.Join(", ", failed.Select(CheckName))})")]);

        return new Section
        {
            Heading = "Approach",
            Blocks =
            [
                new Paragraph(
                    "Each budget ran an ensemble in increasing strength — random noise, then query-only black-box attacks, then gradient (white-box) attacks — "
                    + "each attack only on the samples its ensemble had not broken yet. A sample counts as broken for an attacker when any attack available to it "
                    + "broke it at that or a smaller budget."),
                new BulletList(items),
            ],
        };
    }

    private static Section Result(AuditReport report)
    {
        var blocks = new List<Block> { AuditVerdict.Build(report) };
        if (report.Threats.Count > 0)
        {
            blocks.Add(new Paragraph($"Robust accuracy (clean {ReportText.Percent(report.CleanAccuracy)}):"));
            blocks.Add(new DataTable
            {
                Caption = "Robust accuracy per threat and budget",
                CaptionVisible = false,
                Columns = [new("Threat"), new("ε", ColumnAlign.Right), new("White-box", ColumnAlign.Right), new("Black-box", ColumnAlign.Right), new("Noise", ColumnAlign.Right)],
                Rows = report.Threats.SelectMany(threat => threat.Points.Select(point => (IReadOnlyList<TableCell>)
                [
                    threat.Name, ReportText.Epsilon(point.Epsilon), ReportText.Percent(point.RobustAccuracy.WhiteBox),
                    ReportText.Percent(point.RobustAccuracy.BlackBox), ReportText.Percent(point.RobustAccuracy.Noise),
                ])).ToList(),
            });
        }

        return new Section { Heading = "Result", Blocks = blocks };
    }

    private static Section KeyFindings(AuditReport report)
    {
        var ranked = ReportText.Ranked(report.Findings);
        return new Section
        {
            Heading = "Key findings",
            Blocks =
            [
                new FindingList
                {
                    Findings = ranked.Take(KeyFindingCount).Select(finding => new ReportFinding
                    {
                        Severity = finding.Severity.ToName(),
                        Id = finding.Id,
                        Title = finding.Title,
                        Facts = finding.AffectedClasses.Count > 0 ? [new LabeledText("hardest hit", string.Join(", ", finding.AffectedClasses))] : [],
                        Remediation = Inline.WithCodeSpans(finding.Remediation),
                    }).ToList(),
                    Overflow = ranked.Count > KeyFindingCount ? $"… and {ReportText.Integer(ranked.Count - KeyFindingCount)} more in report.html" : null,
                },
            ],
        };
    }

    private static string CheckName(CheckResult check) => check.Threat is null ? check.Id : check.Id + " (" + check.Threat + ")";

    private static int CategoryOrder(string category) => category switch
    {
        "noise" => 0,
        "black_box" => 1,
        "white_box" => 2,
        _ => 3,
    };
}
