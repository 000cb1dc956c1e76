using Gauntlet.Attacks.Evasion;

namespace Gauntlet.Attacks.Tests;

public class PgdTests
{
    private static (Models.ModuleClassifier Classifier, Tensors.Tensor Images, int[] Labels) Setup()
    {
        var r = ReferenceModel.Instance;
        return (r.Classifier(), r.Images, r.Labels);
    }

    [Theory]
    [InlineData(Norm.Linf, 0.05f)]
    [InlineData(Norm.L2, 1.0f)]
    public void Pgd_StaysInsideBallAndDomain(Norm norm, float eps)
    {
        var (clf, x, y) = Setup();
        var result = new Pgd(eps, eps / 4, 10, norm).Run(clf, x, AttackGoal.Untargeted(y), seed: 3);
        var budget = norm == Norm.Linf ? result.Linf : result.L2;
        Assert.All(budget, v => Assert.True(v <= eps * 1.0001f, $"norm {v} exceeds {eps}"));
        Assert.All(result.Adversarial.ToArray(), v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(8, result.Success.Length);
        Assert.True(result.Queries >= 8 * 10);
    }

    [Fact]
    public void Pgd_RandomStart_IsReproducibleFromSeed_AndSeedMatters()
    {
        var (clf, x, y) = Setup();
        var attack = new Pgd(0.05f, 0.01f, 3);
        var a = attack.Run(clf, x, AttackGoal.Untargeted(y), seed: 1).Adversarial.ToArray();
        var b = attack.Run(clf, x, AttackGoal.Untargeted(y), seed: 1).Adversarial.ToArray();
        var c = attack.Run(clf, x, AttackGoal.Untargeted(y), seed: 2).Adversarial.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Pgd_StrongerBudget_SucceedsMoreOften_ThanFgsm()
    {
        var (clf, x, y) = Setup();
        var fgsm = new Fgsm(0.03f).Run(clf, x, AttackGoal.Untargeted(y));
        var pgd = new Pgd(0.1f, 0.01f, 20, restarts: 2).Run(clf, x, AttackGoal.Untargeted(y));
        Assert.True(pgd.SuccessRate >= fgsm.SuccessRate);
        Assert.True(pgd.SuccessRate >= 0.5, $"PGD at eps 0.1 succeeded on only {pgd.SuccessRate:P0}");
    }

    [Fact]
    public void Run_RejectsLabelCountMismatchAndOutOfRangeLabels()
    {
        var (clf, x, _) = Setup();
        Assert.Contains("3 labels for a batch of 8", Assert.Throws<ArgumentException>(() => new Fgsm(0.1f).Run(clf, x, AttackGoal.Untargeted([1, 2, 3]))).Message);
        Assert.Contains("label 10", Assert.Throws<ArgumentException>(() => new Fgsm(0.1f).Run(clf, x, AttackGoal.Untargeted([0, 1, 2, 3, 4, 5, 6, 10]))).Message);
    }

    [Fact]
    public void Constructors_RejectBadParameters()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Fgsm(0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Fgsm(0.1f, Norm.L0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pgd(0.1f, 0.01f, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiFgsm(0.1f, -1f, 5));
    }

    [Fact]
    public void Result_ReportsConfidenceDropAndPerturbationNorms()
    {
        var (clf, x, y) = Setup();
        var result = new Fgsm(0.1f).Run(clf, x, AttackGoal.Untargeted(y));
        Assert.All(result.Linf, v => Assert.InRange(v, 0f, 0.1f + 1e-6f));
        Assert.All(result.L0, v => Assert.InRange(v, 0f, 784f));
        Assert.All(result.OriginalConfidence, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal("fgsm", result.Attack);
    }
}
