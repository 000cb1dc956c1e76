using Gauntlet.Audit.Assessments;
using Gauntlet.Core;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Privacy.Membership;
using Gauntlet.Tensors;

namespace Gauntlet.Audit.Tests.Assessments;

public sealed class PrivacyAssessmentTests
{
    private static readonly AuditPlan PrivacyOnly = AuditPlan.Default with { Assessments = ["privacy"] };

    [Theory]
    [InlineData(0.5, 100)]
    [InlineData(0.4, 100)]
    [InlineData(0.75, 50)]
    [InlineData(1.0, 0)]
    public void ScoreOf_Is100AtChanceAnd0AtPerfectSeparation(double auc, double score) =>
        Assert.Equal(score, PrivacyAssessment.ScoreOf(auc), 1e-9);

    [Theory]
    [InlineData(0.52, 0.0, null)]
    [InlineData(0.56, 0.0, Severity.Low)]
    [InlineData(0.52, 0.06, Severity.Medium)]
    [InlineData(0.65, 0.0, Severity.Medium)]
    [InlineData(0.8, 0.0, Severity.High)]
    public void SeverityOf_FollowsTheDocumentedThresholds(double auc, double tpr, Severity? expected) =>
        Assert.Equal(expected, PrivacyAssessment.SeverityOf(auc, tpr));

    [Theory]
    [InlineData(0.0, 10, 100)]
    [InlineData(0.1, 10, 100)]
    [InlineData(1.0, 10, 0)]
    [InlineData(0.55, 10, 50)]
    public void ExtractionScoreOf_Is100AtChanceAgreementAnd0AtFullAgreement(double fidelity, int classes, double score) =>
        Assert.Equal(score, PrivacyAssessment.ExtractionScoreOf(fidelity, classes), 1e-9);

    [Theory]
    [InlineData(0.4, null)]
    [InlineData(0.5, Severity.Low)]
    [InlineData(0.8, Severity.Medium)]
    [InlineData(0.95, Severity.High)]
    public void ExtractionSeverityOf_FollowsTheDocumentedThresholds(double fidelity, Severity? expected) =>
        Assert.Equal(expected, PrivacyAssessment.ExtractionSeverityOf(fidelity));

    [Fact]
    public void WithoutMembers_PrivacyRunsLabelOnlyExtraction_WithAnAtlasFinding()
    {
        var data = Blobs(200, 1);
        var report = new SecurityAudit(Train(data, epochs: 20), data, PrivacyOnly with { Samples = 20 }).Run();
        var category = report.Scorecard.Categories.Single(c => c.Id == "privacy");
        Assert.Equal("assessed", category.Status);
        Assert.Contains("label-only model extraction", category.Basis);
        Assert.Contains("100 of the first 100 audit images", category.Basis);
        var finding = Assert.Single(report.Findings, f => f.Id == "GA-PRIVACY-EXTRACTION");
        Assert.Equal(["ML05:2023", "ML03:2023"], finding.OwaspMl);
        Assert.Equal(["AML.T0024.002", "AML.T0024.001"], finding.MitreAtlas);
        Assert.Equal(PrivacyAssessment.ExtractionScoreOf(finding.Evidence["fidelity"], 4), category.Score!.Value, 0.051);
    }

    [Fact]
    public void WithoutMembers_AndTooFewImages_PrivacyIsNotApplicable()
    {
        var members = Blobs(3, 1);
        var report = new SecurityAudit(Train(members, epochs: 1), members, PrivacyOnly).Run();
        var summary = report.Assessments.Single(a => a.Id == "privacy");
        Assert.Equal("not_applicable", summary.Status);
        Assert.Contains("--members", summary.Reason);
        Assert.Null(report.Scorecard.Categories.Single(c => c.Id == "privacy").Score);
    }

    [Fact]
    public void AnOverfitModel_ScoresWorseThanAGeneralisingOne_WithAnAtlasFinding()
    {
        var members = Blobs(100, 1);
        var data = new MembershipData(members, Blobs(100, 2));
        double Score(int epochs, out IReadOnlyList<Gauntlet.Audit.Reporting.AuditFinding> findings)
        {
            var report = new SecurityAudit(Train(members, epochs), members, PrivacyOnly) { Membership = data }.Run();
            findings = report.Findings;
            return report.Scorecard.Categories.Single(c => c.Id == "privacy").Score!.Value;
        }

        var overfit = Score(80, out var overfitFindings);
        var general = Score(1, out _);
        Assert.True(overfit < general, $"overfit privacy score {overfit} is not below the generalising model's {general}");
        var finding = Assert.Single(overfitFindings);
        Assert.Equal("GA-PRIVACY-MEMBERSHIP-LOSS", finding.Id);
        Assert.Equal(["ML04:2023", "ML03:2023"], finding.OwaspMl);
        Assert.Equal(["AML.T0024.000"], finding.MitreAtlas);
        Assert.InRange(finding.Evidence["auc"], 0.55, 1.0);
    }

    // 1×6×6 images: a class prototype plus heavy noise, a fifth of the labels random, so only
    // memorisation fits the training set.
    private static LabeledImages Blobs(int count, int seed)
    {
        var prototypes = new Rng(99);
        var proto = Enumerable.Range(0, 4 * 36).Select(_ => (float)prototypes.NextDouble()).ToArray();
        var rng = new Rng(seed);
        var images = new float[count * 36];
        var labels = new int[count];
        for (var n = 0; n < count; n++)
        {
            var c = rng.NextInt(4);
            for (var p = 0; p < 36; p++)
            {
                images[(n * 36) + p] = (0.5f * proto[(c * 36) + p]) + (0.5f * (float)rng.NextDouble());
            }

            labels[n] = rng.NextDouble() < 0.2 ? rng.NextInt(4) : c;
        }

        return new LabeledImages(Tensor.FromArray(images, count, 1, 6, 6), labels, 4, $"blobs-{seed}");
    }

    private static ModuleClassifier Train(LabeledImages data, int epochs)
    {
        var network = ModelZoo.Create("mlp", 1, 6, 6, 4, seed: 5);
        Trainer.Fit(network, data, null, new TrainingOptions(Epochs: epochs, BatchSize: 16, LearningRate: 3e-3f, Seed: 11));
        return new ModuleClassifier(network, new Shape(1, 6, 6), 4);
    }
}
