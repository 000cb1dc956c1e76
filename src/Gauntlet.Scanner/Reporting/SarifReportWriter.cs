using System.Text.Json.Nodes;
using Gauntlet.Core.Sarif;

namespace Gauntlet.Scanner.Reporting;

/// <summary>Writes a <see cref="ScanReport"/> as SARIF 2.1.0 for code-scanning dashboards, through Core's <see cref="SarifWriter"/>.</summary>
public static class SarifReportWriter
{
    /// <summary>Where the scanner and its rules are documented.</summary>
    public const string InformationUri = "https://github.com/gauntlet/gauntlet/blob/main/docs/scanner.md";

    /// <summary>Serialises <paramref name="report"/> as a SARIF 2.1.0 log with one run.</summary>
    /// <remarks>
    /// Every rule in <see cref="ScanRules.All"/> is listed, with its remediation as help and its CWE
    /// ids as tags. Each artifact is listed with its size and SHA-256; each finding is a result
    /// located at its artifact (and byte offset, where known) with the container chain as the
    /// logical location. Levels: critical and high map to <c>error</c>, medium to <c>warning</c>,
    /// low and info to <c>note</c>; the exact severity is in each result's properties. Files and
    /// entries that were not analysed are results of their own (<c>properties.notAnalysed</c>)
    /// and are listed in the run's <c>properties.notAnalysed</c>, with their count.
    /// </remarks>
    public static string Write(ScanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return SarifWriter.Write(ToSarif(report));
    }

    /// <summary>The SARIF model of <paramref name="report"/>, before it is written.</summary>
    public static SarifLog ToSarif(ScanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var ruleIndex = ScanRules.All.Select((r, i) => (r.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var results = new List<SarifResult>();
        for (var a = 0; a < report.Artifacts.Count; a++)
        {
            var artifact = report.Artifacts[a];
            var uri = SarifSeverity.RelativeUri(artifact.RelativePath);
            results.AddRange(artifact.Findings.Select(finding => new SarifResult
            {
                RuleId = finding.RuleId,
                RuleIndex = ruleIndex[finding.RuleId],
                Level = SarifSeverity.Level(finding.Severity),
                Message = finding.Message,
                // A line is a region of the file itself; in a notebook cell it is not a line of the .ipynb, so only the logical location says where.
                Locations = [new SarifLocation
                {
                    Uri = uri, ArtifactIndex = a, ByteOffset = finding.Offset, LogicalName = finding.Location,
                    StartLine = finding.Location == artifact.RelativePath ? finding.Line : null,
                    StartColumn = finding.Location == artifact.RelativePath ? finding.Column : null,
                }],
                Properties = Properties(finding),
            }));
        }

        return new SarifLog
        {
            Runs =
            [
                new SarifRun
                {
                    Tool = new SarifTool
                    {
                        Name = "gauntlet-scan",
                        SemanticVersion = ScanReport.ToolVersion,
                        InformationUri = InformationUri,
                        Rules = [.. ScanRules.All.Select(Rule)],
                    },
                    Artifacts = [.. report.Artifacts.Select(artifact => new SarifArtifact { Uri = SarifSeverity.RelativeUri(artifact.RelativePath), Length = artifact.SizeBytes, Sha256 = artifact.Sha256 })],
                    Results = results,
                    Properties = new JsonObject
                    {
                        ["notAnalysedCount"] = report.NotAnalysedCount,
                        ["notAnalysed"] = SarifWriter.Strings([.. report.Artifacts.SelectMany(a => a.NotAnalysed).Select(f => f.Location)]),
                    },
                },
            ],
        };
    }

    private static string Tag(string ruleId) => ruleId[..Math.Max(0, ruleId.IndexOf('.', StringComparison.Ordinal))] switch
    {
        "code" => "code",
        "secret" => "secrets",
        "pii" or "data" or "privacy" => "privacy",
        "leakage" => "data-leakage",
        _ => "supply-chain",
    };

    private static JsonObject Properties(Finding finding)
    {
        var properties = new JsonObject { ["severity"] = finding.Severity.ToName() };
        if (ArtifactReport.NotAnalysedRules.Contains(finding.RuleId))
        {
            properties["notAnalysed"] = true;
        }

        if (finding.Line is { } line)
        {
            properties["line"] = line;
        }

        if (finding.Fingerprint is { } fingerprint)
        {
            properties["fingerprint"] = fingerprint;
        }

        // Data findings: the column the row/column location names (SARIF regions have no column names).
        if (finding.Field is { } field)
        {
            properties["column"] = field;
        }

        return properties;
    }

    private static SarifRule Rule(ScanRule rule) => new()
    {
        Id = rule.Id,
        Name = rule.Title,
        ShortDescription = rule.Title,
        FullDescription = rule.Description,
        Help = rule.Remediation,
        Properties = new JsonObject { ["tags"] = SarifWriter.Strings(["security", Tag(rule.Id), .. rule.Cwe]) },
    };
}
