using Gauntlet.Audit.Assessments;
using Gauntlet.Audit.Reporting;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Onnx;
using Gauntlet.Scanner;
using Gauntlet.Tensors;

namespace Gauntlet.Audit.Tests.Assessments;

public sealed class AssessmentTests
{
    private static readonly AuditPlan Tiny = AuditPlan.Default with
    {
        Samples = 12,
        Batch = 12,
        MaxQueries = 30,
        NoiseTrials = 2,
        PgdSteps = 3,
        Threats = [new ThreatModel { Name = "linf", Norm = "linf", Epsilons = [0.05f], Attacks = ["gaussian-noise", "square", "fgsm", "pgd"] }],
    };

    private static CategoryScore Assessed(string id, double score, double weight) =>
        new() { Id = id, Name = id, Status = "assessed", Score = score, Weight = weight, Basis = "test" };

    [Fact]
    public void Scorecard_IsTheWeightedMeanOfAssessedCategories_AndNamesThem()
    {
        var card = Scoring.Build([Assessed("white_box_evasion", 40, 0.5), Assessed("black_box_evasion", 70, 0.3), Assessed("supply_chain", 100, 0), new CategoryScore { Id = "noise_and_corruptions", Name = "n", Status = "not_applicable", Weight = 0.2, Basis = "x" }], []);

        // A clean supply chain (weight 0) neither raises nor lowers the mean.
        Assert.Equal(Math.Round(((0.5 * 40) + (0.3 * 70)) / 0.8, 1), card.OverallScore);
        Assert.Equal(["white_box_evasion", "black_box_evasion", "supply_chain"], card.Covers);
        Assert.Null(card.Cap);
        // Planned categories with no module are listed, unscored, in the documented order.
        // (Privacy is filled by its module, which these categories do not include.)
        Assert.Equal(["white_box_evasion", "black_box_evasion", "noise_and_corruptions", "poisoning_backdoors", "supply_chain"], card.Categories.Select(c => c.Id));
        Assert.Equal("not_assessed", card.Categories.Single(c => c.Id == "poisoning_backdoors").Status);
    }

    [Fact]
    public void Scorecard_CapBindsOnlyWhenTheMeanIsAboveIt()
    {
        var capped = Scoring.Build([Assessed("white_box_evasion", 90, 0.5), Assessed("supply_chain", 25, 0)], [new ScoreCap(25, "code on load")]);
        Assert.Equal(25, capped.OverallScore);
        Assert.Equal("F", capped.Grade);
        Assert.Equal("code on load", capped.Cap!.Reason);

        var under = Scoring.Build([Assessed("white_box_evasion", 10, 0.5), Assessed("supply_chain", 25, 0)], [new ScoreCap(25, "code on load")]);
        Assert.Equal(10, under.OverallScore);
        Assert.Null(under.Cap);
    }

    [Fact]
    public void ZeroWeightCategoriesAlone_ScoreTheirPlainMean()
    {
        var card = Scoring.Build([Assessed("supply_chain", 60, 0)], []);
        Assert.Equal(60, card.OverallScore);
        Assert.Equal(["supply_chain"], card.Covers);
    }

