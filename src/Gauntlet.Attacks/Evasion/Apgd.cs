using Gauntlet.Attacks.Registry;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Attacks.Evasion;

/// <summary>The loss APGD ascends.</summary>
public enum ApgdLoss
{
    /// <summary>Cross-entropy on logits (APGD-CE).</summary>
    CrossEntropy,

    /// <summary>Difference of logits ratio (APGD-DLR); scale-invariant.</summary>
    Dlr,

    /// <summary>Targeted DLR (APGD-T): run against each of the top-ranked wrong classes in turn.</summary>
    DlrTargeted,
}

/// <summary>
/// Auto-PGD (Croce &amp; Hein 2020): PGD with momentum (α = 0.75) and a step size that starts at 2ε
/// and halves at checkpoints when the loss oscillates (fewer than ρ of the steps since the last
/// checkpoint increased it) or has not improved since a checkpoint that did not halve it; on a
/// halving, the iterate restarts from the best point so far. Checkpoint intervals start at
/// 22% of the iterations and shrink by 3% to at least 6%. Each sample keeps its first successful
/// point, else the point of highest loss. <see cref="ApgdLoss.DlrTargeted"/> with an untargeted
/// goal attacks the <c>targetClasses</c> highest-scoring wrong classes in turn (APGD-T).
/// </summary>
public sealed class Apgd : EvasionAttack
{
    /// <summary>The registry entry: <c>apgd-ce</c> (alias <c>apgd</c>), APGD on cross-entropy.</summary>
    public static AttackDescriptor CrossEntropyDescriptor { get; } = new()
    {
        Name = "apgd-ce",
        Aliases = ["apgd"],
        Kind = AttackKind.WhiteBox,
        Norms = [Norm.Linf, Norm.L2],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Epsilon(), AttackParameter.Steps(20), AttackParameter.Restarts()],
        CostRank = 24,
        Description = "Auto-PGD on cross-entropy: momentum and a step size that starts at 2ε and halves when progress stalls.",
        Citation = "Croce & Hein 2020",
        Factory = s => new Apgd(s.Epsilon, s.Norm, s.Steps, ApgdLoss.CrossEntropy, s.Restarts),
    };

    /// <summary>The registry entry: <c>apgd-dlr</c>, APGD on the scale-invariant DLR loss.</summary>
    public static AttackDescriptor DlrDescriptor { get; } = new()
    {
        Name = "apgd-dlr",
        Kind = AttackKind.WhiteBox,
        Norms = [Norm.Linf, Norm.L2],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Epsilon(), AttackParameter.Steps(20), AttackParameter.Restarts()],
        CostRank = 25,
        Description = "Auto-PGD on the difference-of-logits-ratio loss, which is invariant to the scale of the logits.",
        Citation = "Croce & Hein 2020",
        Factory = s => new Apgd(s.Epsilon, s.Norm, s.Steps, ApgdLoss.Dlr, s.Restarts),
    };

    /// <summary>The registry entry: <c>apgd-t</c>, APGD on targeted DLR over the top wrong classes.</summary>
    public static AttackDescriptor TargetedDescriptor { get; } = new()
    {
        Name = "apgd-t",
        Kind = AttackKind.WhiteBox,
        Norms = [Norm.Linf, Norm.L2],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Epsilon(), AttackParameter.Steps(20), AttackParameter.Restarts(), AttackParameter.TargetClasses()],
        CostRank = 26,
        Description = "Auto-PGD on targeted DLR against each of the top-scoring wrong classes in turn (AutoAttack's second stage).",
        Citation = "Croce & Hein 2020",
        Factory = s => new Apgd(s.Epsilon, s.Norm, s.Steps, ApgdLoss.DlrTargeted, s.Restarts, targetClasses: s.TargetClasses),
    };

    private const float Momentum = 0.75f;

    /// <summary>Creates the attack.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public Apgd(float epsilon, Norm norm = Norm.Linf, int steps = 100, ApgdLoss loss = ApgdLoss.CrossEntropy, int restarts = 1, float rho = 0.75f, int targetClasses = 9)
    {
        if (!(epsilon > 0f) || steps < 1 || restarts < 1 || !(rho is > 0f and <= 1f) || targetClasses < 1 || norm is not (Norm.Linf or Norm.L2))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"APGD: epsilon {epsilon}, norm {norm}, steps {steps}, restarts {restarts}, rho {rho}, target classes {targetClasses}; expected positive values, rho in (0, 1], Linf or L2.");
        }

        Epsilon = epsilon;
        Norm = norm;
        Steps = steps;
        Loss = loss;
        Restarts = restarts;
        Rho = rho;
        TargetClasses = targetClasses;
    }

    /// <summary>Budget ε.</summary>
    public float Epsilon { get; }

    /// <summary>Iterations per run.</summary>
    public int Steps { get; }

    /// <summary>The loss ascended.</summary>
    public ApgdLoss Loss { get; }

    /// <summary>Random restarts.</summary>
    public int Restarts { get; }

    /// <summary>Oscillation threshold ρ.</summary>
    public float Rho { get; }

    /// <summary>Wrong classes attacked in turn by APGD-T.</summary>
    public int TargetClasses { get; }

    /// <inheritdoc />
    public override string Name => Loss switch
    {
        ApgdLoss.CrossEntropy => "apgd-ce",
        ApgdLoss.Dlr => "apgd-dlr",
        _ => "apgd-t",
    };

    /// <inheritdoc />
    public override Norm Norm { get; }

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng)
    {
        var n = x.Dim(0);
        var result = x.Clone();
        var done = new bool[n];
        var runs = new List<int[]?>();
        if (Loss == ApgdLoss.DlrTargeted && !goal.IsTargeted)
        {
            // APGD-T: the r-th highest-scoring class on the clean input, for r = 2, 3, ...
            var logits = classifier.Predict(x);
            var order = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, classifier.ClassCount).OrderByDescending(c => logits[i, c]).ToArray()).ToArray();
            for (var r = 1; r <= Math.Min(TargetClasses, classifier.ClassCount - 1); r++)
            {
                var rank = r;
                runs.Add([.. order.Select(o => o[rank])]);
            }
        }
        else
        {
            runs.Add(goal.Targets);
        }

        var per = x.Size / n;
        foreach (var targets in runs)
        {
            for (var restart = 0; restart < Restarts; restart++)
            {
                var remaining = Enumerable.Range(0, n).Where(i => !done[i]).ToArray();
                if (remaining.Length == 0)
                {
                    return result;
                }

                var xs = Ops.IndexSelect(x, 0, remaining);
                var labels = remaining.Select(i => goal.Labels[i]).ToArray();
                var subTargets = targets is null ? null : remaining.Select(i => targets[i]).ToArray();
                var (adversarial, success) = RunOnce(classifier, xs, labels, subTargets, goal.IsTargeted, rng);
                for (var k = 0; k < remaining.Length; k++)
                {
                    var i = remaining[k];
                    if (success[k] || restart == 0)
                    {
                        adversarial.ReadOnlySpan.Slice(k * per, per).CopyTo(result.Span.Slice(i * per, per));
                    }

                    done[i] |= success[k];
                }
            }
        }

        return result;
    }

    private (Tensor Adversarial, bool[] Success) RunOnce(IClassifier classifier, Tensor x, int[] labels, int[]? targets, bool targetedGoal, Rng rng)
    {
        var n = x.Dim(0);
        var per = x.Size / n;
        var range = classifier.InputRange;
        var sampleShape = SampleBroadcastShape(x);

        // Per-sample loss to ascend, and the success test.
        Tensor LossOf(Tensor z, int[] y) => Loss switch
        {
            ApgdLoss.CrossEntropy when targets is not null => Ops.Negate(Losses.CrossEntropy(z, targets, Reduction.None)),
            ApgdLoss.CrossEntropy => Losses.CrossEntropy(z, y, Reduction.None),
            ApgdLoss.Dlr when targets is null => Losses.Dlr(z, y, Reduction.None),
            _ => Losses.DlrTargeted(z, y, targets ?? throw new InvalidOperationException("APGD: DLR-targeted needs target classes."), Reduction.None),
        };
        bool Succeeded(int i, int prediction) => targetedGoal ? prediction == targets![i] : prediction != labels[i];

        (Tensor Grad, float[] Loss, int[] Pred) Evaluate(Tensor point)
        {
            float[]? values = null;
            var (g, logits) = classifier.LossGradient(point, labels, (z, y) =>
            {
                var l = LossOf(z, y);
                values = l.ToArray();
                return Ops.Sum(l);
            });
            return (g, values!, Ops.ArgMax(logits, 1));
        }

        Tensor Project(Tensor point) => Norm == Norm.Linf ? ProjectLinf(point, x, Epsilon, range) : ProjectL2(point, x, Epsilon, range);
        Tensor Direction(Tensor g)
        {
            using var s = GradMode.NoGrad();
            return Norm == Norm.Linf ? Ops.Sign(g) : NormalizeL2(g);
        }

        // Random start: a uniform direction scaled to the ε-sphere (L∞: by its largest entry).
        Tensor current;
        using (GradMode.NoGrad())
        {
            var t = Tensor.RandU(rng, -1f, 1f, x.Shape.ToArray());
            var scale = Norm == Norm.Linf
                ? Ops.Map(Ops.Max(Ops.Reshape(Ops.Abs(t), n, -1), 1), v => Epsilon / Math.Max(v, 1e-12f))
                : Ops.Map(SampleL2(t), v => Epsilon / Math.Max(v, 1e-12f));
            current = Project(Ops.Add(x, Ops.Multiply(t, Ops.Reshape(scale, sampleShape))));
        }

        var bestAdversarial = current.Clone();
        var success = new bool[n];
        var (grad, loss, pred) = Evaluate(current);
        var best = current.Clone();
        var bestGrad = grad.Clone();
        var bestLoss = (float[])loss.Clone();
        for (var i = 0; i < n; i++)
        {
            if (Succeeded(i, pred[i]))
            {
                success[i] = true;
            }
        }

        var stepSize = Enumerable.Repeat(2f * Epsilon, n).ToArray();
        var checkpointLength = Math.Max((int)(0.22 * Steps), 1);
        var minLength = Math.Max((int)(0.06 * Steps), 1);
        var decrement = Math.Max((int)(0.03 * Steps), 1);
        var sinceCheckpoint = 0;
        var increases = new int[n];
        var reducedLastCheck = new bool[n];
        var bestLossAtLastCheck = (float[])bestLoss.Clone();
        var previousLoss = (float[])loss.Clone();
        var previous = current;
        for (var iteration = 0; iteration < Steps; iteration++)
        {
            Tensor next;
            using (GradMode.NoGrad())
            {
                var a = iteration == 0 ? 1f : Momentum;
                var steps = Tensor.FromArray((float[])stepSize.Clone(), sampleShape);
                var z = Project(Ops.Add(current, Ops.Multiply(Direction(grad), steps)));
                var momentumTerm = Ops.Multiply(Ops.Subtract(current, previous), 1f - a);
                next = Project(Ops.Add(Ops.Add(current, Ops.Multiply(Ops.Subtract(z, current), a)), momentumTerm));
            }

            previous = current;
            current = next;
            (grad, loss, pred) = Evaluate(current);
            for (var i = 0; i < n; i++)
            {
                if (!success[i] && Succeeded(i, pred[i]))
                {
                    success[i] = true;
                    current.ReadOnlySpan.Slice(i * per, per).CopyTo(bestAdversarial.Span.Slice(i * per, per));
                }

                if (loss[i] > previousLoss[i])
                {
                    increases[i]++;
                }

                if (loss[i] > bestLoss[i])
                {
                    bestLoss[i] = loss[i];
                    current.ReadOnlySpan.Slice(i * per, per).CopyTo(best.Span.Slice(i * per, per));
                    grad.ReadOnlySpan.Slice(i * per, per).CopyTo(bestGrad.Span.Slice(i * per, per));
                }
            }

            previousLoss = loss;
            if (++sinceCheckpoint < checkpointLength)
            {
                continue;
            }

            // Checkpoint: halve the step where the loss oscillated or stalled, and restart from the best point.
            var current2 = current.Clone();
            var grad2 = grad.Clone();
            for (var i = 0; i < n; i++)
            {
                var oscillating = increases[i] < Rho * checkpointLength;
                var stalled = !reducedLastCheck[i] && bestLossAtLastCheck[i] >= bestLoss[i];
                var reduce = oscillating || stalled;
                reducedLastCheck[i] = reduce;
                bestLossAtLastCheck[i] = bestLoss[i];
                increases[i] = 0;
                if (reduce)
                {
                    stepSize[i] /= 2f;
                    best.ReadOnlySpan.Slice(i * per, per).CopyTo(current2.Span.Slice(i * per, per));
                    bestGrad.ReadOnlySpan.Slice(i * per, per).CopyTo(grad2.Span.Slice(i * per, per));
                }
            }

            current = current2;
            grad = grad2;
            sinceCheckpoint = 0;
            checkpointLength = Math.Max(checkpointLength - decrement, minLength);
        }

        for (var i = 0; i < n; i++)
        {
            if (!success[i])
            {
                best.ReadOnlySpan.Slice(i * per, per).CopyTo(bestAdversarial.Span.Slice(i * per, per));
            }
        }

        return (bestAdversarial, success);
    }
}
