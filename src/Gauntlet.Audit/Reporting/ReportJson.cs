using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gauntlet.Audit.Reporting;

/// <summary>Reads and writes <c>security_audit_report.json</c>.</summary>
public static class ReportJson
{
    /// <summary>The report's file name inside an output folder.</summary>
    public const string FileName = "security_audit_report.json";

    /// <summary>Options: snake_case keys, indented, non-ASCII kept readable (ε, ∞).</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The report as JSON text.</summary>
    public static string Serialize(AuditReport report) => JsonSerializer.Serialize(report, Options);

    /// <summary>Parses a report.</summary>
    /// <exception cref="InvalidDataException">The text is not a report of a supported schema version; <paramref name="source"/> names it.</exception>
    public static AuditReport Deserialize(string json, string source)
    {
        try
        {
            using (var document = JsonDocument.Parse(json))
            {
                if (!document.RootElement.TryGetProperty("schema_version", out var version) || version.ValueKind != JsonValueKind.String)
                {
                    throw new InvalidDataException($"{source}: not a Gauntlet audit report (no schema_version).");
                }

                if (!version.GetString()!.StartsWith("1.", StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"{source}: schema_version {version.GetString()} is not supported (this Gauntlet reads 1.x).");
                }
            }

            return JsonSerializer.Deserialize<AuditReport>(json, Options) ?? throw new InvalidDataException($"{source}: empty report.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not a valid audit report: {ex.Message}");
        }
    }

    /// <summary>Reads a report file, or <c>security_audit_report.json</c> inside a folder.</summary>
    /// <exception cref="FileNotFoundException">No report there.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid report.</exception>
    public static AuditReport Load(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"no audit report at {file}", file);
        }

        return Deserialize(File.ReadAllText(file, Encoding.UTF8), file);
    }
}
