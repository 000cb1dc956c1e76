using System.Diagnostics;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Poisoning.Triggers;
using Gauntlet.Tensors;

namespace Gauntlet.Poisoning.Detection;

/// <summary>
/// Neural Cleanse (Wang et al. 2019, "Neural Cleanse: Identifying and Mitigating Backdoor Attacks
/// in Neural Networks"): for every class, the smallest trigger that sends clean images to it, by
/// optimisation; a backdoor target needs a much smaller trigger than the other classes, which the
/// MAD outlier test (<see cref="MadOutlier"/>) finds. Needs only the model's input gradients and a
/// small clean set, not the training data.
/// </summary>
/// <remarks>
/// <para>
/// The trigger is <c>x' = (1 − m) ⊙ x + m ⊙ p</c> with a mask <c>m</c> (one value per pixel,
/// shared by the channels) and a pattern <c>p</c>, parametrised as <c>m = tanh(θₘ)/2 + 1/2</c> and
/// <c>p = lo + (hi − lo)·(tanh(θₚ)/2 + 1/2)</c> so both stay in range; the mask is applied in the
/// input space the user sees, and the classifier applies its own normalisation after it (the
/// reference code's "mask operation in raw domain"). Each mini-batch minimises
/// <c>mean CE(f(x'), t) + λ·‖m‖₁</c> with Adam (lr 0.1, betas 0.5/0.9) from a uniform random
/// mask and pattern. The input gradient comes from the classifier in one backward pass and is
/// carried to θ by the chain rule: <c>∂/∂m = Σᵢ,c g ⊙ (p − x) + λ</c>, <c>∂/∂p = Σᵢ g ⊙ m</c>,
/// times <c>(1 − tanh²)/2</c>.
/// </para>
/// <para>
/// The schedule is the reference code's, counted in epochs of <see cref="NeuralCleanseOptions.BatchesPerEpoch"/>
/// mini-batches: λ is 0 until <c>patience</c> epochs in a row reach the success threshold, then
/// <see cref="NeuralCleanseOptions.InitialCost"/>; after <c>patience</c> epochs above the threshold
/// it is multiplied by the cost multiplier (2), after <c>patience</c> below divided by its 1.5th
/// power. At the end of an epoch whose success rate reached the threshold and whose mean L1 norm is
/// the smallest yet, the mask and pattern are kept. A class stops once λ has gone both up and down
/// and the kept norm has not improved for <see cref="NeuralCleanseOptions.EarlyStopPatience"/>
/// epochs, or after <see cref="NeuralCleanseOptions.Steps"/> mini-batches.
/// </para>
/// <para>
/// All classes are optimised together: each step stamps one mini-batch per unfinished class with
/// that class's trigger and sends them through the model as one batch (one forward and one
/// backward pass), so the per-call overhead is paid once per step and the convolutions run on
/// batches large enough to use every core. Each class keeps its own mini-batch order, Adam state
/// and schedule, so the result for a class does not depend on which other classes run beside it.
/// </para>
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
        var triggers = ReverseEngineer(classifier, clean, [.. Enumerable.Range(0, classifier.ClassCount)], options, progress);
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
    public static ClassTrigger ReverseEngineer(IClassifier classifier, LabeledImages clean, int target, NeuralCleanseOptions options) =>
        ReverseEngineer(classifier, clean, [target], options)[0];

    /// <summary>The smallest trigger found for each of <paramref name="targets"/>, optimised together (see the remarks on <see cref="NeuralCleanse"/>).</summary>
    /// <param name="classifier">The model.</param>
    /// <param name="clean">Clean images.</param>
    /// <param name="targets">The classes, each once.</param>
    /// <param name="options">Settings.</param>
    /// <param name="progress">Receives each class as it finishes.</param>
    /// <returns>One trigger per target, in the order given.</returns>
    public static IReadOnlyList<ClassTrigger> ReverseEngineer(IClassifier classifier, LabeledImages clean, IReadOnlyList<int> targets, NeuralCleanseOptions options, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(options);
        var (c, h, w) = (clean.Images.Dim(1), clean.Images.Dim(2), clean.Images.Dim(3));
        var (lo, hi) = (classifier.InputRange.Min, classifier.InputRange.Max);
        var states = targets.Select(t => new ClassState(t, clean, c, h * w, lo, hi, options)).ToArray();
        var images = clean.Images.Detach();
        var per = c * h * w;
        var source = images.ReadOnlySpan.ToArray();
        while (states.Any(s => !s.Done))
        {
            var active = states.Where(s => !s.Done).ToArray();
            var batch = new float[active.Sum(s => s.BatchSize) * per];
            var labels = new int[active.Sum(s => s.BatchSize)];
            var offset = 0;
            foreach (var s in active)
            {
                s.Stamp(source, batch, labels, offset, per);
                offset += s.BatchSize;
            }

            var x = Tensor.FromArray(batch, [labels.Length, c, h, w]);
            var (gradient, logits) = classifier.LossGradient(x, labels, static (z, y) => Losses.CrossEntropy(z, y, Reduction.Sum));
            var predicted = Ops.ArgMax(logits, 1);
            var g = gradient.ReadOnlySpan;
            offset = 0;
            foreach (var s in active)
            {
                s.Update(g.Slice(offset * per, s.BatchSize * per), source, predicted.AsSpan(offset, s.BatchSize));
                offset += s.BatchSize;
                if (s.Done)
                {
                    progress?.Report(s.Target);
                }
            }
        }

        return [.. states.Select(s =>
        {
            var (mask, pattern, reached) = s.Result();
            return new ClassTrigger(
                s.Target,
                mask,
                pattern,
                mask.Sum(v => (double)v),
                SuccessRate(classifier, clean, new MaskTrigger(mask, pattern), s.Target),
                BoundingBox.OfMask(mask, h, w),
                reached,
                s.StepsTaken);
        })];
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
}
