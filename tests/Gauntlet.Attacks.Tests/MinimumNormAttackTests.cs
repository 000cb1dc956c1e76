using Gauntlet.Attacks.Evasion;
using Gauntlet.Data;
using Gauntlet.Tensors;
using Xunit.Abstractions;

namespace Gauntlet.Attacks.Tests;

public class MinimumNormAttackTests(ITestOutputHelper output)
{
    private static (Models.ModuleClassifier Classifier, Tensor Images, int[] Labels) Setup(int count = 32)
    {
        var data = FashionMnist.LoadEmbeddedDemo().Take(count);
        return (ReferenceModel.Instance.Classifier(), data.Images, data.Labels);
    }

    private static bool[] CleanCorrect(Models.IClassifier clf, Tensor x, int[] y)
    {
        var p = Gauntlet.Tensors.Ops.ArgMax(clf.Predict(x), 1);
        return [.. p.Select((v, i) => v == y[i])];
    }

    [Theory]
    [InlineData(Norm.L2)]
    [InlineData(Norm.Linf)]
    public void DeepFool_FindsSmallAdversarials_ForNearlyAllCorrectPoints(Norm norm)
    {
        var (clf, x, y) = Setup();
        var correct = CleanCorrect(clf, x, y);
        var result = new DeepFool(norm).Run(clf, x, AttackGoal.Untargeted(y));
        var broken = Enumerable.Range(0, y.Length).Count(i => correct[i] && result.Success[i]);
        var rate = broken / (double)correct.Count(c => c);
        var sizes = norm == Norm.L2 ? result.L2 : result.Linf;
        var median = sizes.Where((_, i) => correct[i] && result.Success[i]).Order().ElementAt(broken / 2);
        output.WriteLine($"deepfool-{norm}: {rate:P0} of correct points broken, median {norm} {median:G3}");
        Assert.True(rate >= 0.9, $"DeepFool broke only {rate:P0}");
        Assert.True(median < (norm == Norm.L2 ? 3f : 0.2f), $"median perturbation {median} is not small");
    }

    [Fact]
    public void DeepFool_RejectsTargetedGoal()
    {
        var (clf, x, y) = Setup(2);
        Assert.Contains("untargeted only", Assert.Throws<ArgumentException>(() => new DeepFool().Run(clf, x, AttackGoal.Targeted(y, [0, 0]))).Message);
    }

    [Fact]
    public void CarliniWagner_FindsAdversarialsSmallerThanFgmAtEqualSuccess()
    {
        var (clf, x, y) = Setup(16);
        var correct = CleanCorrect(clf, x, y);
        var cw = new CarliniWagnerL2(initialConstant: 1f, binarySearchSteps: 5, steps: 100, learningRate: 0.05f).Run(clf, x, AttackGoal.Untargeted(y));
        var broken = Enumerable.Range(0, y.Length).Where(i => correct[i] && cw.Success[i]).ToArray();
        var rate = broken.Length / (double)correct.Count(c => c);
        var meanL2 = broken.Average(i => cw.L2[i]);
        output.WriteLine($"cw-l2: {rate:P0} of correct points broken, mean L2 {meanL2:G3}");
        Assert.True(rate >= 0.8, $"C&W broke only {rate:P0}");

        // FGM needs a bigger step to reach comparable success: C&W's mean L2 must undercut it.
        var fgm = new Fgsm(3f, Norm.L2).Run(clf, x, AttackGoal.Untargeted(y));
        Assert.True(meanL2 < 3f, $"C&W mean L2 {meanL2} is not below FGM's 3.0");
        Assert.All(cw.Adversarial.ToArray(), v => Assert.InRange(v, 0f, 1f));
        Assert.True(fgm.SuccessRate <= 1.0);
    }

    [Fact]
    public void CarliniWagner_TargetedReachesTarget()
    {
        var (clf, x, y) = Setup(8);
        var targets = y.Select(l => (l + 1) % 10).ToArray();
        var result = new CarliniWagnerL2(initialConstant: 1f, binarySearchSteps: 5, steps: 100, learningRate: 0.05f).Run(clf, x, AttackGoal.Targeted(y, targets));
        for (var i = 0; i < y.Length; i++)
        {
            if (result.Success[i])
            {
                Assert.Equal(targets[i], result.AdversarialPrediction[i]);
            }
        }

        Assert.True(result.SuccessRate >= 0.75, $"targeted C&W reached only {result.SuccessRate:P0}");
    }
}
