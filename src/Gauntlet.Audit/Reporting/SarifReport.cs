using System.Text.Json.Nodes;
using Gauntlet.Core;
using Gauntlet.Core.Sarif;

namespace Gauntlet.Audit.Reporting;

/// <summary>
/// Renders <c>report.sarif</c>: the findings as SARIF 2.1.0, for code-scanning dashboards.
/// </summary>
/// <remarks>
/// One run, written by Core's <see cref="SarifWriter"/>; <c>tool.driver</c> is Gauntlet with one rule
/// per distinct finding id. A rule's descriptions and help come from <see cref="AuditRules"/>, so they
/// are the same in every report (an id no rule covers falls back to its most severe finding's text);
/// its level, tags (category, OWASP ML and MITRE ATLAS ids) and <c>security-severity</c> (critical
/// 9.5, high 8.0, medium 5.5, low 3.0, info 0.0) come from its most severe finding. One result per
/// finding, located at the model file: <c>critical</c>/<c>high</c> are <c>error</c>, <c>medium</c> is
/// <c>warning</c>, <c>low</c>/<c>info</c> are <c>note</c>. One invocation records the audit's start
/// time and is unsuccessful when the report is partial. The output depends on the report alone.
/// </remarks>
public static class SarifReport
{
    /// <summary>The file name inside an output folder.</summary>
    public const string FileName = "report.sarif";

    /// <summary>The SARIF schema the output declares.</summary>
    public const string SchemaUri = SarifWriter.SchemaUri;

    /// <summary>Where the audit and its findings are documented.</summary>
    public const string InformationUri = "https://github.com/gauntlet/gauntlet/blob/main/docs/reports.md";

    /// <summary>Renders <paramref name="report"/> as a SARIF 2.1.0 log.</summary>
    /// <param name="report">The audit report.</param>
    /// <returns>The SARIF JSON, indented.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    public static string Render(AuditReport report) => SarifWriter.Write(ToSarif(report));

    /// <summary>The SARIF model of <paramref name="report"/>, before it is written.</summary>
    /// <param name="report">The audit report.</param>
    /// <returns>One run with the audit's rules, results, invocation and summary properties.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    public static SarifLog ToSarif(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var findings = ReportText.Ranked(report.Findings);

