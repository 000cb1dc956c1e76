using Gauntlet.Attacks.Evasion;
using Gauntlet.Attacks.Training;
using Gauntlet.Data;
using Gauntlet.Defenses.Training;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Defenses.Tests.Training;

public sealed class RobustTrainingTests
{
    [Fact]
    public void Plans_SetTheHookAndRecordTheSettingsTheyUse()
    {
        var options = new TrainingOptions(Seed: 4);
        var settings = new RobustTrainingSettings(Epsilon: 0.1f, Sigma: 0.5f, Beta: 3f, Steps: 5);

        var pgd = RobustTraining.Plan("pgd-at", options, settings);
        var attack = Assert.IsType<Pgd>(Assert.IsType<AttackPerturbation>(pgd.Options.Adversarial!.Perturbation).Attack);
        Assert.Equal((0.1f, 5, 0.05f, true), (attack.Epsilon, attack.Steps, attack.StepSize, attack.RandomStart));

        var fast = RobustTraining.Plan("fast-at", options, settings);
        var single = Assert.IsType<Pgd>(Assert.IsType<AttackPerturbation>(fast.Options.Adversarial!.Perturbation).Attack);
        Assert.Equal((1, 0.125f, true), (single.Steps, single.StepSize, single.RandomStart));

        var trades = RobustTraining.Plan("trades", options, settings);
        Assert.Null(trades.Options.Adversarial);
        Assert.Equal(3f, Assert.IsType<Trades>(trades.Options.Objective).Beta);

        var gaussian = RobustTraining.Plan("gaussian", options, settings);
        Assert.Equal(0.5f, Assert.IsType<GaussianNoiseAugmentation>(gaussian.Options.Adversarial!.Perturbation).Sigma);
        Assert.Null(gaussian.Epsilon);
        Assert.All(new[] { pgd, fast, trades, gaussian }, p => Assert.Equal(4, p.Options.Seed));
    }

    [Theory]
    [InlineData("madry", 0.1f, 0.25f)]
    [InlineData("pgd-at", 0f, 0.25f)]
    [InlineData("trades", 1.5f, 0.25f)]
    [InlineData("gaussian", 0.1f, 0f)]
    public void BadMethodsAndSettings_AreArgumentExceptions(string method, float epsilon, float sigma)
    {
        Assert.ThrowsAny<ArgumentException>(() => RobustTraining.Plan(method, new TrainingOptions(), new RobustTrainingSettings(epsilon, sigma)));
    }

    [Fact]
    public void Kl_IsZeroForEqualLogits_AndPositiveOtherwise()
    {
        var p = Tensor.FromArray([1f, 2f, 3f, 0f, 0f, 0f], 2, 3);
        var q = Tensor.FromArray([3f, 2f, 1f, 0f, 0f, 0f], 2, 3);
        Assert.Equal(0f, Trades.Kl(p, p).Item(), 1e-6f);
        Assert.True(Trades.Kl(p, q).Item() > 0.5f);
    }

    [Fact]
    public void Trades_TrainsThroughTheObjectiveHook_Reproducibly()
    {
        var data = FashionMnist.LoadEmbeddedDemo().Take(256);
        double Run()
        {
            var model = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 1);
            var options = RobustTraining.Plan("trades", new TrainingOptions(Epochs: 1, BatchSize: 64, LearningRate: 3e-3f, Seed: 2), new RobustTrainingSettings(Epsilon: 0.1f, Beta: 6f, Steps: 2)).Options;
            return Trainer.Fit(model, data, null, options)[0].TrainLoss;
        }

        var first = Run();
        Assert.True(double.IsFinite(first) && first > 0);
        Assert.Equal(first, Run());
    }

    [Fact]
    public void PerturbationAndObjectiveTogether_AreRefused()
    {
        var model = new Sequential(new Flatten(), new Linear(4, 2, new Rng(0)));
        var data = new LabeledImages(Tensor.Zeros(4, 1, 2, 2), [0, 1, 0, 1], 2, "test");
        var options = new TrainingOptions(Epochs: 1, Adversarial: new AdversarialTraining(new GaussianNoiseAugmentation(0.1f)), Objective: new Trades(0.1f, 1f));
        Assert.Throws<ArgumentException>(() => Trainer.Fit(model, data, null, options));
    }
}
