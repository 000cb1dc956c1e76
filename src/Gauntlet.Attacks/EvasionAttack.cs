using System.Diagnostics;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Attacks;

/// <summary>
/// Base of every evasion attack: it validates the batch, records clean predictions, runs the
/// attack, clips the result to the classifier's input domain (once, here, whatever the attack
/// did), and measures success, norms, confidences and queries.
/// </summary>
public abstract class EvasionAttack
{
    /// <summary>Short name, e.g. <c>pgd-linf</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The norm the budget is measured in.</summary>
    public abstract Norm Norm { get; }

    /// <summary>Whether the attack supports targeted goals.</summary>
    public virtual bool SupportsTargeted => true;

    /// <summary>Attacks <paramref name="x"/> (a batch in the classifier's input domain).</summary>
    /// <param name="classifier">The model under attack.</param>
    /// <param name="x">Clean inputs <c>[N, ...sample shape]</c>.</param>
    /// <param name="goal">Untargeted (true labels) or targeted (target labels).</param>
    /// <param name="seed">Seed for any randomness (random starts, sampling).</param>
    /// <exception cref="ArgumentException">Label counts differ from the batch, a label is out of range, or a targeted goal is given to an untargeted-only attack.</exception>
    public AttackResult Run(IClassifier classifier, Tensor x, AttackGoal goal, int seed = 0)
    {
        var n = x.Dim(0);
        if (goal.Labels.Length != n)
        {
            throw new ArgumentException($"{Name}: {goal.Labels.Length} labels for a batch of {n}; expected one per sample.", nameof(goal));
        }

        foreach (var label in goal.LossLabels)
        {
            if (label < 0 || label >= classifier.ClassCount)
            {
                throw new ArgumentException($"{Name}: label {label} is outside the model's {classifier.ClassCount} classes.", nameof(goal));
            }
        }

        if (goal.IsTargeted && !SupportsTargeted)
        {
            throw new ArgumentException($"{Name} is untargeted only.", nameof(goal));
        }

        var clock = Stopwatch.StartNew();
        var startQueries = classifier.QueryCount;
        var clean = x.Detach();
        var (origPred, origConf) = PredictWithConfidence(classifier, clean);
        var sampleQueries = new long[n];
        var adversarial = Generate(classifier, clean, goal, new Rng(seed), sampleQueries);
        using (GradMode.NoGrad())
        {
            adversarial = Ops.Clamp(adversarial.Detach(), classifier.InputRange.Min, classifier.InputRange.Max);
        }

        var (advPred, advConf) = PredictWithConfidence(classifier, adversarial);
        var success = new bool[n];
        for (var i = 0; i < n; i++)
        {
            success[i] = goal.IsMet(i, advPred[i]);
        }

        var (l0, l2, linf) = PerturbationNorms(adversarial, clean);
        for (var i = 0; i < n; i++)
        {
            // The clean and the final prediction.
            sampleQueries[i] += 2;
        }

        return new AttackResult
        {
            Attack = Name,
            Adversarial = adversarial,
            Success = success,
            OriginalPrediction = origPred,
            AdversarialPrediction = advPred,
            OriginalConfidence = origConf,
            AdversarialConfidence = advConf,
            L0 = l0,
            L2 = l2,
            Linf = linf,
            Queries = classifier.QueryCount - startQueries,
            SampleQueries = sampleQueries,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>
    /// Only the examples, without <see cref="Run"/>'s bookkeeping (no clean or final predictions,
    /// no checks): generates with randomness drawn from <paramref name="rng"/> — a stream the
    /// caller keeps across batches, as adversarial training does — and clips to the input domain.
    /// </summary>
    internal Tensor GenerateClipped(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng)
    {
        var adversarial = Generate(classifier, x.Detach(), goal, rng, new long[x.Dim(0)]);
        using var scope = GradMode.NoGrad();
        return Ops.Clamp(adversarial.Detach(), classifier.InputRange.Min, classifier.InputRange.Max);
    }

    /// <summary>Produces adversarial examples; the base class clips them to the input domain afterwards.</summary>
    protected abstract Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng);

    /// <summary>
    /// Produces adversarial examples and adds to <paramref name="sampleQueries"/> the queries spent
    /// on each sample. The default runs <see cref="Generate(IClassifier, Tensor, AttackGoal, Rng)"/>
    /// and shares its queries evenly, which is exact for attacks that send the whole batch in every
    /// call (the gradient attacks); attacks that query samples selectively override this.
    /// </summary>
    protected virtual Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng, long[] sampleQueries)
    {
        var before = classifier.QueryCount;
        var adversarial = Generate(classifier, x, goal, rng);
        var spent = classifier.QueryCount - before;
        var n = sampleQueries.Length;
        for (var i = 0; i < n; i++)
        {
            sampleQueries[i] += (spent / n) + (i < spent % n ? 1 : 0);
        }

        return adversarial;
    }