    [Fact]
    public void CriticalArtifactBesideAnEvasionAudit_CapsTheOverallScoreAtZero()
    {
        using var folder = new TempFolder();
        File.Copy(Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests", "Gauntlet.Scanner.Tests", "Fixtures", "corpus", "malicious"), "torch_zip_os_system.pt", SearchOption.AllDirectories).Single(), Path.Combine(folder.Path, "model.pt"));
        var data = FashionMnist.LoadEmbeddedDemo();
        var subject = new AuditSubject(new DemoClassifier(gradients: true), "in-memory", "unknown", "onnx");

        var report = new SecurityAudit(subject, data, Tiny) { Artifacts = [folder.Path] }.Run();

        var evasionOnly = Scoring.Build(report.Scorecard.Categories.Where(c => c.Id != "supply_chain"), []);
        Assert.True(evasionOnly.OverallScore > 0, "the evasion part alone scores above zero");
        Assert.Equal(0, report.Scorecard.OverallScore);
        Assert.Equal("F", report.Scorecard.Grade);
        Assert.Contains("runs code when it is loaded", report.Scorecard.Cap!.Reason, StringComparison.Ordinal);
        Assert.Equal("critical", report.Findings[0].Severity.ToString().ToLowerInvariant());
        Assert.Equal("supply_chain", report.Findings[0].Category);
    }

    [Fact]
    public void NothingAssessed_ScoresZeroAndSaysSo()
    {
        var card = Scoring.Build([], []);
        Assert.Equal(0, card.OverallScore);
        Assert.Empty(card.Covers);
        Assert.Equal("no category was assessed", Scoring.Coverage(card));
    }

    [Theory]
    [InlineData(null, 100)]
    [InlineData(Severity.Info, 100)]
    [InlineData(Severity.Low, 90)]
    [InlineData(Severity.Medium, 60)]
    [InlineData(Severity.High, 25)]
    [InlineData(Severity.Critical, 0)]
    public void SupplyChainScore_FollowsTheWorstFinding(Severity? worst, double score) =>
        Assert.Equal(score, SupplyChainAssessment.ScoreOf(worst));

    [Fact]
    public void InMemoryModelWithoutArtifacts_SupplyChainIsNotApplicable_AndTheReportSaysWhy()
    {
        var report = Audit(new DemoClassifier(gradients: true), Tiny);

        var module = report.Assessments.Single(a => a.Id == "supply_chain");
        Assert.Equal("not_applicable", module.Status);
        Assert.Contains("no file to scan", module.Reason, StringComparison.Ordinal);
        var category = report.Scorecard.Categories.Single(c => c.Id == "supply_chain");
        Assert.Equal("not_applicable", category.Status);
        Assert.Null(category.Score);
        Assert.DoesNotContain("supply_chain", report.Scorecard.Covers);
        Assert.Equal("run", report.Assessments.Single(a => a.Id == "evasion").Status);
    }

    [Fact]
    public void ModelWithoutGradients_WhiteBoxIsNotApplicable_AndNoWhiteBoxAttackRuns()
    {
        var report = Audit(new DemoClassifier(gradients: false), Tiny);

        var white = report.Scorecard.Categories.Single(c => c.Id == "white_box_evasion");
        Assert.Equal("not_applicable", white.Status);
        Assert.Null(white.Score);
        Assert.Equal("assessed", report.Scorecard.Categories.Single(c => c.Id == "black_box_evasion").Status);
        var attacks = report.Threats.Single().Points.Single().Attacks.Select(a => a.Category).ToList();
        Assert.DoesNotContain("white_box", attacks);
        Assert.Contains("black_box", attacks);
        Assert.DoesNotContain(report.Checks, c => c.Id == "gradients_usable");
        // Extraction needs only labels, so the privacy module still runs on a model without gradients.
        Assert.Equal(["black_box_evasion", "noise_and_corruptions", "privacy"], report.Scorecard.Covers);
    }

    [Fact]
    public void EmbeddedModelBytes_AreScanned_AndACleanModelScoresOneHundred()
    {
        var data = FashionMnist.LoadEmbeddedDemo();
        var model = new OnnxClassifier(OnnxModel.Parse(DemoModel.OnnxBytes(), "embedded demo model"));
        var subject = AuditSubject.FromOnnx(model, data) with { Path = "demo", ModelBytes = DemoModel.OnnxBytes() };
        var report = new SecurityAudit(subject, data, Tiny with { Assessments = ["supply_chain"] }).Run();

        var artifact = Assert.Single(report.Assessments.Single(a => a.Id == "supply_chain").Artifacts);
        Assert.Equal("Onnx", artifact.Format);
        Assert.Equal(AuditSubject.Hash(DemoModel.OnnxBytes()), artifact.Sha256);
        Assert.Equal(100, report.Scorecard.Categories.Single(c => c.Id == "supply_chain").Score);
        Assert.Equal("not_run", report.Assessments.Single(a => a.Id == "evasion").Status);
        Assert.Empty(report.Threats);
    }

    [Fact]
    public void TimeBudgetSpentBeforeAModule_MarksItNotRunAndItsCategoriesNotAssessed()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var data = FashionMnist.LoadEmbeddedDemo();
        var subject = new AuditSubject(new DemoClassifier(gradients: true), "demo", "unknown", "onnx") { ModelBytes = DemoModel.OnnxBytes() };

        var report = new SecurityAudit(subject, data, Tiny).Run(cancellation: cancelled.Token);

        Assert.Equal("partial", report.Status);
        Assert.Null(report.Scorecard.Grade);
        // Every module is not run: privacy too, which without members would have run extraction.
        Assert.All(report.Assessments, a => Assert.Equal("not_run", a.Status));
        Assert.Contains(report.Assessments, a => a.Id == "privacy");
        Assert.Empty(report.Scorecard.Covers);
    }

    private static AuditReport Audit(IClassifier model, AuditPlan plan) =>
        new SecurityAudit(model, FashionMnist.LoadEmbeddedDemo(), plan).Run();

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("gauntlet-assess-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    // The demo CNN, optionally hiding its gradients the way a query-only endpoint would.
    private sealed class DemoClassifier(bool gradients) : IClassifier
    {
        private readonly IClassifier _inner = AuditSubject.FromOnnx(new OnnxClassifier(OnnxModel.Parse(DemoModel.OnnxBytes(), "demo")), FashionMnist.LoadEmbeddedDemo()).Classifier;

        public Shape SampleShape => _inner.SampleShape;

        public int ClassCount => _inner.ClassCount;

        public InputRange InputRange => _inner.InputRange;

        public long QueryCount => _inner.QueryCount;

        public bool HasGradients => gradients;

        public Tensor Predict(Tensor batch) => _inner.Predict(batch);

        public (Tensor Gradient, Tensor Logits) LossGradient(Tensor batch, int[] labels, Func<Tensor, int[], Tensor> loss) =>
            gradients ? _inner.LossGradient(batch, labels, loss) : throw new NotSupportedException("no gradients");
    }
}
