using Gauntlet.Attacks.Evasion;
using Gauntlet.Tensors;

namespace Gauntlet.Attacks.Tests;

public class RFgsmTests
{
    [Fact]
    public void RFgsm_StaysInTheBallAndDomain_AndIsTheRandomStepPlusAnFgsmStep()
    {
        var r = ReferenceModel.Instance;
        var clf = r.Classifier();
        const float eps = 0.05f, alpha = 0.0125f;

        var result = new RFgsm(eps, alpha).Run(clf, r.Images, AttackGoal.Untargeted(r.Labels), seed: 4);

        Assert.All(result.Linf, v => Assert.True(v <= eps * 1.0001f, $"L∞ {v} exceeds ε"));
        Assert.All(result.Adversarial.ToArray(), v => Assert.InRange(v, 0f, 1f));
        // Away from the domain's edges every pixel moved by α ± (ε − α): ε or ε − 2α; or by α alone where
        // the gradient is exactly zero (sign(0) = 0).
        var x = r.Images.ToArray();
        var adv = result.Adversarial.ToArray();
        var interior = Enumerable.Range(0, x.Length).Where(i => x[i] > eps && x[i] < 1 - eps).ToList();
        Assert.NotEmpty(interior);
        Assert.All(interior, i => Assert.True(
            new[] { eps, eps - (2 * alpha), alpha }.Any(m => Math.Abs(Math.Abs(adv[i] - x[i]) - m) < 1e-5),
            $"pixel {i} moved {adv[i] - x[i]}"));
        // The clean prediction, one gradient and the final prediction, as for FGSM.
        Assert.Equal(3 * r.Images.Dim(0), result.Queries);
    }

    [Fact]
    public void RFgsm_IsReproducibleFromTheSeed_AndTheSeedMatters()
    {
        var r = ReferenceModel.Instance;
        var attack = new RFgsm(0.05f, 0.0125f);
        var a = attack.Run(r.Classifier(), r.Images, AttackGoal.Untargeted(r.Labels), seed: 1).Adversarial.ToArray();
        var b = attack.Run(r.Classifier(), r.Images, AttackGoal.Untargeted(r.Labels), seed: 1).Adversarial.ToArray();
        var c = attack.Run(r.Classifier(), r.Images, AttackGoal.Untargeted(r.Labels), seed: 2).Adversarial.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData(0.05f, 0f)]
    [InlineData(0.05f, 0.05f)]
    [InlineData(0f, 0.01f)]
    public void RFgsm_RefusesAStepOutsideTheBudget(float eps, float alpha) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RFgsm(eps, alpha));
}
