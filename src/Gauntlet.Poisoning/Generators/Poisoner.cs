using Gauntlet.Attacks;
using Gauntlet.Attacks.Evasion;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Poisoning.Triggers;
using Gauntlet.Tensors;

namespace Gauntlet.Poisoning.Generators;

/// <summary>
/// Poisoning generators, for red teams and for testing the detectors. Each returns a poisoned copy
/// of the set (the input is left untouched) and the list of changed samples; the same seed picks
/// the same samples.
/// </summary>
public static class Poisoner
{
    /// <summary>
    /// Dirty-label trigger poisoning (BadNets, Gu et al. 2017; blended, Chen et al. 2017): picks
    /// <c>round(rate · N)</c> samples uniformly among those not labelled <paramref name="target"/>,
    /// stamps <paramref name="trigger"/> on them and relabels them <paramref name="target"/>.
    /// </summary>
    /// <param name="data">The clean set.</param>
    /// <param name="trigger">The trigger (a <see cref="PatchTrigger"/> or <see cref="BlendTrigger"/>).</param>
    /// <param name="attack">The name recorded in the result (<c>badnets</c>, <c>blend</c>).</param>
    /// <param name="target">The class the trigger should force.</param>
    /// <param name="rate">Share of the whole set to poison, in (0, 1).</param>
    /// <param name="seed">Seed of the choice.</param>
    /// <exception cref="ArgumentException">The target is out of range, or fewer samples than asked are outside the target class.</exception>
    public static PoisonedSet Trigger(LabeledImages data, ITrigger trigger, string attack, int target, double rate, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(trigger);
        CheckTarget(data, target);
        var candidates = Enumerable.Range(0, data.Count).Where(i => data.Labels[i] != target).ToArray();
        var chosen = Choose(candidates, Count(data, rate), seed, $"samples outside class {target}");
        var images = data.Images.Detach().Clone();
        var (c, h, w) = (images.Dim(1), images.Dim(2), images.Dim(3));
        var per = c * h * w;
        var labels = (int[])data.Labels.Clone();
        foreach (var i in chosen)
        {
            trigger.Apply(images.Span.Slice(i * per, per), c, h, w);
            labels[i] = target;
        }

        return Result(data, images, labels, attack, target, chosen, trigger.Describe());
    }

    /// <summary>
    /// Random label flipping: <c>round(rate · N)</c> samples chosen uniformly get a label drawn
    /// uniformly from the other classes; images are unchanged.
    /// </summary>
    /// <exception cref="ArgumentException">The rate asks for more samples than the set holds, or the set has one class.</exception>
    public static PoisonedSet RandomLabelFlip(LabeledImages data, double rate, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.ClassCount < 2)
        {
            throw new ArgumentException($"{data.Source}: label flipping needs at least 2 classes.", nameof(data));
        }

        var chosen = Choose([.. Enumerable.Range(0, data.Count)], Count(data, rate), seed, "samples");
        var rng = new Rng(seed).Fork();
        var labels = (int[])data.Labels.Clone();
        foreach (var i in chosen)
        {
            // A uniform draw among the K − 1 other classes.
            var draw = rng.NextInt(data.ClassCount - 1);
            labels[i] = draw >= data.Labels[i] ? draw + 1 : draw;
        }

