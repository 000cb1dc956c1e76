using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit.Assessments;

/// <summary>What one module contributed to the audit.</summary>
public sealed record AssessmentResult
{
    /// <summary>
    /// One entry per category the module declares: <c>assessed</c> with a score, or
    /// <c>not_applicable</c> / <c>not_assessed</c> with the reason in <see cref="CategoryScore.Basis"/>.
    /// </summary>
    public required IReadOnlyList<CategoryScore> Categories { get; init; }

    /// <summary>Findings, in any order (the audit ranks them).</summary>
    public IReadOnlyList<AuditFinding> Findings { get; init; } = [];

    /// <summary>Sanity checks the module ran (gradient masking, convergence).</summary>
    public IReadOnlyList<CheckResult> Checks { get; init; } = [];

    /// <summary>Evasion results per threat model (evasion only).</summary>
    public IReadOnlyList<ThreatResult> Threats { get; init; } = [];

    /// <summary>Clean / adversarial pairs for the human-readable reports (evasion only).</summary>
    public IReadOnlyList<AdversarialExample> Examples { get; init; } = [];

    /// <summary>Files the module scanned (supply chain only).</summary>
    public IReadOnlyList<ScannedArtifact> Artifacts { get; init; } = [];

    /// <summary>
    /// An upper bound on the overall score with its reason, for findings no average can dilute (a
    /// model file that runs code when loaded); null when none.
    /// </summary>
    public ScoreCap? Cap { get; init; }
}

/// <summary>An upper bound a module puts on the overall score.</summary>
/// <param name="Limit">The overall score is at most this.</param>
/// <param name="Reason">Why, for the report.</param>
public sealed record ScoreCap(double Limit, string Reason);
