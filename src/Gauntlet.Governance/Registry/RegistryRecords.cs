using System.Text.Json.Nodes;

namespace Gauntlet.Governance.Registry;

/// <summary>A model version as the registry holds it.</summary>
/// <param name="Id">The database id.</param>
/// <param name="Model">The model's name.</param>
/// <param name="Version">The version number (1, 2, … per model).</param>
/// <param name="Format">The artifact's format.</param>
/// <param name="Framework">The framework that produced it.</param>
/// <param name="SizeBytes">Total bytes.</param>
/// <param name="Sha256">Content hash of the artifact.</param>
/// <param name="SourcePath">Where it was registered from.</param>
/// <param name="Signature">Inputs and outputs.</param>
/// <param name="Lineage">Data hashes, parent, training config and log, DP ε.</param>
/// <param name="CreatedAt">When it was registered (UTC, ISO 8601).</param>
/// <param name="Files">Every file with its hash.</param>
/// <param name="Aliases">Aliases pointing at this version.</param>
/// <param name="Tags">Key/value tags.</param>
/// <param name="Results">Attached reports, oldest first.</param>
public sealed record RegisteredVersion(
    long Id, string Model, long Version, string Format, string Framework, long SizeBytes, string Sha256, string SourcePath,
    JsonObject Signature, JsonObject Lineage, string CreatedAt, IReadOnlyList<ArtifactFile> Files, IReadOnlyList<string> Aliases,
    IReadOnlyDictionary<string, string> Tags, IReadOnlyList<AttachedResult> Results)
{
    /// <summary>NAME@VERSION.</summary>
    public string Reference => $"{Model}@{Version}";
}

/// <summary>A Gauntlet report attached to a version.</summary>
/// <param name="Id">The database id.</param>
/// <param name="Kind">scan, audit, defense, backdoor, privacy, llm (or another word).</param>
/// <param name="Score">The report's headline score, when it has one.</param>
/// <param name="ReportSha256">SHA-256 of the report file's bytes.</param>
/// <param name="Report">The report itself.</param>
/// <param name="SourcePath">The file it was attached from.</param>
/// <param name="CreatedAt">When it was attached.</param>
public sealed record AttachedResult(long Id, string Kind, double? Score, string ReportSha256, JsonNode Report, string SourcePath, string CreatedAt);

/// <summary>A model with its latest version and aliases.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Description">What the user said it is.</param>
/// <param name="LatestVersion">The highest version number (0 when none).</param>
/// <param name="Versions">How many versions.</param>
/// <param name="Aliases">alias → version.</param>
public sealed record ModelSummary(string Name, string? Description, long LatestVersion, long Versions, IReadOnlyDictionary<string, long> Aliases);

/// <summary>A registry event, also appended to the tamper-evident log.</summary>
/// <param name="Id">The database id.</param>
/// <param name="Kind">version.registered, alias.set, tag.set, result.attached.</param>
/// <param name="Subject">NAME@VERSION it is about.</param>
/// <param name="Payload">The event's details.</param>
/// <param name="LogIndex">Its entry in the log, once appended.</param>
/// <param name="CreatedAt">When it happened.</param>
public sealed record RegistryEvent(long Id, string Kind, string Subject, JsonObject Payload, long? LogIndex, string CreatedAt);

/// <summary>What to register.</summary>
public sealed record RegisterRequest
{
    /// <summary>The model's name (created on first registration).</summary>
    public required string Name { get; init; }

    /// <summary>The artifact: a model file or a folder.</summary>
    public required string ArtifactPath { get; init; }

    /// <summary>The framework, when the artifact does not say.</summary>
    public string? Framework { get; init; }

    /// <summary>A description of the model (kept on the model, first registration or when given).</summary>
    public string? Description { get; init; }

    /// <summary>Training data files, hashed into the lineage.</summary>
    public IReadOnlyList<string> DataFiles { get; init; } = [];

    /// <summary>The parent version (NAME@VERSION) this one was derived from.</summary>
    public string? Parent { get; init; }

    /// <summary>The training configuration file (hashed; text kept when small).</summary>
    public string? TrainingConfig { get; init; }

    /// <summary>The training log file (hashed; text kept when small).</summary>
    public string? TrainingLog { get; init; }

    /// <summary>The differential-privacy ε when trained with DP.</summary>
    public double? DpEpsilon { get; init; }
}
