using Gauntlet.Data;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Models.Tests;

public sealed class TrainerSampleWeightTests
{
    // Two clusters of 1×1×2 "images"; class 1 sits near (1, 1), class 0 near (0, 0).
    private static LabeledImages Clusters(int n, int seed)
    {
        var rng = new Rng(seed);
        var x = new float[n * 2];
        var y = new int[n];
        for (var i = 0; i < n; i++)
        {
            y[i] = i % 2;
            x[2 * i] = y[i] + (float)((rng.NextDouble() - 0.5) * 0.4);
            x[(2 * i) + 1] = y[i] + (float)((rng.NextDouble() - 0.5) * 0.4);
        }

        return new LabeledImages(Tensor.FromArray(x, n, 1, 1, 2), y, 2, "clusters");
    }

    [Fact]
    public void ZeroWeightSamplesDoNotTeachTheModel()
    {
        var train = Clusters(200, 1);
        // Class 1's samples get weight 0: the model only ever learns "class 0".
        var weights = train.Labels.Select(l => l == 1 ? 0f : 1f).ToArray();
        var model = new Sequential(new Flatten(), new Linear(2, 2, new Rng(3)));
        Trainer.Fit(model, train, null, new TrainingOptions(Epochs: 5, BatchSize: 20, LearningRate: 0.05f, SampleWeights: weights));
        var predicted = Ops.ArgMax(model.Forward(train.Images), 1);
        Assert.All(predicted, p => Assert.Equal(0, p));

        // Unit weights learn both classes, as unweighted training does.
        var unit = new Sequential(new Flatten(), new Linear(2, 2, new Rng(3)));
        Trainer.Fit(unit, train, null, new TrainingOptions(Epochs: 5, BatchSize: 20, LearningRate: 0.05f, SampleWeights: [.. Enumerable.Repeat(1f, 200)]));
        Assert.True(Trainer.Evaluate(unit, train) > 0.95);
    }

    [Fact]
    public void UnitWeightsGiveTheSameLossAsNoWeights()
    {
        var train = Clusters(64, 2);
        var a = new Sequential(new Flatten(), new Linear(2, 2, new Rng(5)));
        var b = new Sequential(new Flatten(), new Linear(2, 2, new Rng(5)));
        var la = Trainer.Fit(a, train, null, new TrainingOptions(Epochs: 2, BatchSize: 16, Seed: 4));
        var lb = Trainer.Fit(b, train, null, new TrainingOptions(Epochs: 2, BatchSize: 16, Seed: 4, SampleWeights: [.. Enumerable.Repeat(1f, 64)]));
        Assert.Equal(la[1].TrainLoss, lb[1].TrainLoss, 5);
    }

    [Fact]
    public void WrongWeightsAreRejected()
    {
        var train = Clusters(10, 3);
        var model = new Sequential(new Flatten(), new Linear(2, 2, new Rng(1)));
        var e = Assert.Throws<ArgumentException>(() => Trainer.Fit(model, train, null, new TrainingOptions(SampleWeights: [1f, 1f])));
        Assert.Contains("2 sample weights for 10 training samples", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Trainer.Fit(model, train, null, new TrainingOptions(SampleWeights: [.. Enumerable.Repeat(-1f, 10)])));
    }
}
