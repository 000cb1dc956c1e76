using Gauntlet.Reporting;

namespace Gauntlet.Audit.Reporting;

/// <summary>The audit's scorecard as a report <see cref="Verdict"/>: the same block in report.html (the top panel) and summary.md (the Result section).</summary>
internal static class AuditVerdict
{
    /// <summary>
    /// The overall score and grade, complete or partial with the reason, "CI gates passed/failed"
    /// when the plan set gates, and the category table (score with a bar, weight, basis; "not
    /// assessed" and a dash for categories without a score).
    /// </summary>
    public static Verdict Build(AuditReport report)
    {
        var card = report.Scorecard;
        var rows = card.Categories.Select(category => (IReadOnlyList<TableCell>)(category.Status == "assessed" && category.Score is { } score
            ? [category.Name, new TableCell(ReportText.Number(score, 1)) { Bar = Math.Clamp(score, 0, 100) / 100 }, ReportText.Number(category.Weight, 2), new TableCell(Inline.WithCodeSpans(category.Basis))]
            : [category.Name, new TableCell(category.Status.Replace('_', ' ')) { Tone = CellTone.Missing }, new TableCell("—") { Tone = CellTone.Missing }, new TableCell(Inline.WithCodeSpans(category.Basis))]));
        return new Verdict
        {
            Score = card.OverallScore,
            Grade = card.Grade,
            Status = report.Status == "complete" ? VerdictStatus.Complete : VerdictStatus.Partial,
            StatusReason = report.PartialReason,
            Summary =
            [
                "Covers " + Scoring.Coverage(card) + ".",
                .. card.Cap is { } cap ? [" ", Inline.Strong($"Capped at {ReportText.Number(cap.Limit, 1)}"), $": {cap.Reason}."] : Array.Empty<Inline>(),
                .. report.Gates.Count == 0 ? Array.Empty<Inline>() : report.Passed ? [" CI gates passed."] : [" CI gates ", Inline.Strong("failed"), "."],
            ],
            Breakdown = new DataTable
            {
                Caption = "Score by category",
                CaptionVisible = false,
                Columns = [new("Category"), new("Score", ColumnAlign.Right), new("Weight", ColumnAlign.Right), new("Basis")],
                Rows = rows.ToList(),
            },
        };
    }
}
