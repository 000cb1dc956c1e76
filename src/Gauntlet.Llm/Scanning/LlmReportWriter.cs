using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using Gauntlet.Core;
using Gauntlet.Core.IO;
using Gauntlet.Core.Sarif;
using Gauntlet.Core.Text;
using Gauntlet.Reporting;

namespace Gauntlet.Llm.Scanning;

/// <summary>
/// The five report formats of an LLM scan, as the audit writes them: <c>llm_scan_report.json</c>,
/// <c>report.html</c>, <c>summary.md</c> (Reporting's writers), <c>report.sarif</c> (Core's
/// <see cref="SarifWriter"/>) and <c>junit.xml</c> (one suite per family, one case per probe, failing
/// when the attack succeeded, erroring when the target failed).
/// </summary>
public static class LlmReportWriter
{
    /// <summary>The format names, in the order they are written.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["json", "html", "md", "sarif", "junit"];

    /// <summary>Where the findings' rules are documented.</summary>
    public const string InformationUri = "https://github.com/gauntlet/gauntlet/blob/main/docs/llm.md";

    // Snake case for the members that name none (Core.Finding's): rule_id, owasp_llm, mitre_atlas…
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The file name of a format.</summary>
    /// <param name="format">One of <see cref="Formats"/>.</param>
    /// <returns>The file name.</returns>
    /// <exception cref="ArgumentException">Unknown format.</exception>
    public static string FileName(string format) => format switch
    {
        "json" => "llm_scan_report.json",
        "html" => "report.html",
        "md" => "summary.md",
        "sarif" => "report.sarif",
        "junit" => "junit.xml",
        _ => throw new ArgumentException($"unknown report format '{format}'; valid formats: {string.Join(", ", Formats)}", nameof(format)),
    };

    /// <summary>Renders one format.</summary>
    /// <param name="report">The report.</param>
    /// <param name="format">One of <see cref="Formats"/>.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentException">Unknown format.</exception>
    public static string Render(LlmScanReport report, string format)
    {
        ArgumentNullException.ThrowIfNull(report);
        return format switch
        {
            "json" => JsonSerializer.Serialize(report, Json) + "\n",
            "html" => HtmlWriter.Render(Document(report)),
            "md" => MarkdownWriter.Render(Document(report)),
            "sarif" => SarifWriter.Write(Sarif(report)),
            "junit" => JUnit(report),
            _ => throw new ArgumentException($"unknown report format '{format}'; valid formats: {string.Join(", ", Formats)}", nameof(format)),
        };
    }

