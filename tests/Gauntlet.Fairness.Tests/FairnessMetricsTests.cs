using Gauntlet.Core;
using Gauntlet.Fairness.Reporting;
using Gauntlet.Reporting;

namespace Gauntlet.Fairness.Tests;

public sealed class FairnessMetricsTests
{
    // A small table worked by hand: group A has 6 rows, group B 4.
    //   A: labels 1 1 1 0 0 0, predictions 1 1 0 1 0 0 → selected 3/6, TPR 2/3, FPR 1/3, accuracy 4/6
    //   B: labels 1 1 0 0,     predictions 1 0 0 0     → selected 1/4, TPR 1/2, FPR 0,   accuracy 3/4
    private static readonly string[] Groups = ["A", "A", "A", "A", "A", "A", "B", "B", "B", "B"];
    private static readonly int[] Labels = [1, 1, 1, 0, 0, 0, 1, 1, 0, 0];
    private static readonly int[] Predictions = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0];
    private static readonly double[] Scores = [0.9, 0.8, 0.3, 0.6, 0.2, 0.1, 0.75, 0.45, 0.35, 0.05];

    [Fact]
    public void PerGroupRatesEqualTheHandComputation()
    {
        var m = FairnessMetrics.Compute(Predictions, Labels, Groups, new FairnessOptions("sex"), Scores);
        var a = m.Groups.Single(g => g.Group == "A");
        var b = m.Groups.Single(g => g.Group == "B");
        Assert.Equal(6, a.Count);
        Assert.Equal(4, b.Count);
        Assert.Equal(3.0 / 6, a.SelectionRate, 12);
        Assert.Equal(1.0 / 4, b.SelectionRate, 12);
        Assert.Equal(2.0 / 3, a.TruePositiveRate, 12);
        Assert.Equal(1.0 / 2, b.TruePositiveRate, 12);
        Assert.Equal(1.0 / 3, a.FalsePositiveRate, 12);
        Assert.Equal(0.0, b.FalsePositiveRate, 12);
        Assert.Equal(4.0 / 6, a.Accuracy, 12);
        Assert.Equal(3.0 / 4, b.Accuracy, 12);
        Assert.Equal(3.0 / 6, a.BaseRate, 12);
        Assert.Equal(7.0 / 10, m.Accuracy, 12);
    }

    [Fact]
    public void SummariesEqualTheHandComputation()
    {
        var m = FairnessMetrics.Compute(Predictions, Labels, Groups, new FairnessOptions("sex"), Scores);
        Assert.Equal((3.0 / 6) - (1.0 / 4), m.DemographicParityDifference, 12);
        Assert.Equal((2.0 / 3) - (1.0 / 2), m.EqualOpportunityDifference, 12);
        Assert.Equal(1.0 / 3, m.EqualizedOddsDifference, 12); // the FPR gap 1/3 exceeds the TPR gap 1/6
        Assert.Equal(0.25 / 0.5, m.DisparateImpactRatio, 12);
        Assert.False(m.PassesFourFifthsRule);
        Assert.Equal("B", m.LeastSelectedGroup);
        Assert.Equal("A", m.MostSelectedGroup);
    }

    [Fact]
    public void CalibrationByGroupEqualsTheHandComputation()
    {
        var m = FairnessMetrics.Compute(Predictions, Labels, Groups, new FairnessOptions("sex"), Scores);
        // A: every score in its own bin → mean |y − p| = (0.1 + 0.2 + 0.7 + 0.6 + 0.2 + 0.1) / 6.
        var eceA = (0.1 + 0.2 + 0.7 + 0.6 + 0.2 + 0.1) / 6;
        // B: 0.75 (y 1), 0.45 (y 1), 0.35 (y 0), 0.05 (y 0) in bins 7, 4, 3, 0.
        var eceB = (0.25 + 0.55 + 0.35 + 0.05) / 4;
        Assert.Equal(eceA, m.Groups[0].ExpectedCalibrationError!.Value, 12);
        Assert.Equal(eceB, m.Groups[1].ExpectedCalibrationError!.Value, 12);
        Assert.Equal(Math.Abs(eceA - eceB), m.CalibrationGap!.Value, 12);
    }

    [Fact]
    public void SharedBinsAverageScoresAndOutcomes()
    {
        // Two scores in bin 8 with outcomes 1 and 0: |0.5 − 0.825| = 0.325 for the whole set.
        Assert.Equal(0.325, FairnessMetrics.ExpectedCalibrationError([0.8, 0.85], [true, false]), 12);
    }

    [Fact]
    public void AGroupWithoutPositiveLabelsHasAnUndefinedTprAndIsLeftOutOfTheGap()
    {
        var r = FairnessAnalysis.Run([1, 0, 0, 1], [1, 0, 0, 0], ["A", "A", "B", "B"]);
        Assert.True(double.IsNaN(r.Metrics.Groups[1].TruePositiveRate));
        Assert.Equal(0.0, r.Metrics.EqualOpportunityDifference, 12);
        Assert.Contains(r.Notes, n => n.Contains("'B'", StringComparison.Ordinal) && n.Contains("undefined", StringComparison.Ordinal));
    }

    [Fact]
    public void TheAnalysisReportsTheBreachedTolerancesAsFindings()
    {
        var r = FairnessAnalysis.Run(Predictions, Labels, Groups, new FairnessOptions("sex"), Scores);
        var ids = r.Findings.Select(f => f.RuleId).ToList();
        Assert.Contains("GA-FAIRNESS-DISPARATE-IMPACT", ids);
        Assert.Contains("GA-FAIRNESS-DEMOGRAPHIC-PARITY", ids);
        Assert.Contains("GA-FAIRNESS-EQUALIZED-ODDS", ids);
        Assert.All(r.Findings, f => Assert.Equal("fairness", f.Category));
        Assert.Equal(Severity.High, r.Findings[0].Severity);
        Assert.Equal(0.5, r.Findings.Single(f => f.RuleId == "GA-FAIRNESS-DISPARATE-IMPACT").Evidence["disparate_impact_ratio"], 12);

        // The same predictions for both groups breach nothing.
        var fair = FairnessAnalysis.Run([1, 0, 1, 0], [1, 0, 1, 0], ["A", "A", "B", "B"], new FairnessOptions(SmallGroup: 1));
        Assert.Empty(fair.Findings);
        Assert.Empty(fair.Notes);
    }

    [Fact]
    public void MismatchedLengthsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => FairnessMetrics.Compute([1, 0], [1], ["A", "B"]));
        Assert.Contains("2 predictions, 1 labels", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new FairnessOptions(FourFifths: 0).Validate());
    }

    [Fact]
    public void PerGroupRobustnessSplitsAttackSuccessByGroup()
    {
        var r = GroupRobustness.Compute("fgsm", [true, true, false, true, false, false, false, true, false, false], Groups);
        Assert.Equal(3, r.Groups[0].Succeeded);
        Assert.Equal(3.0 / 6, r.Groups[0].SuccessRate, 12);
        Assert.Equal(1.0 / 4, r.Groups[1].SuccessRate, 12);
        Assert.Equal(0.25, r.Gap, 12);
        Assert.Equal("A", r.MostAffectedGroup);
        var analysis = FairnessAnalysis.Run(Predictions, Labels, Groups, attackSuccess: [true, true, false, true, false, false, false, true, false, false], attackName: "fgsm");
        Assert.Contains(analysis.Findings, f => f.RuleId == "GA-FAIRNESS-ROBUSTNESS-GAP");
    }

    [Fact]
    public void TheReportRendersTheGroupTableAndMitigations()
    {
        var r = FairnessAnalysis.Run(Predictions, Labels, Groups, new FairnessOptions("sex"), Scores);
        var t = GroupThresholds.Fit(Scores, Labels, Groups, ThresholdCriterion.SelectionRate, new FairnessOptions("sex"));
        var doc = new ReportDocument { Title = "fairness", Sections = FairnessReport.Sections(r, thresholds: t) };
        var html = HtmlWriter.Render(doc);
        var md = MarkdownWriter.Render(doc);
        Assert.Contains("Per-group metrics for &#39;sex&#39;", html.Replace("&#x27;", "&#39;", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("GA-FAIRNESS-DISPARATE-IMPACT", md, StringComparison.Ordinal);
        Assert.Contains("per-group thresholds", md, StringComparison.Ordinal);
    }
}
