using System.Globalization;
using Gauntlet.Core;
using Gauntlet.Defenses.Adaptive;

namespace Gauntlet.Defenses.Reporting;

/// <summary>
/// The rules that turn measured figures into findings. Thresholds: a plain attack that overstates
/// robust accuracy by 10 points or more is gradient masking (high); a gain under 5 points is no
/// protection (medium); a gain of 5 points or more is protection (info); a clean-accuracy loss of
/// 5 points or more is a cost (low).
/// </summary>
public static class DefenseFindings
{
    /// <summary>Points of overstatement from which a plain evaluation counts as masked.</summary>
    public const double MaskingThreshold = 0.10;

    /// <summary>Points of gain below which a defense gives no protection.</summary>
    public const double ProtectionThreshold = 0.05;

    /// <summary>The findings for <paramref name="report"/>'s figures, most severe first.</summary>
    public static IReadOnlyList<DefenseFinding> For(DefenseReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var findings = new List<(Severity Severity, DefenseFinding Finding)>();
        foreach (var d in report.InputDefenses)
        {
            foreach (var t in d.Threats)
            {
                var at = $"{t.Norm} ε {F(t.Epsilon)}";
                if (t.Overstatement >= MaskingThreshold)
                {
                    Add(findings, Severity.High, "defense.gradient-masking", d.Defense, $"A plain attack overstates {d.Defense} at {at}",
                        $"plain robust accuracy {P(t.Plain)}, adaptive (BPDA{(d.EotSamples > 1 ? "+EOT" : "")}) {P(t.Adaptive)}, reported {P(t.Reported)}; undefended {P(t.Undefended)}.");
                }

                AddGain(findings, d.Defense, at, t.Gain, t.Undefended, t.Reported);
            }

            AddCleanCost(findings, d.Defense, d.CleanUndefended, d.CleanDefended);
        }

        foreach (var d in report.TrainingDefenses)
        {
            foreach (var t in d.Threats)
            {
                AddGain(findings, d.Defense, $"{t.Norm} ε {F(t.Epsilon)}", t.Gain, t.Before, t.After);
            }

            AddCleanCost(findings, d.Defense, d.CleanBefore, d.CleanAfter);
        }

        if (report.Detector is { } detector)
        {
            Add(findings, Severity.Info, "defense.detector", "squeeze-detector", $"The feature-squeezing detector flags {P(detector.DetectionRate)} of adversarial examples at {P(detector.CleanFalsePositiveRate)} false positives",
                $"AUC {detector.Auc.ToString("F3", CultureInfo.InvariantCulture)} against {detector.Attack} at ε {F(detector.Epsilon)} (plain, not adaptive to the detector; an attacker who knows the detector can evade it).");
        }

        return [.. findings.OrderByDescending(f => f.Severity).Select(f => f.Finding)];
    }

    private static void AddGain(List<(Severity, DefenseFinding)> findings, string defense, string at, double gain, double before, double after)
    {
        if (gain < ProtectionThreshold)
        {
            Add(findings, Severity.Medium, "defense.no-protection", defense, $"{defense} adds no robustness at {at}", $"robust accuracy {P(before)} without, {P(after)} with it (worst of plain and adaptive).");
        }
        else
        {
            Add(findings, Severity.Info, "defense.protection", defense, $"{defense} raises robust accuracy by {Points(gain)} at {at}", $"robust accuracy {P(before)} without, {P(after)} with it (worst of plain and adaptive).");
        }
    }

    private static void AddCleanCost(List<(Severity, DefenseFinding)> findings, string defense, double before, double after)
    {
        if (before - after >= ProtectionThreshold)
        {
            Add(findings, Severity.Low, "defense.clean-cost", defense, $"{defense} costs {Points(before - after)} of clean accuracy", $"clean accuracy {P(before)} without, {P(after)} with it.");
        }
    }

    private static void Add(List<(Severity, DefenseFinding)> findings, Severity severity, string id, string defense, string title, string detail) =>
        findings.Add((severity, new DefenseFinding(id, severity.ToString().ToLowerInvariant(), defense, title, detail)));

    internal static string P(double v) => v.ToString("P1", CultureInfo.InvariantCulture);

    internal static string F(float v) => v.ToString("G4", CultureInfo.InvariantCulture);

    private static string Points(double v) => $"{(v * 100).ToString("F1", CultureInfo.InvariantCulture)} points";
}
