using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Poisoning.Generators;
using Gauntlet.Poisoning.Triggers;

namespace Gauntlet.Poisoning.Tests.Generators;

public sealed class PoisonerTests
{
    private static readonly LabeledImages Demo = FashionMnist.LoadEmbeddedDemo().Take(300);

    [Fact]
    public void BadNets_StampsAndRelabelsTheChosenNonTargetSamplesOnly()
    {
        var trigger = PatchTrigger.At("bottom-right", 4, 28, 28);

        var result = Poisoner.Trigger(Demo, trigger, "badnets", target: 0, rate: 0.1, seed: 7);

        Assert.Equal(30, result.Indices.Length);
        Assert.All(result.OriginalLabels, l => Assert.NotEqual(0, l));
        Assert.All(result.NewLabels, l => Assert.Equal(0, l));
        var poisoned = result.Data.Images.ToArray();
        var clean = Demo.Images.ToArray();
        var changed = result.Indices.ToHashSet();
        for (var i = 0; i < Demo.Count; i++)
        {
            Assert.Equal(changed.Contains(i) ? 0 : Demo.Labels[i], result.Data.Labels[i]);
            Assert.Equal(changed.Contains(i) ? 1f : clean[(i * 784) + (24 * 28) + 24], poisoned[(i * 784) + (24 * 28) + 24]);
            Assert.Equal(clean[i * 784], poisoned[i * 784]);
        }

        Assert.Equal(result.Indices, Poisoner.Trigger(Demo, trigger, "badnets", 0, 0.1, 7).Indices);
        Assert.NotEqual(result.Indices, Poisoner.Trigger(Demo, trigger, "badnets", 0, 0.1, 8).Indices);
    }

    [Fact]
    public void RandomLabelFlip_AlwaysChangesTheLabel_AndKeepsTheImages()
    {
        var result = Poisoner.RandomLabelFlip(Demo, 0.2, seed: 1);

        Assert.Equal(60, result.Indices.Length);
        Assert.All(result.Indices.Select((i, k) => (i, k)), p => Assert.NotEqual(Demo.Labels[p.i], result.Data.Labels[p.i]));
        Assert.Equal(Demo.Images.ToArray(), result.Data.Images.ToArray());
        Assert.Null(result.Target);
    }

    [Fact]
    public void TargetedLabelFlip_FromOneSourceClass()
    {
        var source = Demo.Labels[0];
        var available = Demo.Labels.Count(l => l == source);
        var target = (source + 1) % 10;

        var result = Poisoner.TargetedLabelFlip(Demo, target, source, 5.0 / Demo.Count, seed: 1);

        Assert.Equal(5, result.Indices.Length);
        Assert.All(result.OriginalLabels, l => Assert.Equal(source, l));
        Assert.All(result.Indices, i => Assert.Equal(target, result.Data.Labels[i]));
        Assert.Throws<ArgumentException>(() => Poisoner.TargetedLabelFlip(Demo, target, source, (available + 1.0) / Demo.Count, 1));
    }

    [Fact]
    public void CleanLabel_KeepsLabels_PerturbsWithinEpsilon_AndStampsTheTrigger()
    {
        var network = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 3);
        var surrogate = new ModuleClassifier(network, new Gauntlet.Tensors.Shape(1, 28, 28), 10);
        var trigger = PatchTrigger.At("top-left", 3, 28, 28);

        var result = Poisoner.CleanLabel(Demo, surrogate, trigger, target: 2, rate: 0.02, epsilon: 0.05f, seed: 1);

        Assert.Equal(6, result.Indices.Length);
        Assert.Equal(Demo.Labels, result.Data.Labels);
        Assert.All(result.OriginalLabels, l => Assert.Equal(2, l));
        var poisoned = result.Data.Images.ToArray();
        var clean = Demo.Images.ToArray();
        foreach (var i in result.Indices)
        {
            Assert.Equal(1f, poisoned[(i * 784) + (1 * 28) + 1]);
            var changed = 0;
            for (var k = 0; k < 784; k++)
            {
                var (y, x) = (k / 28, k % 28);
                if (y is >= 1 and <= 3 && x is >= 1 and <= 3)
                {
                    continue;
                }

                var delta = Math.Abs(poisoned[(i * 784) + k] - clean[(i * 784) + k]);
                Assert.True(delta <= 0.05f + 1e-6f, $"sample {i} pixel {k} moved {delta}");
                changed += delta > 0 ? 1 : 0;
            }

            Assert.True(changed > 100, $"PGD left sample {i} almost unchanged ({changed} pixels)");
        }
    }

    [Fact]
    public void Generators_RefuseATargetOutOfRangeAndABadRate()
    {
        var trigger = PatchTrigger.At("bottom-right", 4, 28, 28);

        Assert.Throws<ArgumentException>(() => Poisoner.Trigger(Demo, trigger, "badnets", 10, 0.05, 0));
        Assert.Throws<ArgumentException>(() => Poisoner.Trigger(Demo, trigger, "badnets", -1, 0.05, 0));
        Assert.Throws<ArgumentException>(() => Poisoner.Trigger(Demo, trigger, "badnets", 0, 0, 0));
        Assert.Throws<ArgumentException>(() => Poisoner.TargetedLabelFlip(Demo, 3, 3, 0.05, 0));
    }

    [Fact]
    public void NpzWriter_RoundTripsThroughTheDataLoader()
    {
        var result = Poisoner.Trigger(Demo, new BlendTrigger(0.2f, 1), "blend", 0, 0.1, 1);
        var path = Path.Combine(Path.GetTempPath(), $"gauntlet-poison-{Guid.NewGuid():N}.npz");
        try
        {
            using (var stream = File.Create(path))
            {
                NpzWriter.Write(stream, result.Data);
            }

            var back = Dataset.Load(path);

            Assert.Equal(result.Data.Labels, back.Labels);
            Assert.Equal(result.Data.Images.ToArray(), back.Images.ToArray());
            Assert.Equal(result.Data.Images.Shape.ToArray(), back.Images.Shape.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
