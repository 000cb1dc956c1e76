using System.Text.Json.Nodes;
using System.Xml.Linq;
using Gauntlet.Llm.Practice;
using Gauntlet.Llm.Scanning;
using Gauntlet.Llm.Targets;

namespace Gauntlet.Llm.Tests.Scanning;

public sealed class LlmReportWriterTests
{
    private static async Task<LlmScanReport> Report() =>
        await LlmScanner.RunAsync(new DelegateTarget("practice", PracticeAssistant.Reply), new LlmScanOptions { Families = ["direct-injection", "encoding", "exfiltration"], Seed = 11 });

    [Fact]
    public async Task Json_CarriesSchemaSeedRatesAndOwaspIds()
    {
        var json = JsonNode.Parse(LlmReportWriter.Render(await Report(), "json"))!;
        Assert.Equal("1.0", json["schema_version"]!.GetValue<string>());
        Assert.Equal(11, json["seed"]!.GetValue<int>());
        Assert.Equal(3, json["families"]!.AsArray().Count);
        Assert.Equal(1.0, json["families"]![0]!["asr"]!.GetValue<double>());
        Assert.Contains(json["findings"]!.AsArray(), f => f!["owasp_llm"]!.AsArray().Any(i => i!.GetValue<string>() == "LLM01:2025"));
        Assert.Equal("critical", json["findings"]![0]!["severity"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sarif_HasOneRulePerFinding_WithSecuritySeverity()
    {
        var report = await Report();
        var sarif = JsonNode.Parse(LlmReportWriter.Render(report, "sarif"))!;
        var run = sarif["runs"]![0]!;
        Assert.Equal(report.Findings.Count, run["results"]!.AsArray().Count);
        Assert.Equal("9.5", run["tool"]!["driver"]!["rules"]![0]!["properties"]!["security-severity"]!.GetValue<string>());
    }

    [Fact]
    public async Task JUnit_FailsEverySuccessfulAttack()
    {
        var report = await Report();
        var xml = XDocument.Parse(LlmReportWriter.Render(report, "junit"));
        Assert.Equal(report.Attempts.Count, int.Parse(xml.Root!.Attribute("tests")!.Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(report.Attempts.Count(a => a.Success), xml.Descendants("failure").Count());
    }

    [Fact]
    public async Task HtmlAndMarkdown_ShowTheRateTable()
    {
        var report = await Report();
        Assert.Contains("Attack success rate per probe family", LlmReportWriter.Render(report, "html"), StringComparison.Ordinal);
        var md = LlmReportWriter.Render(report, "md");
        Assert.Contains("| direct-injection | LLM01:2025 |", md, StringComparison.Ordinal);
    }
}
