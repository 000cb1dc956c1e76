using System.Globalization;
using Gauntlet.Core;

namespace Gauntlet.Fairness;

/// <summary>The outcome of <see cref="FairnessAnalysis.Run"/>.</summary>
/// <param name="Metrics">Per-group figures and the summaries.</param>
/// <param name="Robustness">Per-group attack success, when an attack outcome was given.</param>
/// <param name="Findings">What breaches a tolerance, as <see cref="Finding"/>s in category <c>fairness</c>, most severe first.</param>
/// <param name="Notes">Caveats a reader needs (small groups, undefined rates).</param>
public sealed record FairnessResult(
    FairnessMetricsResult Metrics,
    GroupRobustnessResult? Robustness,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<string> Notes);

/// <summary>
/// The entry point an audit module or a command calls: metrics for the predictions, optional
/// per-group robustness, and findings for each tolerance breached. It takes plain arrays, so an
/// <c>IAssessment</c> that has a classifier's predictions and the protected column calls it
/// directly and forwards <see cref="FairnessResult.Findings"/>.
/// </summary>
public static class FairnessAnalysis
{
    /// <summary>The category of every finding here.</summary>
    public const string Category = "fairness";

    /// <summary>Runs the analysis.</summary>
    /// <param name="predictions">Predicted class per sample.</param>
    /// <param name="labels">True class per sample.</param>
    /// <param name="groups">The protected attribute per sample.</param>
    /// <param name="options">Tolerances and the positive class; defaults when null.</param>
    /// <param name="scores">Predicted probability of the positive class, for calibration by group; optional.</param>
    /// <param name="attackSuccess">Whether an attack succeeded on each sample (same order), for per-group robustness; optional.</param>
    /// <param name="attackName">The attack's name, for the report.</param>
    /// <returns>Metrics, findings and notes.</returns>
    /// <exception cref="ArgumentException">The arrays disagree in length, or an option is out of range.</exception>
    public static FairnessResult Run(int[] predictions, int[] labels, string[] groups, FairnessOptions? options = null, double[]? scores = null, bool[]? attackSuccess = null, string attackName = "attack")
    {
        options ??= new FairnessOptions();
        var m = FairnessMetrics.Compute(predictions, labels, groups, options, scores);
        var robustness = attackSuccess is null ? null : GroupRobustness.Compute(attackName, attackSuccess, groups);
        var findings = new List<Finding>();
        var attr = options.ProtectedAttribute;
        var notes = new List<string>();
        foreach (var g in m.Groups.Where(g => g.Count < options.SmallGroup))
        {
            notes.Add($"group '{g.Group}' has {g.Count} samples (under {options.SmallGroup}); its rates are noisy.");
        }

        foreach (var g in m.Groups.Where(g => double.IsNaN(g.TruePositiveRate) || double.IsNaN(g.FalsePositiveRate)))
        {
            notes.Add($"group '{g.Group}' has only one true class; its {(double.IsNaN(g.TruePositiveRate) ? "true" : "false")} positive rate is undefined and left out of the gaps.");
        }

        if (!m.PassesFourFifthsRule)
        {
            findings.Add(Make(
                "GA-FAIRNESS-DISPARATE-IMPACT",
                $"Disparate impact on '{attr}': selection-rate ratio {F(m.DisparateImpactRatio)} fails the four-fifths rule",
                Severity.High,
                $"Group '{m.LeastSelectedGroup}' is selected at {F(Rate(m, m.LeastSelectedGroup))} against {F(Rate(m, m.MostSelectedGroup))} for '{m.MostSelectedGroup}'; the ratio {F(m.DisparateImpactRatio)} is below {F(options.FourFifths)}.",
                new() { ["disparate_impact_ratio"] = m.DisparateImpactRatio, ["four_fifths_threshold"] = options.FourFifths, ["demographic_parity_difference"] = m.DemographicParityDifference },
                "Check the training labels and features for proxies of the protected attribute; retrain with reweighing, or apply per-group thresholds where the law allows, and measure the accuracy cost."));
        }

        if (m.DemographicParityDifference > options.ParityTolerance)
        {
            findings.Add(Make(
                "GA-FAIRNESS-DEMOGRAPHIC-PARITY",
                $"Demographic parity difference {F(m.DemographicParityDifference)} on '{attr}'",
                m.DemographicParityDifference > 2 * options.ParityTolerance ? Severity.High : Severity.Medium,
                $"Selection rates range from {F(Rate(m, m.LeastSelectedGroup))} ('{m.LeastSelectedGroup}') to {F(Rate(m, m.MostSelectedGroup))} ('{m.MostSelectedGroup}'), more than the tolerance {F(options.ParityTolerance)}.",
                new() { ["demographic_parity_difference"] = m.DemographicParityDifference, ["tolerance"] = options.ParityTolerance },
                "Reweigh the training set (Kamiran & Calders) and retrain, then compare the before/after table; document why any remaining gap is justified by a legitimate factor."));
        }

        if (m.EqualizedOddsDifference > options.ParityTolerance)
        {
            findings.Add(Make(
                "GA-FAIRNESS-EQUALIZED-ODDS",
                $"Equalised odds difference {F(m.EqualizedOddsDifference)} on '{attr}' (equal opportunity difference {F(m.EqualOpportunityDifference)})",
                Severity.Medium,
                $"Error rates differ between groups: the true positive rates differ by up to {F(m.EqualOpportunityDifference)} and the larger of the TPR and FPR gaps is {F(m.EqualizedOddsDifference)} (tolerance {F(options.ParityTolerance)}).",
                new() { ["equalized_odds_difference"] = m.EqualizedOddsDifference, ["equal_opportunity_difference"] = m.EqualOpportunityDifference, ["tolerance"] = options.ParityTolerance },
                "Per-group thresholds equalising the true positive rate close the equal-opportunity gap at a measured accuracy cost; more representative training data for the worse-served group addresses the cause."));
        }

        if (m.CalibrationGap is { } gap && gap > options.CalibrationTolerance)
        {
            var worst = m.Groups.MaxBy(g => g.ExpectedCalibrationError)!;
            findings.Add(Make(
                "GA-FAIRNESS-CALIBRATION",
                $"Calibration differs by group on '{attr}': ECE gap {F(gap)}",
                Severity.Low,
                $"The model's probabilities are least reliable for '{worst.Group}' (expected calibration error {F(worst.ExpectedCalibrationError!.Value)}); a score means a different risk for different groups.",
                new() { ["calibration_gap"] = gap, ["worst_group_ece"] = worst.ExpectedCalibrationError!.Value, ["tolerance"] = options.CalibrationTolerance },
                "Recalibrate per group (Platt or isotonic on held-out data) before scores are shown to decision makers or thresholded."));
        }

        if (robustness is not null && robustness.Gap > options.RobustnessTolerance)
        {
            findings.Add(Make(
                "GA-FAIRNESS-ROBUSTNESS-GAP",
                $"The {robustness.Attack} attack succeeds more often on '{robustness.MostAffectedGroup}' (gap {F(robustness.Gap)})",
                Severity.Medium,
                $"Attack success rates by '{attr}': {string.Join(", ", robustness.Groups.Select(r => $"{r.Group} {F(r.SuccessRate)} ({r.Succeeded}/{r.Attacked})"))}; one group's decisions are easier to manipulate.",
                new() { ["attack_success_gap"] = robustness.Gap, ["tolerance"] = options.RobustnessTolerance },
                "Harden the model where the group is served worst (adversarial training on the group's region, more data) and monitor per-group attack success."));
        }

        findings.Sort((a, b) => b.Severity.CompareTo(a.Severity));
        return new FairnessResult(m, robustness, findings, notes);
    }

    internal static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.000", CultureInfo.InvariantCulture);

    private static double Rate(FairnessMetricsResult m, string group) => m.Groups.First(g => g.Group == group).SelectionRate;

    private static Finding Make(string id, string title, Severity severity, string description, Dictionary<string, double> evidence, string remediation) => new()
    {
        RuleId = id,
        Title = title,
        Severity = severity,
        Category = Category,
        Description = description,
        Evidence = evidence,
        Remediation = remediation,
        OwaspMl = [],
    };
}
