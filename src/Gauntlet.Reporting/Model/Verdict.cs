namespace Gauntlet.Reporting;

/// <summary>Whether the run behind a verdict finished.</summary>
public enum VerdictStatus
{
    /// <summary>Everything planned ran: the grade stands.</summary>
    Complete,

    /// <summary>Cut short (a time budget, an interruption): some measurements are missing.</summary>
    Partial,

    /// <summary>Too little ran to judge.</summary>
    Incomplete,
}

/// <summary>
/// The headline of a report: a score, a grade, whether the run completed, a short sentence and
/// an optional breakdown table. HTML shows it as the panel <c>id="scorecard"</c> at the top.
/// </summary>
/// <remarks>
/// A grade is only shown for a <see cref="VerdictStatus.Complete"/> verdict: a partial run's
/// numbers overstate robustness (fewer attacks ran), so both writers show <c>incomplete</c> where
/// the grade would be, and the status with its reason.
/// </remarks>
public sealed record Verdict : Block
{
    /// <summary>The score, already bounded by the builder; null for none.</summary>
    public double? Score { get; init; }

    /// <summary>The best possible score.</summary>
    public double ScoreMax { get; init; } = 100;

    /// <summary>What the score is, shown under it as <c>{ScoreLabel} / {ScoreMax}</c>.</summary>
    public string ScoreLabel { get; init; } = "overall score";

    /// <summary>The grade; a single letter A–F gets its colour; null for none.</summary>
    public string? Grade { get; init; }

    /// <summary>Whether the run completed.</summary>
    public VerdictStatus Status { get; init; }

    /// <summary>Why the run is not complete; null when it is (or no reason is known).</summary>
    public string? StatusReason { get; init; }

    /// <summary>A short sentence after the score ("CI gates passed"); empty for none.</summary>
    public IReadOnlyList<Inline> Summary { get; init; } = [];

    /// <summary>A table beside the score (scores per category); null for none.</summary>
    public DataTable? Breakdown { get; init; }

    /// <summary>The status as written: <c>complete</c>, <c>partial</c>, <c>incomplete</c>.</summary>
    public string StatusName => Status switch
    {
        VerdictStatus.Complete => "complete",
        VerdictStatus.Partial => "partial",
        VerdictStatus.Incomplete => "incomplete",
        _ => throw new InvalidOperationException("unknown verdict status " + Status),
    };
}
