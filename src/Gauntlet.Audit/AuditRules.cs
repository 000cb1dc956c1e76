namespace Gauntlet.Audit;

/// <summary>A family of audit findings: every finding whose id starts with <see cref="IdPrefix"/> is reported under one rule.</summary>
/// <param name="IdPrefix">The id, or id prefix, e.g. <c>GA-EVASION-WB-</c> for <c>GA-EVASION-WB-LINF</c>.</param>
/// <param name="Title">Short name of the rule.</param>
/// <param name="Description">What the rule measures and how its severity is set; the same in every report.</param>
/// <param name="Remediation">What to do about a finding.</param>
public sealed record AuditRule(string IdPrefix, string Title, string Description, string Remediation);

/// <summary>
/// The audit's rules, with descriptions that do not depend on any one audit's numbers, so SARIF
/// <c>tool.driver.rules</c> reads the same in every report. Findings carry the numbers.
/// </summary>
public static class AuditRules
{
    /// <summary>White-box evasion: robust accuracy against gradient-based attacks.</summary>
    public static AuditRule WhiteBoxEvasion { get; } = new(
        "GA-EVASION-WB-",
        "White-box evasion",
        "Robust accuracy against an attacker with the model's gradients, within the threat's budget. Severity follows the retention (robust ÷ clean accuracy) at the reference budget: below 0.25 critical, below 0.5 high, below 0.75 medium, below 0.9 low, else info.",
        "Train adversarially (PGD adversarial training at the audited budget, e.g. `gauntlet train --adversarial pgd`), then re-audit; input preprocessing alone usually only masks gradients.");

    /// <summary>Black-box evasion: robust accuracy against query-only attacks.</summary>
    public static AuditRule BlackBoxEvasion { get; } = new(
        "GA-EVASION-BB-",
        "Black-box (query-only) evasion",
        "Robust accuracy against an attacker who can only query the model's scores or labels, within the threat's budget. Severity follows the retention (robust ÷ clean accuracy) at the reference budget: below 0.25 critical, below 0.5 high, below 0.75 medium, below 0.9 low, else info.",
        "Adversarial training; limit and monitor inference API queries (rate limits, query-pattern detection); return labels rather than scores where the product allows.");

    /// <summary>Random-noise robustness.</summary>
    public static AuditRule NoiseEvasion { get; } = new(
        "GA-EVASION-NOISE-",
        "Random-noise robustness",
        "Accuracy under random noise within the threat's budget. Severity follows the retention (noisy ÷ clean accuracy) at the reference budget: below 0.25 critical, below 0.5 high, below 0.75 medium, below 0.9 low, else info.",
        "Augment training with noise and corruptions at the audited budget; validate the input pipeline (sensor noise, compression).");

    /// <summary>A failed gradient-masking or convergence check.</summary>
    public static AuditRule GradientMasking { get; } = new(
        "GA-MASKING",
        "Robustness may be overstated",
        "A sanity check on the evaluation failed (non-finite or vanishing gradients, black-box or larger-budget attacks beating white-box ones, attacks that did not converge): a sign of gradient masking, so the robust accuracies are upper bounds. Always high.",
        "Do not rely on gradient obfuscation (non-differentiable preprocessing, saturated softmax, randomness) for robustness. Re-evaluate with more steps and restarts, with black-box attacks, and with adaptive attacks (BPDA, EOT); prefer adversarial training.");

    /// <summary>Clean accuracy, the ceiling of every robust accuracy.</summary>
    public static AuditRule CleanAccuracy { get; } = new(
        "GA-CLEAN-ACCURACY",
        "Clean accuracy",
        "Accuracy on the audited samples without any attack. Medium below 50%, else info: a low value makes every robustness figure low too.",
        "When clean accuracy is low, check the model, its input range and preprocessing (--input-range, --mean, --std) and the labels before reading the robustness results.");

    /// <summary>Every rule.</summary>
    public static IReadOnlyList<AuditRule> All { get; } = [WhiteBoxEvasion, BlackBoxEvasion, NoiseEvasion, GradientMasking, CleanAccuracy];

    /// <summary>The rule a finding id belongs to: the one with the longest matching prefix.</summary>
    /// <param name="findingId">A finding id, e.g. <c>GA-EVASION-WB-LINF</c>.</param>
    /// <returns>The rule, or null for an id no rule covers (a report from a newer Gauntlet).</returns>
    public static AuditRule? Find(string findingId)
    {
        ArgumentNullException.ThrowIfNull(findingId);
        return All.Where(r => findingId.StartsWith(r.IdPrefix, StringComparison.Ordinal)).MaxBy(r => r.IdPrefix.Length);
    }
}
