using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gauntlet.Llm.Targets;

/// <summary>One HTTP exchange with a target, as the run log keeps it (API keys are never recorded: headers are not logged).</summary>
public sealed record RunLogEntry
{
    /// <summary>Sequence number within the run.</summary>
    [JsonPropertyName("seq")]
    public long Sequence { get; init; }

    /// <summary>UTC time the request was sent, ISO 8601.</summary>
    [JsonPropertyName("time")]
    public required string Time { get; init; }

    /// <summary>The target's display name.</summary>
    [JsonPropertyName("target")]
    public required string Target { get; init; }

    /// <summary>1 for the first try, 2 for the first retry…</summary>
    [JsonPropertyName("attempt")]
    public int Attempt { get; init; }

    /// <summary>The request body sent.</summary>
    [JsonPropertyName("request")]
    public required string Request { get; init; }

    /// <summary>The HTTP status, or null when none arrived.</summary>
    [JsonPropertyName("status")]
    public int? Status { get; init; }

    /// <summary>The response body (cut at 64 KiB), or null.</summary>
    [JsonPropertyName("response")]
    public string? Response { get; init; }

    /// <summary>The error, or null.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    /// <summary>Seconds the request took.</summary>
    [JsonPropertyName("seconds")]
    public double Seconds { get; init; }
}

/// <summary>Every request and response of a run, kept in memory and rendered as JSON Lines at the end (written atomically with the reports).</summary>
public sealed class RunLog
{
    private const int MaxLoggedChars = 64 * 1024;
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly List<RunLogEntry> _entries = [];
    private readonly Lock _gate = new();
    private long _sequence;

    /// <summary>The entries so far, in the order they were recorded.</summary>
    public IReadOnlyList<RunLogEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Records an exchange; long bodies are cut.</summary>
    /// <param name="entry">The exchange (its sequence number is assigned here).</param>
    public void Record(RunLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            _entries.Add(entry with { Sequence = ++_sequence, Request = Cut(entry.Request)!, Response = Cut(entry.Response) });
        }
    }

    /// <summary>The log as JSON Lines, one exchange per line.</summary>
    /// <returns>The text.</returns>
    public string ToJsonLines()
    {
        var builder = new StringBuilder();
        foreach (var entry in Entries)
        {
            builder.Append(JsonSerializer.Serialize(entry, Json)).Append('\n');
        }

        return builder.ToString();
    }

    private static string? Cut(string? text) => text is null || text.Length <= MaxLoggedChars ? text : text[..MaxLoggedChars] + "…[cut]";
}
