using Gauntlet.Attacks.Registry;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Attacks.Evasion;

/// <summary>
/// Fast gradient methods (Goodfellow et al. 2015): one step of size ε along the loss gradient —
/// its sign for L∞ (FGSM, with sign(0) = 0), its per-sample unit direction for L2 (FGM).
/// </summary>
public sealed class Fgsm : EvasionAttack
{
    /// <summary>The registry entry: <c>fgsm</c> (alias <c>fgm</c>).</summary>
    public static AttackDescriptor Descriptor { get; } = new()
    {
        Name = "fgsm",
        Aliases = ["fgm"],
        Kind = AttackKind.WhiteBox,
        Norms = [Norm.Linf, Norm.L2],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Epsilon()],
        CostRank = 20,
        Description = "One gradient step of size ε: its sign for L∞ (FGSM), its unit direction for L2 (FGM).",
        Citation = "Goodfellow et al. 2015",
        Factory = s => new Fgsm(s.Epsilon, s.Norm),
    };

    /// <summary>Creates the attack.</summary>
    /// <exception cref="ArgumentOutOfRangeException">ε is not positive, or the norm is not L∞ or L2.</exception>
    public Fgsm(float epsilon, Norm norm = Norm.Linf)
    {
        if (!(epsilon > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"FGSM: epsilon {epsilon} must be positive.");
        }

        if (norm is not (Norm.Linf or Norm.L2))
        {
            throw new ArgumentOutOfRangeException(nameof(norm), $"FGSM: norm {norm} is not supported; expected Linf or L2.");
        }

        Epsilon = epsilon;
        Norm = norm;
    }

    /// <summary>The step size and budget ε.</summary>
    public float Epsilon { get; }

    /// <inheritdoc />
    public override string Name => Norm == Norm.Linf ? "fgsm" : "fgm-l2";

    /// <inheritdoc />
    public override Norm Norm { get; }

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng)
    {
        var direction = AscentDirection(classifier, x, goal);
        using var scope = GradMode.NoGrad();
        var step = Norm == Norm.Linf ? Ops.Sign(direction) : NormalizeL2(direction);
        return Ops.Add(x, Ops.Multiply(step, Epsilon));
    }
}
