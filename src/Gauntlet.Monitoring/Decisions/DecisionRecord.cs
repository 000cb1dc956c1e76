using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gauntlet.Monitoring.Decisions;

/// <summary>
/// One model decision as it enters the log: an id, when, who asked (the API key's name), which model
/// and version answered, a SHA-256 of the input's bytes (never the input itself), and the output.
/// </summary>
/// <param name="Id">The decision's id, returned to the caller.</param>
/// <param name="Time">When the decision was made (UTC).</param>
/// <param name="Key">The API key's name, or <c>anonymous</c>.</param>
/// <param name="Model">The model's name.</param>
/// <param name="Version">The model's version.</param>
/// <param name="InputSha256">Hex SHA-256 of the input's float32 little-endian bytes.</param>
/// <param name="PredictedClass">The predicted class.</param>
/// <param name="Probabilities">The softmax output.</param>
public sealed record DecisionRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("input_sha256")] string InputSha256,
    [property: JsonPropertyName("class")] int PredictedClass,
    [property: JsonPropertyName("probabilities")] IReadOnlyList<float> Probabilities)
{
    /// <summary>The record's type tag inside the log, so decisions can share a log with other events.</summary>
    public const string Type = "decision";

    /// <summary>Hex SHA-256 of <paramref name="input"/> as float32 little-endian bytes.</summary>
    public static string HashInput(ReadOnlySpan<float> input) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(input)));

    /// <summary>The record's bytes in the log: UTF-8 JSON with a <c>type</c> field.</summary>
    public byte[] ToBytes()
    {
        var json = JsonSerializer.SerializeToNode(this)!.AsObject();
        json.Insert(0, "type", Type);
        return JsonSerializer.SerializeToUtf8Bytes(json);
    }

    /// <summary>Parses a log entry, or null when it is not a decision record.</summary>
    public static DecisionRecord? TryParse(ReadOnlySpan<byte> entry)
    {
        try
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(entry);
            if (node?["type"]?.GetValue<string>() != Type)
            {
                return null;
            }

            return node.Deserialize<DecisionRecord>();
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
