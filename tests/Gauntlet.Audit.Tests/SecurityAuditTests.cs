using System.Text.Json.Nodes;
using Gauntlet.Audit.Reporting;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Audit.Tests;

public class SecurityAuditTests
{
    private static readonly AuditPlan TinyPlan = AuditPlan.Default with
    {
        Samples = 24,
        Batch = 24,
        MaxQueries = 60,
        NoiseTrials = 4,
        PgdSteps = 5,
        Threats = [new ThreatModel { Name = "linf", Norm = "linf", Epsilons = [0.02f, 0.08f], Attacks = ["gaussian-noise", "square", "fgsm", "pgd"] }],
    };

    [Fact]
    public void RobustAccuracyNeverExceedsCleanAndStrongerAttackersNeverDoWorse()
    {
        var report = DemoAudit.Report;
        Assert.InRange(report.CleanAccuracy, 0.6, 1.0);
        foreach (var threat in report.Threats)
        {
            Assert.Equal(2, threat.Points.Count);
            for (var i = 0; i < threat.Points.Count; i++)
            {
                var r = threat.Points[i].RobustAccuracy;
                Assert.True(r.Noise <= report.CleanAccuracy, $"{threat.Name}: noise robust {r.Noise} > clean {report.CleanAccuracy}");
                Assert.True(r.BlackBox <= r.Noise && r.WhiteBox <= r.BlackBox, $"{threat.Name} ε={threat.Points[i].Epsilon}: expected white ≤ black ≤ noise, got {r}");
                if (i > 0)
                {
                    Assert.True(r.WhiteBox <= threat.Points[i - 1].RobustAccuracy.WhiteBox, "white-box robust accuracy rose with the budget");
                }
            }
        }

        // The demo CNN is a standard (not adversarially trained) model: ε = 0.05 L∞ white-box breaks most of it.
        var linf = report.Threats.Single(t => t.Name == "linf");
        Assert.True(linf.Points[1].RobustAccuracy.WhiteBox < 0.5 * report.CleanAccuracy, $"white-box robust accuracy {linf.Points[1].RobustAccuracy.WhiteBox} at ε = 0.05");
    }

    [Fact]
    public void ScorecardHasEveryCategoryAndNotAssessedOnesHaveNoScore()
    {
        var card = DemoAudit.Report.Scorecard;
        Assert.Equal(["white_box_evasion", "black_box_evasion", "noise_and_corruptions", "poisoning_backdoors", "privacy", "supply_chain"], card.Categories.Select(c => c.Id));
        Assert.All(card.Categories.Where(c => c.Status == "not_assessed"), c => Assert.Null(c.Score));
        Assert.All(card.Categories.Take(3), c => Assert.Equal("assessed", c.Status));
        var assessed = card.Categories.Where(c => c.Score is not null).ToList();
        var expected = Math.Round(assessed.Sum(c => c.Weight * c.Score!.Value) / assessed.Sum(c => c.Weight), 1);
        Assert.Equal(expected, card.OverallScore);
        Assert.Equal(Scoring.Grade(card.OverallScore), card.Grade);
    }

    [Fact]
    public void FindingsAreRankedBySeverityAndCarryIdentifiers()
    {
        var findings = DemoAudit.Report.Findings;
        var severities = findings.Select(f => f.Severity).ToList();
        Assert.Equal(severities.OrderDescending(), severities);
        var whiteBox = findings.Single(f => f.Id == "GA-EVASION-WB-LINF");
        Assert.Contains("ML01:2023", whiteBox.OwaspMl);
        Assert.Contains("AML.T0043.000", whiteBox.MitreAtlas);
        Assert.Equal(whiteBox.Severity, FindingRules.SeverityOfRetention(whiteBox.Evidence["robust_accuracy"] / whiteBox.Evidence["clean_accuracy"]));
        Assert.NotEmpty(whiteBox.AffectedClasses);
    }

    [Fact]
    public void ExamplesArePngThumbnailsOfRealAdversarialPairs()
    {
        var examples = DemoAudit.Report.Examples;
        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            foreach (var png in new[] { example.CleanPng, example.AdversarialPng, example.PerturbationPng })
            {
                Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Convert.FromBase64String(png)[..4]);
            }

