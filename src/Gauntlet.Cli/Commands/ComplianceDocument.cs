using System.Globalization;
using Gauntlet.Governance.Compliance;
using Gauntlet.Reporting;

namespace Gauntlet.Cli.Commands;

/// <summary>
/// Lays a <see cref="ComplianceReport"/> out as a Reporting document, so compliance.html and
/// compliance.md come from the same writers as the audit's report.
/// </summary>
internal static class ComplianceDocument
{
    public static ReportDocument Build(ComplianceReport report, bool failOnNotEvidenced)
    {
        var passed = report.Passes(failOnNotEvidenced);
        var summary = new DataTable
        {
            Caption = "Requirements",
            Columns = [new("requirement"), new("status", ColumnAlign.Center), new("evidence")],
            Rows = [.. report.Requirements.Select(r => (IReadOnlyList<TableCell>)
            [
                r.Requirement.Title,
                new TableCell(Inline.Strong(r.Status.Name())) { Tone = Tone(r.Status) },
                string.Join("; ", r.Checks.Select(c => c.Reason)),
            ])],
        };
        return new ReportDocument
        {
            Title = $"Compliance: {report.Policy.Title}",
            PageTitle = $"{report.Model} — {report.Policy.Id}",
            Subtitle = [Inline.Code(report.Model), Inline.Text($" sha256 {report.ModelSha256}, registry {report.Registry}")],
            Lead =
            [
                new Paragraph(
                    Inline.Strong(passed ? "Gate passed" : "Gate failed"),
                    Inline.Text(string.Create(CultureInfo.InvariantCulture,
                        $" (fail on {(failOnNotEvidenced ? "failed or not evidenced" : "failed")}): {report.Count(ComplianceStatus.Satisfied)} satisfied, {report.Count(ComplianceStatus.Failed)} failed, {report.Count(ComplianceStatus.NotEvidenced)} not evidenced of {report.Requirements.Count}."))),
                summary,
            ],
            Sections = [.. report.Requirements.Select(Section)],
            Footer = [new Paragraph(Inline.Text($"Policy {report.Policy.Id} ({report.Policy.Source}). A technical evidence check against the registry, not legal advice."))],
        };
    }

    private static Section Section(RequirementOutcome outcome) => new()
    {
        Heading = $"{outcome.Requirement.Title}: {outcome.Status.Name()}",
        Id = outcome.Requirement.Id,
        Blocks =
        [
            new Paragraph(Inline.Text(outcome.Requirement.Description)),
            new DataTable
            {
                Caption = $"{outcome.Requirement.Id} evidence",
                CaptionVisible = false,
                Columns = [new("rule"), new("status", ColumnAlign.Center), new("reason"), new("evidence")],
                Rows = [.. outcome.Checks.Select(c => (IReadOnlyList<TableCell>)
                [
                    new TableCell(Inline.Code(c.Rule)),
                    new TableCell(Inline.Text(c.Status.Name())) { Tone = Tone(c.Status) },
                    c.Reason,
                    c.Evidence.Count == 0 ? "—" : string.Join("; ", c.Evidence.Select(Link)),
                ])],
            },
        ],
    };

    /// <summary>An evidence link in one line: where it is, its hash, its log entry.</summary>
    internal static string Link(EvidenceLink e) =>
        e.Reference + (e.Sha256 is { } sha ? $" sha256 {sha[..Math.Min(16, sha.Length)]}…" : "") + (e.LogIndex is { } i ? $", log index {i}" : "");

    private static CellTone Tone(ComplianceStatus status) => status switch
    {
        ComplianceStatus.Satisfied => CellTone.Pass,
        ComplianceStatus.Failed => CellTone.Fail,
        _ => CellTone.Missing,
    };
}
