using Gauntlet.Attacks.BlackBox;
using Gauntlet.Attacks.Evasion;
using Xunit.Abstractions;

namespace Gauntlet.Attacks.Tests;

public class RandomNoiseTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(NoiseKind.Gaussian, Norm.Linf, 0.1f)]
    [InlineData(NoiseKind.Uniform, Norm.Linf, 0.1f)]
    [InlineData(NoiseKind.Gaussian, Norm.L2, 2f)]
    [InlineData(NoiseKind.Uniform, Norm.L2, 2f)]
    public void Noise_StaysWithinItsBudget_AndTrialsBoundQueries(NoiseKind kind, Norm norm, float eps)
    {
        var (clf, x, y) = BlackBoxSetup.Eight();
        var attack = kind == NoiseKind.Gaussian ? RandomNoise.Gaussian(eps, norm, trials: 5) : RandomNoise.Uniform(eps, norm, trials: 5);
        var result = attack.Run(clf, x, AttackGoal.Untargeted(y), seed: 0);
        var measured = norm == Norm.Linf ? result.Linf : result.L2;
        Assert.All(measured, v => Assert.True(v <= eps * 1.0001f, $"norm {v} exceeds {eps}"));
        Assert.True(result.Queries <= 8 * (5 + 2));
    }

    [Fact]
    public void SaltAndPepper_ChangesAboutTheGivenFraction()
    {
        var (clf, x, y) = BlackBoxSetup.Eight();
        var result = RandomNoise.SaltAndPepper(0.05f, trials: 1).Run(clf, x, AttackGoal.Untargeted(y), seed: 0);
        Assert.All(result.L0, v => Assert.InRange(v, 0f, 784 * 0.1f));
        Assert.True(result.L0.Average() > 784 * 0.01f);
        Assert.Equal(Norm.L0, RandomNoise.SaltAndPepper(0.05f).Norm);
    }

    [Fact]
    public void Noise_IsWeakerThanPgd_AtTheSameBudget()
    {
        var (clf, x, y) = BlackBoxSetup.More();
        var goal = AttackGoal.Untargeted(y);
        var gaussian = RandomNoise.Gaussian(0.1f, Norm.Linf, trials: 10).Run(clf, x, goal, seed: 0);
        var uniform = RandomNoise.Uniform(0.1f, Norm.Linf, trials: 10).Run(clf, x, goal, seed: 0);
        var pgd = new Pgd(0.1f, 0.01f, 20).Run(clf, x, goal, seed: 0);
        var rates = (G: BlackBoxSetup.RateOnInitiallyCorrect(gaussian, y), U: BlackBoxSetup.RateOnInitiallyCorrect(uniform, y), P: BlackBoxSetup.RateOnInitiallyCorrect(pgd, y));
        output.WriteLine($"eps 0.1 L∞ on initially correct: gaussian {rates.G:P1}, uniform {rates.U:P1}, PGD {rates.P:P1}");
        Assert.True(rates.G < rates.P && rates.U < rates.P, rates.ToString());
    }

    [Fact]
    public void Noise_IsReproducibleFromSeed_AndSeedMatters_AndStopsQueryingSuccesses()
    {
        var (clf, x, y) = BlackBoxSetup.Eight();
        var attack = RandomNoise.Gaussian(0.3f, Norm.Linf, trials: 4);
        var a = attack.Run(clf, x, AttackGoal.Untargeted(y), seed: 9);
        var b = attack.Run(clf, x, AttackGoal.Untargeted(y), seed: 9);
        var c = attack.Run(clf, x, AttackGoal.Untargeted(y), seed: 10);
        Assert.Equal(a.Adversarial.ToArray(), b.Adversarial.ToArray());
        Assert.Equal(a.Queries, b.Queries);
        Assert.NotEqual(a.Adversarial.ToArray(), c.Adversarial.ToArray());

        // Samples misclassified on the first draw are not queried again.
        Assert.True(a.Queries < 8 * (4 + 2) || a.SuccessRate == 0, $"{a.Queries} queries, success {a.SuccessRate:P0}");
    }

    [Fact]
    public void Noise_RejectsBadParameters()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomNoise.Gaussian(0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomNoise.Uniform(0.1f, Norm.L0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomNoise.Gaussian(0.1f, trials: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomNoise.SaltAndPepper(0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomNoise.SaltAndPepper(1.5f));
    }
}
