using System.Text.Json;
using Gauntlet.Scanner.Code;

namespace Gauntlet.Scanner;

/// <summary>
/// A baseline of accepted findings (<c>gauntlet scan --baseline FILE</c>, written with
/// <c>--write-baseline FILE</c>): each entry is a rule id, a file (relative path, with the notebook
/// cell for notebooks) and the fingerprint of the finding's normalised source snippet
/// (<see cref="Finding.Fingerprint"/>; for model findings, of the message and location). Line
/// numbers are not part of the key, so adding or removing lines above a finding keeps it matched;
/// a finding whose line changes is new. An entry matches as many findings as it was recorded for.
/// </summary>
public sealed class ScanBaseline
{
    /// <summary>The baseline file format version.</summary>
    public const int Version = 1;

    private readonly Dictionary<(string Rule, string File, string Fingerprint), int> entries;

    private ScanBaseline(Dictionary<(string, string, string), int> entries) => this.entries = entries;

    /// <summary>How many findings the baseline accepts.</summary>
    public int Count => entries.Values.Sum();

    /// <summary>The baseline of every finding in <paramref name="report"/>.</summary>
    public static ScanBaseline FromReport(ScanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var entries = new Dictionary<(string, string, string), int>();
        foreach (var (artifact, finding) in report.Artifacts.SelectMany(a => a.Findings.Select(f => (a, f))))
        {
            var key = Key(artifact, finding);
            entries[key] = entries.GetValueOrDefault(key) + 1;
        }

        return new ScanBaseline(entries);
    }

    /// <summary>Reads a baseline written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">The text is not a baseline of this version.</exception>
    public static ScanBaseline Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != Version
                || !root.TryGetProperty("findings", out var findings) || findings.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"not a gauntlet scan baseline (expected an object with \"version\": {Version} and a \"findings\" list)");
            }

            var entries = new Dictionary<(string, string, string), int>();
            foreach (var item in findings.EnumerateArray())
            {
                var key = (Text(item, "rule"), Text(item, "file"), Text(item, "fingerprint"));
                var count = item.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number ? Math.Max(1, c.GetInt32()) : 1;
                entries[key] = entries.GetValueOrDefault(key) + count;
            }

            return new ScanBaseline(entries);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new FormatException($"not a gauntlet scan baseline: {ex.Message.Split('.')[0]}", ex);
        }
    }

    /// <summary>The baseline as JSON: version, then one entry per (rule, file, fingerprint) with its count, sorted.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", Version);
            json.WriteString("tool", "gauntlet-scan");
            json.WriteStartArray("findings");
            foreach (var ((rule, file, fingerprint), count) in entries.OrderBy(e => e.Key.File, StringComparer.Ordinal).ThenBy(e => e.Key.Rule, StringComparer.Ordinal).ThenBy(e => e.Key.Fingerprint, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("rule", rule);
                json.WriteString("file", file);
                json.WriteString("fingerprint", fingerprint);
                json.WriteNumber("count", count);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>The report without the findings this baseline accepts; <see cref="ScanReport.SuppressedByBaseline"/> counts them.</summary>
    public ScanReport Apply(ScanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var left = new Dictionary<(string, string, string), int>(entries);
        var dropped = 0;
        var artifacts = report.Artifacts.Select(artifact =>
        {
            var kept = artifact.Findings.Where(finding =>
            {
                var key = Key(artifact, finding);
                if (left.GetValueOrDefault(key) > 0 && !ArtifactReport.NotAnalysedRules.Contains(finding.RuleId))
                {
                    left[key]--;
                    dropped++;
                    return false;
                }

                return true;
            }).ToList();
            return kept.Count == artifact.Findings.Count ? artifact
                : new ArtifactReport(artifact.Path, artifact.RelativePath, artifact.Format, artifact.SizeBytes, artifact.Sha256, artifact.Analysed, artifact.Error, kept) { SuppressedInline = artifact.SuppressedInline };
        }).ToList();
        return new ScanReport(report.Root, artifacts, report.StartedAt, report.Duration)
        {
            FilesFilteredOut = report.FilesFilteredOut,
            UnmatchedIncludes = report.UnmatchedIncludes,
            FilesNotSelected = report.FilesNotSelected,
            SuppressedByBaseline = report.SuppressedByBaseline + dropped,
        };
    }

    private static (string, string, string) Key(ArtifactReport artifact, Finding finding)
    {
        var file = finding.Location.StartsWith(artifact.RelativePath, StringComparison.Ordinal) ? finding.Location : artifact.RelativePath + "!" + finding.Location;
        return (finding.RuleId, file, finding.Fingerprint ?? SourceScanner.Hash(SourceScanner.Normalise(finding.Message)));
    }

    private static string Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"a baseline entry has no string \"{name}\"");
}
