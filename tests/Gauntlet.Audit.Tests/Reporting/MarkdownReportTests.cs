using System.Globalization;
using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit.Tests.Reporting;

public sealed class MarkdownReportTests
{
    [Fact]
    public void DemoReport_HasTheFourSectionsInOrder_WithScoreAndOneRowPerBudget()
    {
        var report = DemoAudit.Report;
        var md = MarkdownReport.Render(report);

        var sections = new[] { "\n## Challenge\n", "\n## Approach\n", "\n## Result\n", "\n## Key findings\n" }.Select(s => md.IndexOf(s, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, sections);
        Assert.Equal(sections.Order().ToList(), sections);
        Assert.Contains($"**Score {report.Scorecard.OverallScore.ToString("0.#", CultureInfo.InvariantCulture)} / 100, grade {report.Scorecard.Grade}**", md, StringComparison.Ordinal);
        var rows = md.Split('\n').Count(line => report.Threats.Any(t => line.StartsWith("| " + t.Name + " | ", StringComparison.Ordinal)));
        Assert.Equal(report.Threats.Sum(t => t.Points.Count), rows);
        Assert.Contains("seed " + report.Reproducibility.Seed, md, StringComparison.Ordinal);
        Assert.Contains(report.Reproducibility.ModelSha256, md, StringComparison.Ordinal);
    }

    [Fact]
    public void ResultTables_CarryCategoriesAndRobustAccuracy_NotAssessedWithoutANumber()
    {
        var md = MarkdownReport.Render(SampleReports.Small());

        Assert.Contains("| White-box evasion | 35 | 0.5 | linf: mean robust accuracy 45% |\n", md, StringComparison.Ordinal);
        Assert.Contains("| Privacy | not assessed | — | Privacy attacks are not part of this release. |\n", md, StringComparison.Ordinal);
        Assert.Contains("| linf | 0.01 | 60.0% | 80.0% | 90.0% |\n", md, StringComparison.Ordinal);
        Assert.Contains("| linf | 0.03 | 30.0% | 70.0% | 85.0% |\n", md, StringComparison.Ordinal);
    }

    [Fact]
    public void PipesInTableCells_AreEscaped()
    {
        var md = MarkdownReport.Render(SampleReports.Small());

        Assert.Contains("| Supply chain \\| file | not assessed |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyFindings_ListMostSevereFirst_WithSeverity()
    {
        var md = MarkdownReport.Render(SampleReports.Small());

        var high = md.IndexOf("- **HIGH** Possible gradient masking (`GA-MASKING`)", StringComparison.Ordinal);
        var low = md.IndexOf("- **LOW** White-box L∞ evasion at ε = 0.01 (`GA-EVASION-WB-LINF`)", StringComparison.Ordinal);
        Assert.True(high > 0 && low > high, $"high at {high}, low at {low}");
    }

    [Fact]
    public void Approach_ListsAttacksPerCategory_AndFailedChecks()
    {
        var md = MarkdownReport.Render(SampleReports.Small());

        Assert.Contains("- **linf**: noise `gaussian-noise-linf`; black-box `square-linf`; white-box `pgd-linf`\n", md, StringComparison.Ordinal);
        Assert.Contains("2 sanity checks for gradient masking and weak attacks: 1 failed (noise_not_stronger (linf))", md, StringComparison.Ordinal);
    }

    [Fact]
    public void HostileStrings_CannotInjectHtml()
    {
        var md = MarkdownReport.Render(SampleReports.Hostile());

        Assert.DoesNotContain("<script>", md, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", md, StringComparison.Ordinal);
    }

    [Fact]
    public void PartialReport_SaysSoAtTheTop()
    {
        var md = MarkdownReport.Render(SampleReports.Partial());

        Assert.StartsWith("# Security audit: models/net.onnx\n\n> **Partial report** (partial): time budget of 5 s spent during linf ε=0.03\n", md, StringComparison.Ordinal);
        Assert.Contains("\n**Score 42.5 / 100, incomplete (partial: time budget of 5 s spent during linf ε=0.03)** — Covers ", md, StringComparison.Ordinal);
        Assert.DoesNotContain("grade", md, StringComparison.Ordinal);
    }
}
