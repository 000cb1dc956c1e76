namespace Gauntlet.Core;

/// <summary>
/// One thing a Gauntlet analysis found, in the shape every report shares: the scanner, the audit
/// and later assessments (privacy, LLM, poisoning) all produce it, and the SARIF, JSON and HTML
/// writers can render it without knowing which analysis ran.
/// </summary>
/// <remarks>
/// Lists are empty rather than null when nothing applies, so a consumer can always enumerate them.
/// <see cref="Evidence"/> keeps insertion order, which reports use as display order.
/// </remarks>
public sealed record Finding
{
    /// <summary>Stable rule id, e.g. <c>pickle.dangerous-callable</c> or <c>GA-EVASION-WB-LINF</c>; the same check always reports the same id.</summary>
    public required string RuleId { get; init; }

    /// <summary>One-line title.</summary>
    public required string Title { get; init; }

    /// <summary>How bad it is.</summary>
    public required Severity Severity { get; init; }

    /// <summary>The area the finding belongs to, e.g. <c>white_box_evasion</c> or <c>supply_chain</c>.</summary>
    public required string Category { get; init; }

    /// <summary>What was observed, in a sentence or two.</summary>
    public required string Description { get; init; }

    /// <summary>Where it was found, or null when it concerns the subject as a whole.</summary>
    public FindingLocation? Location { get; init; }

    /// <summary>The numbers behind the finding, by name (e.g. <c>robust_accuracy</c> → 0.12).</summary>
    public IReadOnlyDictionary<string, double> Evidence { get; init; } = new Dictionary<string, double>();

    /// <summary>What to do about it.</summary>
    public required string Remediation { get; init; }

    /// <summary>OWASP Machine Learning Security Top 10 (2023) ids, e.g. <c>ML01:2023</c>.</summary>
    public IReadOnlyList<string> OwaspMl { get; init; } = [];

    /// <summary>OWASP Top 10 for LLM Applications (2025) ids, e.g. <c>LLM01:2025</c>.</summary>
    public IReadOnlyList<string> OwaspLlm { get; init; } = [];

    /// <summary>MITRE ATLAS technique ids, e.g. <c>AML.T0043.000</c>.</summary>
    public IReadOnlyList<string> MitreAtlas { get; init; } = [];

    /// <summary>CWE ids, e.g. <c>CWE-502</c>.</summary>
    public IReadOnlyList<string> Cwe { get; init; } = [];
}

/// <summary>Where a finding was found.</summary>
/// <param name="Path">The artifact, as a path relative to what was analysed (or a name such as <c>demo</c>).</param>
/// <param name="LogicalName">Where inside the artifact: e.g. the chain of containers and entries, joined with <c>!</c>; null when the finding is about the artifact as a whole.</param>
/// <param name="ByteOffset">Byte offset within the innermost stream, where one is meaningful.</param>
public sealed record FindingLocation(string Path, string? LogicalName = null, long? ByteOffset = null);
