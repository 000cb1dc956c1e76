using Gauntlet.Attacks.BlackBox;
using Xunit.Abstractions;

namespace Gauntlet.Attacks.Tests;

public class HopSkipJumpTests(ITestOutputHelper output)
{
    [Fact]
    public void HopSkipJump_ReturnsAdversarialPoints_WhoseDistanceShrinksWithMoreQueries()
    {
        var (clf, x, y) = BlackBoxSetup.Eight();
        var shortRun = new HopSkipJump(100).Run(clf, x, AttackGoal.Untargeted(y), seed: 0);
        var longRun = new HopSkipJump(500).Run(clf, x, AttackGoal.Untargeted(y), seed: 0);
        var correct = Enumerable.Range(0, y.Length).Where(i => shortRun.OriginalPrediction[i] == y[i]).ToArray();
        Assert.All(correct, i => Assert.True(longRun.Success[i], $"sample {i} not adversarial"));
        Assert.All(correct, i => Assert.True(shortRun.Success[i], $"sample {i} not adversarial at 100 queries"));
        var shortMedian = Median(correct.Select(i => shortRun.L2[i]));
        var longMedian = Median(correct.Select(i => longRun.L2[i]));
        output.WriteLine($"HSJ median L2: {shortMedian:F3} at 100 queries, {longMedian:F3} at 500; queries per sample {shortRun.Queries / 8.0:F1} and {longRun.Queries / 8.0:F1}; {longRun.Seconds:F2} s");
        Assert.True(longMedian < 0.8 * shortMedian, $"{longMedian} vs {shortMedian}");
        Assert.True(shortRun.Queries <= 100 * 8);
        Assert.True(longRun.Queries <= 500 * 8);
    }

    [Fact]
    public void HopSkipJumpLinf_ReturnsAdversarialPoints_WhoseLinfDistanceShrinksWithMoreQueries()
    {
        var (clf, x, y) = BlackBoxSetup.Eight();
        var shortRun = new HopSkipJump(100, norm: Norm.Linf).Run(clf, x, AttackGoal.Untargeted(y), seed: 0);
        var longRun = new HopSkipJump(600, norm: Norm.Linf).Run(clf, x, AttackGoal.Untargeted(y), seed: 0);
        var correct = Enumerable.Range(0, y.Length).Where(i => shortRun.OriginalPrediction[i] == y[i]).ToArray();
        Assert.All(correct, i => Assert.True(shortRun.Success[i] && longRun.Success[i], $"sample {i} not adversarial"));
        var shortMedian = Median(correct.Select(i => shortRun.Linf[i]));
        var longMedian = Median(correct.Select(i => longRun.Linf[i]));
        output.WriteLine($"HSJ L∞ median distance: {shortMedian:F3} at 100 queries, {longMedian:F3} at 600; {longRun.Seconds:F2} s");
        Assert.Equal("hopskipjump-linf", longRun.Attack);
        Assert.True(longMedian < 0.95 * shortMedian, $"{longMedian} vs {shortMedian}");
        Assert.True(longRun.Queries <= 600 * 8);
    }

    [Fact]
    public void HopSkipJump_WithEpsilon_CountsOnlyPointsInsideIt()
    {
        var (clf, x, y) = BlackBoxSetup.Eight();
        var result = new HopSkipJump(200, epsilon: 1.5f).Run(clf, x, AttackGoal.Untargeted(y), seed: 0);
        Assert.All(result.L2, v => Assert.True(v <= 1.5f * 1.0001f, $"L2 {v}"));
        output.WriteLine($"HSJ at eps 1.5, 200 queries: {result.SuccessRate:P1}");
    }

    [Fact]
    public void HopSkipJump_Targeted_HitsTheTarget()
    {
        var (clf, x, y) = BlackBoxSetup.Eight();
        var targets = y.Select(l => (l + 3) % 10).ToArray();
        var result = new HopSkipJump(300).Run(clf, x, AttackGoal.Targeted(y, targets), seed: 0);
        output.WriteLine($"HSJ targeted: {result.SuccessRate:P1}");
        Assert.True(result.SuccessRate >= 0.5, $"{result.SuccessRate:P1}");
        Assert.True(result.Queries <= 300 * 8);
    }

    [Fact]
    public void HopSkipJump_IsReproducibleFromSeed()
    {
        var (clf, x, y) = BlackBoxSetup.Eight();
        var a = new HopSkipJump(60).Run(clf, x, AttackGoal.Untargeted(y), seed: 5).Adversarial.ToArray();
        var b = new HopSkipJump(60).Run(clf, x, AttackGoal.Untargeted(y), seed: 5).Adversarial.ToArray();
        var c = new HopSkipJump(60).Run(clf, x, AttackGoal.Untargeted(y), seed: 6).Adversarial.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void HopSkipJump_RejectsBadParameters()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HopSkipJump(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HopSkipJump(100, epsilon: 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HopSkipJump(100, norm: Norm.L1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HopSkipJump(100, initialEvaluations: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HopSkipJump(100, initialEvaluations: 50, maxEvaluations: 10));
    }

    private static double Median(IEnumerable<float> values)
    {
        var v = values.OrderBy(a => a).ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2.0;
    }
}
