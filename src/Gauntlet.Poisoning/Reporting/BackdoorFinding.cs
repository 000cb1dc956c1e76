using Gauntlet.Core;

namespace Gauntlet.Poisoning.Reporting;

/// <summary>One finding of a backdoor scan, with its framework ids.</summary>
/// <param name="Id">Stable rule id, e.g. <c>GA-BACKDOOR-TRIGGER</c>.</param>
/// <param name="Title">One line.</param>
/// <param name="Severity">How bad.</param>
/// <param name="Description">What was observed.</param>
/// <param name="Evidence">The measured values behind it.</param>
/// <param name="AffectedClasses">The classes involved.</param>
/// <param name="Remediation">What to do.</param>
/// <param name="OwaspMl">OWASP ML Top 10 (2023) ids.</param>
/// <param name="MitreAtlas">MITRE ATLAS technique ids.</param>
public sealed record BackdoorFinding(string Id, string Title, Severity Severity, string Description, IReadOnlyDictionary<string, double> Evidence, IReadOnlyList<int> AffectedClasses, string Remediation, IReadOnlyList<string> OwaspMl, IReadOnlyList<string> MitreAtlas);

/// <summary>The rules that turn a <see cref="BackdoorScanResult"/> into findings.</summary>
public static class BackdoorFindings
{
    /// <summary>OWASP ML Top 10 (2023): data poisoning.</summary>
    public const string OwaspDataPoisoning = "ML02:2023";

    /// <summary>OWASP ML Top 10 (2023): model poisoning.</summary>
    public const string OwaspModelPoisoning = "ML10:2023";

    /// <summary>MITRE ATLAS: Poison Training Data.</summary>
    public const string AtlasPoisonTrainingData = "AML.T0020";

    /// <summary>MITRE ATLAS: Backdoor ML Model.</summary>
    public const string AtlasBackdoorModel = "AML.T0018";

    /// <summary>
    /// A trigger finding when Neural Cleanse flags a class (critical when the recovered trigger sends
    /// at least 90% of clean images to the class, else high), and a training-data finding when
    /// activation clustering flags a class (high) or, alone, when the only evidence is in the data.
    /// </summary>
    public static IReadOnlyList<BackdoorFinding> Of(BackdoorScanResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var findings = new List<BackdoorFinding>();
        if (result.RecoveredTrigger is { } trigger)
        {
            var nc = result.NeuralCleanse;
            var index = nc.Outliers.Indices[trigger.Target];
            var box = trigger.Box is { } b ? $"rows {b.Top}–{b.Bottom}, columns {b.Left}–{b.Right} ({b.Region(nc.Height, nc.Width)})" : "empty";
            findings.Add(new BackdoorFinding(
                "GA-BACKDOOR-TRIGGER",
                FormattableString.Invariant($"Backdoor suspected: class {trigger.Target} is reached by a trigger far smaller than any other class needs (anomaly index {index:0.00})"),
                trigger.AttackSuccessRate >= 0.9 ? Severity.Critical : Severity.High,
                FormattableString.Invariant($"Neural Cleanse recovered, for class {trigger.Target}, a trigger of L1 norm {trigger.L1:0.0} (median over classes {nc.Outliers.Median:0.0}, MAD {nc.Outliers.Mad:0.0}) that sends {trigger.AttackSuccessRate:P1} of clean images of other classes to it; its mask lies in {box}. A class this much easier to reach is the signature of a backdoor planted by poisoned training data or a tampered model."),
                new Dictionary<string, double>
                {
                    ["anomaly_index"] = index,
                    ["l1_norm"] = trigger.L1,
                    ["median_l1_norm"] = nc.Outliers.Median,
                    ["attack_success_rate"] = trigger.AttackSuccessRate,
                },
                result.SuspectedTargets,
                "Do not deploy the model. Trace its training data and pipeline (who could add samples, who could change weights); retrain on vetted data, or remove the backdoor (Neural Cleanse's unlearning: fine-tune on clean images stamped with the recovered trigger and their true labels) and run `gauntlet backdoor` again.",
                [OwaspModelPoisoning, OwaspDataPoisoning],
                [AtlasBackdoorModel, AtlasPoisonTrainingData]));
        }

        if (result.ActivationClustering is { } ac && ac.Classes.Where(c => c.Flagged).ToList() is { Count: > 0 } flagged)
        {
            var classes = string.Join(", ", flagged.Select(c => FormattableString.Invariant($"{c.Label} ({c.SmallClusterSize} samples, relative size {c.RelativeSize:0.00}, silhouette {c.Silhouette:0.00})")));
            findings.Add(new BackdoorFinding(
                "GA-POISON-TRAINING-DATA",
                FormattableString.Invariant($"Training data of {flagged.Count} class(es) split into a small, well-separated cluster of activations"),
                Severity.High,
                $"Activation clustering found in class {classes} a separate group of training samples the model represents differently from the rest of their class: the pattern of poisoned samples that carry a trigger. The suspect samples are listed in red_team_audit.json.",
                new Dictionary<string, double>
                {
                    ["flagged_classes"] = flagged.Count,
                    ["suspect_samples"] = ac.Suspects.Count,
                    ["max_silhouette"] = flagged.Max(c => c.Silhouette),
                },
                [.. flagged.Select(c => c.Label)],
                "Inspect the suspect samples (their indices are in suspect_training_samples), remove those that are poisoned, retrain, and find how they entered the data set.",
                [OwaspDataPoisoning],
                [AtlasPoisonTrainingData]));
        }

        return [.. findings.OrderByDescending(f => f.Severity)];
    }
}
