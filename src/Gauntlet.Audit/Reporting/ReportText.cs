using System.Globalization;
using Gauntlet.Reporting;
using Gauntlet.Core;

namespace Gauntlet.Audit.Reporting;

/// <summary>
/// Number formats and orderings the audit's reports share, so the same figure reads the same
/// everywhere; the plain number formats are <see cref="ReportFormat"/>'s, shared with every report.
/// </summary>
internal static class ReportText
{
    /// <summary>A 0–1 fraction as a percentage with one decimal, e.g. <c>83.3%</c>.</summary>
    public static string Percent(double fraction) => ReportFormat.Percent(fraction);

    /// <summary>A budget as written in a plan: <c>0.03</c>, <c>1</c>.</summary>
    public static string Epsilon(float epsilon) => epsilon.ToString("0.#####", CultureInfo.InvariantCulture);

    /// <summary>A plain number with up to <paramref name="decimals"/> decimals.</summary>
    public static string Number(double value, int decimals = 3) => ReportFormat.Number(value, decimals);

    /// <summary>An integer, invariant culture.</summary>
    public static string Integer(int value) => ReportFormat.Integer(value);

    /// <summary>Findings most severe first; equal severities keep the report's order (the sort is stable).</summary>
    public static IReadOnlyList<AuditFinding> Ranked(IReadOnlyList<AuditFinding> findings) =>
        findings.OrderByDescending(f => f.Severity).ToList();

    /// <summary>The norm's display symbol: L∞ or L2.</summary>
    public static string NormName(string norm) => norm switch
    {
        "linf" => "L∞",
        "l2" => "L2",
        _ => norm,
    };

    /// <summary>The attacker category's display name.</summary>
    public static string CategoryName(string category) => category switch
    {
        "white_box" => "white-box",
        "black_box" => "black-box",
        "noise" => "noise",
        _ => category,
    };

    /// <summary>A finding's evidence key as a person reads it: <c>robust_accuracy</c> → "Robust accuracy", <c>epsilon</c> → "ε".</summary>
    public static string EvidenceName(string key) => key switch
    {
        "epsilon" => "ε",
        _ when key.Length == 0 => key,
        _ => char.ToUpperInvariant(key[0]) + key[1..].Replace('_', ' '),
    };

    /// <summary>
    /// An evidence value formatted for its key: accuracies, retentions and rates (fractions) as
    /// percentages, counts as integers, anything else as a number.
    /// </summary>
    public static string EvidenceValue(string key, double value) =>
        key.Contains("accuracy", StringComparison.Ordinal) || key.Contains("retention", StringComparison.Ordinal) || key.EndsWith("rate", StringComparison.Ordinal) ? Percent(value)
        : key is "samples" or "occurrences" || key.EndsWith("_count", StringComparison.Ordinal) ? Integer((int)Math.Min(value, int.MaxValue))
        : key == "epsilon" ? Epsilon((float)value)
        : Number(value, 4);
}
