namespace Gauntlet.Audit.Assessments;

/// <summary>
/// One pluggable part of an audit: evasion, supply chain, and later poisoning, privacy, fairness.
/// A module declares the scorecard categories it can fill, says whether it applies to the model
/// under audit, and when run contributes category scores, findings and evidence. Categories no
/// module filled are reported as not assessed, never as a perfect score.
/// </summary>
public interface IAssessment
{
    /// <summary>Stable id used in plans (<c>assessments:</c>), reports and <c>--assessments</c>, e.g. <c>evasion</c>.</summary>
    string Id { get; }

    /// <summary>Display name.</summary>
    string Name { get; }

    /// <summary>The scorecard categories this module can fill, with their weights in the overall score.</summary>
    IReadOnlyList<ScoreCategory> Categories { get; }

    /// <summary>Whether the module can run on this audit's model, data and artifacts, and if not why.</summary>
    Applicability AppliesTo(AuditContext context);

    /// <summary>Work units the module will report through <see cref="AuditContext.Advance"/> (for the progress bar).</summary>
    double EstimateWork(AuditContext context);

    /// <summary>Runs the module. Stops early, keeping what it finished, when <see cref="AuditContext.ShouldStop"/> says so.</summary>
    AssessmentResult Run(AuditContext context);
}

/// <summary>A scorecard category a module fills.</summary>
/// <param name="Id">Stable id, e.g. <c>white_box_evasion</c>.</param>
/// <param name="Name">Display name.</param>
/// <param name="Weight">Weight in the overall score when assessed (weights are normalised over the assessed categories).</param>
public sealed record ScoreCategory(string Id, string Name, double Weight);

/// <summary>Whether a module applies; <see cref="Reason"/> says why not.</summary>
/// <param name="Applies">True when the module can run.</param>
/// <param name="Reason">Why it cannot, for the report; null when it applies.</param>
public sealed record Applicability(bool Applies, string? Reason)
{
    /// <summary>The module applies.</summary>
    public static Applicability Yes { get; } = new(true, null);

    /// <summary>The module does not apply, for <paramref name="reason"/>.</summary>
    public static Applicability No(string reason) => new(false, reason);
}
