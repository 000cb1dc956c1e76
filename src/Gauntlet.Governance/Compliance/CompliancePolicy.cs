namespace Gauntlet.Governance.Compliance;

/// <summary>A compliance policy: requirements, each mapped to evidence the registry holds (docs/governance.md, "Compliance").</summary>
/// <param name="Id">The policy's id (eu-ai-act, nist-ai-rmf, owasp-ml, or a custom file's).</param>
/// <param name="Title">Its human title.</param>
/// <param name="Source">Where it came from: "built-in" or the file's path.</param>
/// <param name="Requirements">Its requirements, in order.</param>
public sealed record CompliancePolicy(string Id, string Title, string Source, IReadOnlyList<PolicyRequirement> Requirements);

/// <summary>One requirement of a policy (an article, a function, a risk).</summary>
/// <param name="Id">Its id within the policy (art-9, govern, ML01…).</param>
/// <param name="Title">What it is called.</param>
/// <param name="Description">What it asks, in a sentence.</param>
/// <param name="Checks">The evidence it needs; all must hold.</param>
public sealed record PolicyRequirement(string Id, string Title, string Description, IReadOnlyList<EvidenceCheck> Checks);

/// <summary>One piece of evidence a requirement needs. Exactly one of the kinds is set.</summary>
public sealed record EvidenceCheck
{
    /// <summary>An attached result of this kind (scan, audit, defense, backdoor, privacy, llm); the newest counts.</summary>
    public string? Attachment { get; init; }

    /// <summary>With <see cref="Attachment"/>: the result's score must be at least this.</summary>
    public double? MinScore { get; init; }

    /// <summary>With <see cref="Attachment"/>: the result's score must be at most this.</summary>
    public double? MaxScore { get; init; }

    /// <summary>A lineage field that must be present: data (training data hashes), training_config, training_log, dp_epsilon, parent.</summary>
    public string? Lineage { get; init; }

    /// <summary>With <see cref="Lineage"/> = dp_epsilon: ε must be at most this.</summary>
    public double? MaxValue { get; init; }

    /// <summary>The version's events must be in the tamper-evident log.</summary>
    public bool LogEntries { get; init; }

    /// <summary>The registry must be able to generate a model card with a content hash and an input/output signature.</summary>
    public bool ModelCard { get; init; }

    /// <summary>A tag that must be set on the version (e.g. human_oversight).</summary>
    public string? Tag { get; init; }

    /// <summary>The rule as the policy wrote it, for reports.</summary>
    public string Describe()
    {
        if (Attachment is not null)
        {
            return $"attachment: {Attachment}" + (MinScore is { } min ? $", min_score: {min:0.##}" : "") + (MaxScore is { } max ? $", max_score: {max:0.##}" : "");
        }

        if (Lineage is not null)
        {
            return $"lineage: {Lineage}" + (MaxValue is { } v ? $", max_value: {v:0.##}" : "");
        }

        return LogEntries ? "log_entries: true" : ModelCard ? "model_card: true" : $"tag: {Tag}";
    }
}
