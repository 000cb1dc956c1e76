using Gauntlet.Attacks.Evasion;
using Gauntlet.Data;
using Gauntlet.Tensors;
using Xunit.Abstractions;

namespace Gauntlet.Attacks.Tests;

public class ApgdTests(ITestOutputHelper output)
{
    private static (Models.ModuleClassifier Classifier, Tensor Images, int[] Labels) Setup(int count = 48)
    {
        var data = FashionMnist.LoadEmbeddedDemo().Take(count);
        return (ReferenceModel.Instance.Classifier(), data.Images, data.Labels);
    }

    private static double RobustAccuracy(AttackResult r, int[] y) => r.AdversarialPrediction.Where((p, i) => p == y[i]).Count() / (double)y.Length;

    [Theory]
    [InlineData(ApgdLoss.CrossEntropy, Norm.Linf)]
    [InlineData(ApgdLoss.Dlr, Norm.Linf)]
    [InlineData(ApgdLoss.DlrTargeted, Norm.Linf)]
    [InlineData(ApgdLoss.CrossEntropy, Norm.L2)]
    public void Apgd_StaysInBudget_AndIsAtLeastAsStrongAsPgd(ApgdLoss loss, Norm norm)
    {
        var (clf, x, y) = Setup();
        var eps = norm == Norm.Linf ? 0.03f : 0.5f;
        var apgd = new Apgd(eps, norm, steps: 30, loss: loss, targetClasses: 3).Run(clf, x, AttackGoal.Untargeted(y), seed: 1);
        var pgd = new Pgd(eps, eps / 4, 30, norm).Run(clf, x, AttackGoal.Untargeted(y), seed: 1);
        var budget = norm == Norm.Linf ? apgd.Linf : apgd.L2;
        Assert.All(budget, v => Assert.True(v <= eps * 1.0001f, $"perturbation {v} exceeds {eps}"));
        var ra = RobustAccuracy(apgd, y);
        var rp = RobustAccuracy(pgd, y);
        output.WriteLine($"{apgd.Attack} {norm} eps {eps}: robust accuracy {ra:P1} (PGD-30 {rp:P1}), {apgd.Queries} queries");
        Assert.True(ra <= rp + (2.0 / y.Length), $"APGD robust accuracy {ra:P1} is worse than PGD's {rp:P1}");
    }

    [Fact]
    public void Apgd_IsReproducibleFromSeed()
    {
        var (clf, x, y) = Setup(8);
        var attack = new Apgd(0.03f, steps: 10);
        Assert.Equal(attack.Run(clf, x, AttackGoal.Untargeted(y), seed: 4).Adversarial.ToArray(), attack.Run(clf, x, AttackGoal.Untargeted(y), seed: 4).Adversarial.ToArray());
    }

    [Fact]
    public void AutoAttack_RunsEachAttackOnlyOnRobustPoints_AndIsStrongestOfItsParts()
    {
        var (clf, x, y) = Setup();
        var sequence = AttackSequence.AutoAttack(0.03f, Norm.Linf, steps: 30);
        var result = sequence.Run(clf, x, AttackGoal.Untargeted(y), seed: 2);
        var ce = new Apgd(0.03f, steps: 30).Run(clf, x, AttackGoal.Untargeted(y), seed: 2);
        var clean = Gauntlet.Tensors.Ops.ArgMax(clf.Predict(x), 1);
        var initiallyCorrect = clean.Where((p, i) => p == y[i]).Count();
        var broken = sequence.BrokenBy.Values.Sum();
        output.WriteLine($"autoattack eps 0.03: clean {initiallyCorrect}/{y.Length}, robust {RobustAccuracy(result, y):P1}; broken by {string.Join(", ", sequence.BrokenBy.Select(kv => $"{kv.Key} {kv.Value}"))}");
        Assert.Equal(initiallyCorrect - broken, result.AdversarialPrediction.Where((p, i) => p == y[i]).Count());
        Assert.True(RobustAccuracy(result, y) <= RobustAccuracy(ce, y));
        Assert.All(result.Linf, v => Assert.True(v <= 0.03f * 1.0001f));

        // Points broken early are not queried by the later attacks: per-sample queries differ and sum to the total.
        Assert.Equal(result.Queries, result.SampleQueries.Sum());
        Assert.True(result.SampleQueries.Max() > result.SampleQueries.Min());
    }

    [Fact]
    public void AttackSequence_RejectsMixedNorms()
    {
        var ex = Assert.Throws<ArgumentException>(() => new AttackSequence("mix", new Fgsm(0.1f), new Fgsm(1f, Norm.L2)));
        Assert.Contains("same norm", ex.Message);
    }
}
