using System.Text;
using Gauntlet.Core;

namespace Gauntlet.Audit.Reporting;

/// <summary>
/// Renders <c>summary.md</c>: the audit in the "challenge, approach, result, key findings" form a
/// portfolio README uses, with GitHub-flavoured tables.
/// </summary>
/// <remarks>
/// Sections, in order: <c>## Challenge</c> (model, data, threat models), <c>## Approach</c>
/// (attacks per threat, samples, seed, checks), <c>## Result</c> (score, grade, category table,
/// robust accuracy per threat and ε), <c>## Key findings</c> (most severe first) and a
/// reproducibility line. Pipes in table cells are escaped; the output depends on the report alone.
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
    public static string Render(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder(8 * 1024);
        md.Append("# Security audit: ").Append(Text(report.Model.Path)).Append("\n\n");
        if (report.Status != "complete")
        {
            md.Append("> **Partial report** (").Append(Text(report.Status)).Append("): ").Append(Text(report.PartialReason ?? "no reason recorded")).Append("\n\n");
        }

        AppendChallenge(md, report);
        AppendApproach(md, report);
        AppendResult(md, report);
        AppendFindings(md, report);

        var r = report.Reproducibility;
        md.Append("---\n\n_Reproduce:_ Gauntlet ").Append(Text(r.ToolVersion)).Append(", seed ").Append(ReportText.Integer(r.Seed))
            .Append(", model SHA-256 `").Append(Code(r.ModelSha256)).Append("`, data SHA-256 `").Append(Code(r.DataSha256))
            .Append("`, ").Append(Text(r.Machine.Runtime)).Append(" on ").Append(Text(r.Machine.Os)).Append(" (").Append(Text(r.Machine.Architecture))
            .Append(", ").Append(Text(r.Machine.Simd)).Append("), started ").Append(Text(r.StartedAt)).Append(".\n");
        return md.ToString();
    }

    private static void AppendChallenge(StringBuilder md, AuditReport report)
    {
        var model = report.Model;
        md.Append("## Challenge\n\n")
            .Append("How robust is the ").Append(Text(model.Format)).Append(" classifier `").Append(Code(model.Path)).Append("` (")
            .Append(ReportText.Integer(model.ClassCount)).Append(" classes, input ").Append(string.Join("×", model.SampleShape.Select(ReportText.Integer)))
            .Append(" in [").Append(ReportText.Number(model.InputMin)).Append(", ").Append(ReportText.Number(model.InputMax)).Append("]) against adversarial inputs? ")
            .Append("It was audited on ").Append(ReportText.Integer(report.Data.Samples)).Append(" samples of ").Append(Text(report.Data.Source))
            .Append(", where its clean accuracy is ").Append(ReportText.Percent(report.CleanAccuracy)).Append(".\n\n");
        if (report.Threats.Count == 0)
        {
            md.Append("No threat model was evaluated.\n\n");
            return;
        }

        md.Append("Threat models:\n\n");
        foreach (var threat in report.Threats)
        {
            md.Append("- **").Append(Text(threat.Name)).Append("**: an attacker who may change each input within an ").Append(ReportText.NormName(threat.Norm))
                .Append(" ball of radius ε ∈ {").Append(string.Join(", ", threat.Points.Select(p => ReportText.Epsilon(p.Epsilon)))).Append("} (reference ε = ")
                .Append(ReportText.Epsilon(threat.ReferenceEpsilon)).Append(")\n");
        }

        md.Append('\n');
    }

    private static void AppendApproach(StringBuilder md, AuditReport report)
    {
        var plan = report.Reproducibility.Plan;
        md.Append("## Approach\n\n")
            .Append("Each budget ran an ensemble in increasing strength — random noise, then query-only black-box attacks, then gradient (white-box) attacks — ")
            .Append("each attack only on the samples its ensemble had not broken yet. A sample counts as broken for an attacker when any attack available to it ")
            .Append("broke it at that or a smaller budget.\n\n");
        foreach (var threat in report.Threats)
        {
            md.Append("- **").Append(Text(threat.Name)).Append("**: ");
            var groups = threat.Points.SelectMany(p => p.Attacks).GroupBy(a => a.Category).OrderBy(g => CategoryOrder(g.Key))
                .Select(g => ReportText.CategoryName(g.Key) + " " + string.Join(", ", g.Select(a => a.Attack).Distinct(StringComparer.Ordinal).Select(a => "`" + Code(a) + "`")));
            md.Append(string.Join("; ", groups)).Append('\n');
        }

        md.Append("- ").Append(ReportText.Integer(report.Data.Samples)).Append(" samples, seed ").Append(ReportText.Integer(report.Reproducibility.Seed))
            .Append(", PGD ").Append(ReportText.Integer(plan.PgdSteps)).Append(" steps, APGD ").Append(ReportText.Integer(plan.ApgdSteps))
            .Append(" steps, ").Append(ReportText.Integer(plan.MaxQueries)).Append(" queries per sample for black-box attacks\n");
        var failed = report.Checks.Count(c => !c.Passed);
        md.Append("- ").Append(ReportText.Integer(report.Checks.Count)).Append(" sanity checks for gradient masking and weak attacks: ")
            .Append(failed == 0 ? "all passed" : ReportText.Integer(failed) + " failed (" + Text(string.Join(", ", report.Checks.Where(c => !c.Passed).Select(CheckName))) + ")")
            .Append("\n\n");
    }

    private static void AppendResult(StringBuilder md, AuditReport report)
    {
        var card = report.Scorecard;
        md.Append("## Result\n\n**Score ").Append(ReportText.Number(card.OverallScore, 1)).Append(" / 100, grade ").Append(Text(card.Grade)).Append("**");
        if (report.Gates.Count > 0)
        {
            md.Append(" — CI gates ").Append(report.Passed ? "passed" : "**failed**");
        }

        md.Append("\n\n| Category | Score | Weight | Basis |\n|---|---:|---:|---|\n");
        foreach (var category in card.Categories)
        {
            var assessed = category.Status == "assessed" && category.Score is not null;
            md.Append("| ").Append(Cell(category.Name)).Append(" | ").Append(assessed ? ReportText.Number(category.Score!.Value, 1) : "not assessed")
                .Append(" | ").Append(assessed ? ReportText.Number(category.Weight, 2) : "—").Append(" | ").Append(Cell(category.Basis)).Append(" |\n");
        }

        if (report.Threats.Count > 0)
        {
            md.Append("\nRobust accuracy (clean ").Append(ReportText.Percent(report.CleanAccuracy)).Append("):\n\n")
                .Append("| Threat | ε | White-box | Black-box | Noise |\n|---|---:|---:|---:|---:|\n");
            foreach (var threat in report.Threats)
            {
                foreach (var point in threat.Points)
                {
                    md.Append("| ").Append(Cell(threat.Name)).Append(" | ").Append(ReportText.Epsilon(point.Epsilon)).Append(" | ")
                        .Append(ReportText.Percent(point.RobustAccuracy.WhiteBox)).Append(" | ").Append(ReportText.Percent(point.RobustAccuracy.BlackBox))
                        .Append(" | ").Append(ReportText.Percent(point.RobustAccuracy.Noise)).Append(" |\n");
                }
            }
        }

        md.Append('\n');
    }

    private static void AppendFindings(StringBuilder md, AuditReport report)
    {
        md.Append("## Key findings\n\n");
        if (report.Findings.Count == 0)
        {
            md.Append("No findings.\n\n");
            return;
        }

        var ranked = ReportText.Ranked(report.Findings);
        foreach (var finding in ranked.Take(KeyFindingCount))
        {
            md.Append("- **").Append(Text(finding.Severity.ToName().ToUpperInvariant())).Append("** ").Append(Text(finding.Title)).Append(" (`").Append(Code(finding.Id)).Append("`)");
            if (finding.AffectedClasses.Count > 0)
            {
                md.Append(" — hardest hit: ").Append(Text(string.Join(", ", finding.AffectedClasses)));
            }

            md.Append(". ").Append(Text(finding.Remediation)).Append('\n');
        }

        if (ranked.Count > KeyFindingCount)
        {
            md.Append("- … and ").Append(ReportText.Integer(ranked.Count - KeyFindingCount)).Append(" more in report.html\n");
        }

        md.Append('\n');
    }

    private static string CheckName(CheckResult check) => check.Threat is null ? check.Id : check.Id + " (" + check.Threat + ")";

    private static int CategoryOrder(string category) => category switch
    {
        "noise" => 0,
        "black_box" => 1,
        "white_box" => 2,
        _ => 3,
    };

    /// <summary>Text in a paragraph or list: one line, no raw HTML.</summary>
    private static string Text(string text) => OneLine(text).Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Text in a table cell: as <see cref="Text"/>, with pipes escaped.</summary>
    private static string Cell(string text) => Text(text).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>Text inside a code span: backticks cannot be escaped there, so they become quotes.</summary>
    private static string Code(string text) => OneLine(text).Replace('`', '\'');

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
