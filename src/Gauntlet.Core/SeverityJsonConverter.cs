using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gauntlet.Core;

/// <summary>
/// Reads and writes <see cref="Severity"/> as its lower-case name (<c>"high"</c>), the form every
/// Gauntlet JSON report uses. Reading accepts any case; anything else is a <see cref="JsonException"/>.
/// </summary>
public sealed class SeverityJsonConverter : JsonConverter<Severity>
{
    /// <inheritdoc />
    public override Severity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"severity must be a string (info, low, medium, high or critical), not {reader.TokenType}");
        }

        var text = reader.GetString();
        return SeverityNames.TryParse(text, out var severity)
            ? severity
            : throw new JsonException($"unknown severity '{text}': expected info, low, medium, high or critical");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Severity value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToName());
    }
}
