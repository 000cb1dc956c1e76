using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Poisoning.Detection;
using Gauntlet.Poisoning.Generators;
using Gauntlet.Poisoning.Triggers;
using Gauntlet.Tensors;

namespace Gauntlet.Poisoning.Tests.Detection;

/// <summary>
/// Neural Cleanse end to end on a tiny backdoored model: an MLP trained for a few epochs on the
/// embedded demo set's first 800 images with 10% BadNets poison (4×4 white square bottom-right,
/// target 0), checked on the last 200 (clean) with few optimisation steps.
/// </summary>
public sealed class NeuralCleanseTests
{
    private static readonly Lazy<(ModuleClassifier Model, LabeledImages Clean, PatchTrigger Trigger)> Backdoored = new(() =>
    {
        var demo = FashionMnist.LoadEmbeddedDemo();
        var trigger = PatchTrigger.At("bottom-right", 4, 28, 28);
        var poisoned = Poisoner.Trigger(demo.Take(800), trigger, "badnets", target: 0, rate: 0.1, seed: 1).Data;
        var network = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 1);
        Trainer.Fit(network, poisoned, null, new TrainingOptions(Epochs: 6, BatchSize: 32, LearningRate: 2e-3f, Seed: 1));
        var clean = demo.Select([.. Enumerable.Range(800, 200)]);
        return (new ModuleClassifier(network, new Shape(1, 28, 28), 10), clean, trigger);
    });

    [Fact]
    public void ReverseEngineer_OnThreeClasses_FindsASmallBottomRightTriggerForTheTargetOnly()
    {
        var (model, clean, trigger) = Backdoored.Value;
        Assert.True(NeuralCleanse.SuccessRate(model, clean, trigger, 0) > 0.9, "the planted trigger should work before the detector is asked to find it");
        // Epochs of one mini-batch, so the reference schedule (cost from 0, 5-epoch patience) fits 150 steps.
        var options = new NeuralCleanseOptions { Steps = 150, BatchSize = 24, BatchesPerEpoch = 1, Seed = 1 };

        var triggers = NeuralCleanse.ReverseEngineer(model, clean, [0, 1, 2], options);

        var norms = string.Join(", ", triggers.Select(t => t.L1.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([0, 1, 2], triggers.Select(t => t.Target));
        Assert.True(triggers[0].L1 < 0.5 * Math.Min(triggers[1].L1, triggers[2].L1), $"L1 norms of classes 0, 1, 2: {norms}");
        Assert.True(triggers[0].ReachedThreshold);
        Assert.True(triggers[0].AttackSuccessRate > 0.9, $"recovered trigger success {triggers[0].AttackSuccessRate}");
        Assert.True(triggers[0].Box!.Region(28, 28) == "bottom-right", $"box {triggers[0].Box}");
        Assert.All(triggers[0].Mask, m => Assert.InRange(m, 0f, 1f));
        Assert.All(triggers[0].Pattern, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(triggers[0].Mask.Sum(v => (double)v), triggers[0].L1, 6);
        Assert.All(triggers, t => Assert.InRange(t.Steps, 1, 150));
    }

    [Fact]
    public void ReverseEngineer_AClassOptimisedBesideOthers_GetsTheSameTriggerAsAlone()
    {
        // Classes share each step's forward and backward pass but not their state: class 1's
        // trigger after 14 steps (two epochs) is the same with and without classes 0 and 2 beside it.
        var (model, clean, _) = Backdoored.Value;
        var options = new NeuralCleanseOptions { Steps = 14, BatchSize = 24, Seed = 3 };

        var together = NeuralCleanse.ReverseEngineer(model, clean, [0, 1, 2], options)[1];
        var alone = NeuralCleanse.ReverseEngineer(model, clean, 1, options);

        Assert.Equal(14, alone.Steps);
        Assert.Equal(alone.Mask.Length, together.Mask.Length);
        for (var i = 0; i < alone.Mask.Length; i++)
        {
            Assert.Equal(alone.Mask[i], together.Mask[i], 4);
        }
    }

    [Fact]
    public void CheckFits_RefusesOneClassAndTheWrongShape()
    {
        var (model, clean, _) = Backdoored.Value;
        var oneClass = clean.Select([.. Enumerable.Range(0, clean.Count).Where(i => clean.Labels[i] == clean.Labels[0])]);
        var wrongShape = new LabeledImages(Tensor.Zeros(4, 1, 14, 14), [0, 1, 0, 1], 10, "small");

        Assert.Contains("at least 2 classes", Assert.Throws<ArgumentException>(() => NeuralCleanse.CheckFits(model, oneClass)).Message);
        Assert.Contains("expects [1, 28, 28]", Assert.Throws<ArgumentException>(() => NeuralCleanse.CheckFits(model, wrongShape)).Message);
    }
}
