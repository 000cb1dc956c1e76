using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gauntlet.Core.Sarif;

/// <summary>
/// Writes a <see cref="SarifLog"/> as SARIF 2.1.0 JSON, valid against the official schema. The one
/// SARIF writer in Gauntlet: each report maps its findings to the model and calls this.
/// </summary>
/// <remarks>
/// Output is indented UTF-8 without a byte-order mark; non-ASCII text (ε, ∞) is kept readable and
/// HTML-sensitive characters are not escaped, which JSON does not require. Optional members that
/// are null are left out; <c>results</c> and <c>rules</c> are always written. The output depends on
/// the log alone.
/// </remarks>
public static class SarifWriter
{
    /// <summary>The SARIF version written.</summary>
    public const string Version = "2.1.0";

    /// <summary>The schema the output declares.</summary>
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A number for a property bag: finite values as JSON numbers, NaN and infinities as strings, which JSON numbers cannot hold.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The node.</returns>
    public static JsonNode Number(double value) => double.IsFinite(value)
        ? JsonValue.Create(value)
        : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A string array for a property bag.</summary>
    /// <param name="values">The strings.</param>
    /// <returns>The node.</returns>
    public static JsonArray Strings(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new JsonArray([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
    }

    /// <summary>Renders <paramref name="log"/> as SARIF JSON text.</summary>
    /// <param name="log">The log.</param>
    /// <returns>The JSON, indented.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="log"/> is null.</exception>
    /// <exception cref="ArgumentException">A run's rule ids are not unique, or a result's rule index is out of range or names another rule.</exception>
    public static string Write(SarifLog log)
    {
        using var buffer = new MemoryStream();
        Write(log, buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes <paramref name="log"/> as SARIF JSON (UTF-8) to <paramref name="stream"/>.</summary>
    /// <param name="log">The log.</param>
    /// <param name="stream">Where to write.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A run's rule ids are not unique, or a result's rule index is out of range or names another rule.</exception>
    public static void Write(SarifLog log, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(stream);
        foreach (var run in log.Runs)
        {
            Check(run);
        }

        using var json = new Utf8JsonWriter(stream, Options);
        json.WriteStartObject();
        json.WriteString("$schema", SchemaUri);
        json.WriteString("version", Version);
        json.WriteStartArray("runs");
        foreach (var run in log.Runs)
        {
            WriteRun(json, run);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The SARIF spelling of a level.</summary>
    /// <param name="level">The level.</param>
    /// <returns><c>none</c>, <c>note</c>, <c>warning</c> or <c>error</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not a defined value.</exception>
    public static string LevelName(SarifLevel level) => level switch
    {
        SarifLevel.None => "none",
        SarifLevel.Note => "note",
        SarifLevel.Warning => "warning",
        SarifLevel.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "not a SARIF level"),
    };

    // The schema requires unique rules; a wrong index would silently attach a result to another rule.
    private static void Check(SarifRun run)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in run.Tool.Rules)
        {
            if (!ids.Add(rule.Id))
            {
                throw new ArgumentException($"rule id '{rule.Id}' appears twice in tool '{run.Tool.Name}'", nameof(run));
            }
        }

        foreach (var result in run.Results)
        {
            if (result.RuleIndex is { } index && (index < 0 || index >= run.Tool.Rules.Count || run.Tool.Rules[index].Id != result.RuleId))
            {
                throw new ArgumentException($"result for rule '{result.RuleId}' has rule index {index}, which does not name that rule", nameof(run));
            }
        }
    }

    private static void WriteRun(Utf8JsonWriter json, SarifRun run)
    {
        json.WriteStartObject();
        WriteTool(json, run.Tool);
        if (run.Invocations.Count > 0)
        {
            json.WriteStartArray("invocations");
            foreach (var invocation in run.Invocations)
            {
                json.WriteStartObject();
                json.WriteBoolean("executionSuccessful", invocation.ExecutionSuccessful);
                WriteOptional(json, "startTimeUtc", invocation.StartTimeUtc);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        if (run.Artifacts.Count > 0)
        {
            json.WriteStartArray("artifacts");
            foreach (var artifact in run.Artifacts)
            {
                WriteArtifact(json, artifact);
            }

            json.WriteEndArray();
        }

        json.WriteStartArray("results");
        foreach (var result in run.Results)
        {
            WriteResult(json, result);
        }

        json.WriteEndArray();
        WriteProperties(json, run.Properties);
        json.WriteEndObject();
    }

    private static void WriteTool(Utf8JsonWriter json, SarifTool tool)
    {
        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", tool.Name);
        WriteOptional(json, "version", tool.Version);
        WriteOptional(json, "semanticVersion", tool.SemanticVersion);
        WriteOptional(json, "informationUri", tool.InformationUri);
        json.WriteStartArray("rules");
        foreach (var rule in tool.Rules)
        {
            json.WriteStartObject();
            json.WriteString("id", rule.Id);
            WriteOptional(json, "name", rule.Name);
            WriteMessage(json, "shortDescription", rule.ShortDescription);
            WriteMessage(json, "fullDescription", rule.FullDescription);
            WriteMessage(json, "help", rule.Help);
            if (rule.DefaultLevel is { } level)
            {
                json.WriteStartObject("defaultConfiguration");
                json.WriteString("level", LevelName(level));
                json.WriteEndObject();
            }

            WriteProperties(json, rule.Properties);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteArtifact(Utf8JsonWriter json, SarifArtifact artifact)
    {
        json.WriteStartObject();
        json.WriteStartObject("location");
        json.WriteString("uri", artifact.Uri);
        json.WriteEndObject();
        if (artifact.Length is { } length)
        {
            json.WriteNumber("length", length);
        }

        if (artifact.Sha256 is { } sha)
        {
            json.WriteStartObject("hashes");
            json.WriteString("sha-256", sha);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter json, SarifResult result)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", result.RuleId);
        if (result.RuleIndex is { } index)
        {
            json.WriteNumber("ruleIndex", index);
        }

        json.WriteString("level", LevelName(result.Level));
        WriteMessage(json, "message", result.Message);
        if (result.Locations.Count > 0)
        {
            json.WriteStartArray("locations");
            foreach (var location in result.Locations)
            {
                WriteLocation(json, location);
            }

            json.WriteEndArray();
        }

        WriteProperties(json, result.Properties);
        json.WriteEndObject();
    }

    private static void WriteLocation(Utf8JsonWriter json, SarifLocation location)
    {
        json.WriteStartObject();
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        json.WriteString("uri", location.Uri);
        if (location.ArtifactIndex is { } index)
        {
            json.WriteNumber("index", index);
        }

        json.WriteEndObject();
        if (location.ByteOffset is not null || location.StartLine is not null)
        {
            json.WriteStartObject("region");
            if (location.StartLine is { } line)
            {
                json.WriteNumber("startLine", line);
            }

            if (location.ByteOffset is { } offset)
            {
                json.WriteNumber("byteOffset", offset);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        if (location.LogicalName is { } name)
        {
            json.WriteStartArray("logicalLocations");
            json.WriteStartObject();
            json.WriteString("fullyQualifiedName", name);
            json.WriteEndObject();
            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter json, string name, string? text)
    {
        if (text is null)
        {
            return;
        }

        json.WriteStartObject(name);
        json.WriteString("text", text);
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteProperties(Utf8JsonWriter json, JsonObject? properties)
    {
        if (properties is null)
        {
            return;
        }

        json.WritePropertyName("properties");
        properties.WriteTo(json);
    }
}