        // Ranked most severe first, so the first finding per id is the one the rule's level reflects.
        var rules = findings.GroupBy(f => f.Id, StringComparer.Ordinal).Select(g => g.First()).ToList();
        var ruleIndex = rules.Select((r, i) => (r.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var uri = ArtifactUri(report.Model.Path);

        var properties = new JsonObject
        {
            ["report_schema_version"] = report.SchemaVersion,
            ["status"] = report.Status,
        };
        if (report.PartialReason is not null)
        {
            properties["partial_reason"] = report.PartialReason;
        }

        properties["overall_score"] = SarifWriter.Number(report.Scorecard.OverallScore);
        properties["grade"] = report.Scorecard.Grade ?? "incomplete";
        properties["clean_accuracy"] = SarifWriter.Number(report.CleanAccuracy);
        properties["seed"] = report.Reproducibility.Seed;
        properties["model_sha256"] = report.Reproducibility.ModelSha256;
        properties["data_sha256"] = report.Reproducibility.DataSha256;

        return new SarifLog
        {
            Runs =
            [
                new SarifRun
                {
                    Tool = new SarifTool
                    {
                        Name = "Gauntlet",
                        Version = report.Reproducibility.ToolVersion,
                        InformationUri = InformationUri,
                        Rules = [.. rules.Select(Rule)],
                    },
                    Invocations = [new SarifInvocation { ExecutionSuccessful = report.Status == "complete", StartTimeUtc = report.Reproducibility.StartedAt }],
                    Results = [.. findings.Select(f => Result(f, ruleIndex[f.Id], uri, report.Model.Path))],
                    Properties = properties,
                },
            ],
        };
    }

    /// <summary>The SARIF level of a finding severity.</summary>
    /// <param name="severity">The severity.</param>
    /// <returns><c>error</c>, <c>warning</c> or <c>note</c>.</returns>
    public static string Level(Severity severity) => SarifWriter.LevelName(SarifSeverity.Level(severity));

    /// <summary>The numeric <c>security-severity</c> code-scanning dashboards sort by.</summary>
    /// <param name="severity">The severity.</param>
    /// <returns>"9.5", "8.0", "5.5", "3.0" or "0.0".</returns>
    public static string SecuritySeverity(Severity severity) => SarifSeverity.SecuritySeverity(severity);

    /// <summary>
    /// The model path as a relative URI reference: <c>demo</c> stays <c>demo</c>; a relative path keeps
    /// its folders; an absolute path is reduced to its file name (the SARIF consumer's checkout root is
    /// unknown). Separators become <c>/</c> and each segment is percent-encoded.
    /// </summary>
    /// <param name="modelPath">The report's model path.</param>
    /// <returns>A relative URI reference.</returns>
    public static string ArtifactUri(string modelPath)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        var path = modelPath.Replace('\\', '/');
        if (Path.IsPathRooted(modelPath) || path.StartsWith('/') || (path.Length >= 2 && path[1] == ':'))
        {
            path = path[(path.LastIndexOf('/') + 1)..];
            if (path.Length >= 2 && path[1] == ':')
            {
                path = path[2..];
            }
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").Select(Uri.EscapeDataString).ToList();
        return segments.Count == 0 ? "model" : string.Join('/', segments);
    }

    private static SarifRule Rule(AuditFinding first)
    {
        var rule = AuditRules.Find(first.Id);
        return new SarifRule
        {
            Id = first.Id,
            Name = RuleName(first.Id),
            ShortDescription = rule?.Title ?? first.Title,
            FullDescription = rule?.Description ?? first.Description,
            Help = rule?.Remediation ?? first.Remediation,
            DefaultLevel = SarifSeverity.Level(first.Severity),
            Properties = new JsonObject
            {
                ["tags"] = SarifWriter.Strings(new[] { "security", "machine-learning", first.Category }.Concat(first.OwaspMl).Concat(first.MitreAtlas).Distinct(StringComparer.Ordinal)),
                ["security-severity"] = SarifSeverity.SecuritySeverity(first.Severity),
                ["category"] = first.Category,
                ["owasp_ml"] = SarifWriter.Strings(first.OwaspMl),
                ["mitre_atlas"] = SarifWriter.Strings(first.MitreAtlas),
            },
        };
    }

    private static SarifResult Result(AuditFinding finding, int ruleIndex, string uri, string modelPath)
    {
        var properties = new JsonObject
        {
            ["severity"] = finding.Severity.ToName(),
            ["category"] = finding.Category,
        };
        if (finding.Threat is not null)
        {
            properties["threat"] = finding.Threat;
        }

        properties["model_path"] = modelPath;
        properties["evidence"] = new JsonObject(finding.Evidence.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)SarifWriter.Number(e.Value))));
        properties["affected_classes"] = SarifWriter.Strings(finding.AffectedClasses);
        return new SarifResult
        {
            RuleId = finding.Id,
            RuleIndex = ruleIndex,
            Level = SarifSeverity.Level(finding.Severity),
            Message = finding.Title + ". " + finding.Description,
            Locations = [new SarifLocation { Uri = uri }],
            Properties = properties,
        };
    }

    /// <summary>PascalCase name from the id, e.g. GA-EVASION-WB-LINF → GaEvasionWbLinf.</summary>
    private static string RuleName(string id) => string.Concat(id.Split(['-', '_', '.', ' '], StringSplitOptions.RemoveEmptyEntries)
        .Select(part => char.ToUpperInvariant(part[0]) + part[1..].ToLowerInvariant()));
}
