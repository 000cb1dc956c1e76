using System.Text.Json.Nodes;

namespace Gauntlet.Core.Sarif;

/// <summary>A SARIF 2.1.0 log: what <see cref="SarifWriter"/> writes. Only the parts Gauntlet uses are modelled.</summary>
public sealed record SarifLog
{
    /// <summary>The runs; Gauntlet writes one per analysis.</summary>
    public required IReadOnlyList<SarifRun> Runs { get; init; }
}

/// <summary>One run of one tool.</summary>
public sealed record SarifRun
{
    /// <summary>The tool and its rules.</summary>
    public required SarifTool Tool { get; init; }

    /// <summary>How the tool ran; written only when non-empty.</summary>
    public IReadOnlyList<SarifInvocation> Invocations { get; init; } = [];

    /// <summary>The files analysed; written only when non-empty. <see cref="SarifLocation.ArtifactIndex"/> points here.</summary>
    public IReadOnlyList<SarifArtifact> Artifacts { get; init; } = [];

    /// <summary>The results, always written (an empty array means the tool ran and found nothing).</summary>
    public IReadOnlyList<SarifResult> Results { get; init; } = [];

    /// <summary>Run-level properties, or null for none.</summary>
    public JsonObject? Properties { get; init; }
}

/// <summary><c>tool.driver</c>: the analysis tool.</summary>
public sealed record SarifTool
{
    /// <summary>The tool's name.</summary>
    public required string Name { get; init; }

    /// <summary>Free-form version, or null.</summary>
    public string? Version { get; init; }

    /// <summary>Semantic version, or null.</summary>
    public string? SemanticVersion { get; init; }

    /// <summary>Where the tool is documented, or null.</summary>
    public string? InformationUri { get; init; }

    /// <summary>The rules results refer to, by index (<see cref="SarifResult.RuleIndex"/>). Ids must be unique.</summary>
    public IReadOnlyList<SarifRule> Rules { get; init; } = [];
}

/// <summary>A <c>reportingDescriptor</c>: one rule a tool can report.</summary>
public sealed record SarifRule
{
    /// <summary>The stable rule id.</summary>
    public required string Id { get; init; }

    /// <summary>A short identifier-like name, or null.</summary>
    public string? Name { get; init; }

    /// <summary>One line about the rule, or null.</summary>
    public string? ShortDescription { get; init; }

    /// <summary>What the rule detects and why it matters, or null.</summary>
    public string? FullDescription { get; init; }

    /// <summary>What to do about a result, or null.</summary>
    public string? Help { get; init; }

    /// <summary>The level results have when they give none, or null to leave SARIF's default.</summary>
    public SarifLevel? DefaultLevel { get; init; }

    /// <summary>Rule properties (tags, <c>security-severity</c>…), or null for none.</summary>
    public JsonObject? Properties { get; init; }
}

/// <summary>A result's level.</summary>
public enum SarifLevel
{
    /// <summary><c>none</c>: nothing to fix.</summary>
    None,

    /// <summary><c>note</c>: worth knowing.</summary>
    Note,

    /// <summary><c>warning</c>: a problem.</summary>
    Warning,

    /// <summary><c>error</c>: a serious problem.</summary>
    Error,
}

/// <summary>One result: a rule violated at some locations.</summary>
public sealed record SarifResult
{
    /// <summary>The rule's id.</summary>
    public required string RuleId { get; init; }

    /// <summary>Index of the rule in <see cref="SarifTool.Rules"/>, or null.</summary>
    public int? RuleIndex { get; init; }

    /// <summary>The level.</summary>
    public required SarifLevel Level { get; init; }

    /// <summary>The message text.</summary>
    public required string Message { get; init; }

    /// <summary>Where; may be empty.</summary>
    public IReadOnlyList<SarifLocation> Locations { get; init; } = [];

    /// <summary>Result properties, or null for none.</summary>
    public JsonObject? Properties { get; init; }
}

/// <summary>A location: an artifact, optionally a byte offset in it and a logical location inside it.</summary>
public sealed record SarifLocation
{
    /// <summary>The artifact as a relative URI reference (already escaped).</summary>
    public required string Uri { get; init; }

    /// <summary>Index of the artifact in <see cref="SarifRun.Artifacts"/>, or null.</summary>
    public int? ArtifactIndex { get; init; }

    /// <summary>Byte offset of the region, or null for the whole artifact.</summary>
    public long? ByteOffset { get; init; }

    /// <summary>Fully qualified logical location (e.g. <c>model.zip!data.pkl</c>), or null.</summary>
    public string? LogicalName { get; init; }

    /// <summary>1-based start line of the region (a source line, or a data file's row), or null.</summary>
    public int? StartLine { get; init; }
}

/// <summary>An analysed file.</summary>
public sealed record SarifArtifact
{
    /// <summary>The file as a relative URI reference (already escaped).</summary>
    public required string Uri { get; init; }

    /// <summary>Its length in bytes, or null.</summary>
    public long? Length { get; init; }

    /// <summary>Lower-case hex SHA-256 of its bytes, or null.</summary>
    public string? Sha256 { get; init; }
}

/// <summary>How the tool ran.</summary>
public sealed record SarifInvocation
{
    /// <summary>False when the run did not complete (cancelled, out of time).</summary>
    public required bool ExecutionSuccessful { get; init; }

    /// <summary>UTC start time in ISO 8601, or null.</summary>
    public string? StartTimeUtc { get; init; }
}
