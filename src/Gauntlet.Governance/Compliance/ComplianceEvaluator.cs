using System.Globalization;
using System.Text.Json.Nodes;
using Gauntlet.Governance.Registry;

namespace Gauntlet.Governance.Compliance;

/// <summary>Evaluates a policy against what the registry holds for one version (docs/governance.md, "Compliance").</summary>
public static class ComplianceEvaluator
{
    /// <summary>Evaluates <paramref name="policy"/> for <paramref name="reference"/> in <paramref name="registry"/>.</summary>
    /// <exception cref="RegistryException">The version does not exist.</exception>
    public static ComplianceReport Evaluate(CompliancePolicy policy, ModelRegistry registry, string reference)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var version = registry.Show(reference);
        var events = registry.Events().Where(e => e.Subject == version.Reference).ToList();
        return Evaluate(policy, version, events, registry.Location);
    }

    /// <summary>Evaluates <paramref name="policy"/> against a version and its registry events.</summary>
    public static ComplianceReport Evaluate(CompliancePolicy policy, RegisteredVersion version, IReadOnlyList<RegistryEvent> events, string registry)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(version);
        var outcomes = policy.Requirements.Select(r =>
        {
            var checks = r.Checks.Select(c => Check(c, version, events)).ToList();
            var status = checks.Any(c => c.Status == ComplianceStatus.Failed) ? ComplianceStatus.Failed
                : checks.Any(c => c.Status == ComplianceStatus.NotEvidenced) ? ComplianceStatus.NotEvidenced
                : ComplianceStatus.Satisfied;
            return new RequirementOutcome(r, status, checks);
        }).ToList();
        return new ComplianceReport(policy, version.Reference, version.Sha256, registry, outcomes);
    }

    private static CheckOutcome Check(EvidenceCheck check, RegisteredVersion version, IReadOnlyList<RegistryEvent> events)
    {
        if (check.Attachment is { } kind)
        {
            return Attachment(check, kind, version, events);
        }

        if (check.Lineage is { } field)
        {
            return Lineage(check, field, version);
        }

        if (check.LogEntries)
        {
            var logged = events.Where(e => e.LogIndex is not null).ToList();
            return logged.Count == 0
                ? new(check.Describe(), ComplianceStatus.NotEvidenced, "no log entries for this version", [])
                : new(check.Describe(), ComplianceStatus.Satisfied, $"{logged.Count} events in the tamper-evident log",
                    [.. logged.Select(e => new EvidenceLink("log", $"{e.Kind} (event #{e.Id})", LogIndex: e.LogIndex))]);
        }

        if (check.ModelCard)
        {
            var hasSignature = version.Signature.Count > 0 && version.Signature.Any(p => p.Value is JsonArray { Count: > 0 });
            var link = new EvidenceLink("model_card", $"gauntlet registry card {version.Reference}", version.Sha256);
            return hasSignature
                ? new(check.Describe(), ComplianceStatus.Satisfied, $"card from {version.Files.Count} hashed files, {version.Format}, input/output signature", [link])
                : new(check.Describe(), ComplianceStatus.NotEvidenced, $"card has hashes but no input/output signature ({version.Format})", [link]);
        }

        var tag = check.Tag!;
        return version.Tags.TryGetValue(tag, out var value)
            ? new(check.Describe(), ComplianceStatus.Satisfied, $"tag {tag} = {value}", [new EvidenceLink("tag", $"{tag}={value}", LogIndex: events.LastOrDefault(e => e.Kind == "tag.set" && e.Payload["key"]?.GetValue<string>() == tag)?.LogIndex)])
            : new(check.Describe(), ComplianceStatus.NotEvidenced, $"no tag {tag}", []);
    }

    private static CheckOutcome Attachment(EvidenceCheck check, string kind, RegisteredVersion version, IReadOnlyList<RegistryEvent> events)
    {
        // The newest result of the kind counts: a re-run supersedes an old one.
        var result = version.Results.LastOrDefault(r => r.Kind == kind);
        if (result is null)
        {
            return new(check.Describe(), ComplianceStatus.NotEvidenced, $"no {kind} result attached", []);
        }

        var logIndex = events.LastOrDefault(e => e.Kind == "result.attached" && e.Payload["report_sha256"]?.GetValue<string>() == result.ReportSha256)?.LogIndex;
        var link = new EvidenceLink("attachment", $"{kind} result #{result.Id}: {result.SourcePath}", result.ReportSha256, logIndex);
        if (check.MinScore is null && check.MaxScore is null)
        {
            return new(check.Describe(), ComplianceStatus.Satisfied, $"{kind} result attached" + ScoreText(result.Score), [link]);
        }

        if (result.Score is not { } score)
        {
            return new(check.Describe(), ComplianceStatus.NotEvidenced, $"{kind} result has no score", [link]);
        }

        if (check.MinScore is { } min && score < min)
        {
            return new(check.Describe(), ComplianceStatus.Failed, Invariant($"score {score:0.##} < {min:0.##}"), [link]);
        }

        if (check.MaxScore is { } max && score > max)
        {
            return new(check.Describe(), ComplianceStatus.Failed, Invariant($"score {score:0.##} > {max:0.##}"), [link]);
        }

        return new(check.Describe(), ComplianceStatus.Satisfied, Invariant($"score {score:0.##} within bounds"), [link]);
    }

    private static CheckOutcome Lineage(EvidenceCheck check, string field, RegisteredVersion version)
    {
        var node = version.Lineage[field];
        switch (node)
        {
            case null:
            case JsonArray { Count: 0 }:
                return new(check.Describe(), ComplianceStatus.NotEvidenced, $"lineage has no {field}", []);
            case JsonArray files:
                return new(check.Describe(), ComplianceStatus.Satisfied, $"{files.Count} hashed data files",
                    [.. files.Select(f => new EvidenceLink("lineage", $"data: {f?["path"]}", f?["sha256"]?.GetValue<string>()))]);
            case JsonObject file:
                return new(check.Describe(), ComplianceStatus.Satisfied, $"{field} recorded", [new EvidenceLink("lineage", $"{field}: {file["path"]}", file["sha256"]?.GetValue<string>())]);
            default:
                var text = node.ToJsonString();
                if (check.MaxValue is { } max && node.GetValue<double>() > max)
                {
                    return new(check.Describe(), ComplianceStatus.Failed, Invariant($"{field} {text} > {max:0.##}"), [new EvidenceLink("lineage", $"{field}: {text}")]);
                }

                return new(check.Describe(), ComplianceStatus.Satisfied, $"{field} = {text}", [new EvidenceLink("lineage", $"{field}: {text}")]);
        }
    }

    private static string ScoreText(double? score) => score is { } s ? Invariant($", score {s:0.##}") : "";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
