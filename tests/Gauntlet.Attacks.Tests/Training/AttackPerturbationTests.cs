using Gauntlet.Attacks.Evasion;
using Gauntlet.Attacks.Registry;
using Gauntlet.Attacks.Training;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Attacks.Tests.Training;

/// <summary>Registered attacks as adversarial-training perturbations (moved here from the trainer's own tests when its PGD copy went).</summary>
public class AttackPerturbationTests
{
    [Fact]
    public void Pgd_StaysInTheBallAndDomain_AndKeepsTheCleanShare()
    {
        var data = FashionMnist.LoadEmbeddedDemo().Take(10);
        var model = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 2);
        var settings = new AdversarialTraining(AttackPerturbation.FromRegistry("pgd", new AttackSettings { Epsilon = 0.05f, Steps = 3 }), Fraction: 0.5f);
        var perturbed = Trainer.Perturb(model, data.Images, data.Labels, settings, new Rng(0)).ToArray();
        var clean = data.Images.ToArray();
        for (var j = 0; j < clean.Length; j++)
        {
            Assert.InRange(perturbed[j], 0f, 1f);
            Assert.True(Math.Abs(perturbed[j] - clean[j]) <= 0.05f + 1e-6f);
        }

        Assert.Equal(clean[(5 * 784)..], perturbed[(5 * 784)..]);
        Assert.NotEqual(clean[..(5 * 784)], perturbed[..(5 * 784)]);
    }

    [Fact]
    public void FromRegistry_UsesMadrysStepSize_LInfinity_AndARandomStart()
    {
        var pgd = (Pgd)AttackPerturbation.FromRegistry("pgd", new AttackSettings { Epsilon = 0.05f, Steps = 2 }).Attack;
        Assert.Equal((0.0625f, Norm.Linf, true), (pgd.StepSize, pgd.Norm, pgd.RandomStart));
        var byDefaultSteps = (Pgd)AttackPerturbation.FromRegistry("pgd", new AttackSettings { Epsilon = 0.1f }).Attack;
        Assert.Equal(2.5f * 0.1f / 20, byDefaultSteps.StepSize);
        Assert.IsType<Apgd>(AttackPerturbation.FromRegistry("apgd", new AttackSettings { Epsilon = 0.1f, Steps = 2 }).Attack);
        Assert.Equal("fgsm", AttackPerturbation.FromRegistry("fgsm", new AttackSettings { Epsilon = 0.1f }).Name);
    }

    [Theory]
    [InlineData("square")]
    [InlineData("deepfool")]
    [InlineData("cw")]
    [InlineData("patch")]
    public void FromRegistry_RefusesAttacksThatCannotTrain_ListingThoseThatCan(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => AttackPerturbation.FromRegistry(name, new AttackSettings { Epsilon = 0.1f }));
        Assert.Contains("cannot drive adversarial training", ex.Message);
        Assert.Contains("pgd", ex.Message);
    }

    [Fact]
    public void FromRegistry_RefusesOutOfRangeSettings_NamingTheParameter()
    {
        var ex = Assert.Throws<ArgumentException>(() => AttackPerturbation.FromRegistry("pgd", new AttackSettings { Epsilon = -0.1f }));
        Assert.Equal("epsilon", ex.ParamName);
    }

    [Fact]
    public void EveryTrainableAttack_ProducesExamplesInTheBall_InEvaluationMode()
    {
        var data = FashionMnist.LoadEmbeddedDemo().Take(6);
        foreach (var name in AttackPerturbation.TrainableAttacks)
        {
            var model = ModelZoo.Create("resnet-mini", 1, 28, 28, 10, seed: 2);
            var hook = AttackPerturbation.FromRegistry(name, new AttackSettings { Epsilon = 0.05f, Steps = 2 });
            var before = model.NamedBuffers().Select(b => b.Value.ToArray()).ToList();
            var perturbed = Trainer.Perturb(model, data.Images, data.Labels, new AdversarialTraining(hook), new Rng(1)).ToArray();
            var clean = data.Images.ToArray();
            Assert.All(perturbed.Zip(clean), p => Assert.True(Math.Abs(p.First - p.Second) <= 0.05f + 1e-6f && p.First is >= 0f and <= 1f, name));
            // AutoAttack attacks only points still classified correctly, and this untrained model gets none right.
            Assert.True(name == "autoattack" || !clean.SequenceEqual(perturbed), $"{name} left the batch unchanged");
            // Evaluation mode: the attack's forward passes leave the batch-norm statistics alone.
            Assert.Equal(before, model.NamedBuffers().Select(b => b.Value.ToArray()).ToList());
        }
    }

    [Fact]
    public void AdversarialTraining_ChangesWhatTheModelLearns_Reproducibly()
    {
        var data = FashionMnist.LoadEmbeddedDemo().Take(128);
        double Run(ITrainingPerturbation? perturbation)
        {
            var model = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 5);
            var adversarial = perturbation is null ? null : new AdversarialTraining(perturbation);
            return Trainer.Fit(model, data, null, new TrainingOptions(Epochs: 1, BatchSize: 32, Seed: 9, Adversarial: adversarial))[^1].TrainLoss;
        }

        var pgd = AttackPerturbation.FromRegistry("pgd", new AttackSettings { Epsilon = 0.1f, Steps = 2 });
        Assert.Equal(Run(pgd), Run(pgd));
        Assert.True(Run(pgd) > Run(null), "adversarial batches should be harder to fit than clean ones");
        Assert.True(Run(AttackPerturbation.FromRegistry("fgsm", new AttackSettings { Epsilon = 0.1f })) > Run(null));
    }
}
