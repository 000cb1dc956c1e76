using Gauntlet.Attacks.Registry;
using Gauntlet.Attacks.Training;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;
using Xunit.Abstractions;

namespace Gauntlet.Audit.Tests;

/// <summary>
/// The audit tells a standard model from an adversarially trained one: both are the same tiny MLP
/// trained by Gauntlet on the same 3,000 Fashion-MNIST images, one with PGD adversarial training
/// (ε 0.1, 3 steps). The robust one must score higher and its findings must say why.
/// </summary>
public class AdversarialTrainingAuditTests(ITestOutputHelper output)
{
    private static readonly AuditPlan Plan = AuditPlan.Default with
    {
        Samples = 80,
        Batch = 80,
        MaxQueries = 100,
        NoiseTrials = 5,

        // The robustness modules only: the privacy module's extraction score does not depend on
        // adversarial training and would blur the difference this test is about.
        Assessments = ["supply_chain", "evasion"],
        Threats = [new ThreatModel { Name = "linf", Norm = "linf", Epsilons = [0.05f, 0.1f], ReferenceEpsilon = 0.1f, Attacks = ["gaussian-noise", "square", "fgsm", "pgd", "apgd-ce"] }],
    };

    [Fact]
    public void AdversariallyTrainedModelScoresHigherAndItsFindingsSayWhy()
    {
        Assert.True(FashionMnist.IsInstalled, "Fashion-MNIST is required (scripts/setup.sh installs dataset-fashion-mnist)");

        // Training images: test-split images 1,000–3,999, disjoint from the audited first 80.
        var train = FashionMnist.Load(train: false).Select([.. Enumerable.Range(1000, 3000)]);
        var audited = FashionMnist.LoadEmbeddedDemo();
        var options = new TrainingOptions(Epochs: 4, BatchSize: 50, LearningRate: 3e-3f, Seed: 0);
        var standard = Mlp();
        var robust = Mlp();
        Trainer.Fit(standard, train, null, options);
        Trainer.Fit(robust, train, null, options with { Adversarial = new AdversarialTraining(AttackPerturbation.FromRegistry("pgd", new AttackSettings { Epsilon = 0.1f, Steps = 3 })) });

        var standardReport = new SecurityAudit(Classifier(standard), audited, Plan).Run();
        var robustReport = new SecurityAudit(Classifier(robust), audited, Plan).Run();
        output.WriteLine($"standard: score {standardReport.Scorecard.OverallScore}, clean {standardReport.CleanAccuracy:P1}, white-box at ε=0.1 {standardReport.Threats[0].Points[1].RobustAccuracy.WhiteBox:P1}");
        output.WriteLine($"adversarially trained: score {robustReport.Scorecard.OverallScore}, clean {robustReport.CleanAccuracy:P1}, white-box at ε=0.1 {robustReport.Threats[0].Points[1].RobustAccuracy.WhiteBox:P1}");

        Assert.True(robustReport.Scorecard.OverallScore > standardReport.Scorecard.OverallScore + 10, $"robust {robustReport.Scorecard.OverallScore} vs standard {standardReport.Scorecard.OverallScore}");
        var standardFinding = standardReport.Findings.Single(f => f.Id == "GA-EVASION-WB-LINF");
        var robustFinding = robustReport.Findings.Single(f => f.Id == "GA-EVASION-WB-LINF");
        Assert.True(robustFinding.Evidence["robust_accuracy"] > standardFinding.Evidence["robust_accuracy"] + 0.15);
        Assert.True(robustFinding.Severity < standardFinding.Severity, $"robust model's finding is {robustFinding.Severity}, standard's {standardFinding.Severity}");
        Assert.Equal(Severity.Critical, standardFinding.Severity);
        Assert.All(robustReport.Checks, c => Assert.True(c.Passed, $"{c.Id}: {c.Detail}"));

        // Recorded with the trainer's own PGD copy (commit 0678587), before adversarial training moved
        // behind the perturbation hook (the registry's PGD): the hook reproduces the robust model bit for bit.
        output.WriteLine($"robust weights {Fingerprint(robust)}");
        Assert.Equal("2173AA2D0B3C65F6", Fingerprint(robust));
        Assert.Equal(55.6, robustReport.Scorecard.OverallScore);
        Assert.Equal(0.575, robustReport.Threats[0].Points[0].RobustAccuracy.WhiteBox);
        Assert.Equal(0.4625, robustReport.Threats[0].Points[1].RobustAccuracy.WhiteBox);
    }

    // The first 16 hex digits of the SHA-256 over every parameter's raw float bits, in order.
    private static string Fingerprint(Module model)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var (_, value) in model.NamedParameters())
        {
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(value.ReadOnlySpan));
        }

        return Convert.ToHexString(sha.GetHashAndReset())[..16];
    }

    private static Sequential Mlp() => new(new Flatten(), new Linear(784, 64, new Rng(1)), new Relu(), new Linear(64, 10, new Rng(2)));

    private static ModuleClassifier Classifier(Module model) => new(model, new Shape(1, 28, 28), 10);
}
