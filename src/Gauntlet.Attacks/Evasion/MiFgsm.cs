using Gauntlet.Attacks.Registry;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Attacks.Evasion;

/// <summary>
/// Momentum iterative FGSM (Dong et al. 2018): <c>g ← μ·g + ∇ / mean|∇|</c> per sample, then an
/// L∞ step of size α along sign(g), projected onto the ε-ball and the input domain.
/// </summary>
public sealed class MiFgsm : EvasionAttack
{
    /// <summary>The registry entry: <c>mi-fgsm</c>, L∞ only.</summary>
    public static AttackDescriptor Descriptor { get; } = new()
    {
        Name = "mi-fgsm",
        Kind = AttackKind.WhiteBox,
        Norms = [Norm.Linf],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Epsilon(), AttackParameter.Steps(20), AttackParameter.StepSize()],
        CostRank = 23,
        Description = "Iterated sign steps on a momentum (decay 1) of per-sample mean-normalised gradients.",
        Citation = "Dong et al. 2018",
        Factory = s => new MiFgsm(s.Epsilon, s.StepSize, s.Steps),
    };

    /// <summary>Creates the attack.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public MiFgsm(float epsilon, float stepSize, int steps, float decay = 1f)
    {
        if (!(epsilon > 0f) || !(stepSize > 0f) || steps < 1 || !(decay >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"MI-FGSM: epsilon {epsilon}, step size {stepSize}, steps {steps}, decay {decay}; expected positive values (decay ≥ 0).");
        }

        Epsilon = epsilon;
        StepSize = stepSize;
        Steps = steps;
        Decay = decay;
    }

    /// <summary>Budget ε.</summary>
    public float Epsilon { get; }

    /// <summary>Step size α.</summary>
    public float StepSize { get; }

    /// <summary>Iterations.</summary>
    public int Steps { get; }

    /// <summary>Momentum decay μ.</summary>
    public float Decay { get; }

    /// <inheritdoc />
    public override string Name => "mi-fgsm";

    /// <inheritdoc />
    public override Norm Norm => Norm.Linf;

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng)
    {
        var adversarial = x;
        var momentum = Tensor.ZerosLike(x);
        for (var step = 0; step < Steps; step++)
        {
            var gradient = AscentDirection(classifier, adversarial, goal);
            using var scope = GradMode.NoGrad();
            var flat = Ops.Reshape(Ops.Abs(gradient), x.Dim(0), -1);
            var meanAbs = Ops.Map(Ops.Mean(flat, 1), v => v > 1e-12f ? 1f / v : 0f);
            var normalised = Ops.Multiply(gradient, Ops.Reshape(meanAbs, SampleBroadcastShape(x)));
            momentum = Ops.Add(Ops.Multiply(momentum, Decay), normalised);
            adversarial = Ops.Add(adversarial, Ops.Multiply(Ops.Sign(momentum), StepSize));
            adversarial = ProjectLinf(adversarial, x, Epsilon, classifier.InputRange);
        }

        return adversarial;
    }
}
