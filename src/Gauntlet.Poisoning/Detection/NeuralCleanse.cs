using System.Diagnostics;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Poisoning.Triggers;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Optim;

namespace Gauntlet.Poisoning.Detection;

/// <summary>
/// Neural Cleanse (Wang et al. 2019, "Neural Cleanse: Identifying and Mitigating Backdoor Attacks
/// in Neural Networks"): for every class, the smallest trigger that sends clean images to it, by
/// optimisation; a backdoor target needs a much smaller trigger than the other classes, which the
/// MAD outlier test (<see cref="MadOutlier"/>) finds. Needs only the model's input gradients and a
/// small clean set, not the training data.
/// </summary>
/// <remarks>
/// The trigger is <c>x' = (1 − m) ⊙ x + m ⊙ p</c> with a mask <c>m</c> (one value per pixel,
/// shared by the channels) and a pattern <c>p</c>, parametrised as <c>m = tanh(θₘ)/2 + 1/2</c> and
/// <c>p = lo + (hi − lo)·(tanh(θₚ)/2 + 1/2)</c> so both stay in range. Each step minimises
/// <c>mean CE(f(x'), t) + λ·‖m‖₁</c> over a batch with Adam. The input gradient comes from the
/// classifier in one backward pass and is carried to θ by the chain rule:
/// <c>∂/∂m = Σᵢ,c g ⊙ (p − x) + λ</c>, <c>∂/∂p = Σᵢ g ⊙ m</c>, times <c>(1 − tanh²)/2</c>.
/// λ follows the reference code's schedule, simplified to steps instead of epochs: it is 0 until
/// the batch success rate reaches the threshold, then <see cref="NeuralCleanseOptions.InitialCost"/>;
/// after <c>patience</c> steps in a row above the threshold it is multiplied by 1.5, after
/// <c>patience</c> below it is divided by 1.5^1.5. The trigger kept is the one of smallest L1 among
/// the steps that reached the threshold; a class stops early when that has not shrunk by 1% for
/// <see cref="NeuralCleanseOptions.EarlyStopPatience"/> steps.
/// </remarks>
public static class NeuralCleanse
{
    /// <summary>Reverse-engineers a trigger for every class and runs the outlier test.</summary>
    /// <param name="classifier">The model.</param>
    /// <param name="clean">Clean images (any labels; at least two classes present).</param>
    /// <param name="options">Settings.</param>
    /// <param name="progress">Receives each finished class.</param>
    /// <exception cref="ArgumentException">The images do not fit the model, or the set has fewer than two classes.</exception>
    public static NeuralCleanseResult Run(IClassifier classifier, LabeledImages clean, NeuralCleanseOptions? options = null, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(clean);
        options ??= new NeuralCleanseOptions();
        CheckFits(classifier, clean);
        var clock = Stopwatch.StartNew();
        var triggers = new List<ClassTrigger>();
        for (var t = 0; t < classifier.ClassCount; t++)
        {
            triggers.Add(ReverseEngineer(classifier, clean, t, options));
            progress?.Report(t);
        }

        var outliers = MadOutlier.Analyse([.. triggers.Select(x => x.L1)]);
        return new NeuralCleanseResult(triggers, outliers, clean.Images.Dim(1), clean.Images.Dim(2), clean.Images.Dim(3), clock.Elapsed.TotalSeconds);
    }

    /// <summary>Checks the clean set fits the model: sample shape, labels within the classes, and at least two classes present.</summary>
    /// <exception cref="ArgumentException">It does not.</exception>
    public static void CheckFits(IClassifier classifier, LabeledImages clean)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(clean);
        var sample = clean.Images.Shape.Dims[1..].ToArray();
        if (!sample.SequenceEqual(classifier.SampleShape.ToArray()))
        {
            throw new ArgumentException($"{clean.Source}: images are [{string.Join(", ", sample)}] but the model expects [{string.Join(", ", classifier.SampleShape.ToArray())}].", nameof(clean));
        }

