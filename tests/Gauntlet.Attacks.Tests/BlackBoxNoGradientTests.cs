using Gauntlet.Attacks.BlackBox;

namespace Gauntlet.Attacks.Tests;

public class BlackBoxNoGradientTests
{
    public static TheoryData<string> Attacks => ["square-linf", "square-l2", "hopskipjump", "hopskipjump-linf", "gaussian", "salt-and-pepper", "spatial"];

    [Theory]
    [MemberData(nameof(Attacks))]
    public void BlackBoxAttack_OnlyPredicts_AndCountsEveryQueryWithinBudget(string name)
    {
        var (inner, x, y) = BlackBoxSetup.Eight();
        var clf = new PredictOnlyClassifier(inner);
        const int budget = 40;
        EvasionAttack attack = name switch
        {
            "square-linf" => new SquareAttack(0.05f, budget),
            "square-l2" => new SquareAttack(1f, budget, Norm.L2),
            "hopskipjump" => new HopSkipJump(budget),
            "hopskipjump-linf" => new HopSkipJump(budget, norm: Norm.Linf),
            "gaussian" => RandomNoise.Gaussian(0.05f, Norm.Linf, trials: budget - 2),
            "salt-and-pepper" => RandomNoise.SaltAndPepper(0.02f, trials: budget - 2),
            _ => new SpatialTransform([-10f, 0f, 10f], [-1f, 0f, 1f]),
        };
        var before = clf.QueryCount;
        var result = attack.Run(clf, x, AttackGoal.Untargeted(y), seed: 0);
        Assert.Equal(clf.QueryCount - before, result.Queries);
        Assert.True(clf.PredictCalls > 2);
        Assert.True(result.Queries <= budget * (long)y.Length, $"{result.Queries} queries");
        Assert.Equal(result.Queries, result.SampleQueries.Sum());
        Assert.All(result.SampleQueries, q => Assert.InRange(q, 2, budget));

        // Per sample: each image attacked alone stays within the budget.
        for (var i = 0; i < y.Length; i++)
        {
            var one = Tensors.Tensor.FromArray(x.ReadOnlySpan.Slice(i * 784, 784).ToArray(), 1, 1, 28, 28);
            var single = attack.Run(clf, one, AttackGoal.Untargeted([y[i]]), seed: 0);
            Assert.True(single.Queries <= budget, $"sample {i}: {single.Queries} queries for a budget of {budget}");
        }
    }

    [Fact]
    public void ImageAttacks_RejectNonImageClassifiers()
    {
        var model = new Tensors.Nn.Linear(4, 3, new Tensors.Rng(0));
        var clf = new Models.ModuleClassifier(model, new Tensors.Shape(4), 3);
        var x = Tensors.Tensor.Zeros(2, 4);
        Assert.Throws<ArgumentException>(() => new SquareAttack(0.1f, 10).Run(clf, x, AttackGoal.Untargeted([0, 1])));
        Assert.Throws<ArgumentException>(() => new SpatialTransform([0f], [0f]).Run(clf, x, AttackGoal.Untargeted([0, 1])));
    }
}
