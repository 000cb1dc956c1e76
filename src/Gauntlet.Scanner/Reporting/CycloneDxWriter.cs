using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Gauntlet.Scanner.Reporting;

/// <summary>
/// Writes a CycloneDX 1.6 ML-BOM: one <c>machine-learning-model</c> component per analysed model
/// file with its SHA-256, and one vulnerability entry per finding of low severity or worse. Every
/// file or entry that was not analysed is a <c>gauntlet:not-analysed</c> property of its component
/// (whatever its severity), and their number is the metadata's <c>gauntlet:not-analysed-count</c>.
/// </summary>
public static class CycloneDxWriter
{
    /// <summary>Serialises <paramref name="report"/> as a CycloneDX 1.6 JSON BOM.</summary>
    public static string Write(ScanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var serial = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(report.Root + "|" + report.StartedAt.ToString("O")))[..16]);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("bomFormat", "CycloneDX");
            json.WriteString("specVersion", "1.6");
            json.WriteString("serialNumber", $"urn:uuid:{serial:D}");
            json.WriteNumber("version", 1);
            json.WriteStartObject("metadata");
            json.WriteString("timestamp", report.StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteStartObject("tools");
            json.WriteStartArray("components");
            json.WriteStartObject();
            json.WriteString("type", "application");
            json.WriteString("name", "gauntlet-scan");
            json.WriteString("version", ScanReport.ToolVersion);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("properties");
            Property(json, "gauntlet:not-analysed-count", report.NotAnalysedCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteStartArray("components");
            var refs = new Dictionary<ArtifactReport, string>();
            foreach (var artifact in report.Artifacts)
            {
                var bomRef = "model:" + artifact.RelativePath;
                refs[artifact] = bomRef;
                json.WriteStartObject();
                json.WriteString("type", artifact.Analysed ? "machine-learning-model" : "file");
                json.WriteString("bom-ref", bomRef);
                json.WriteString("name", artifact.RelativePath);
                if (artifact.Sha256 is { } sha)
                {
                    json.WriteStartArray("hashes");
                    json.WriteStartObject();
                    json.WriteString("alg", "SHA-256");
                    json.WriteString("content", sha);
                    json.WriteEndObject();
                    json.WriteEndArray();
                }

                json.WriteStartArray("properties");
                Property(json, "gauntlet:format", artifact.Format.ToString());
                Property(json, "gauntlet:size_bytes", artifact.SizeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Property(json, "gauntlet:analysed", artifact.Analysed ? "true" : "false");
                Property(json, "gauntlet:max_severity", artifact.MaxSeverity?.ToName() ?? "none");
                foreach (var part in artifact.NotAnalysed)
                {
                    Property(json, "gauntlet:not-analysed", $"{part.Location}: {part.Message}");
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("vulnerabilities");
            var index = 0;
            foreach (var artifact in report.Artifacts)
            {
                foreach (var finding in artifact.Findings.Where(f => f.Severity >= Severity.Low))
                {
                    json.WriteStartObject();
                    json.WriteString("bom-ref", $"finding-{++index}");
                    json.WriteString("id", finding.RuleId);
                    json.WriteStartObject("source");
                    json.WriteString("name", "gauntlet-scan");
                    json.WriteEndObject();
                    json.WriteStartArray("ratings");
                    json.WriteStartObject();
                    json.WriteString("severity", finding.Severity.ToName());
                    json.WriteString("method", "other");
                    json.WriteEndObject();
                    json.WriteEndArray();
                    json.WriteString("description", finding.Message);
                    json.WriteString("detail", finding.Location);
                    json.WriteStartArray("affects");
                    json.WriteStartObject();
                    json.WriteString("ref", refs[artifact]);
                    json.WriteEndObject();
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Property(Utf8JsonWriter json, string name, string value)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("value", value);
        json.WriteEndObject();
    }
}
