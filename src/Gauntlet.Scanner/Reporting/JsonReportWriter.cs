using System.Text.Json;

namespace Gauntlet.Scanner.Reporting;

/// <summary>Writes a <see cref="ScanReport"/> as the scanner's JSON report (snake_case keys, <c>schema_version</c> 1).</summary>
public static class JsonReportWriter
{
    /// <summary>The report format version.</summary>
    public const string SchemaVersion = "1";

    /// <summary>Serialises <paramref name="report"/> to indented JSON.</summary>
    public static string Write(ScanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("schema_version", SchemaVersion);
            json.WriteString("tool", "gauntlet-scan");
            json.WriteString("tool_version", ScanReport.ToolVersion);
            json.WriteString("root", report.Root);
            json.WriteString("started_at", report.StartedAt);
            json.WriteNumber("duration_seconds", Math.Round(report.Duration.TotalSeconds, 3));
            json.WriteString("max_severity", report.MaxSeverity?.ToName());
            json.WriteStartObject("counts");
            foreach (var severity in Enum.GetValues<Severity>())
            {
                json.WriteNumber(severity.ToName(), report.Count(severity));
            }

            json.WriteEndObject();
            json.WriteNumber("not_analysed", report.NotAnalysedCount);
            json.WriteNumber("suppressed_inline", report.SuppressedInline);
            json.WriteNumber("suppressed_by_baseline", report.SuppressedByBaseline);
            json.WriteNumber("files_not_selected", report.FilesNotSelected);
            json.WriteStartArray("artifacts");
            foreach (var artifact in report.Artifacts)
            {
                json.WriteStartObject();
                json.WriteString("path", artifact.RelativePath);
                json.WriteString("format", artifact.Format.ToString());
                json.WriteNumber("size_bytes", artifact.SizeBytes);
                json.WriteString("sha256", artifact.Sha256);
                json.WriteBoolean("analysed", artifact.Analysed);
                json.WriteString("error", artifact.Error);
                json.WriteStartArray("not_analysed");
                foreach (var part in artifact.NotAnalysed)
                {
                    json.WriteStringValue(part.Location);
                }

                json.WriteEndArray();
                json.WriteString("max_severity", artifact.MaxSeverity?.ToName());
                json.WriteStartArray("findings");
                foreach (var finding in artifact.Findings)
                {
                    json.WriteStartObject();
                    json.WriteString("rule_id", finding.RuleId);
                    json.WriteString("severity", finding.Severity.ToName());
                    json.WriteString("message", finding.Message);
                    json.WriteString("location", finding.Location);
                    if (ArtifactReport.NotAnalysedRules.Contains(finding.RuleId))
                    {
                        json.WriteBoolean("not_analysed", true);
                    }

                    if (finding.Offset is { } offset)
                    {
                        json.WriteNumber("offset", offset);
                    }

                    if (finding.Line is { } line)
                    {
                        json.WriteNumber("line", line);
                        json.WriteNumber("column", finding.Column ?? 1);
                    }

                    if (finding.Fingerprint is { } fingerprint)
                    {
                        json.WriteString("fingerprint", fingerprint);
                    }

                    if (finding.Field is { } field)
                    {
                        json.WriteString("field", field);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
