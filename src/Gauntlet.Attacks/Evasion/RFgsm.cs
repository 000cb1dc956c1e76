using Gauntlet.Attacks.Registry;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Attacks.Evasion;

/// <summary>
/// R+FGSM (Tramèr et al. 2018, "Ensemble Adversarial Training"): a random step
/// <c>x' = x + α·sign(N(0, I))</c> off the data point, where the loss surface of a model trained
/// against FGSM is often curved to mask its gradient, then one FGSM step of the remaining budget,
/// <c>x_adv = x' + (ε − α)·sign(∇ₓ loss(x'))</c>. L∞ only; the base class clips to the ε-ball and
/// the input domain. α defaults to ε/4 here, as torchattacks' RFGSM (8/255 budget, 2/255 step);
/// the paper used ε/2 (pass the step size).
/// </summary>
public sealed class RFgsm : EvasionAttack
{
    /// <summary>The registry entry: <c>rfgsm</c> (alias <c>r+fgsm</c>).</summary>
    public static AttackDescriptor Descriptor { get; } = new()
    {
        Name = "rfgsm",
        Aliases = ["r+fgsm"],
        Kind = AttackKind.WhiteBox,
        Norms = [Norm.Linf],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Epsilon(), AttackParameter.StepSize("size α of the random step, < ε")],
        CostRank = 20,
        Description = "A random sign step of size α, then one FGSM step of ε − α: defeats gradient masking around the data point.",
        Citation = "Tramèr et al. 2018",
        Factory = s => new RFgsm(s.Epsilon, s.StepSize),
    };

    /// <summary>Creates the attack.</summary>
    /// <exception cref="ArgumentOutOfRangeException">ε is not positive, or α is not in (0, ε).</exception>
    public RFgsm(float epsilon, float alpha)
    {
        if (!(epsilon > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"R+FGSM: epsilon {epsilon} must be positive.");
        }

        if (!(alpha > 0f && alpha < epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), $"R+FGSM: step size {alpha} must be in (0, ε = {epsilon}).");
        }

        Epsilon = epsilon;
        Alpha = alpha;
    }

    /// <summary>The budget ε.</summary>
    public float Epsilon { get; }

    /// <summary>The random step's size α.</summary>
    public float Alpha { get; }

    /// <inheritdoc />
    public override string Name => "rfgsm";

    /// <inheritdoc />
    public override Norm Norm => Norm.Linf;

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng)
    {
        Tensor start;
        using (GradMode.NoGrad())
        {
            // The gradient is taken at a valid input: the random step stays inside the domain.
            start = ProjectLinf(Ops.Add(x, Ops.Multiply(Ops.Sign(Tensor.RandN(rng, x.Shape.ToArray())), Alpha)), x, Alpha, classifier.InputRange);
        }

        var direction = AscentDirection(classifier, start, goal);
        using var scope = GradMode.NoGrad();
        return Ops.Add(start, Ops.Multiply(Ops.Sign(direction), Epsilon - Alpha));
    }
}
