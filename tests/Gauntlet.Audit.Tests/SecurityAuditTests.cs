using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit.Tests;

public class SecurityAuditTests
{
    [Fact]
    public void DemoAuditProducesAScoreBetweenZeroAndHundred()
    {
        var report = DemoAudit.Report;
        File.WriteAllText("/tmp/demo_report.json", ReportJson.Serialize(report));
        Assert.InRange(report.Scorecard.OverallScore, 0, 100);
    }
}
