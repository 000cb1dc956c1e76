using Gauntlet.Attacks.Registry;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Attacks.Evasion;

/// <summary>
/// Projected gradient descent (Madry et al. 2018) in L∞ or L2: from a random start in the ε-ball
/// (or the clean input), take <c>steps</c> steps of size α along the gradient's sign (L∞) or unit
/// direction (L2), projecting back onto the ball and the input domain after each. With several
/// restarts, each sample keeps its first successful example, else the one with the highest loss.
/// Without a random start and with one restart this is BIM (Kurakin et al. 2017).
/// </summary>
public class Pgd : EvasionAttack
{
    /// <summary>The registry entry: <c>pgd</c>, with an explicit <c>random_start</c> (default true).</summary>
    public static AttackDescriptor Descriptor { get; } = new()
    {
        Name = "pgd",
        Kind = AttackKind.WhiteBox,
        Norms = [Norm.Linf, Norm.L2],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Epsilon(), AttackParameter.Steps(20), AttackParameter.StepSize(), AttackParameter.Restarts(), AttackParameter.RandomStart(true)],
        CostRank = 22,
        Description = "Iterated gradient steps projected onto the ε-ball, from a uniform random start (random_start) with restarts; each sample keeps its first success, else its highest loss.",
        Citation = "Madry et al. 2018",
        Factory = s => new Pgd(s.Epsilon, s.StepSize, s.Steps, s.Norm, s.RandomStart, s.Restarts),
    };

    /// <summary>Creates the attack.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public Pgd(float epsilon, float stepSize, int steps, Norm norm = Norm.Linf, bool randomStart = true, int restarts = 1)
    {
        if (!(epsilon > 0f) || !(stepSize > 0f) || steps < 1 || restarts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"PGD: epsilon {epsilon}, step size {stepSize}, steps {steps}, restarts {restarts}; expected positive values.");
        }

        if (norm is not (Norm.Linf or Norm.L2))
        {
            throw new ArgumentOutOfRangeException(nameof(norm), $"PGD: norm {norm} is not supported; expected Linf or L2.");
        }

        Epsilon = epsilon;
        StepSize = stepSize;
        Steps = steps;
        Norm = norm;
        RandomStart = randomStart;
        Restarts = restarts;
    }

    /// <summary>Budget ε.</summary>
    public float Epsilon { get; }

    /// <summary>Step size α.</summary>
    public float StepSize { get; }

    /// <summary>Iterations per restart.</summary>
    public int Steps { get; }

    /// <summary>Whether each restart starts at a uniform random point of the ε-ball.</summary>
    public bool RandomStart { get; }

    /// <summary>Number of restarts.</summary>
    public int Restarts { get; }

    /// <inheritdoc />
    public override string Name => Norm == Norm.Linf ? "pgd-linf" : "pgd-l2";

    /// <inheritdoc />
    public override Norm Norm { get; }

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng)
    {
        Tensor? best = null;
        float[]? bestLoss = null;
        bool[]? bestSuccess = null;
        for (var r = 0; r < Restarts; r++)
        {
            var candidate = RunOnce(classifier, x, goal, rng);
            if (Restarts == 1)
            {
                return candidate;
            }

            var logits = classifier.Predict(candidate);
            var predictions = Ops.ArgMax(logits, 1);
            var loss = PerSampleLoss(classifier, candidate, goal);
            if (best is null)
            {
                best = candidate.Clone();
                bestLoss = loss;
                bestSuccess = [.. predictions.Select((p, i) => goal.IsMet(i, p))];
                continue;
            }

            var per = x.Size / x.Dim(0);
            for (var i = 0; i < predictions.Length; i++)
            {
                var success = goal.IsMet(i, predictions[i]);
                if (!bestSuccess![i] && (success || loss[i] > bestLoss![i]))
                {
                    candidate.ReadOnlySpan.Slice(i * per, per).CopyTo(best.Span.Slice(i * per, per));
                    bestLoss![i] = loss[i];
                    bestSuccess[i] = success;
                }
            }
        }

        return best!;
    }

    private Tensor RunOnce(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng)
    {
        var range = classifier.InputRange;
        var adversarial = RandomStart ? RandomPoint(x, rng, range) : x;
        for (var step = 0; step < Steps; step++)
        {
            // The step's intermediates (direction, sign, projection) come from the buffer pool;
            // only the new point is copied out.
            using (TensorScope.Begin())
            {
                var direction = AscentDirection(classifier, adversarial, goal);
                using var noGrad = GradMode.NoGrad();
                var move = Norm == Norm.Linf ? Ops.Sign(direction) : NormalizeL2(direction);
                var next = Ops.Add(adversarial, Ops.Multiply(move, StepSize));
                next = Norm == Norm.Linf ? ProjectLinf(next, x, Epsilon, range) : ProjectL2(next, x, Epsilon, range);
                adversarial = next.Clone();
            }
        }

        return adversarial;
    }

    private Tensor RandomPoint(Tensor x, Rng rng, InputRange range)
    {
        using var scope = GradMode.NoGrad();
        if (Norm == Norm.Linf)
        {
            var noise = Tensor.RandU(rng, -Epsilon, Epsilon, x.Shape.ToArray());
            return ProjectLinf(Ops.Add(x, noise), x, Epsilon, range);
        }

        // Uniform in the L2 ball: a Gaussian direction scaled by ε·u^(1/d).
        var direction = NormalizeL2(Tensor.RandN(rng, x.Shape.ToArray()));
        var d = x.Size / x.Dim(0);
        var radii = new float[x.Dim(0)];
        for (var i = 0; i < radii.Length; i++)
        {
            radii[i] = Epsilon * (float)Math.Pow(rng.NextDouble(), 1.0 / d);
        }

        var scaled = Ops.Multiply(direction, Tensor.FromArray(radii, SampleBroadcastShape(x)));
        return ProjectL2(Ops.Add(x, scaled), x, Epsilon, range);
    }
}

/// <summary>
/// The basic iterative method (Kurakin et al. 2017): PGD from the clean input, without a random
/// start, one restart; L∞ (the original) or L2.
/// </summary>
public sealed class Bim(float epsilon, float stepSize, int steps, Norm norm = Norm.Linf)
    : Pgd(epsilon, stepSize, steps, norm, randomStart: false, restarts: 1)
{
    /// <summary>The registry entry: <c>bim</c> (alias <c>i-fgsm</c>).</summary>
    public static new AttackDescriptor Descriptor { get; } = new()
    {
        Name = "bim",
        Aliases = ["i-fgsm"],
        Kind = AttackKind.WhiteBox,
        Norms = [Norm.Linf, Norm.L2],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Epsilon(), AttackParameter.Steps(20), AttackParameter.StepSize()],
        CostRank = 21,
        Description = "Iterated gradient steps from the clean input, projected onto the ε-ball (PGD without a random start).",
        Citation = "Kurakin et al. 2017",
        Factory = s => new Bim(s.Epsilon, s.StepSize, s.Steps, s.Norm),
    };

    /// <inheritdoc />
    public override string Name => Norm == Norm.Linf ? "bim" : "bim-l2";
}
