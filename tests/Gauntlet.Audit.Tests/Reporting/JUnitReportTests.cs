using System.Xml.Linq;
using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit.Tests.Reporting;

public sealed class JUnitReportTests
{
    private static int Int(XElement element, string attribute) => int.Parse(element.Attribute(attribute)!.Value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void DemoReport_IsWellFormed_WithOneCasePerAttackGateAndCheck_AndConsistentCounts()
    {
        var report = DemoAudit.Report;
        var xml = XDocument.Parse(JUnitReport.Render(report));
        var root = xml.Root!;

        Assert.Equal("testsuites", root.Name.LocalName);
        Assert.Equal(report.Threats.Select(t => t.Name).Concat(["gates", "checks"]), root.Elements("testsuite").Select(s => s.Attribute("name")!.Value));
        var attacks = report.Threats.Sum(t => t.Points.Sum(p => p.Attacks.Count));
        Assert.Equal(attacks + report.Gates.Count + report.Checks.Count, Int(root, "tests"));
        Assert.Equal(report.Checks.Count(c => !c.Passed) + report.Gates.Count(g => !g.Passed), Int(root, "failures"));
        Assert.Equal(root.Descendants("failure").Count(), Int(root, "failures"));
        foreach (var suite in root.Elements("testsuite"))
        {
            Assert.Equal(suite.Elements("testcase").Count(), Int(suite, "tests"));
            Assert.Equal(suite.Elements("testcase").Count(c => c.Element("failure") is not null), Int(suite, "failures"));
            Assert.Equal(report.Reproducibility.ModelSha256, suite.Element("properties")!.Elements("property").Single(p => p.Attribute("name")!.Value == "model_sha256").Attribute("value")!.Value);
        }

        var first = report.Threats[0];
        var firstCase = root.Elements("testsuite").First().Elements("testcase").First();
        Assert.Equal($"{first.Name} ε={ReportText(first.Points[0].Epsilon)} {first.Points[0].Attacks[0].Attack}", firstCase.Attribute("name")!.Value);
        Assert.Equal("gauntlet.audit." + first.Name, firstCase.Attribute("classname")!.Value);
    }

    private static string ReportText(float epsilon) => epsilon.ToString("0.#####", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void ThresholdBelowWhiteBoxAccuracy_FailsTheWhiteBoxCasesAtThatBudgetOnly()
    {
        var xml = XDocument.Parse(JUnitReport.Render(SampleReports.WithFailingThreshold()));
        var root = xml.Root!;

        // pgd-linf at 0.03 (white-box 30% < 50%), gates overall_score and linf@0.03, check noise_not_stronger.
        Assert.Equal(4, Int(root, "failures"));
        Assert.Equal(6 + 3 + 2, Int(root, "tests"));
        var linf = root.Elements("testsuite").Single(s => s.Attribute("name")!.Value == "linf");
        var failed = linf.Elements("testcase").Where(c => c.Element("failure") is not null).ToList();
        var only = Assert.Single(failed);
        Assert.Equal("linf ε=0.03 pgd-linf", only.Attribute("name")!.Value);
        Assert.Equal("0.75", only.Attribute("time")!.Value);
        var failure = only.Element("failure")!;
        Assert.Equal("robustness", failure.Attribute("type")!.Value);
        Assert.Equal("white-box robust accuracy 30.0% is below the minimum 50.0% for linf at ε = 0.03", failure.Attribute("message")!.Value);
        Assert.Equal("5", linf.Attribute("time")!.Value);

        var gates = root.Elements("testsuite").Single(s => s.Attribute("name")!.Value == "gates");
        Assert.Equal(["gate overall_score", "gate linf@0.03 robust_accuracy"], gates.Elements("testcase").Where(c => c.Element("failure") is not null).Select(c => c.Attribute("name")!.Value));
        var checks = root.Elements("testsuite").Single(s => s.Attribute("name")!.Value == "checks");
        Assert.Equal("check noise_not_stronger (linf)", checks.Elements("testcase").Single(c => c.Element("failure") is not null).Attribute("name")!.Value);
    }

    [Fact]
    public void WithoutThresholds_NoAttackCaseFails()
    {
        var root = XDocument.Parse(JUnitReport.Render(SampleReports.Small())).Root!;

        Assert.Equal(1, Int(root, "failures"));
        Assert.Equal("7", root.Element("testsuite")!.Element("properties")!.Elements("property").Single(p => p.Attribute("name")!.Value == "seed").Attribute("value")!.Value);
    }

    [Fact]
    public void HostileStrings_AreEscaped_AndTheDocumentStaysWellFormed()
    {
        var report = SampleReports.Hostile() with { Checks = [new CheckResult { Id = "x", Name = "n", Passed = false, Detail = "<b>&\u0001\"]]>" }] };
        var text = JUnitReport.Render(report);
        var root = XDocument.Parse(text).Root!;

        Assert.Equal("gauntlet audit models/<evil>&co.onnx", root.Attribute("name")!.Value);
        Assert.Equal("n: <b>&\uFFFD\"]]>", root.Descendants("failure").Single().Attribute("message")!.Value);
    }
}
