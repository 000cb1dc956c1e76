using System.Text.Json;
using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit.Tests.Reporting;

public sealed class SarifReportTests
{
    private static List<string> Validate(JsonElement sarif) => new JsonSchemaValidator(RepoPaths.SchemaDirectory).Validate("sarif-schema-2.1.0.json", sarif);

    [Fact]
    public void DemoReport_ValidatesAgainstTheOfficialSchema_WithOneResultPerFinding()
    {
        var report = DemoAudit.Report;
        using var sarif = JsonDocument.Parse(SarifReport.Render(report));

        Assert.Empty(Validate(sarif.RootElement));
        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        Assert.Equal("https://json.schemastore.org/sarif-2.1.0.json", sarif.RootElement.GetProperty("$schema").GetString());
        var run = Assert.Single(sarif.RootElement.GetProperty("runs").EnumerateArray());
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.Equal("Gauntlet", driver.GetProperty("name").GetString());
        Assert.Equal(report.Reproducibility.ToolVersion, driver.GetProperty("version").GetString());
        Assert.Equal(report.Findings.Select(f => f.Id).Distinct().Count(), driver.GetProperty("rules").GetArrayLength());

        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(report.Findings.Count, results.Count);
        Assert.Equal(report.Findings.Select(f => f.Id).Order(StringComparer.Ordinal), results.Select(r => r.GetProperty("ruleId").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.Equal("demo", r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()));
    }

    [Fact]
    public void RulesAndResults_CarrySeverityLevelTagsAndEvidence()
    {
        using var sarif = JsonDocument.Parse(SarifReport.Render(SampleReports.Small()));
        var run = sarif.RootElement.GetProperty("runs")[0];

        Assert.Empty(Validate(sarif.RootElement));
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);
        Assert.Equal("8.0", rules["GA-MASKING"].GetProperty("properties").GetProperty("security-severity").GetString());
        Assert.Equal("3.0", rules["GA-EVASION-WB-LINF"].GetProperty("properties").GetProperty("security-severity").GetString());
        Assert.Equal(["security", "machine-learning", "white_box_evasion", "ML01:2023", "AML.T0043.000"], rules["GA-MASKING"].GetProperty("properties").GetProperty("tags").EnumerateArray().Select(t => t.GetString()!));
        Assert.Equal(AuditRules.GradientMasking.Remediation, rules["GA-MASKING"].GetProperty("help").GetProperty("text").GetString());
        Assert.Equal(AuditRules.WhiteBoxEvasion.Description, rules["GA-EVASION-WB-LINF"].GetProperty("fullDescription").GetProperty("text").GetString());

        var results = run.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("ruleId").GetString()!);
        Assert.Equal("error", results["GA-MASKING"].GetProperty("level").GetString());
        Assert.Equal("note", results["GA-EVASION-WB-LINF"].GetProperty("level").GetString());
        Assert.Equal(0.6, results["GA-MASKING"].GetProperty("properties").GetProperty("evidence").GetProperty("robust_accuracy").GetDouble());
        Assert.Equal("models/net.onnx", results["GA-MASKING"].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
    }

    [Fact]
    public void PartialReport_IsAnUnsuccessfulInvocation_WithTheAuditStartTime()
    {
        using var complete = JsonDocument.Parse(SarifReport.Render(SampleReports.Small()));
        using var partial = JsonDocument.Parse(SarifReport.Render(SampleReports.Partial()));

        Assert.Empty(Validate(partial.RootElement));
        var invocation = Assert.Single(partial.RootElement.GetProperty("runs")[0].GetProperty("invocations").EnumerateArray());
        Assert.False(invocation.GetProperty("executionSuccessful").GetBoolean());
        Assert.Equal("2026-01-02T03:04:05Z", invocation.GetProperty("startTimeUtc").GetString());
        Assert.True(complete.RootElement.GetProperty("runs")[0].GetProperty("invocations")[0].GetProperty("executionSuccessful").GetBoolean());
        Assert.Equal("time budget of 5 s spent during linf ε=0.03", partial.RootElement.GetProperty("runs")[0].GetProperty("properties").GetProperty("partial_reason").GetString());
    }

    [Fact]
    public void RuleDescriptions_AreTheSameInEveryReport_WhateverTheFindingsSay()
    {
        var report = SampleReports.Small();
        var reworded = report with { Findings = [.. report.Findings.Select(f => f with { Title = f.Title + " (other numbers)", Description = "Other numbers.", Remediation = "Other advice." })] };

        static List<string> Rules(AuditReport r)
        {
            using var sarif = JsonDocument.Parse(SarifReport.Render(r));
            return [.. sarif.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(rule => rule.GetRawText())];
        }

        Assert.Equal(Rules(report), Rules(reworded));
    }

    [Fact]
    public void UnknownFindingIds_FallBackToTheFindingsOwnText()
    {
        var report = SampleReports.Small();
        var renamed = report with { Findings = [.. report.Findings.Select(f => f with { Id = "GA-FUTURE-" + f.Id })] };
        using var sarif = JsonDocument.Parse(SarifReport.Render(renamed));
        var rule = sarif.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules")[0];
        var finding = renamed.Findings.Single(f => f.Id == rule.GetProperty("id").GetString());

        Assert.Equal(finding.Title, rule.GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.Equal(finding.Remediation, rule.GetProperty("help").GetProperty("text").GetString());
    }

    [Theory]
    [InlineData(Severity.Critical, "error")]
    [InlineData(Severity.High, "error")]
    [InlineData(Severity.Medium, "warning")]
    [InlineData(Severity.Low, "note")]
    [InlineData(Severity.Info, "note")]
    public void Level_MapsSeverity(Severity severity, string level) => Assert.Equal(level, SarifReport.Level(severity));

    [Theory]
    [InlineData("demo", "demo")]
    [InlineData("models/net.onnx", "models/net.onnx")]
    [InlineData("./models/my net.onnx", "models/my%20net.onnx")]
    [InlineData("/home/user/models/net.onnx", "net.onnx")]
    [InlineData("C:\\models\\net.onnx", "net.onnx")]
    [InlineData("models/<evil>&co.onnx", "models/%3Cevil%3E%26co.onnx")]
    public void ArtifactUri_IsARelativeUriReference(string path, string uri)
    {
        Assert.Equal(uri, SarifReport.ArtifactUri(path));
        Assert.False(new Uri(uri, UriKind.RelativeOrAbsolute).IsAbsoluteUri);
    }

    [Fact]
    public void HostileStrings_SurviveAsData_AndStillValidate()
    {
        using var sarif = JsonDocument.Parse(SarifReport.Render(SampleReports.Hostile()));

        Assert.Empty(Validate(sarif.RootElement));
        var result = sarif.RootElement.GetProperty("runs")[0].GetProperty("results")[0];
        Assert.Equal(SampleReports.HostileClass, result.GetProperty("properties").GetProperty("affected_classes")[0].GetString());
    }
}