    /// <summary>Stages every format into <paramref name="directory"/> in <paramref name="transaction"/> (all files are committed together).</summary>
    /// <param name="report">The report.</param>
    /// <param name="directory">The output folder.</param>
    /// <param name="transaction">The transaction.</param>
    /// <returns>The paths staged.</returns>
    public static IReadOnlyList<string> Stage(LlmScanReport report, string directory, OutputTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(transaction);
        var paths = new List<string>();
        foreach (var format in Formats)
        {
            var path = Path.GetFullPath(Path.Combine(directory, FileName(format)));
            transaction.WriteAllText(path, Render(report, format));
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>The report as a format-independent document (HTML and Markdown).</summary>
    /// <param name="report">The report.</param>
    /// <returns>The document.</returns>
    public static ReportDocument Document(LlmScanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var breakdown = new DataTable
        {
            Caption = "Attack success rate per probe family",
            Columns = [new("Family"), new("OWASP LLM"), new("MITRE ATLAS"), new("Answered", ColumnAlign.Right), new("Succeeded", ColumnAlign.Right), new("Errors", ColumnAlign.Right), new("ASR", ColumnAlign.Right)],
            Rows = [.. report.Families.Select(f => (IReadOnlyList<TableCell>)[
                f.Family, string.Join(", ", f.OwaspLlm), string.Join(", ", f.MitreAtlas), ReportFormat.Integer(f.Answered), ReportFormat.Integer(f.Succeeded), ReportFormat.Integer(f.Errors),
                new TableCell(Inline.Text(ReportFormat.Percent(f.Asr))) { Tone = f.Succeeded > 0 ? CellTone.Fail : CellTone.Pass, Bar = f.Asr }])],
        };
        var examples = report.Families.Where(f => f.Examples.Count > 0).Select(f => new Section
        {
            Heading = f.Title,
            Id = "family-" + f.Family,
            Blocks = [.. f.Examples.Select(e => (Block)new FoldableBlock { Summary = e.Probe, Text = $"PROMPT:\n{e.Prompt}\n\nRESPONSE:\n{e.Response}" })],
        }).ToList();
        return new ReportDocument
        {
            Title = "Gauntlet LLM scan",
            Subtitle = [Inline.Code(report.Target), Inline.Text($" · {report.StartedAt} · seed {report.Seed}")],
            Lead =
            [
                new Verdict
                {
                    Score = Math.Round(100 * (1 - report.OverallAsr), 1),
                    ScoreLabel = "attacks resisted (%)",
                    Status = report.Errors == 0 ? VerdictStatus.Complete : report.Errors < report.Attempts.Count ? VerdictStatus.Partial : VerdictStatus.Incomplete,
                    StatusReason = report.Errors == 0 ? null : $"{report.Errors} requests failed at the target",
                    Summary = [Inline.Text($"{report.Attempts.Count(a => a.Success)} of {report.Attempts.Count(a => a.Error is null)} attacks succeeded (overall ASR {ReportFormat.Percent(report.OverallAsr)}); {report.Findings.Count} findings.")],
                    Breakdown = breakdown,
                },
            ],
            Sections =
            [
                new Section
                {
                    Heading = "Findings",
                    Id = "findings",
                    Blocks = [new FindingList { Findings = [.. report.Findings.Select(ToReport)] }],
                },
                new Section { Heading = "Examples of successful attacks", Id = "examples", Blocks = examples.Count == 0 ? [new Paragraph(Inline.Text("No attack succeeded."))] : [], Subsections = examples },
            ],
            Footer = [new Paragraph(Inline.Text($"Gauntlet {report.ToolVersion} · classifier {report.Classifier} · {ReportFormat.Number(report.Seconds, 1)} s")) { Muted = true }],
        };
    }

    private static ReportFinding ToReport(Finding f) => new()
    {
        Severity = f.Severity.ToName(),
        Id = f.RuleId,
        Title = f.Title,
        Description = [Inline.Text(f.Description)],
        Evidence = [.. f.Evidence.Select(e => new LabeledText(e.Key, ReportFormat.Number(e.Value, 4)))],
        Remediation = Inline.WithCodeSpans(f.Remediation),
        References = [new ReferenceIds("OWASP LLM", f.OwaspLlm), new ReferenceIds("MITRE ATLAS", f.MitreAtlas)],
    };

    /// <summary>The SARIF model: one rule per finding id, one result per finding, located at the probe.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The log.</returns>
    public static SarifLog Sarif(LlmScanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rules = report.Findings.Select(f => new SarifRule
        {
            Id = f.RuleId,
            Name = f.Category,
            ShortDescription = f.Title,
            Help = f.Remediation,
            DefaultLevel = SarifSeverity.Level(f.Severity),
            Properties = new JsonObject
            {
                ["tags"] = SarifWriter.Strings(["security", .. f.OwaspLlm, .. f.MitreAtlas]),
                ["security-severity"] = SarifSeverity.SecuritySeverity(f.Severity),
            },
        }).ToList();
        var results = report.Findings.Select((f, i) => new SarifResult
        {
            RuleId = f.RuleId,
            RuleIndex = i,
            Level = SarifSeverity.Level(f.Severity),
            Message = f.Title + ". " + f.Description,
            Locations = f.Location is { } l ? [new SarifLocation { Uri = "llm-probe:" + SarifSeverity.RelativeUri(l.Path) }] : [],
            Properties = new JsonObject { ["evidence"] = new JsonObject([.. f.Evidence.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)SarifWriter.Number(e.Value)))]) },
        }).ToList();
        return new SarifLog
        {
            Runs =
            [
                new SarifRun
                {
                    Tool = new SarifTool { Name = "Gauntlet", Version = report.ToolVersion, InformationUri = InformationUri, Rules = rules },
                    Invocations = [new SarifInvocation { ExecutionSuccessful = report.Errors < report.Attempts.Count, StartTimeUtc = report.StartedAt }],
                    Results = results,
                    Properties = new JsonObject { ["target"] = report.Target, ["seed"] = report.Seed, ["overall_asr"] = SarifWriter.Number(report.OverallAsr) },
                },
            ],
        };
    }

    /// <summary>JUnit XML: a suite per family, a case per probe; a successful attack is a failure, a target error an error.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The XML.</returns>
    public static string JUnit(LlmScanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var root = new XElement("testsuites",
            new XAttribute("name", XmlSafeText.Clean("gauntlet llm-scan " + report.Target)),
            new XAttribute("tests", report.Attempts.Count),
            new XAttribute("failures", report.Attempts.Count(a => a.Success)),
            new XAttribute("errors", report.Errors),
            new XAttribute("time", Seconds(report.Seconds)));
        var id = 0;
        foreach (var family in report.Families)
        {
            var cases = report.Attempts.Where(a => a.Family == family.Family).ToList();
            var suite = new XElement("testsuite",
                new XAttribute("name", family.Family),
                new XAttribute("id", id++),
                new XAttribute("tests", cases.Count),
                new XAttribute("failures", family.Succeeded),
                new XAttribute("errors", family.Errors),
                new XAttribute("skipped", 0),
                new XAttribute("time", Seconds(cases.Sum(c => c.Seconds))),
                new XAttribute("timestamp", report.StartedAt),
                new XElement("properties",
                    new XElement("property", new XAttribute("name", "seed"), new XAttribute("value", report.Seed.ToString(CultureInfo.InvariantCulture))),
                    new XElement("property", new XAttribute("name", "asr"), new XAttribute("value", ReportFormat.Number(family.Asr, 4))),
                    new XElement("property", new XAttribute("name", "owasp_llm"), new XAttribute("value", string.Join(",", family.OwaspLlm))),
                    new XElement("property", new XAttribute("name", "mitre_atlas"), new XAttribute("value", string.Join(",", family.MitreAtlas)))));
            foreach (var c in cases)
            {
                var element = new XElement("testcase", new XAttribute("name", c.Probe), new XAttribute("classname", "gauntlet.llm." + c.Family), new XAttribute("time", Seconds(c.Seconds)));
                if (c.Error is not null)
                {
                    element.Add(new XElement("error", new XAttribute("message", XmlSafeText.Clean(c.Error)), new XAttribute("type", "target")));
                }
                else if (c.Success)
                {
                    var message = "attack succeeded: " + string.Join("; ", c.Detectors.SelectMany(d => d.Reasons).Take(3));
                    element.Add(new XElement("failure", new XAttribute("message", XmlSafeText.Clean(message)), new XAttribute("type", "attack"), XmlSafeText.Clean(c.Response)));
                }

                suite.Add(element);
            }

            root.Add(suite);
        }

        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, settings))
        {
            new XDocument(new XDeclaration("1.0", "UTF-8", null), root).Save(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static string Seconds(double seconds) => ReportFormat.Number(seconds, 3);
}
