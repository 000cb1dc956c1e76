using System.Globalization;
using System.Text.RegularExpressions;
using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit.Tests.Reporting;

public sealed partial class HtmlReportTests
{
    [GeneratedRegex("""(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:|//|file:)""", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteReference();

    [Fact]
    public void DemoReport_PutsScorecardWithOverallScoreFirst_ThenFindingsChartsClassesChecksExamplesReproducibility()
    {
        var report = DemoAudit.Report;
        var html = HtmlReport.Render(report);

        var score = report.Scorecard.OverallScore.ToString("0.#", CultureInfo.InvariantCulture);
        Assert.Contains($"<section id=\"scorecard\">\n<div class=\"score\">\n<div class=\"value\">{score}</div>", html, StringComparison.Ordinal);
        Assert.Contains($"grade-{report.Scorecard.Grade}\">{report.Scorecard.Grade}</div>", html, StringComparison.Ordinal);

        var order = new[] { "id=\"scorecard\"", "<h2>Findings</h2>", "<svg class=\"chart\"", "<h2>Per class</h2>", "<h2>Evaluation checks", "<h2>Examples</h2>", "<h2>Reproducibility</h2>" }
            .Select(marker => html.IndexOf(marker, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order().ToList(), order);

        Assert.Equal(report.Threats.Count, Regex.Count(html, "<svg class=\"chart\""));
        Assert.Equal(3 * report.Examples.Count, Regex.Count(html, "<img src=\"data:image/png;base64,"));
        Assert.Equal(report.Findings.Count, Regex.Count(html, "<article class=\"finding"));
        Assert.All(report.Findings, f => Assert.Contains("<code>" + f.Id + "</code>", html, StringComparison.Ordinal));
        Assert.Contains(report.Reproducibility.ModelSha256, html, StringComparison.Ordinal);
        Assert.Contains("&quot;pgd_steps&quot;: " + report.Reproducibility.Plan.PgdSteps, html, StringComparison.Ordinal);
    }

    [Fact]
    public void DemoReport_IsSelfContained_NoScriptNoRemoteResources()
    {
        var html = HtmlReport.Render(DemoAudit.Report);

        Assert.DoesNotMatch(RemoteReference(), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("image-rendering: pixelated", html, StringComparison.Ordinal);
    }

    [Fact]
    public void DemoReport_RendersTheSameBytesTwice()
    {
        Assert.Equal(HtmlReport.Render(DemoAudit.Report), HtmlReport.Render(DemoAudit.Report));
    }

    [Fact]
    public void Findings_AreRankedBySeverity_WithBadgeEvidenceAndIds()
    {
        var html = HtmlReport.Render(SampleReports.Small());

        var high = html.IndexOf("<span class=\"badge sev-high\">high</span> <code>GA-MASKING</code>", StringComparison.Ordinal);
        var low = html.IndexOf("<span class=\"badge sev-low\">low</span> <code>GA-EVASION-WB-LINF</code>", StringComparison.Ordinal);
        Assert.True(high > 0 && low > high, $"high at {high}, low at {low}");
        // Evidence reads as a person would: "ε" and "Robust accuracy", fractions as percentages.
        Assert.Contains("<thead><tr><th scope=\"col\">ε</th><th scope=\"col\">Robust accuracy</th></tr></thead>\n<tbody><tr><td class=\"num\">0.01</td><td class=\"num\">60.0%</td></tr></tbody>", html, StringComparison.Ordinal);
        Assert.Contains("OWASP ML: ML01:2023 · MITRE ATLAS: AML.T0043.000", html, StringComparison.Ordinal);
    }

    [Fact]
    public void NotAssessedCategories_ShowNoScore()
    {
        var html = HtmlReport.Render(SampleReports.Small());

        Assert.Contains("<tr><td>Privacy</td><td class=\"na\">not assessed</td><td class=\"na\">—</td>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>White-box evasion</td><td class=\"num\">35 <span", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"value\">42.5</div>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ChartPlotsEveryCategoryAtEveryBudget()
    {
        var html = HtmlReport.Render(SampleReports.Small());

        Assert.Contains("<title>white-box ε = 0.03: 30.0%</title>", html, StringComparison.Ordinal);
        Assert.Contains("<title>black-box ε = 0.01: 80.0%</title>", html, StringComparison.Ordinal);
        Assert.Contains("<title>noise ε = 0.03: 85.0%</title>", html, StringComparison.Ordinal);
        Assert.Equal(3, Regex.Count(html, "<polyline "));
        Assert.Contains(">clean 90.0%</text>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ChartLegend_SaysWhenNoAttackOfACategoryRan()
    {
        var report = SampleReports.Small();
        var threat = report.Threats[0];
        var noBlackBox = threat with { Points = threat.Points.Select(p => p with { Attacks = p.Attacks.Where(a => a.Category != "black_box").ToList() }).ToList() };

        var html = HtmlReport.Render(report with { Threats = [noBlackBox] });

        Assert.Contains(">black-box (none run)</text>", html, StringComparison.Ordinal);
        Assert.Contains(">white-box</text>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("(none run)", HtmlReport.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public void HostileStrings_AreEscapedEverywhere()
    {
        var html = HtmlReport.Render(SampleReports.Hostile());

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<evil>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;T|shirt&quot;", html, StringComparison.Ordinal);
        Assert.Contains("models/&lt;evil&gt;&amp;co.onnx", html, StringComparison.Ordinal);
    }

    [Fact]
    public void PartialReport_SaysPartialAndWhy()
    {
        var html = HtmlReport.Render(SampleReports.Partial());

        Assert.Contains("<div class=\"status status-partial\">Status: partial</div>", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"partial\">Partial: time budget of 5 s spent during linf ε=0.03</div>", html, StringComparison.Ordinal);

        // A partial audit's numbers overstate robustness: no grade is shown for it.
        Assert.Contains("<div class=\"ungraded\">incomplete</div>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"grade ", html, StringComparison.Ordinal);
    }

    [Fact]
    public void FailingGatesAndChecks_AreMarkedFailed()
    {
        var html = HtmlReport.Render(SampleReports.WithFailingThreshold());

        Assert.Contains("<tr><td>overall_score</td><td class=\"num\">50</td><td class=\"num\">42.5</td><td class=\"fail\">FAILED</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"fail\">FAILED</td><td>3 samples broken by noise only</td>", html, StringComparison.Ordinal);
    }
}
