using System.Globalization;
using Gauntlet.Core;
using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit;

/// <summary>
/// Turns measurements into findings with a severity (docs/scoring.md, "Severity rules"). For each
/// threat and attacker category the severity follows the retention at the threat's reference
/// budget — robust accuracy divided by clean accuracy: below 0.25 critical, below 0.5 high, below
/// 0.75 medium, below 0.9 low, else info. Every failed gradient-masking check is high: the robust
/// accuracy it qualifies overstates the model's robustness.
/// </summary>
public static class FindingRules
{
    /// <summary>OWASP ML Top 10 (2023): input manipulation.</summary>
    public const string OwaspInputManipulation = "ML01:2023";

    /// <summary>MITRE ATLAS: Evade ML Model.</summary>
    public const string AtlasEvade = "AML.T0015";

    /// <summary>MITRE ATLAS: Craft Adversarial Data — White-Box Optimization.</summary>
    public const string AtlasWhiteBox = "AML.T0043.000";

    /// <summary>MITRE ATLAS: Craft Adversarial Data — Black-Box Optimization.</summary>
    public const string AtlasBlackBox = "AML.T0043.001";

    /// <summary>MITRE ATLAS: AI Model Inference API Access.</summary>
    public const string AtlasInferenceApi = "AML.T0040";

    /// <summary>MITRE ATLAS: Craft Adversarial Data — Manual Modification (noise, perturbations by hand).</summary>
    public const string AtlasManual = "AML.T0043.003";

    /// <summary>The severity of a retention (robust ÷ clean accuracy) at the reference budget.</summary>
    public static Severity SeverityOfRetention(double retention) => retention switch
    {
        < 0.25 => Severity.Critical,
        < 0.5 => Severity.High,
        < 0.75 => Severity.Medium,
        < 0.9 => Severity.Low,
        _ => Severity.Info,
    };