    /// <summary>
    /// ∂loss/∂x of the summed cross-entropy, oriented so that <em>adding</em> it moves towards the
    /// goal: the gradient for untargeted attacks, its negative for targeted ones.
    /// </summary>
    protected static Tensor AscentDirection(IClassifier classifier, Tensor x, AttackGoal goal)
    {
        var (gradient, _) = classifier.LossGradient(x, goal.LossLabels, static (z, y) => Losses.CrossEntropy(z, y, Reduction.Sum));
        return goal.IsTargeted ? Ops.Negate(gradient) : gradient;
    }

    /// <summary>Projects onto the L∞ ball of radius <paramref name="epsilon"/> around <paramref name="x"/> and the input domain.</summary>
    protected static Tensor ProjectLinf(Tensor adversarial, Tensor x, float epsilon, InputRange range)
    {
        using var scope = GradMode.NoGrad();
        var low = Ops.Clamp(Ops.Add(x, -epsilon), range.Min, range.Max);
        var high = Ops.Clamp(Ops.Add(x, epsilon), range.Min, range.Max);
        return Ops.Minimum(Ops.Maximum(adversarial, low), high);
    }

    /// <summary>Projects onto the L2 ball of radius <paramref name="epsilon"/> around <paramref name="x"/> (per sample), then the input domain.</summary>
    protected static Tensor ProjectL2(Tensor adversarial, Tensor x, float epsilon, InputRange range)
    {
        using var scope = GradMode.NoGrad();
        var delta = Ops.Subtract(adversarial, x);
        var norms = SampleL2(delta);
        var factor = Ops.Map(norms, v => v > epsilon ? epsilon / v : 1f);
        delta = Ops.Multiply(delta, Ops.Reshape(factor, SampleBroadcastShape(x)));
        return Ops.Clamp(Ops.Add(x, delta), range.Min, range.Max);
    }

    /// <summary>Scales each sample of <paramref name="t"/> to unit L2 norm (zero samples stay zero).</summary>
    protected static Tensor NormalizeL2(Tensor t)
    {
        using var scope = GradMode.NoGrad();
        var norms = SampleL2(t);
        var inverse = Ops.Map(norms, v => v > 1e-12f ? 1f / v : 0f);
        return Ops.Multiply(t, Ops.Reshape(inverse, SampleBroadcastShape(t)));
    }

    /// <summary>Per-sample L2 norms <c>[N]</c>.</summary>
    protected static Tensor SampleL2(Tensor t)
    {
        var flat = Ops.Reshape(t, t.Dim(0), -1);
        return Ops.Sqrt(Ops.Sum(Ops.Multiply(flat, flat), 1));
    }

    /// <summary><c>[N, 1, 1, ...]</c>: a per-sample value broadcast over the sample dimensions.</summary>
    protected static int[] SampleBroadcastShape(Tensor t)
    {
        var shape = new int[t.Rank];
        Array.Fill(shape, 1);
        shape[0] = t.Dim(0);
        return shape;
    }

    /// <summary>Summed cross-entropy per sample <c>[N]</c>, for choosing the best restart.</summary>
    protected static float[] PerSampleLoss(IClassifier classifier, Tensor x, AttackGoal goal)
    {
        var losses = Losses.CrossEntropy(classifier.Predict(x), goal.LossLabels, Reduction.None).ToArray();
        if (goal.IsTargeted)
        {
            for (var i = 0; i < losses.Length; i++)
            {
                losses[i] = -losses[i];
            }
        }

        return losses;
    }

    private static (int[] Predictions, float[] Confidence) PredictWithConfidence(IClassifier classifier, Tensor x)
    {
        var logits = classifier.Predict(x);
        var probabilities = Ops.Softmax(logits, 1);
        var predictions = Ops.ArgMax(logits, 1);
        var confidence = new float[predictions.Length];
        for (var i = 0; i < predictions.Length; i++)
        {
            confidence[i] = probabilities[i, predictions[i]];
        }

        return (predictions, confidence);
    }

    private static (float[] L0, float[] L2, float[] Linf) PerturbationNorms(Tensor adversarial, Tensor x)
    {
        var n = x.Dim(0);
        var per = x.Size / Math.Max(n, 1);
        var l0 = new float[n];
        var l2 = new float[n];
        var linf = new float[n];
        var a = adversarial.ReadOnlySpan;
        var c = x.ReadOnlySpan;
        for (var i = 0; i < n; i++)
        {
            double sq = 0;
            for (var j = i * per; j < (i + 1) * per; j++)
            {
                var d = Math.Abs(a[j] - c[j]);
                if (d > 1e-7f)
                {
                    l0[i]++;
                }

                sq += (double)d * d;
                linf[i] = Math.Max(linf[i], d);
            }

            l2[i] = (float)Math.Sqrt(sq);
        }

        return (l0, l2, linf);
    }
}
