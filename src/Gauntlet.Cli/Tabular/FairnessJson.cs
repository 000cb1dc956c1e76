using Gauntlet.Core;
using Gauntlet.Fairness;

namespace Gauntlet.Cli.Tabular;

/// <summary>JSON shapes of the fairness results (NaN rates become null).</summary>
internal static class FairnessJson
{
    public static double? N(double v) => double.IsFinite(v) ? v : null;

    public static Dictionary<string, object?> Metrics(FairnessMetricsResult m) => new()
    {
        ["protected_attribute"] = m.ProtectedAttribute,
        ["accuracy"] = m.Accuracy,
        ["demographic_parity_difference"] = m.DemographicParityDifference,
        ["equal_opportunity_difference"] = m.EqualOpportunityDifference,
        ["equalized_odds_difference"] = m.EqualizedOddsDifference,
        ["disparate_impact_ratio"] = m.DisparateImpactRatio,
        ["passes_four_fifths_rule"] = m.PassesFourFifthsRule,
        ["least_selected_group"] = m.LeastSelectedGroup,
        ["most_selected_group"] = m.MostSelectedGroup,
        ["calibration_gap"] = m.CalibrationGap,
        ["groups"] = m.Groups.Select(g => new Dictionary<string, object?>
        {
            ["group"] = g.Group,
            ["count"] = g.Count,
            ["base_rate"] = N(g.BaseRate),
            ["selection_rate"] = N(g.SelectionRate),
            ["true_positive_rate"] = N(g.TruePositiveRate),
            ["false_positive_rate"] = N(g.FalsePositiveRate),
            ["accuracy"] = N(g.Accuracy),
            ["ece"] = g.ExpectedCalibrationError,
        }).ToArray(),
    };

    public static object[] Findings(IEnumerable<Finding> findings) => [.. findings.Select(f => new Dictionary<string, object?>
    {
        ["rule_id"] = f.RuleId,
        ["severity"] = f.Severity.ToName(),
        ["category"] = f.Category,
        ["title"] = f.Title,
        ["description"] = f.Description,
        ["evidence"] = f.Evidence.ToDictionary(e => e.Key, e => N(e.Value)),
        ["remediation"] = f.Remediation,
    })];

    public static Dictionary<string, object?> Thresholds(GroupThresholdResult t) => new()
    {
        ["criterion"] = t.Criterion == ThresholdCriterion.SelectionRate ? "selection-rate" : "tpr",
        ["target_rate"] = t.TargetRate,
        ["thresholds"] = t.Thresholds,
        ["accuracy_cost"] = t.AccuracyCost,
        ["after"] = Metrics(t.After),
    };

    public static object[] Reweighing(IEnumerable<ReweighingCell> cells) =>
        [.. cells.Select(c => new Dictionary<string, object?> { ["group"] = c.Group, ["label"] = c.Label, ["count"] = c.Count, ["weight"] = c.Weight })];
}
