using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gauntlet.Llm.Guard.Proxy;

/// <summary>One guard decision.</summary>
public sealed record GuardDecision
{
    /// <summary>UTC time, ISO 8601.</summary>
    [JsonPropertyName("time")]
    public required string Time { get; init; }

    /// <summary>The request id (also sent back as <c>X-Gauntlet-Request</c>).</summary>
    [JsonPropertyName("request")]
    public required string Request { get; init; }

    /// <summary><c>input</c> or <c>output</c>.</summary>
    [JsonPropertyName("stage")]
    public required string Stage { get; init; }

    /// <summary><c>pass</c>, <c>flag</c>, <c>redact</c>, <c>block</c> or <c>error</c>.</summary>
    [JsonPropertyName("decision")]
    public required string Decision { get; init; }

    /// <summary>Whether the reply was streamed.</summary>
    [JsonPropertyName("stream")]
    public bool Stream { get; init; }

    /// <summary>The input scanner's score, for input decisions.</summary>
    [JsonPropertyName("score")]
    public double? Score { get; init; }

    /// <summary>Why: scanner reasons or broken rules.</summary>
    [JsonPropertyName("reasons")]
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>The upstream HTTP status, when there was one.</summary>
    [JsonPropertyName("upstream_status")]
    public int? UpstreamStatus { get; init; }
}

/// <summary>The guard's decision log: one JSON line per decision, appended and flushed as it happens (a log grows while the guard runs, so it is appended rather than written atomically), or kept in memory only.</summary>
public sealed class DecisionLog : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly StreamWriter? _writer;
    private readonly List<GuardDecision> _recent = [];
    private readonly Lock _gate = new();

    /// <summary>Opens the log.</summary>
    /// <param name="path">The JSONL file to append to, or null to keep decisions in memory only.</param>
    public DecisionLog(string? path)
    {
        if (path is not null)
        {
            _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        }
    }

    /// <summary>The decisions of this run (the last 10,000).</summary>
    public IReadOnlyList<GuardDecision> Decisions
    {
        get
        {
            lock (_gate)
            {
                return [.. _recent];
            }
        }
    }

    /// <summary>Records a decision.</summary>
    /// <param name="decision">The decision.</param>
    public void Record(GuardDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        lock (_gate)
        {
            _recent.Add(decision);
            if (_recent.Count > 10_000)
            {
                _recent.RemoveAt(0);
            }

            _writer?.WriteLine(JsonSerializer.Serialize(decision, Json));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _writer?.Dispose();
}