            Assert.NotEqual(example.CleanPrediction, example.AdversarialPrediction);
        }
    }

    [Fact]
    public void ReproducibilityBlockRecordsSeedHashesAndPlan()
    {
        var report = DemoAudit.Report;
        Assert.Equal(DemoAudit.SmallPlan.Seed, report.Reproducibility.Seed);
        Assert.Matches("^[0-9a-f]{64}$", report.Reproducibility.ModelSha256);
        Assert.Matches("^[0-9a-f]{64}$", report.Reproducibility.DataSha256);
        Assert.Equal(DemoAudit.SmallPlan.Samples, report.Reproducibility.Plan.Samples);
        Assert.True(report.Reproducibility.Machine.ProcessorCount > 0);
    }

    [Fact]
    public void SameSeedGivesTheSameJsonTimingsAside()
    {
        var first = WithoutTimings(ReportJson.Serialize(DemoAudit.Run(TinyPlan)));
        var second = WithoutTimings(ReportJson.Serialize(DemoAudit.Run(TinyPlan)));
        Assert.Equal(first, second);
        var other = WithoutTimings(ReportJson.Serialize(DemoAudit.Run(TinyPlan with { Seed = 99 })));
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void CancelledAuditIsMarkedPartial()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var report = new SecurityAudit(DemoSubject(), Gauntlet.Data.FashionMnist.LoadEmbeddedDemo(), TinyPlan).Run(null, cancellation.Token);
        Assert.Equal("partial", report.Status);
        Assert.Equal("cancelled", report.PartialReason);
    }

    [Fact]
    public void FailUnderAboveTheScoreFailsTheGateAndBelowPasses()
    {
        var data = Gauntlet.Data.FashionMnist.LoadEmbeddedDemo();
        var plan = TinyPlan with { Threats = [new ThreatModel { Name = "linf", Norm = "linf", Epsilons = [0.1f], Attacks = ["fgsm"] }] };
        var strict = new SecurityAudit(DemoSubject(), data, plan) { FailUnder = 99.9 }.Run();
        Assert.False(strict.Passed);
        Assert.Equal(99.9, Assert.Single(strict.Gates).Threshold);
        var lenient = new SecurityAudit(DemoSubject(), data, plan) { FailUnder = 0.1 }.Run();
        Assert.True(lenient.Passed);
    }

    [Fact]
    public void RobustAccuracyThresholdFailsWhenTheModelBreaks()
    {
        var plan = TinyPlan with
        {
            Threats = [new ThreatModel { Name = "linf", Norm = "linf", Epsilons = [0.1f], Attacks = ["fgsm"] }],
            Thresholds = new AuditThresholds { MinRobustAccuracy = [new RobustAccuracyThreshold { Threat = "linf", Epsilon = 0.1f, Value = 0.8 }] },
        };
        var report = new SecurityAudit(DemoSubject(), Gauntlet.Data.FashionMnist.LoadEmbeddedDemo(), plan).Run();
        var gate = Assert.Single(report.Gates);
        Assert.Equal("linf@0.1 robust_accuracy", gate.Name);
        Assert.False(gate.Passed);
    }

    [Fact]
    public void MaskedGradientsAreReportedAsHighFindings()
    {
        var subject = DemoSubject();
        var masked = subject with { Classifier = new ZeroGradientClassifier(subject.Classifier) };
        var report = new SecurityAudit(masked, Gauntlet.Data.FashionMnist.LoadEmbeddedDemo(), TinyPlan).Run();
        Assert.False(report.Checks.Single(c => c.Id == "gradients_usable").Passed);
        Assert.False(report.Checks.Single(c => c.Id == "unbounded_attack_succeeds").Passed);
        var masking = report.Findings.Where(f => f.Id.StartsWith("GA-MASKING-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(masking);
        Assert.All(masking, f => Assert.Equal(Severity.High, f.Severity));
    }

    [Fact]
    public void DataThatDoesNotFitTheModelIsRejected()
    {
        var images = new Gauntlet.Data.LabeledImages(Tensor.Zeros(2, 3, 8, 8), [0, 1], 2, "tiny");
        var error = Assert.Throws<ArgumentException>(() => new SecurityAudit(DemoSubject(), images, TinyPlan));
        Assert.Contains("[3, 8, 8]", error.Message, StringComparison.Ordinal);
    }

    private static AuditSubject DemoSubject()
    {
        var model = new Gauntlet.Onnx.OnnxClassifier(Gauntlet.Onnx.OnnxModel.Parse(Gauntlet.Data.DemoModel.OnnxBytes(), "demo"));
        return AuditSubject.FromOnnx(model, Gauntlet.Data.FashionMnist.LoadEmbeddedDemo().Take(1));
    }

    private static string WithoutTimings(string json)
    {
        var node = JsonNode.Parse(json)!;
        Strip(node);
        return node.ToJsonString();

        static void Strip(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                o.Remove("seconds");
                o.Remove("started_at");
                foreach (var (_, child) in o.ToList())
                {
                    Strip(child);
                }
            }
            else if (n is JsonArray a)
            {
                foreach (var child in a)
                {
                    Strip(child);
                }
            }
        }
    }

    /// <summary>A model that hides its gradients (returns zeros), as gradient-masking defences do.</summary>
    private sealed class ZeroGradientClassifier(IClassifier inner) : IClassifier
    {
        public Shape SampleShape => inner.SampleShape;

        public int ClassCount => inner.ClassCount;

        public InputRange InputRange => inner.InputRange;

        public long QueryCount => inner.QueryCount;

        public Tensor Predict(Tensor batch) => inner.Predict(batch);

        public (Tensor Gradient, Tensor Logits) LossGradient(Tensor batch, int[] labels, Func<Tensor, int[], Tensor> loss)
        {
            var (gradient, logits) = inner.LossGradient(batch, labels, loss);
            return (Tensor.Zeros(gradient.Shape.ToArray()), logits);
        }
    }
}