    internal static List<AuditFinding> Build(double cleanAccuracy, IReadOnlyList<string> classNames, IReadOnlyList<ThreatEvidence> threats, IReadOnlyList<CheckResult> checks)
    {
        var findings = new List<AuditFinding>();
        foreach (var threat in threats)
        {
            if (threat.ReferencePoint is not { } point)
            {
                continue;
            }

            foreach (var category in new[] { AttackerCategory.WhiteBox, AttackerCategory.BlackBox, AttackerCategory.Noise })
            {
                if (threat.Assessed.Contains(category))
                {
                    findings.Add(Evasion(cleanAccuracy, classNames, threat, point, category));
                }
            }
        }

        foreach (var check in checks.Where(c => !c.Passed))
        {
            findings.Add(new AuditFinding
            {
                Id = $"GA-MASKING-{check.Id.ToUpperInvariant().Replace('_', '-')}" + (check.Threat is null ? "" : "-" + check.Threat.ToUpperInvariant()),
                Title = $"Robustness may be overstated: check failed: {check.Name}" + (check.Threat is null ? "" : $" ({check.Threat})"),
                Severity = Severity.High,
                Category = "white_box_evasion",
                Threat = check.Threat,
                Description = $"{check.Detail} This is a sign of gradient masking or an attack that did not converge, so the robust accuracies in this report are upper bounds that a stronger or adapted attack may lower.",
                Evidence = new Dictionary<string, double>(),
                AffectedClasses = [],
                Remediation = AuditRules.GradientMasking.Remediation,
                OwaspMl = [OwaspInputManipulation],
                MitreAtlas = [AtlasEvade, AtlasWhiteBox],
            });
        }

        findings.Add(new AuditFinding
        {
            Id = "GA-CLEAN-ACCURACY",
            Title = string.Create(CultureInfo.InvariantCulture, $"Clean accuracy {100 * cleanAccuracy:0.0}% on the audited samples"),
            Severity = cleanAccuracy < 0.5 ? Severity.Medium : Severity.Info,
            Category = "white_box_evasion",
            Threat = null,
            Description = "Accuracy without any attack. Robust accuracies cannot exceed it; a low value makes every robustness figure low too.",
            Evidence = new Dictionary<string, double> { ["clean_accuracy"] = cleanAccuracy },
            AffectedClasses = [],
            Remediation = cleanAccuracy < 0.5 ? "Check the model, its input range and preprocessing (--input-range, --mean, --std) and the labels before reading the robustness results." : "None needed.",
            OwaspMl = [],
            MitreAtlas = [],
        });

        return [.. findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Id, StringComparer.Ordinal)];
    }

    private static AuditFinding Evasion(double cleanAccuracy, IReadOnlyList<string> classNames, ThreatEvidence threat, EpsilonResult point, AttackerCategory category)
    {
        var robust = category switch
        {
            AttackerCategory.WhiteBox => point.RobustAccuracy.WhiteBox,
            AttackerCategory.BlackBox => point.RobustAccuracy.BlackBox,
            _ => point.RobustAccuracy.Noise,
        };
        var retention = cleanAccuracy == 0 ? 0 : robust / cleanAccuracy;
        var severity = SeverityOfRetention(retention);
        var norm = threat.Threat.Norm == "l2" ? "L2" : "L∞";
        var eps = point.Epsilon.ToString(CultureInfo.InvariantCulture);
        var (what, tag, atlas, remedy) = category switch
        {
            AttackerCategory.WhiteBox => ("White-box", "WB", new[] { AtlasWhiteBox, AtlasEvade }, AuditRules.WhiteBoxEvasion.Remediation),
            AttackerCategory.BlackBox => ("Black-box (query-only)", "BB", new[] { AtlasBlackBox, AtlasInferenceApi, AtlasEvade }, AuditRules.BlackBoxEvasion.Remediation),
            _ => ("Random noise", "NOISE", new[] { AtlasManual, AtlasEvade }, AuditRules.NoiseEvasion.Remediation),
        };
        var byClass = threat.PerClassRobust.TryGetValue(category, out var perClass) ? perClass : [];
        var affected = Enumerable.Range(0, byClass.Length)
            .Where(c => !double.IsNaN(byClass[c]) && !double.IsNaN(threat.PerClassClean[c]))
            .Select(c => (Class: c, Drop: threat.PerClassClean[c] - byClass[c]))
            .Where(p => p.Drop > 0)
            .OrderByDescending(p => p.Drop).ThenBy(p => p.Class)
            .Take(3)
            .Select(p => p.Class < classNames.Count ? classNames[p.Class] : p.Class.ToString(CultureInfo.InvariantCulture))
            .ToList();
        var strongest = point.Attacks.Where(a => a.Category == category.Id()).OrderByDescending(a => a.Broken).FirstOrDefault();
        return new AuditFinding
        {
            Id = $"GA-EVASION-{tag}-{threat.Threat.Name.ToUpperInvariant()}",
            Title = string.Create(CultureInfo.InvariantCulture, $"{what} {norm} evasion at ε = {eps}: robust accuracy {100 * robust:0.0}% (clean {100 * cleanAccuracy:0.0}%)"),
            Severity = severity,
            Category = category switch
            {
                AttackerCategory.WhiteBox => "white_box_evasion",
                AttackerCategory.BlackBox => "black_box_evasion",
                _ => "noise_and_corruptions",
            },
            Threat = threat.Threat.Name,
            Description = string.Create(CultureInfo.InvariantCulture,
                $"An attacker {Capability(category)} changing each input by at most ε = {eps} in {norm} keeps {100 * retention:0.0}% of the model's correct answers ({100 * robust:0.0}% robust accuracy against {100 * cleanAccuracy:0.0}% clean).")
                + (strongest is { Broken: > 0 } ? string.Create(CultureInfo.InvariantCulture, $" The most effective attack was {strongest.Attack} ({strongest.Broken} samples).") : ""),
            Evidence = new Dictionary<string, double>
            {
                ["epsilon"] = Math.Round((double)point.Epsilon, 6),
                ["clean_accuracy"] = cleanAccuracy,
                ["robust_accuracy"] = robust,
                ["retention"] = Math.Round(retention, 4),
                ["samples"] = threat.Samples,
            },
            AffectedClasses = affected,
            Remediation = remedy,
            OwaspMl = [OwaspInputManipulation],
            MitreAtlas = atlas,
        };
    }

    private static string Capability(AttackerCategory category) => category switch
    {
        AttackerCategory.WhiteBox => "with the model's gradients",
        AttackerCategory.BlackBox => "who can only query the model's scores or labels",
        _ => "adding random noise",
    };
}
