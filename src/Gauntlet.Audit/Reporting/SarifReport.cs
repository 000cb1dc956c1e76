using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gauntlet.Core;

namespace Gauntlet.Audit.Reporting;

/// <summary>
/// Renders <c>report.sarif</c>: the findings as SARIF 2.1.0, for code-scanning dashboards.
/// </summary>
/// <remarks>
/// One run; <c>tool.driver</c> is Gauntlet with one rule per distinct finding id (help text is the
/// remediation, tags carry the OWASP ML and MITRE ATLAS ids, <c>security-severity</c> maps
/// critical 9.5, high 8.0, medium 5.5, low 3.0, info 0.0). One result per finding, located at the
/// model file: <c>critical</c>/<c>high</c> are <c>error</c>, <c>medium</c> is <c>warning</c>,
/// <c>low</c>/<c>info</c> are <c>note</c>. One invocation records the audit's start time and is
/// unsuccessful when the report is partial. The output depends on the report alone.
/// </remarks>
public static class SarifReport
{
    /// <summary>The file name inside an output folder.</summary>
    public const string FileName = "report.sarif";

    /// <summary>The SARIF schema the output declares.</summary>
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    /// <summary>Where the audit and its findings are documented.</summary>
    public const string InformationUri = "https://github.com/gauntlet/gauntlet/blob/main/docs/reports.md";

    /// <summary>Renders <paramref name="report"/> as a SARIF 2.1.0 log.</summary>
    /// <param name="report">The audit report.</param>
    /// <returns>The SARIF JSON, indented.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    public static string Render(AuditReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var findings = ReportText.Ranked(report.Findings);
        var rules = findings.GroupBy(f => f.Id, StringComparer.Ordinal).Select(g => g.First()).ToList();
        var ruleIndex = rules.Select((r, i) => (r.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", SchemaUri);
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();

            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", "Gauntlet");
            json.WriteString("version", report.Reproducibility.ToolVersion);
            json.WriteString("informationUri", InformationUri);
            json.WriteStartArray("rules");
            foreach (var rule in rules)
            {
                WriteRule(json, rule);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteStartArray("invocations");
            json.WriteStartObject();
            json.WriteBoolean("executionSuccessful", report.Status == "complete");
            json.WriteString("startTimeUtc", report.Reproducibility.StartedAt);
            json.WriteEndObject();
            json.WriteEndArray();

            json.WriteStartArray("results");
            foreach (var finding in findings)
            {
                WriteResult(json, finding, ruleIndex[finding.Id], report.Model.Path);
            }

            json.WriteEndArray();

            json.WriteStartObject("properties");
            json.WriteString("report_schema_version", report.SchemaVersion);
            json.WriteString("status", report.Status);
            if (report.PartialReason is not null)
            {
                json.WriteString("partial_reason", report.PartialReason);
            }

            WriteNumber(json, "overall_score", report.Scorecard.OverallScore);
            json.WriteString("grade", report.Scorecard.Grade);
            WriteNumber(json, "clean_accuracy", report.CleanAccuracy);
            json.WriteNumber("seed", report.Reproducibility.Seed);
            json.WriteString("model_sha256", report.Reproducibility.ModelSha256);
            json.WriteString("data_sha256", report.Reproducibility.DataSha256);
            json.WriteEndObject();

            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The SARIF level of a finding severity.</summary>
    /// <param name="severity">The severity.</param>
    /// <returns><c>error</c>, <c>warning</c> or <c>note</c>.</returns>
    public static string Level(Severity severity) => severity switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    /// <summary>The numeric <c>security-severity</c> code-scanning dashboards sort by.</summary>
    /// <param name="severity">The severity.</param>
    /// <returns>"9.5", "8.0", "5.5", "3.0" or "0.0".</returns>
    public static string SecuritySeverity(Severity severity) => severity switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        Severity.Low => "3.0",
        _ => "0.0",
    };

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

    private static void WriteRule(Utf8JsonWriter json, AuditFinding rule)
    {
        json.WriteStartObject();
        json.WriteString("id", rule.Id);
        json.WriteString("name", RuleName(rule.Id));
        json.WriteStartObject("shortDescription");
        json.WriteString("text", rule.Title);
        json.WriteEndObject();
        json.WriteStartObject("fullDescription");
        json.WriteString("text", rule.Description);
        json.WriteEndObject();
        json.WriteStartObject("help");
        json.WriteString("text", rule.Remediation);
        json.WriteEndObject();
        json.WriteStartObject("defaultConfiguration");
        json.WriteString("level", Level(rule.Severity));
        json.WriteEndObject();
        json.WriteStartObject("properties");
        json.WriteStartArray("tags");
        foreach (var tag in new[] { "security", "machine-learning", rule.Category }.Concat(rule.OwaspMl).Concat(rule.MitreAtlas).Distinct(StringComparer.Ordinal))
        {
            json.WriteStringValue(tag);
        }

        json.WriteEndArray();
        json.WriteString("security-severity", SecuritySeverity(rule.Severity));
        json.WriteString("category", rule.Category);
        WriteStrings(json, "owasp_ml", rule.OwaspMl);
        WriteStrings(json, "mitre_atlas", rule.MitreAtlas);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter json, AuditFinding finding, int ruleIndex, string modelPath)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", finding.Id);
        json.WriteNumber("ruleIndex", ruleIndex);
        json.WriteString("level", Level(finding.Severity));
        json.WriteStartObject("message");
        json.WriteString("text", finding.Title + ". " + finding.Description);
        json.WriteEndObject();
        json.WriteStartArray("locations");
        json.WriteStartObject();
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        json.WriteString("uri", ArtifactUri(modelPath));
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartObject("properties");
        json.WriteString("severity", finding.Severity.ToName());
        json.WriteString("category", finding.Category);
        if (finding.Threat is not null)
        {
            json.WriteString("threat", finding.Threat);
        }

        json.WriteString("model_path", modelPath);
        json.WriteStartObject("evidence");
        foreach (var (name, value) in finding.Evidence)
        {
            WriteNumber(json, name, value);
        }

        json.WriteEndObject();
        WriteStrings(json, "affected_classes", finding.AffectedClasses);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>PascalCase name from the id, e.g. GA-EVASION-WB-LINF → GaEvasionWbLinf.</summary>
    private static string RuleName(string id) => string.Concat(id.Split(['-', '_', '.', ' '], StringSplitOptions.RemoveEmptyEntries)
        .Select(part => char.ToUpperInvariant(part[0]) + part[1..].ToLowerInvariant()));

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    /// <summary>A finite number as a JSON number; NaN and infinities as strings, which JSON cannot hold as numbers.</summary>
    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteString(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
