using Gauntlet.Attacks.BlackBox;
using Xunit.Abstractions;

namespace Gauntlet.Attacks.Tests;

public class SquareAttackTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(Norm.Linf, 0.05f)]
    [InlineData(Norm.L2, 1.0f)]
    public void Square_StaysInsideBallAndDomain_AndWithinQueryBudget(Norm norm, float eps)
    {
        var (clf, x, y) = BlackBoxSetup.Eight();
        var result = new SquareAttack(eps, 200, norm).Run(clf, x, AttackGoal.Untargeted(y), seed: 3);
        var budget = norm == Norm.Linf ? result.Linf : result.L2;
        Assert.All(budget, v => Assert.True(v <= eps * 1.0001f, $"norm {v} exceeds {eps}"));
        Assert.All(result.Adversarial.ToArray(), v => Assert.InRange(v, 0f, 1f));
        Assert.True(result.Queries <= 8 * 200, $"{result.Queries} queries for 8 samples at 200 each");
        output.WriteLine($"{result.Attack}: {result.SuccessRate:P0}, {result.Queries / 8.0:F1} queries per sample");
    }

    [Fact]
    public void SquareLinf_AtEps01With1000Queries_FoolsMostInitiallyCorrectImages()
    {
        var (clf, x, y) = BlackBoxSetup.More();
        var result = new SquareAttack(0.1f, 1000).Run(clf, x, AttackGoal.Untargeted(y), seed: 0);
        var rate = BlackBoxSetup.RateOnInitiallyCorrect(result, y);
        output.WriteLine($"square-linf eps 0.1, 1000 queries: {rate:P1} of initially correct, {result.Queries / (double)y.Length:F1} queries per sample, {result.Seconds:F2} s");
        Assert.True(result.Queries <= 1000L * y.Length);
        Assert.True(rate >= 0.5, $"success {rate:P1}");
    }

    [Fact]
    public void SquareL2_AtEps2_FoolsSomeImages_AndTargetedModeReachesTargets()
    {
        var (clf, x, y) = BlackBoxSetup.Eight();
        var l2 = new SquareAttack(2.0f, 300, Norm.L2).Run(clf, x, AttackGoal.Untargeted(y), seed: 0);
        var targets = y.Select(l => (l + 1) % 10).ToArray();
        var targeted = new SquareAttack(0.2f, 300).Run(clf, x, AttackGoal.Targeted(y, targets), seed: 0);
        output.WriteLine($"square-l2 eps 2: {BlackBoxSetup.RateOnInitiallyCorrect(l2, y):P1}; targeted square-linf eps 0.2: {targeted.SuccessRate:P1}");
        Assert.True(BlackBoxSetup.RateOnInitiallyCorrect(l2, y) >= 0.25);
        Assert.True(targeted.SuccessRate >= 0.25);
        for (var i = 0; i < y.Length; i++)
        {
            Assert.Equal(targeted.Success[i], targeted.AdversarialPrediction[i] == targets[i]);
        }
    }

    [Fact]
    public void Square_IsReproducibleFromSeed_AndSeedMatters()
    {
        var (clf, x, y) = BlackBoxSetup.Eight();
        var attack = new SquareAttack(0.05f, 50);
        var a = attack.Run(clf, x, AttackGoal.Untargeted(y), seed: 1).Adversarial.ToArray();
        var b = attack.Run(clf, x, AttackGoal.Untargeted(y), seed: 1).Adversarial.ToArray();
        var c = attack.Run(clf, x, AttackGoal.Untargeted(y), seed: 2).Adversarial.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void PSchedule_HalvesAtThePapersFractions()
    {
        Assert.Equal(0.8f, SquareAttack.PSchedule(0.8f, 0, 1000));
        Assert.Equal(0.4f, SquareAttack.PSchedule(0.8f, 2, 1000));
        Assert.Equal(0.8f / 512, SquareAttack.PSchedule(0.8f, 999, 1000));
    }

    [Fact]
    public void MetaPseudoGaussian_HasUnitNormAndOppositeHalves()
    {
        var p = SquareAttack.MetaPseudoGaussian(5, new Tensors.Rng(0));
        Assert.Equal(1.0, Math.Sqrt(p.Sum(v => (double)v * v)), 5);
        Assert.Contains(p, v => v > 0);
        Assert.Contains(p, v => v < 0);
    }

    [Fact]
    public void Square_RejectsBadParameters()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SquareAttack(0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SquareAttack(0.1f, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SquareAttack(0.1f, 100, Norm.L1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SquareAttack(0.1f, 100, pInit: 1.5f));
        Assert.Equal(0.1f, new SquareAttack(1f, 100, Norm.L2).PInit);
    }
}
