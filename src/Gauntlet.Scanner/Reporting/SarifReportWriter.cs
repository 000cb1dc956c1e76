using System.Text.Json;

namespace Gauntlet.Scanner.Reporting;

/// <summary>Writes a <see cref="ScanReport"/> as SARIF 2.1.0 for code-scanning dashboards.</summary>
public static class SarifReportWriter
{
    /// <summary>Serialises <paramref name="report"/> as a SARIF 2.1.0 log with one run.</summary>
    /// <remarks>Levels: critical and high map to <c>error</c>, medium to <c>warning</c>, low and info to <c>note</c>; the exact severity is in each result's properties.</remarks>
    public static string Write(ScanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var ruleIndex = ScanRules.All.Select((r, i) => (r.Id, i)).ToDictionary(p => p.Id, p => p.i);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            json.WriteString("version", "2.1.0");
            json.WriteStartArray("runs");
            json.WriteStartObject();
            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", "gauntlet-scan");
            json.WriteString("semanticVersion", ScanReport.ToolVersion);
            json.WriteString("informationUri", "https://github.com/gauntlet/gauntlet/blob/main/docs/scanner.md");
            json.WriteStartArray("rules");
            foreach (var rule in ScanRules.All)
            {
                json.WriteStartObject();
                json.WriteString("id", rule.Id);
                json.WriteString("name", rule.Title);
                json.WriteStartObject("shortDescription");
                json.WriteString("text", rule.Title);
                json.WriteEndObject();
                json.WriteStartObject("fullDescription");
                json.WriteString("text", rule.Description);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteStartArray("artifacts");
            foreach (var artifact in report.Artifacts)
            {
                json.WriteStartObject();
                json.WriteStartObject("location");
                json.WriteString("uri", Uri(artifact.RelativePath));
                json.WriteEndObject();
                json.WriteNumber("length", artifact.SizeBytes);
                if (artifact.Sha256 is { } sha)
                {
                    json.WriteStartObject("hashes");
                    json.WriteString("sha-256", sha);
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("results");
            for (var a = 0; a < report.Artifacts.Count; a++)
            {
                var artifact = report.Artifacts[a];
                foreach (var finding in artifact.Findings)
                {
                    json.WriteStartObject();
                    json.WriteString("ruleId", finding.RuleId);
                    json.WriteNumber("ruleIndex", ruleIndex[finding.RuleId]);
                    json.WriteString("level", finding.Severity switch
                    {
                        Severity.Critical or Severity.High => "error",
                        Severity.Medium => "warning",
                        _ => "note",
                    });
                    json.WriteStartObject("message");
                    json.WriteString("text", finding.Message);
                    json.WriteEndObject();
                    json.WriteStartArray("locations");
                    json.WriteStartObject();
                    json.WriteStartObject("physicalLocation");
                    json.WriteStartObject("artifactLocation");
                    json.WriteString("uri", Uri(artifact.RelativePath));
                    json.WriteNumber("index", a);
                    json.WriteEndObject();
                    if (finding.Offset is { } offset)
                    {
                        json.WriteStartObject("region");
                        json.WriteNumber("byteOffset", offset);
                        json.WriteEndObject();
                    }

                    json.WriteEndObject();
                    json.WriteStartArray("logicalLocations");
                    json.WriteStartObject();
                    json.WriteString("fullyQualifiedName", finding.Location);
                    json.WriteEndObject();
                    json.WriteEndArray();
                    json.WriteEndObject();
                    json.WriteEndArray();
                    json.WriteStartObject("properties");
                    json.WriteString("severity", finding.Severity.ToName());
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Uri(string relativePath) =>
        string.Join('/', relativePath.Split('/').Select(System.Uri.EscapeDataString));
}
