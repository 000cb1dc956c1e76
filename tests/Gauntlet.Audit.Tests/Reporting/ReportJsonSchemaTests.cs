using System.Text.Json;
using System.Text.Json.Nodes;
using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit.Tests.Reporting;

public sealed class ReportJsonSchemaTests
{
    private static List<string> Validate(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new JsonSchemaValidator(Path.Combine(RepoPaths.Root, "docs")).Validate("security_audit_report.schema.json", document.RootElement);
    }

    [Fact]
    public void DemoReport_ValidatesAgainstTheDocumentedSchema()
    {
        Assert.Empty(Validate(ReportJson.Serialize(DemoAudit.Report)));
    }

    [Fact]
    public void HandBuiltReports_Validate_PartialNotAssessedGatesThresholds()
    {
        Assert.Empty(Validate(ReportJson.Serialize(SampleReports.Partial())));
        Assert.Empty(Validate(ReportJson.Serialize(SampleReports.WithFailingThreshold())));
        Assert.Empty(Validate(ReportJson.Serialize(SampleReports.Hostile())));
    }

    [Fact]
    public void Schema_RejectsUnknownKeysBadEnumsAndMissingFields()
    {
        var json = JsonNode.Parse(ReportJson.Serialize(SampleReports.Small()))!;
        json["status"] = "done";
        json["scorecard"]!["categories"]![0]!["surprise"] = 1;
        json["findings"]![0]!["severity"] = "severe";
        json["reproducibility"]!.AsObject().Remove("seed");

        var errors = Validate(json.ToJsonString());

        Assert.Contains(errors, e => e.StartsWith("$.status:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("$.scorecard.categories[0].surprise:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("$.findings[0].severity:", StringComparison.Ordinal));
        Assert.Contains("$.reproducibility: missing required 'seed'", errors);
    }

    [Fact]
    public void Schema_RequiresAScoreExactlyWhenACategoryIsAssessed()
    {
        var json = JsonNode.Parse(ReportJson.Serialize(SampleReports.Small()))!;
        json["scorecard"]!["categories"]![2]!["score"] = 50;
        json["scorecard"]!["categories"]![0]!["score"] = null;

        var errors = Validate(json.ToJsonString());

        Assert.Contains(errors, e => e.StartsWith("$.scorecard.categories[2].score:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("$.scorecard.categories[0].score:", StringComparison.Ordinal));
    }

    [Fact]
    public void DemoReport_RoundTripsThroughJson_ByteForByte()
    {
        var json = ReportJson.Serialize(DemoAudit.Report);

        Assert.Equal(json, ReportJson.Serialize(ReportJson.Deserialize(json, "round trip")));
    }

    [Fact]
    public void HandBuiltReport_RoundTripsThroughJson_AndRendersTheSameHtml()
    {
        var report = SampleReports.WithFailingThreshold();
        var back = ReportJson.Deserialize(ReportJson.Serialize(report), "round trip");

        Assert.Equal(ReportJson.Serialize(report), ReportJson.Serialize(back));
        Assert.Equal(HtmlReport.Render(report), HtmlReport.Render(back));
        Assert.Equal(JUnitReport.Render(report), JUnitReport.Render(back));
    }

    [Fact]
    public void Severity_IsWrittenAsItsLowerCaseName_AndReadBack()
    {
        var report = SampleReports.Small();
        var json = ReportJson.Serialize(report);
        var severities = JsonNode.Parse(json)!["findings"]!.AsArray().Select(f => (string?)f!["severity"]).ToList();

        Assert.Equal(report.Findings.Select(f => f.Severity.ToName()), severities);
        Assert.Contains("\"severity\": \"high\"", json, StringComparison.Ordinal);
        Assert.Equal(report.Findings.Select(f => f.Severity), ReportJson.Deserialize(json, "t").Findings.Select(f => f.Severity));
        Assert.Contains("severe", Assert.Throws<InvalidDataException>(() => ReportJson.Deserialize(json.Replace("\"high\"", "\"severe\"", StringComparison.Ordinal), "t")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditFinding_ConvertsToACoreFinding_KeepingEveryCommonField()
    {
        var finding = SampleReports.Small().Findings.Single(f => f.Id == "GA-MASKING");

        var core = finding.ToFinding("models/net.onnx");

        Assert.Equal("GA-MASKING", core.RuleId);
        Assert.Equal(finding.Title, core.Title);
        Assert.Equal(Severity.High, core.Severity);
        Assert.Equal(finding.Category, core.Category);
        Assert.Equal(finding.Description, core.Description);
        Assert.Equal(new FindingLocation("models/net.onnx"), core.Location);
        Assert.Equal(finding.Evidence, core.Evidence);
        Assert.Equal(finding.Remediation, core.Remediation);
        Assert.Equal(finding.OwaspMl, core.OwaspMl);
        Assert.Equal(finding.MitreAtlas, core.MitreAtlas);
        Assert.Empty(core.Cwe);
    }
}
