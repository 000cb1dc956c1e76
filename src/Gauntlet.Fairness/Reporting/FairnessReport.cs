using Gauntlet.Core;
using Gauntlet.Reporting;
using static Gauntlet.Fairness.FairnessAnalysis;

namespace Gauntlet.Fairness.Reporting;

/// <summary>Builds the fairness sections of a <see cref="ReportDocument"/>: group table, summaries, mitigations, findings.</summary>
public static class FairnessReport
{
    /// <summary>The sections for one analysis and its optional mitigations.</summary>
    /// <param name="result">The analysis.</param>
    /// <param name="reweighing">Metrics of the model retrained with reweighing (before = <paramref name="result"/>), or null.</param>
    /// <param name="thresholds">Per-group thresholds, or null.</param>
    /// <returns>Sections in reading order.</returns>
    public static IReadOnlyList<Section> Sections(FairnessResult result, FairnessMetricsResult? reweighing = null, GroupThresholdResult? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var m = result.Metrics;
        var sections = new List<Section>
        {
            new()
            {
                Heading = $"Fairness by '{m.ProtectedAttribute}'",
                Id = "fairness",
                Blocks =
                [
                    new Paragraph(Inline.Text($"Accuracy {F(m.Accuracy)}. Demographic parity difference {F(m.DemographicParityDifference)}, equal opportunity difference {F(m.EqualOpportunityDifference)}, equalised odds difference {F(m.EqualizedOddsDifference)}, disparate impact ratio {F(m.DisparateImpactRatio)} ("), Inline.Strong(m.PassesFourFifthsRule ? "passes" : "fails"), Inline.Text(" the four-fifths rule).")),
                    GroupTable(m),
                    SelectionChart(m),
                    .. result.Notes.Count == 0 ? Array.Empty<Block>() : [new BulletList([.. result.Notes.Select(n => (IReadOnlyList<Inline>)[Inline.Text(n)])])],
                ],
            },
        };

        if (result.Robustness is { } r)
        {
            sections.Add(new Section
            {
                Heading = "Robustness by group",
                Id = "fairness-robustness",
                Blocks =
                [
                    new DataTable
                    {
                        Caption = $"Success of {r.Attack} by group (gap {F(r.Gap)})",
                        Columns = [new("group"), new("attacked", ColumnAlign.Right), new("succeeded", ColumnAlign.Right), new("success rate", ColumnAlign.Right)],
                        Rows = [.. r.Groups.Select(g => (IReadOnlyList<TableCell>)[g.Group, $"{g.Attacked}", $"{g.Succeeded}", F(g.SuccessRate)])],
                    },
                ],
            });
        }

        if (reweighing is not null || thresholds is not null)
        {
            var rows = new List<IReadOnlyList<TableCell>> { Row("as trained", m, null) };
            if (reweighing is not null)
            {
                rows.Add(Row("retrained with reweighing", reweighing, m.Accuracy - reweighing.Accuracy));
            }

            if (thresholds is not null)
            {
                rows.Add(Row($"per-group thresholds ({(thresholds.Criterion == ThresholdCriterion.SelectionRate ? "equal selection rate" : "equal TPR")})", thresholds.After, thresholds.AccuracyCost));
            }

            sections.Add(new Section
            {
                Heading = "Mitigations: before and after",
                Id = "fairness-mitigations",
                Blocks =
                [
                    new DataTable
                    {
                        Caption = "Mitigations and their accuracy cost",
                        Columns = [new("model"), new("accuracy", ColumnAlign.Right), new("accuracy cost", ColumnAlign.Right), new("DPD", ColumnAlign.Right), new("EOD", ColumnAlign.Right), new("DI ratio", ColumnAlign.Right), new("four-fifths")],
                        Rows = rows,
                    },
                    .. thresholds is null ? Array.Empty<Block>() : [new Paragraph(Inline.Text("Thresholds: " + string.Join(", ", thresholds.Thresholds.Select(t => $"{t.Key} {F(t.Value)}")) + $" (target rate {F(thresholds.TargetRate)}). Per-group thresholds use the protected attribute at decision time, which some jurisdictions forbid."))],
                ],
            });
        }

        sections.Add(new Section { Heading = "Fairness findings", Id = "fairness-findings", Blocks = [Findings(result.Findings)] });
        return sections;
    }

    /// <summary>Findings as the shared report list.</summary>
    /// <param name="findings">The findings.</param>
    /// <returns>The block.</returns>
    public static FindingList Findings(IReadOnlyList<Finding> findings) => new()
    {
        Findings = [.. findings.Select(f => new ReportFinding
        {
            Severity = f.Severity.ToName(),
            Id = f.RuleId,
            Title = f.Title,
            Description = [Inline.Text(f.Description)],
            Evidence = [.. f.Evidence.Select(e => new LabeledText(e.Key, F(e.Value)))],
            Remediation = [Inline.Text(f.Remediation)],
        })],
        EmptyText = "No fairness tolerance was breached.",
    };

    private static List<TableCell> Row(string name, FairnessMetricsResult m, double? cost) =>
        [name, F(m.Accuracy), cost is { } c ? F(c) : "—", F(m.DemographicParityDifference), F(m.EqualizedOddsDifference), F(m.DisparateImpactRatio), new TableCell(Inline.Text(m.PassesFourFifthsRule ? "pass" : "fail")) { Tone = m.PassesFourFifthsRule ? CellTone.Pass : CellTone.Fail }];

    private static DataTable GroupTable(FairnessMetricsResult m) => new()
    {
        Caption = $"Per-group metrics for '{m.ProtectedAttribute}'",
        Columns = [new("group"), new("n", ColumnAlign.Right), new("base rate", ColumnAlign.Right), new("selection rate", ColumnAlign.Right), new("TPR", ColumnAlign.Right), new("FPR", ColumnAlign.Right), new("accuracy", ColumnAlign.Right), new("ECE", ColumnAlign.Right)],
        Rows = [.. m.Groups.Select(g => (IReadOnlyList<TableCell>)[g.Group, $"{g.Count}", F(g.BaseRate), F(g.SelectionRate), F(g.TruePositiveRate), F(g.FalsePositiveRate), F(g.Accuracy), g.ExpectedCalibrationError is { } e ? F(e) : "—"])],
    };

    private static BarChart SelectionChart(FairnessMetricsResult m) => new()
    {
        Title = $"Selection rate by '{m.ProtectedAttribute}'",
        Description = $"Share of each group the model predicts positive; the disparate impact ratio is {F(m.DisparateImpactRatio)}.",
        ValueAxis = new ChartAxis { Title = "selection rate", Min = 0, Max = 1, Ticks = [new(0, "0"), new(0.5, "0.5"), new(1, "1")] },
        Bars = [.. m.Groups.Select(g => new ChartBar(g.Group, g.SelectionRate, F(g.SelectionRate)))],
    };
}
