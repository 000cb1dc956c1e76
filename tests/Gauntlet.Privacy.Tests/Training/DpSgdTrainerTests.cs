using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Privacy.Accounting;
using Gauntlet.Privacy.Training;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Privacy.Tests.Training;

public sealed class DpSgdTrainerTests
{
    [Fact]
    public void ShortDpRun_OnDemoData_LearnsAboveChance_AndReportsGrowingEpsilon()
    {
        var demo = FashionMnist.LoadEmbeddedDemo();
        var train = demo.Select([.. Enumerable.Range(0, 800)]);
        var test = demo.Select([.. Enumerable.Range(800, 200)]);
        var model = ModelZoo.Create("mlp", 1, 28, 28, 10, seed: 0);
        var options = new TrainingOptions(Epochs: 2, BatchSize: 64, LearningRate: 0.1f, Seed: 0, Optimizer: "sgd");
        var privacy = new DpSgdOptions(NoiseMultiplier: 1.0, MaxGradNorm: 1.0, Delta: 1e-3);

        var results = DpSgdTrainer.Fit(model, train, test, options, privacy);

        Assert.Equal(2, results.Count);
        var accuracy = results[^1].Epoch.ValidationAccuracy!.Value;
        Assert.True(accuracy > 0.3, $"DP-SGD reached {accuracy:P1} on 200 held-out images; chance is 10%");

        // ε after 12 and 24 steps at q = 64/800 equals the RDP accountant's figure for those steps.
        Assert.Equal(12, results[0].Steps);
        Assert.Equal(24, results[1].Steps);
        var expected = new RdpAccountant().Spent(64 / 800.0, 1.0, 24, 1e-3).Epsilon;
        Assert.Equal(expected, results[1].Privacy.Epsilon, 12);
        Assert.True(results[1].Privacy.Epsilon > results[0].Privacy.Epsilon);
    }

    [Fact]
    public void BatchNorm_IsRejectedWithAReason()
    {
        var demo = FashionMnist.LoadEmbeddedDemo().Take(64);
        var model = ModelZoo.Create("resnet-mini", 1, 28, 28, 10, seed: 0);
        var ex = Assert.Throws<NotSupportedException>(() =>
            DpSgdTrainer.Fit(model, demo, null, new TrainingOptions(Epochs: 1, BatchSize: 16), new DpSgdOptions(1.0, 1.0, 1e-5)));
        Assert.Contains("per-sample gradient", ex.Message);
    }
}
