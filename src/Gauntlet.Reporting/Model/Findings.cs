namespace Gauntlet.Reporting;

/// <summary>A list of reference ids under one scheme, e.g. OWASP ML <c>ML01:2023</c> or MITRE ATLAS <c>AML.T0043.000</c>.</summary>
/// <param name="Scheme">The scheme's name as shown: <c>OWASP ML</c>.</param>
/// <param name="Ids">The ids; empty shows a dash.</param>
public sealed record ReferenceIds(string Scheme, IReadOnlyList<string> Ids);

/// <summary>One finding as a report shows it.</summary>
/// <remarks>
/// <see cref="Severity"/> is the severity's name (<c>critical</c>, <c>high</c>, <c>medium</c>,
/// <c>low</c>, <c>info</c>; others render as <c>info</c>-coloured). It is a string here only until
/// the shared severity type of Gauntlet.Core is referenced; the list's order is the builder's.
/// </remarks>
public sealed record ReportFinding
{
    /// <summary>The severity's name, lower case.</summary>
    public required string Severity { get; init; }

    /// <summary>The stable rule id, e.g. <c>GA-MASKING</c>.</summary>
    public required string Id { get; init; }

    /// <summary>A one-line title.</summary>
    public required string Title { get; init; }

    /// <summary>What was observed; empty for none.</summary>
    public IReadOnlyList<Inline> Description { get; init; } = [];

    /// <summary>The measured values behind the finding, already formatted; shown as a one-row table in HTML.</summary>
    public IReadOnlyList<LabeledText> Evidence { get; init; } = [];

    /// <summary>Labelled lines shown before the remediation ("Affected classes: …").</summary>
    public IReadOnlyList<LabeledText> Facts { get; init; } = [];

    /// <summary>What to do about it; empty for none.</summary>
    public IReadOnlyList<Inline> Remediation { get; init; } = [];

    /// <summary>Where the finding belongs ("Category white_box_evasion", "threat linf"), shown as <c>Label Text</c> in the id line.</summary>
    public IReadOnlyList<LabeledText> Context { get; init; } = [];

    /// <summary>Reference ids, shown as <c>Scheme: id, id</c> in the id line.</summary>
    public IReadOnlyList<ReferenceIds> References { get; init; } = [];
}

/// <summary>Findings, in the order given (builders rank them, most severe first).</summary>
public sealed record FindingList : Block
{
    /// <summary>The findings.</summary>
    public required IReadOnlyList<ReportFinding> Findings { get; init; }

    /// <summary>Said instead of the list when it is empty.</summary>
    public string EmptyText { get; init; } = "No findings.";

    /// <summary>A closing line for findings left out ("… and 3 more in report.html"); null for none.</summary>
    public string? Overflow { get; init; }
}
