using Gauntlet.Attacks.Registry;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Attacks.Evasion;

/// <summary>
/// DeepFool (Moosavi-Dezfooli et al. 2016): a minimum-norm attack that linearises the classifier
/// around the current point and steps to the nearest linearised decision boundary, repeating
/// until the prediction changes. L2 uses <c>r = |f_l| / ‖w_l‖₂² · w_l</c>; L∞ uses
/// <c>r = |f_l| / ‖w_l‖₁ · sign(w_l)</c>, where <c>w_k = ∇z_k − ∇z_orig</c>,
/// <c>f_k = z_k − z_orig</c> and <c>l</c> minimises <c>|f_k| / ‖w_k‖</c> over the candidate classes.
/// The total perturbation is scaled by <c>1 + overshoot</c>. Untargeted only.
/// </summary>
public sealed class DeepFool : EvasionAttack
{
    /// <summary>The registry entry: <c>deepfool</c>, minimum-norm, untargeted.</summary>
    public static AttackDescriptor Descriptor { get; } = new()
    {
        Name = "deepfool",
        Kind = AttackKind.WhiteBox,
        Norms = [Norm.Linf, Norm.L2],
        SupportsTargeted = false,
        Parameters = [AttackParameter.Steps(50, "maximum iterations")],
        CostRank = 30,
        Description = "Minimum-norm: steps to the nearest linearised decision boundary among the top 10 classes, overshoot 0.02; no ε budget.",
        Citation = "Moosavi-Dezfooli et al. 2016",
        Factory = s => new DeepFool(s.Norm, s.Steps),
    };

    /// <summary>Creates the attack.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range or the norm is not L2/L∞.</exception>
    public DeepFool(Norm norm = Norm.L2, int maxIterations = 50, float overshoot = 0.02f, int candidates = 10)
    {
        if (norm is not (Norm.L2 or Norm.Linf) || maxIterations < 1 || !(overshoot >= 0f) || candidates < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(norm), $"DeepFool: norm {norm}, max iterations {maxIterations}, overshoot {overshoot}, candidates {candidates}; expected L2 or Linf, ≥ 1 iteration, overshoot ≥ 0, ≥ 2 candidates.");
        }

        Norm = norm;
        MaxIterations = maxIterations;
        Overshoot = overshoot;
        Candidates = candidates;
    }

    /// <summary>Maximum linearisation steps.</summary>
    public int MaxIterations { get; }

    /// <summary>Relative overshoot applied to the accumulated perturbation.</summary>
    public float Overshoot { get; }

    /// <summary>Number of top-scoring classes considered as boundaries (including the original).</summary>
    public int Candidates { get; }

    /// <inheritdoc />
    public override string Name => Norm == Norm.L2 ? "deepfool-l2" : "deepfool-linf";

    /// <inheritdoc />
    public override Norm Norm { get; }

    /// <inheritdoc />
    public override bool SupportsTargeted => false;

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng)
    {
        var n = x.Dim(0);
        var per = x.Size / n;
        var k = classifier.ClassCount;
        var logits0 = classifier.Predict(x);
        var original = Ops.ArgMax(logits0, 1);

        // Candidate classes per sample: the top-scoring ones on the clean input.
        var candidates = new int[n][];
        for (var i = 0; i < n; i++)
        {
            var row = Enumerable.Range(0, k).Select(c => (c, logits0[i, c])).OrderByDescending(t => t.Item2).Take(Math.Min(Candidates, k));
            candidates[i] = [.. row.Select(t => t.c)];
        }

        var total = new float[x.Size];
        var active = Enumerable.Repeat(true, n).ToArray();
        var adversarial = x;
        for (var iteration = 0; iteration < MaxIterations && active.Any(a => a); iteration++)
        {
            // One backward per class gives ∇z_c for the whole batch.
            var gradients = new float[k][];
            Tensor? logits = null;
            var needed = candidates.SelectMany(c => c).Concat(original).Distinct().Order().ToArray();
            foreach (var c in needed)
            {
                var cls = c;
                var (g, z) = classifier.LossGradient(adversarial, original, (zz, _) => Ops.Sum(Ops.IndexSelect(zz, 1, [cls])));
                gradients[cls] = g.ToArray();
                logits ??= z;
            }

            var predictions = Ops.ArgMax(logits!, 1);
            for (var i = 0; i < n; i++)
            {
                if (!active[i])
                {
                    continue;
                }

                if (predictions[i] != original[i])
                {
                    active[i] = false;
                    continue;
                }

                var best = double.PositiveInfinity;
                var bestClass = -1;
                double bestNorm = 0;
                var orig = original[i];
                foreach (var c in candidates[i])
                {
                    if (c == orig)
                    {
                        continue;
                    }

                    double norm = 0;
                    for (var j = 0; j < per; j++)
                    {
                        var w = gradients[c][(i * per) + j] - gradients[orig][(i * per) + j];
                        norm += Norm == Norm.L2 ? (double)w * w : Math.Abs(w);
                    }

                    norm = Norm == Norm.L2 ? Math.Sqrt(norm) : norm;
                    var f = Math.Abs(logits![i, c] - logits[i, orig]);
                    var distance = f / (norm + 1e-12);
                    if (distance < best)
                    {
                        best = distance;
                        bestClass = c;
                        bestNorm = norm;
                    }
                }

                if (bestClass < 0)
                {
                    active[i] = false;
                    continue;
                }

                // Step just past the linearised boundary (+1e-4 so the step is never zero).
                var fl = Math.Abs(logits![i, bestClass] - logits[i, orig]) + 1e-4;
                for (var j = 0; j < per; j++)
                {
                    var w = gradients[bestClass][(i * per) + j] - gradients[orig][(i * per) + j];
                    var r = Norm == Norm.L2 ? fl / ((bestNorm * bestNorm) + 1e-12) * w : fl / (bestNorm + 1e-12) * Math.Sign(w);
                    total[(i * per) + j] += (float)r;
                }
            }

            using var scope = GradMode.NoGrad();
            var step = Ops.Multiply(Tensor.FromArray((float[])total.Clone(), x.Shape), 1f + Overshoot);
            adversarial = Ops.Clamp(Ops.Add(x, step), classifier.InputRange.Min, classifier.InputRange.Max);
        }

        return adversarial;
    }
}
