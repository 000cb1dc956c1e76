using System.Text.Json.Serialization;
using Gauntlet.Core;
using Gauntlet.Llm.Detectors;

namespace Gauntlet.Llm.Scanning;

/// <summary>One probe sent once: what went out, what came back, how the detectors scored it.</summary>
public sealed record LlmAttempt
{
    /// <summary>The probe id.</summary>
    [JsonPropertyName("probe")]
    public required string Probe { get; init; }

    /// <summary>The family id.</summary>
    [JsonPropertyName("family")]
    public required string Family { get; init; }

    /// <summary>The variant.</summary>
    [JsonPropertyName("technique")]
    public required string Technique { get; init; }

    /// <summary>The prompt text sent.</summary>
    [JsonPropertyName("prompt")]
    public required string Prompt { get; init; }

    /// <summary>The reply, empty on error.</summary>
    [JsonPropertyName("response")]
    public required string Response { get; init; }

    /// <summary>The target error, or null when a reply arrived.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    /// <summary>Whether the attack succeeded (false on error).</summary>
    [JsonPropertyName("success")]
    public bool Success { get; init; }

    /// <summary>The detectors that fired, with their scores and reasons.</summary>
    [JsonPropertyName("detectors")]
    public IReadOnlyList<DetectorResult> Detectors { get; init; } = [];

    /// <summary>Seconds the call took, retries included.</summary>
    [JsonPropertyName("seconds")]
    public double Seconds { get; init; }
}

/// <summary>How one probe family fared.</summary>
public sealed record LlmFamilyResult
{
    /// <summary>The family id.</summary>
    [JsonPropertyName("family")]
    public required string Family { get; init; }

    /// <summary>The family's title.</summary>
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    /// <summary>OWASP LLM Top 10 2025 ids.</summary>
    [JsonPropertyName("owasp_llm")]
    public required IReadOnlyList<string> OwaspLlm { get; init; }

    /// <summary>MITRE ATLAS ids.</summary>
    [JsonPropertyName("mitre_atlas")]
    public required IReadOnlyList<string> MitreAtlas { get; init; }

    /// <summary>Attempts made.</summary>
    [JsonPropertyName("attempts")]
    public int Attempts { get; init; }

    /// <summary>Attempts that got a reply.</summary>
    [JsonPropertyName("answered")]
    public int Answered { get; init; }

    /// <summary>Attacks that succeeded.</summary>
    [JsonPropertyName("succeeded")]
    public int Succeeded { get; init; }

    /// <summary>Attempts that failed at the target (down, timeout, HTTP error, bad reply).</summary>
    [JsonPropertyName("errors")]
    public int Errors { get; init; }

    /// <summary>Attack success rate: succeeded / answered (0 when nothing was answered).</summary>
    [JsonPropertyName("asr")]
    public double Asr { get; init; }

    /// <summary>Up to three successful attempts, as examples.</summary>
    [JsonPropertyName("examples")]
    public IReadOnlyList<LlmAttempt> Examples { get; init; } = [];
}

/// <summary>The result of <c>gauntlet llm-scan</c>: per-family attack success rates, every attempt, and findings.</summary>
public sealed record LlmScanReport
{
    /// <summary>The report schema version.</summary>
    public const string CurrentSchemaVersion = "1.0";

    /// <summary>The schema version.</summary>
    [JsonPropertyName("schema_version")]
    public string SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>The target's display name.</summary>
    [JsonPropertyName("target")]
    public required string Target { get; init; }

    /// <summary>UTC start time, ISO 8601.</summary>
    [JsonPropertyName("started_at")]
    public required string StartedAt { get; init; }

    /// <summary>Wall time of the scan in seconds.</summary>
    [JsonPropertyName("seconds")]
    public double Seconds { get; init; }

    /// <summary>The seed (probe order and retry jitter).</summary>
    [JsonPropertyName("seed")]
    public int Seed { get; init; }

    /// <summary>The Gauntlet version.</summary>
    [JsonPropertyName("tool_version")]
    public required string ToolVersion { get; init; }

    /// <summary>The response classifier used.</summary>
    [JsonPropertyName("classifier")]
    public required string Classifier { get; init; }

    /// <summary>Attack success rate over every answered attempt.</summary>
    [JsonPropertyName("overall_asr")]
    public double OverallAsr { get; init; }

    /// <summary>Per-family results, in catalogue order.</summary>
    [JsonPropertyName("families")]
    public required IReadOnlyList<LlmFamilyResult> Families { get; init; }

    /// <summary>The findings, most severe first.</summary>
    [JsonPropertyName("findings")]
    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>Every attempt, in probe order.</summary>
    [JsonPropertyName("attempts")]
    public required IReadOnlyList<LlmAttempt> Attempts { get; init; }

    /// <summary>Attempts that failed at the target.</summary>
    [JsonPropertyName("errors")]
    public int Errors => Attempts.Count(a => a.Error is not null);

    /// <summary>Whether any finding is at or above the severity.</summary>
    /// <param name="severity">The threshold.</param>
    /// <returns>True when one is.</returns>
    public bool HasFindingsAtOrAbove(Severity severity) => Findings.Any(f => f.Severity >= severity);
}
