using Gauntlet.Data;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Models.Tests;

/// <summary>A learning rate that blows the weights up must stop training, never yield a model of NaNs.</summary>
public class TrainerDivergenceTests
{
    [Fact]
    public void HugeLearningRate_StopsWithTrainingDiverged_NamingEpochStepAndLoss()
    {
        var train = FashionMnist.LoadEmbeddedDemo().Take(256);
        var model = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 0);
        var error = Assert.Throws<TrainingDivergedException>(() => Trainer.Fit(model, train, null, new TrainingOptions(Epochs: 3, BatchSize: 32, LearningRate: 1e30f)));
        Assert.Equal(1, error.Epoch);
        Assert.InRange(error.Step, 1, 8);
        Assert.False(double.IsFinite(error.Loss));
        Assert.Equal(1e30f, error.LearningRate);
        Assert.Matches(@"^training diverged at epoch 1 step \d+ \((loss (NaN|-?Infinity)|weights not finite after the update)\)$", error.Message);
    }

    [Fact]
    public void DivergenceOnTheLastStep_IsCaughtByTheWeightCheck()
    {
        // One batch, one step: the loss of that step is finite (the weights were fine before it), so
        // only the check of the weights after the update can see the damage. A wide hidden unit
        // (≈ 10⁸) read by tiny output weights keeps the logits small but makes their gradient
        // ≈ 10⁷; at a rate of 10³⁷ the SGD update overflows to ∞.
        var train = FashionMnist.LoadEmbeddedDemo().Take(32);
        var hidden = new Linear(28 * 28, 1, new Rng(0), bias: false);
        hidden.Weight.Span.Fill(1e6f);
        var output = new Linear(1, 10, new Rng(1));
        for (var i = 0; i < 10; i++)
        {
            output.Weight.Span[i] = i * 1e-9f;
        }

        var model = new Sequential(new Flatten(), hidden, output);
        var options = new TrainingOptions(Epochs: 1, BatchSize: 32, LearningRate: 1e37f, Optimizer: "sgd", CosineSchedule: false);
        var error = Assert.Throws<TrainingDivergedException>(() => Trainer.Fit(model, train, null, options));
        Assert.Equal((1, 1), (error.Epoch, error.Step));
        Assert.Equal("training diverged at epoch 1 step 1 (weights not finite after the update)", error.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(0f)]
    [InlineData(-1f)]
    public void NonFiniteOrNonPositiveLearningRate_IsRefused(float rate)
    {
        var train = FashionMnist.LoadEmbeddedDemo().Take(8);
        var model = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 0);
        var error = Assert.Throws<ArgumentException>(() => Trainer.Fit(model, train, null, new TrainingOptions(LearningRate: rate)));
        Assert.Contains("learning rate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NormalRate_TrainsAndReportsFiniteLoss()
    {
        var train = FashionMnist.LoadEmbeddedDemo().Take(64);
        var model = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 0);
        var log = Trainer.Fit(model, train, null, new TrainingOptions(Epochs: 1, BatchSize: 32, LearningRate: 1e-3f));
        var epoch = Assert.Single(log);
        Assert.True(double.IsFinite(epoch.TrainLoss) && epoch.TrainLoss > 0, $"loss {epoch.TrainLoss}");
    }
}
