using System.Text.Json;
using Gauntlet.Scanner.Reporting;

namespace Gauntlet.Scanner.Tests;

public sealed class CoreFindingTests
{
    [Fact]
    public void ToCoreFinding_TakesTitleRemediationAndCweFromTheRule()
    {
        var finding = new Finding("pickle.dangerous-callable", Severity.Critical, "calls os.system", "models/a.pt!archive/data.pkl", 17);

        var core = finding.ToCoreFinding("models/a.pt");

        Assert.Equal("pickle.dangerous-callable", core.RuleId);
        Assert.Equal("Dangerous callable in pickle", core.Title);
        Assert.Equal(Severity.Critical, core.Severity);
        Assert.Equal("supply_chain", core.Category);
        Assert.Equal("calls os.system", core.Description);
        Assert.Equal(new FindingLocation("models/a.pt", "models/a.pt!archive/data.pkl", 17), core.Location);
        Assert.StartsWith("Do not load the file.", core.Remediation, StringComparison.Ordinal);
        Assert.Equal(["CWE-502", "CWE-94"], core.Cwe);
        Assert.Equal(["ML06:2023"], core.OwaspMl);
        Assert.Equal(["AML.T0010.003", "AML.T0011.000"], core.MitreAtlas);
        Assert.Empty(core.OwaspLlm);
        Assert.Empty(core.Evidence);
    }

    [Fact]
    public void ToCoreFinding_ThrowsForAnUnknownRule() =>
        Assert.Throws<KeyNotFoundException>(() => new Finding("no.such-rule", Severity.Low, "m", "x").ToCoreFinding("x"));

    [Fact]
    public void EveryRule_HasARemediation_AndWellFormedCweIds()
    {
        Assert.All(ScanRules.All, rule =>
        {
            Assert.False(string.IsNullOrWhiteSpace(rule.Remediation), rule.Id);
            Assert.All(rule.Cwe, cwe => Assert.Matches("^CWE-[0-9]+$", cwe));
        });
        Assert.Equal(ScanRules.All.Count, ScanRules.All.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Sarif_RulesCarryRemediationAsHelp_AndCweTags()
    {
        using var document = JsonDocument.Parse(SarifReportWriter.Write(new ScanReport("empty", [], DateTimeOffset.UnixEpoch, TimeSpan.Zero)));
        var rules = document.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules");
        var rule = rules.EnumerateArray().Single(r => r.GetProperty("id").GetString() == "archive.path-traversal");

        Assert.Equal(ScanRules.Get("archive.path-traversal").Remediation, rule.GetProperty("help").GetProperty("text").GetString());
        Assert.Equal(["security", "supply-chain", "CWE-22"], rule.GetProperty("properties").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Empty(new JsonSchemaValidator(Fixtures.SchemaDirectory).Validate("sarif-schema-2.1.0.json", document.RootElement));
    }
}
