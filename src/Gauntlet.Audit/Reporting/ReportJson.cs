using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gauntlet.Core.IO;

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

    /// <summary>
    /// Parses a report. The JSON may nest at most <see cref="InputLimits.MaxNestingDepth"/> levels. Before
    /// the report is bound, the root is checked: an array, another Gauntlet result (an attack or eval
    /// JSON, whose integer <c>schema_version</c> is not a report's <c>"1.x"</c> string) or a newer major
    /// version is refused with a message saying what the file is.
    /// </summary>
    /// <exception cref="InvalidDataException">The text is not a report of a supported schema version; <paramref name="source"/> names it.</exception>
    public static AuditReport Deserialize(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        var depth = InputLimits.MaxNestingDepth;
        try
        {
            using (var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = depth }))
            {
                CheckRoot(document.RootElement, source);
            }

            var options = new JsonSerializerOptions(Options) { MaxDepth = depth };
            return JsonSerializer.Deserialize<AuditReport>(json, options) ?? throw new InvalidDataException($"{source}: empty report.");
        }
        catch (JsonException ex)
        {
            var line = ex.LineNumber is { } l ? $" (line {(l + 1).ToString(CultureInfo.InvariantCulture)})" : string.Empty;
            var why = ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                ? $"nested more than {depth} levels deep{line} ({InputLimits.MaxNestingDepthVariable} raises the limit)"
                : ex.Message.Split('\n')[0];
            throw new InvalidDataException($"{source}: not a valid audit report: {why}");
        }
    }

    private static void CheckRoot(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{source}: a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not a Gauntlet audit report (an object with schema_version \"1.x\").");
        }

        if (!root.TryGetProperty("schema_version", out var version))
        {
            throw new InvalidDataException($"{source}: not a Gauntlet audit report (no schema_version).");
        }

        if (version.ValueKind == JsonValueKind.Number)
        {
            // Attack and eval results carry an integer schema_version; say what the file is.
            var kind = root.TryGetProperty("attack", out _) ? "an attack result (gauntlet attack --json)"
                : root.TryGetProperty("accuracy", out _) || root.TryGetProperty("confusion", out _) ? "an evaluation result (gauntlet eval --json)"
                : "a Gauntlet result file, not an audit report";
            throw new InvalidDataException($"{source}: this is {kind}; 'report' rebuilds formats from an audit's {FileName} (gauntlet audit --out).");
        }

        if (version.ValueKind != JsonValueKind.String)
        {
            throw new InvalidDataException($"{source}: not a Gauntlet audit report (schema_version is a {version.ValueKind.ToString().ToLowerInvariant()}, expected \"1.x\").");
        }

        var text = version.GetString()!;
        if (!text.StartsWith("1.", StringComparison.Ordinal))
        {
            var newer = int.TryParse(text.Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) && major > 1;
            throw new InvalidDataException(newer
                ? $"{source}: schema_version {text} is newer than this Gauntlet reads (1.x); rebuild the report with the Gauntlet that wrote it, or upgrade."
                : $"{source}: schema_version {text} is not supported (this Gauntlet reads 1.x).");
        }
    }

    /// <summary>Reads a report file, or <c>security_audit_report.json</c> inside a folder.</summary>
    /// <remarks>The file is read through <see cref="InputFile"/>: a regular file within <see cref="InputLimits.DocumentBytes"/>.</remarks>
    /// <exception cref="FileNotFoundException">No report there.</exception>
    /// <exception cref="InvalidDataException">The path is not a regular file or too large, or the file is not a valid report.</exception>
    public static AuditReport Load(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        return Deserialize(InputFile.ReadAllText(file, "audit report", InputLimits.DocumentBytes), file);
    }
}