        return Result(data, data.Images.Detach().Clone(), labels, "label-flip", null, chosen, null);
    }

    /// <summary>
    /// Targeted label flipping: <c>round(rate · N)</c> samples chosen uniformly among those of
    /// <paramref name="source"/> (or of every class but the target, when null) are relabelled
    /// <paramref name="target"/>; images are unchanged.
    /// </summary>
    /// <exception cref="ArgumentException">A class is out of range, or too few samples can be flipped.</exception>
    public static PoisonedSet TargetedLabelFlip(LabeledImages data, int target, int? source, double rate, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckTarget(data, target);
        if (source is { } s && (s < 0 || s >= data.ClassCount || s == target))
        {
            throw new ArgumentException($"source class {s} must be one of 0..{data.ClassCount - 1} other than the target {target}.", nameof(source));
        }

        var candidates = Enumerable.Range(0, data.Count).Where(i => source is { } s2 ? data.Labels[i] == s2 : data.Labels[i] != target).ToArray();
        var chosen = Choose(candidates, Count(data, rate), seed, source is { } s3 ? $"samples of class {s3}" : $"samples outside class {target}");
        var labels = (int[])data.Labels.Clone();
        foreach (var i in chosen)
        {
            labels[i] = target;
        }

        return Result(data, data.Images.Detach().Clone(), labels, "label-flip", target, chosen, null);
    }

    /// <summary>
    /// Clean-label poisoning (Turner et al. 2019, "Label-Consistent Backdoor Attacks"): picks
    /// <c>round(rate · N)</c> samples of the <paramref name="target"/> class, makes them hard to
    /// classify with untargeted L∞ PGD against <paramref name="surrogate"/> (ε, 20 steps of 2.5·ε/20,
    /// random start; Gauntlet's <see cref="Pgd"/>), then stamps the trigger. Labels stay correct, so
    /// a human inspecting the set sees consistent labels; the model learns to lean on the trigger
    /// because the perturbed images' natural features no longer fit their class.
    /// </summary>
    /// <exception cref="ArgumentException">The target is out of range, the target class is too small, or the data do not fit the surrogate.</exception>
    public static PoisonedSet CleanLabel(LabeledImages data, IClassifier surrogate, ITrigger trigger, int target, double rate, float epsilon, int seed, int batchSize = 100)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(surrogate);
        ArgumentNullException.ThrowIfNull(trigger);
        CheckTarget(data, target);
        var candidates = Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == target).ToArray();
        var chosen = Choose(candidates, Count(data, rate), seed, $"samples of class {target} (clean-label poisoning only changes images of the target class)");
        var images = data.Images.Detach().Clone();
        var (c, h, w) = (images.Dim(1), images.Dim(2), images.Dim(3));
        var per = c * h * w;
        var pgd = new Pgd(epsilon, 2.5f * epsilon / 20, 20, Norm.Linf, randomStart: true);
        for (var start = 0; start < chosen.Length; start += batchSize)
        {
            var batch = chosen[start..Math.Min(chosen.Length, start + batchSize)];
            var x = Ops.IndexSelect(data.Images.Detach(), 0, batch);
            var adversarial = pgd.Run(surrogate, x, AttackGoal.Untargeted([.. batch.Select(i => data.Labels[i])]), seed + start).Adversarial;
            for (var j = 0; j < batch.Length; j++)
            {
                var slice = images.Span.Slice(batch[j] * per, per);
                adversarial.ReadOnlySpan.Slice(j * per, per).CopyTo(slice);
                trigger.Apply(slice, c, h, w);
            }
        }

        return Result(data, images, (int[])data.Labels.Clone(), "clean-label", target, chosen, trigger.Describe());
    }

    private static void CheckTarget(LabeledImages data, int target)
    {
        if (target < 0 || target >= data.ClassCount)
        {
            throw new ArgumentException($"target class {target} is out of range; {data.Source} has {data.ClassCount} classes (0..{data.ClassCount - 1}).", nameof(target));
        }
    }

    private static int Count(LabeledImages data, double rate)
    {
        if (!(rate > 0 && rate < 1))
        {
            throw new ArgumentException($"poison rate {rate}; expected 0 < rate < 1.", nameof(rate));
        }

        return Math.Max(1, (int)Math.Round(rate * data.Count));
    }

    // A seeded uniform choice without replacement, returned ascending.
    private static int[] Choose(int[] candidates, int count, int seed, string what)
    {
        if (count > candidates.Length)
        {
            throw new ArgumentException($"the rate asks for {count} poisoned samples but only {candidates.Length} {what} exist.");
        }

        var order = new Rng(seed).Permutation(candidates.Length);
        var chosen = order.Take(count).Select(k => candidates[k]).ToArray();
        Array.Sort(chosen);
        return chosen;
    }

    private static PoisonedSet Result(LabeledImages data, Tensor images, int[] labels, string attack, int? target, int[] chosen, string? trigger) =>
        new(
            new LabeledImages(images, labels, data.ClassCount, data.Source, data.ClassNames),
            attack,
            target,
            chosen,
            [.. chosen.Select(i => data.Labels[i])],
            [.. chosen.Select(i => labels[i])],
            trigger);
}
