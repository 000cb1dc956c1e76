using System.Text.Json.Nodes;

namespace Gauntlet.Governance.Compliance;

/// <summary>One piece of evidence a check found, with what links it to the registry.</summary>
/// <param name="Kind">attachment, lineage, log, model_card or tag.</param>
/// <param name="Reference">Where it lives: result #id and its source path, a lineage field, log indices, a tag.</param>
/// <param name="Sha256">Its content hash, when it has one.</param>
/// <param name="LogIndex">Its entry in the tamper-evident log, when it has one.</param>
public sealed record EvidenceLink(string Kind, string Reference, string? Sha256 = null, long? LogIndex = null);

/// <summary>One rule's outcome.</summary>
/// <param name="Rule">The rule as written (attachment: audit, min_score: 60).</param>
/// <param name="Status">Its status.</param>
/// <param name="Reason">Why, in a phrase (score 64.2 ≥ 60, no audit attached…).</param>
/// <param name="Evidence">The evidence it read.</param>
public sealed record CheckOutcome(string Rule, ComplianceStatus Status, string Reason, IReadOnlyList<EvidenceLink> Evidence);

/// <summary>One requirement's outcome: failed if any rule failed, else not evidenced if any rule lacks evidence, else satisfied.</summary>
/// <param name="Requirement">The requirement.</param>
/// <param name="Status">Its status.</param>
/// <param name="Checks">Each rule's outcome.</param>
public sealed record RequirementOutcome(PolicyRequirement Requirement, ComplianceStatus Status, IReadOnlyList<CheckOutcome> Checks);

/// <summary>A policy evaluated against one model version.</summary>
/// <param name="Policy">The policy.</param>
/// <param name="Model">NAME@VERSION.</param>
/// <param name="ModelSha256">The version's content hash.</param>
/// <param name="Registry">The registry it was read from.</param>
/// <param name="Requirements">Each requirement's outcome, in policy order.</param>
public sealed record ComplianceReport(CompliancePolicy Policy, string Model, string ModelSha256, string Registry, IReadOnlyList<RequirementOutcome> Requirements)
{
    /// <summary>How many requirements have this status.</summary>
    public int Count(ComplianceStatus status) => Requirements.Count(r => r.Status == status);

    /// <summary>Whether the gate passes: no failed requirement, and with <paramref name="failOnNotEvidenced"/> none without evidence either.</summary>
    public bool Passes(bool failOnNotEvidenced) =>
        Count(ComplianceStatus.Failed) == 0 && (!failOnNotEvidenced || Count(ComplianceStatus.NotEvidenced) == 0);

    /// <summary>The report as compliance.json's object.</summary>
    public JsonObject ToJson(bool failOnNotEvidenced) => new()
    {
        ["schema_version"] = 1,
        ["policy"] = new JsonObject { ["id"] = Policy.Id, ["title"] = Policy.Title, ["source"] = Policy.Source },
        ["model"] = Model,
        ["model_sha256"] = ModelSha256,
        ["registry"] = Registry,
        ["fail_on"] = failOnNotEvidenced ? "not-evidenced" : "failed",
        ["passed"] = Passes(failOnNotEvidenced),
        ["summary"] = new JsonObject
        {
            ["satisfied"] = Count(ComplianceStatus.Satisfied),
            ["failed"] = Count(ComplianceStatus.Failed),
            ["not_evidenced"] = Count(ComplianceStatus.NotEvidenced),
        },
        ["requirements"] = new JsonArray([.. Requirements.Select(r => (JsonNode)new JsonObject
        {
            ["id"] = r.Requirement.Id,
            ["title"] = r.Requirement.Title,
            ["description"] = r.Requirement.Description,
            ["status"] = r.Status.Name(),
            ["checks"] = new JsonArray([.. r.Checks.Select(c => (JsonNode)new JsonObject
            {
                ["rule"] = c.Rule,
                ["status"] = c.Status.Name(),
                ["reason"] = c.Reason,
                ["evidence"] = new JsonArray([.. c.Evidence.Select(e => (JsonNode)new JsonObject
                {
                    ["kind"] = e.Kind,
                    ["reference"] = e.Reference,
                    ["sha256"] = e.Sha256,
                    ["log_index"] = e.LogIndex,
                })]),
            })]),
        })]),
    };
}
