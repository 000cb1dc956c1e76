using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Privacy.ApiDefenses;
using Gauntlet.Privacy.Extraction;
using Gauntlet.Tensors;

namespace Gauntlet.Privacy.Tests.Extraction;

public sealed class KnockoffExtractionTests
{
    private static readonly TrainingOptions Quick = new(Epochs: 4, BatchSize: 32, LearningRate: 2e-3f);

    [Theory]
    [InlineData(ExtractionMode.Labels)]
    [InlineData(ExtractionMode.Probabilities)]
    public void ACopyFromFewQueries_AgreesWithTheVictimFarAboveChance(ExtractionMode mode)
    {
        var victim = DemoVictim.Create();
        var (pool, heldOut) = DemoVictim.Data();
        var result = KnockoffExtraction.Run(victim, pool, heldOut, new ExtractionOptions(400, "mlp", mode, Quick, Seed: 1));
        Assert.Equal(400, result.QueriesUsed);
        Assert.Equal(200, result.HeldOut);
        Assert.True(result.Fidelity > 0.6, $"{mode}: fidelity {result.Fidelity}");
        Assert.True(result.CopyAccuracy > 0.5, $"{mode}: copy accuracy {result.CopyAccuracy}");
        Assert.Equal(result.VictimAccuracy, result.ApiAccuracy);
        Assert.InRange(result.VictimAccuracy, 0.8, 1.0);
    }

    [Fact]
    public void SameSeed_SameCopy()
    {
        var (pool, heldOut) = DemoVictim.Data();
        var options = new ExtractionOptions(100, "mlp", ExtractionMode.Labels, Quick with { Epochs = 1 }, Seed: 4);
        var a = KnockoffExtraction.Run(DemoVictim.Create(), pool, heldOut, options);
        var b = KnockoffExtraction.Run(DemoVictim.Create(), pool, heldOut, options);
        Assert.Equal(a.Fidelity, b.Fidelity);
        Assert.Equal(a.Copy.Parameters().First().ToArray(), b.Copy.Parameters().First().ToArray());
    }

    [Fact]
    public void ThroughALabelOnlyApi_FidelityIsAgainstTheModelBehindIt()
    {
        var victim = DemoVictim.Create();
        var (pool, heldOut) = DemoVictim.Data();
        var api = new LabelOnlyDefense(victim);
        var result = KnockoffExtraction.Run(api, pool, heldOut, new ExtractionOptions(200, "mlp", ExtractionMode.Probabilities, Quick, Seed: 2), victim);
        Assert.True(result.Fidelity > 0.5, $"fidelity {result.Fidelity}");
        Assert.Equal(result.VictimAccuracy, result.ApiAccuracy, 1e-12);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(801)]
    public void ABudgetOutsideThePool_IsRefused(int budget)
    {
        var (pool, heldOut) = DemoVictim.Data();
        var ex = Assert.Throws<ArgumentException>(() => KnockoffExtraction.Run(DemoVictim.Create(), pool, heldOut, new ExtractionOptions(budget, "mlp")));
        Assert.Contains("query budget", ex.Message);
    }

    [Fact]
    public void AnswersOfOneClassOnly_AreRefused()
    {
        var (pool, heldOut) = DemoVictim.Data();
        var ex = Assert.Throws<ArgumentException>(() => KnockoffExtraction.Run(new ConstantModel(), pool, heldOut, new ExtractionOptions(50, "mlp")));
        Assert.StartsWith("the victim answered class 3 to all 50 queries", ex.Message);
    }

    [Fact]
    public void TheOracle_RefusesQueriesPastItsBudget()
    {
        var oracle = new QueryOracle(DemoVictim.Create(), 5);
        oracle.Query(Tensor.Zeros(4, 1, 28, 28));
        Assert.Equal(4, oracle.Used);
        Assert.Throws<InvalidOperationException>(() => oracle.Query(Tensor.Zeros(2, 1, 28, 28)));
    }

    [Fact]
    public void ExamplesCraftedOnTheCopy_TransferToTheVictim()
    {
        var victim = DemoVictim.Create();
        var (pool, heldOut) = DemoVictim.Data();
        var copy = KnockoffExtraction.Run(victim, pool, heldOut, new ExtractionOptions(600, "mlp", ExtractionMode.Labels, Quick, Seed: 3)).Classifier;
        // FGSM, L∞ ε = 0.15, on the copy's cross-entropy gradient.
        var result = AdversarialTransfer.Measure(copy, victim, heldOut, (model, x, y) =>
        {
            var (g, _) = model.LossGradient(x, y, (z, t) => Losses.CrossEntropy(z, t, Reduction.Sum));
            return Ops.Clamp(Ops.Add(x, Ops.Multiply(Ops.Sign(g), 0.15f)), 0f, 1f);
        });
        Assert.InRange(result.Candidates, 100, 200);
        Assert.True(result.CopySuccessRate > 0.5, $"copy success {result.CopySuccessRate}");
        Assert.True(result.TransferRate > 0.1, $"transfer {result.TransferRate}");
        Assert.True(result.TransferRate <= result.CopySuccessRate + 0.2);
    }

    private sealed class ConstantModel : IClassifier
    {
        public Shape SampleShape => new(1, 28, 28);

        public int ClassCount => 10;

        public InputRange InputRange => InputRange.Unit;

        public long QueryCount => 0;

        public Tensor Predict(Tensor batch)
        {
            var logits = new float[batch.Dim(0) * 10];
            for (var i = 0; i < batch.Dim(0); i++)
            {
                logits[(i * 10) + 3] = 5f;
            }

            return Tensor.FromArray(logits, batch.Dim(0), 10);
        }

        public (Tensor Gradient, Tensor Logits) LossGradient(Tensor batch, int[] labels, Func<Tensor, int[], Tensor> loss) => throw new NotSupportedException();
    }
}
