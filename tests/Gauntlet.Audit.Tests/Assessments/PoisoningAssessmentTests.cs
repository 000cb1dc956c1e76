using Gauntlet.Audit.Assessments;

namespace Gauntlet.Audit.Tests.Assessments;

public sealed class PoisoningAssessmentTests
{
    [Fact]
    public void Poisoning_IsOptIn_PlansMayNameItButTheDefaultModulesLeaveItOut()
    {
        Assert.Contains(AssessmentCatalog.OptIn, m => m.Id == PoisoningAssessment.ModuleId);
        Assert.DoesNotContain(AssessmentCatalog.BuiltIn, m => m.Id == PoisoningAssessment.ModuleId);
        Assert.Contains(PoisoningAssessment.ModuleId, AssessmentCatalog.Ids);
        Assert.True(AssessmentCatalog.Contains(PoisoningAssessment.ModuleId));
        Assert.Equal("poisoning_backdoors", Assert.Single(new PoisoningAssessment().Categories).Id);
    }

    [Fact]
    public void DefaultAudit_DoesNotRunOrListThePoisoningModule()
    {
        var report = DemoAudit.Report;

        Assert.DoesNotContain(report.Assessments, a => a.Id == PoisoningAssessment.ModuleId);
        Assert.Equal("not_assessed", report.Scorecard.Categories.Single(c => c.Id == "poisoning_backdoors").Status);
    }
}