        if (clean.Labels.Any(l => l >= classifier.ClassCount))
        {
            throw new ArgumentException($"{clean.Source}: labels reach class {clean.Labels.Max()} but the model has {classifier.ClassCount} classes.", nameof(clean));
        }

        var present = clean.Labels.Distinct().Count();
        if (present < 2)
        {
            throw new ArgumentException($"{clean.Source}: the clean set holds {present} class(es); backdoor detection needs clean images of at least 2 classes.", nameof(clean));
        }
    }

    /// <summary>The smallest trigger found for class <paramref name="target"/>.</summary>
    public static ClassTrigger ReverseEngineer(IClassifier classifier, LabeledImages clean, int target, NeuralCleanseOptions options)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(options);
        var (c, h, w) = (clean.Images.Dim(1), clean.Images.Dim(2), clean.Images.Dim(3));
        var plane = h * w;
        var (lo, hi) = (classifier.InputRange.Min, classifier.InputRange.Max);

        // θ starts at 0: a half-strength mask over the whole image and a mid-grey pattern, as in
        // the reference code's random-free start.
        var thetaMask = Tensor.Zeros(plane).RequireGrad();
        var thetaPattern = Tensor.Zeros(c * plane).RequireGrad();
        var adam = new Adam([thetaMask, thetaPattern], options.LearningRate, beta1: 0.5f, beta2: 0.9f);
        var mask = new float[plane];
        var pattern = new float[c * plane];
        float[]? bestMask = null;
        float[]? bestPattern = null;
        var bestL1 = double.PositiveInfinity;
        double cost = 0;
        var (above, below) = (0, 0);
        var rng = new Rng(options.Seed + (7919L * target));
        var others = Enumerable.Range(0, clean.Count).Where(i => clean.Labels[i] != target).ToArray();
        var pool = others.Length > 0 ? others : [.. Enumerable.Range(0, clean.Count)];
        var order = rng.Permutation(pool.Length);
        var cursor = 0;
        var batchSize = Math.Min(options.BatchSize, pool.Length);
        var labels = Enumerable.Repeat(target, batchSize).ToArray();
        var (sinceImprovement, reference) = (0, double.PositiveInfinity);
        for (var step = 0; step < options.Steps; step++)
        {
            Decode(thetaMask.ReadOnlySpan, thetaPattern.ReadOnlySpan, mask, pattern, lo, hi);
            var indices = new int[batchSize];
            for (var j = 0; j < batchSize; j++)
            {
                if (cursor == order.Length)
                {
                    (order, cursor) = (rng.Permutation(pool.Length), 0);
                }

                indices[j] = pool[order[cursor++]];
            }

            var x = Ops.IndexSelect(clean.Images.Detach(), 0, indices);
            var stamped = new MaskTrigger(mask, pattern).ApplyToAll(x);
            var (gradient, logits) = classifier.LossGradient(stamped, labels, static (z, y) => Losses.CrossEntropy(z, y));
            var predicted = Ops.ArgMax(logits, 1);
            var success = predicted.Count(p => p == target) / (double)batchSize;
            var l1 = mask.Sum(v => (double)v);
            if (success >= options.SuccessThreshold && l1 < bestL1)
            {
                (bestL1, bestMask, bestPattern) = (l1, (float[])mask.Clone(), (float[])pattern.Clone());
            }

            // Early stop once the best working trigger stops shrinking by at least 1%.
            if (bestMask is not null)
            {
                (sinceImprovement, reference) = bestL1 < 0.99 * reference ? (0, bestL1) : (sinceImprovement + 1, reference);
                if (sinceImprovement >= options.EarlyStopPatience)
                {
                    break;
                }
            }

            ChainRule(gradient.ReadOnlySpan, x.ReadOnlySpan, mask, pattern, thetaMask, thetaPattern, cost, batchSize, c, plane, lo, hi);
            adam.Step();
            (cost, above, below) = Schedule(cost, success, above, below, options);
        }

        var reached = bestMask is not null;
        if (!reached)
        {
            Decode(thetaMask.ReadOnlySpan, thetaPattern.ReadOnlySpan, mask, pattern, lo, hi);
            (bestMask, bestPattern) = (mask, pattern);
        }

        var trigger = new MaskTrigger(bestMask!, bestPattern!);
        return new ClassTrigger(
            target,
            bestMask!,
            bestPattern!,
            bestMask!.Sum(v => (double)v),
            SuccessRate(classifier, clean, trigger, target),
            BoundingBox.OfMask(bestMask, h, w),
            reached);
    }

    /// <summary>The share of images not labelled <paramref name="target"/> that <paramref name="trigger"/> sends to it.</summary>
    public static double SuccessRate(IClassifier classifier, LabeledImages clean, ITrigger trigger, int target, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(trigger);
        var others = Enumerable.Range(0, clean.Count).Where(i => clean.Labels[i] != target).ToArray();
        if (others.Length == 0)
        {
            return 0;
        }

        var hits = 0;
        foreach (var (x, _) in clean.Batches(batchSize, others))
        {
            hits += Ops.ArgMax(classifier.Predict(trigger.ApplyToAll(x)), 1).Count(p => p == target);
        }

        return hits / (double)others.Length;
    }

    private static void Decode(ReadOnlySpan<float> thetaMask, ReadOnlySpan<float> thetaPattern, float[] mask, float[] pattern, float lo, float hi)
    {
        for (var i = 0; i < mask.Length; i++)
        {
            mask[i] = (MathF.Tanh(thetaMask[i]) / 2f) + 0.5f;
        }

        for (var i = 0; i < pattern.Length; i++)
        {
            pattern[i] = lo + ((hi - lo) * ((MathF.Tanh(thetaPattern[i]) / 2f) + 0.5f));
        }
    }

    // ∂loss/∂x' (mean CE over the batch) carried to θₘ and θₚ; λ·‖m‖₁ adds λ to ∂/∂m (m ≥ 0).
    private static void ChainRule(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float[] mask, float[] pattern, Tensor thetaMask, Tensor thetaPattern, double cost, int n, int c, int plane, float lo, float hi)
    {
        var dMask = new float[plane];
        var dPattern = new float[c * plane];
        var per = c * plane;
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < per; k++)
            {
                var gi = g[(i * per) + k];
                var p = k % plane;
                dMask[p] += gi * (pattern[k] - x[(i * per) + k]);
                dPattern[k] += gi * mask[p];
            }
        }

        var tm = thetaMask.ReadOnlySpan;
        for (var p = 0; p < plane; p++)
        {
            var t = MathF.Tanh(tm[p]);
            dMask[p] = (dMask[p] + (float)cost) * (1f - (t * t)) / 2f;
        }

        var tp = thetaPattern.ReadOnlySpan;
        for (var k = 0; k < per; k++)
        {
            var t = MathF.Tanh(tp[k]);
            dPattern[k] *= (hi - lo) * (1f - (t * t)) / 2f;
        }

        thetaMask.Grad = Tensor.FromArray(dMask, plane);
        thetaPattern.Grad = Tensor.FromArray(dPattern, per);
    }

    private static (double Cost, int Above, int Below) Schedule(double cost, double success, int above, int below, NeuralCleanseOptions options)
    {
        var hit = success >= options.SuccessThreshold;
        if (cost == 0)
        {
            // λ stays 0 until the trigger works at all; then the L1 term switches on.
            return hit ? (options.InitialCost, 0, 0) : (0, 0, 0);
        }

        (above, below) = hit ? (above + 1, 0) : (0, below + 1);
        if (above >= options.Patience)
        {
            return (cost * options.CostMultiplier, 0, 0);
        }

        if (below >= options.Patience)
        {
            return (cost / Math.Pow(options.CostMultiplier, 1.5), 0, 0);
        }

        return (cost, above, below);
    }
}
