using Gauntlet.Data;
using Gauntlet.Federated.Training;

namespace Gauntlet.Federated.Tests.Training;

public sealed class LocalTrainingTests
{
    private static readonly LabeledImages Shard = FashionMnist.LoadEmbeddedDemo().Take(128);

    [Fact]
    public void ProximalLoop_WithNegligibleMu_IsTheTrainersLoop()
    {
        var model = FederatedModels.Mlp([1, 28, 28], 10, 8, seed: 1);
        var global = ModelVector.Read(model);
        var trainer = LocalTraining.Update(model, global, Shard, new LocalTrainingOptions(2, 32, 0.05f, 0f), seed: 4);
        var proximal = LocalTraining.Update(model, global, Shard, new LocalTrainingOptions(2, 32, 0.05f, 1e-30f), seed: 4);
        Assert.Equal(trainer.Length, proximal.Length);
        for (var i = 0; i < trainer.Length; i++)
        {
            Assert.Equal(trainer[i], proximal[i], 1e-6f);
        }

        Assert.True(Norm(trainer) > 0.01, "local training must move the weights");
    }

    [Fact]
    public void ProximalTerm_PullsTheUpdateTowardsTheGlobalModel()
    {
        var model = FederatedModels.Mlp([1, 28, 28], 10, 8, seed: 1);
        var global = ModelVector.Read(model);
        var free = Norm(LocalTraining.Update(model, global, Shard, new LocalTrainingOptions(3, 16, 0.05f, 0f), seed: 2));
        var held = Norm(LocalTraining.Update(model, global, Shard, new LocalTrainingOptions(3, 16, 0.05f, 1f), seed: 2));
        Assert.True(held < 0.9 * free, $"‖Δ‖ with μ = 1: {held}; with μ = 0: {free}");
    }

    [Fact]
    public void ModelVector_RoundTrips_AndRefusesTheWrongLength()
    {
        var model = FederatedModels.Mlp([1, 28, 28], 10, 4, seed: 3);
        var vector = ModelVector.Read(model);
        Assert.Equal((784 * 4) + 4 + (4 * 10) + 10, vector.Length);
        var changed = vector.Select(v => v + 1f).ToArray();
        ModelVector.Write(model, changed);
        Assert.Equal(changed, ModelVector.Read(model));
        Assert.Throws<ArgumentException>(() => ModelVector.Write(model, new float[3]));
    }

    private static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));
}
