using Gauntlet.Attacks.Registry;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Attacks.Universal;

/// <summary>Settings for <see cref="AdversarialPatch.Train"/>.</summary>
/// <param name="Size">Side of the square patch in pixels at scale 1.</param>
/// <param name="MinScale">Smallest placement scale (the patch is resampled to round(Size·scale)).</param>
/// <param name="MaxScale">Largest placement scale.</param>
/// <param name="Epochs">Passes over the training images.</param>
/// <param name="BatchSize">Images per update.</param>
/// <param name="StepSize">Signed-gradient step on the patch, in input units.</param>
/// <param name="TargetClass">The class the patch should force, or null for an untargeted patch.</param>
public sealed record PatchOptions(
    int Size = 8,
    float MinScale = 0.8f,
    float MaxScale = 1.2f,
    int Epochs = 10,
    int BatchSize = 50,
    float StepSize = 0.05f,
    int? TargetClass = null);

/// <summary>The outcome of <see cref="AdversarialPatch.Evaluate"/> on held-out images.</summary>
/// <param name="Images">Images evaluated.</param>
/// <param name="Eligible">Images that count: untargeted — initially correct; targeted — not already of the target class.</param>
/// <param name="Successes">Eligible images the patch fooled (or sent to the target).</param>
/// <param name="Queries">Model queries spent.</param>
public readonly record struct PatchEvaluation(int Images, int Eligible, int Successes, long Queries)
{
    /// <summary>Successes over eligible images.</summary>
    public double SuccessRate => Eligible == 0 ? 0 : Successes / (double)Eligible;
}

/// <summary>
/// A universal adversarial patch (Brown et al. 2017): one small image, trained over a data set,
/// that changes the prediction wherever it is pasted. Training pastes the patch at a random
/// position and scale on every image (expectation over transformation), takes the input
/// gradient of the cross-entropy for the whole batch in one backward pass, maps it back onto
/// the patch pixels, and moves the patch by signed steps, kept inside the input domain.
/// Success is measured on held-out images with fresh random placements.
/// </summary>
public static class AdversarialPatch
{
    /// <summary>
    /// The registry entry: <c>patch</c>. A patch is trained over a data set, not built per batch, so
    /// the entry has no evasion factory (<see cref="AttackDescriptor.IsEvasion"/> is false); its
    /// parameters describe <see cref="PatchOptions"/> as the CLI sets them.
    /// </summary>
    public static AttackDescriptor Descriptor { get; } = new()
    {
        Name = "patch",
        Kind = AttackKind.Universal,
        Norms = [],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Steps(20, "training epochs"), AttackParameter.StepSize("signed step on the patch pixels", 0.05)],
        CostRank = 40,
        Description = "A universal patch trained on the first half of the images at random positions and scales, scored on the held-out half; its budget is the patch's area (CLI --patch-size), a target class optional (--patch-target).",
        Citation = "Brown et al. 2017",
        Factory = null,
    };

    /// <summary>Trains a patch <c>[C, Size, Size]</c> on <paramref name="images"/>.</summary>
    /// <exception cref="ArgumentException">Options are out of range or the images are not <c>[N, C, H, W]</c> large enough for the patch.</exception>
    public static Tensor Train(IClassifier classifier, Tensor images, int[] labels, PatchOptions options, int seed = 0, IProgress<int>? progress = null)
    {
        Validate(images, labels, options, classifier);
        var rng = new Rng(seed);
        var range = classifier.InputRange;
        var channels = images.Dim(1);
        var patch = Tensor.RandU(rng, range.Min, range.Max, channels, options.Size, options.Size);
        var n = images.Dim(0);
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            var order = rng.Permutation(n);
            for (var start = 0; start < n; start += options.BatchSize)
            {
                var index = order[start..Math.Min(n, start + options.BatchSize)];
                var batch = Ops.IndexSelect(images, 0, index);
                var batchLabels = index.Select(i => options.TargetClass ?? labels[i]).ToArray();
                var placements = Placements(rng, batch.Dim(0), images.Dim(2), images.Dim(3), options);
                var pasted = Paste(batch, patch, placements);
                var (gradient, _) = classifier.LossGradient(pasted, batchLabels, static (z, y) => Losses.CrossEntropy(z, y, Reduction.Sum));
                var patchGradient = GatherPatchGradient(gradient, placements, options.Size);

                // Targeted: descend the target's loss; untargeted: ascend the true label's.
                var direction = options.TargetClass is null ? 1f : -1f;
                using var scope = GradMode.NoGrad();
                patch = Ops.Clamp(Ops.Add(patch, Ops.Multiply(Ops.Sign(patchGradient), direction * options.StepSize)), range.Min, range.Max);
            }

            progress?.Report(epoch + 1);
        }

        return patch;
    }

    /// <summary>Pastes <paramref name="patch"/> on each image at a random placement drawn from <paramref name="seed"/>.</summary>
    public static Tensor Apply(Tensor images, Tensor patch, PatchOptions options, int seed) =>
        Paste(images, patch, Placements(new Rng(seed), images.Dim(0), images.Dim(2), images.Dim(3), options with { Size = patch.Dim(1) }));

    /// <summary>Measures the patch on held-out images with fresh random placements.</summary>
    public static PatchEvaluation Evaluate(IClassifier classifier, Tensor patch, Tensor images, int[] labels, PatchOptions options, int seed = 1)
    {
        var start = classifier.QueryCount;
        var clean = Ops.ArgMax(classifier.Predict(images), 1);
        var patched = Ops.ArgMax(classifier.Predict(Apply(images, patch, options, seed)), 1);
        var eligible = 0;
        var successes = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var counts = options.TargetClass is { } t ? clean[i] != t : clean[i] == labels[i];
            if (!counts)
            {
                continue;
            }

            eligible++;
            if (options.TargetClass is { } target ? patched[i] == target : patched[i] != labels[i])
            {
                successes++;
            }
        }

        return new PatchEvaluation(labels.Length, eligible, successes, classifier.QueryCount - start);
    }

    private readonly record struct Placement(int Row, int Column, int Side);

    private static Placement[] Placements(Rng rng, int count, int height, int width, PatchOptions options)
    {
        var result = new Placement[count];
        for (var i = 0; i < count; i++)
        {
            var scale = options.MinScale + ((options.MaxScale - options.MinScale) * (float)rng.NextDouble());
            var side = Math.Clamp((int)MathF.Round(options.Size * scale), 1, Math.Min(height, width));
            result[i] = new Placement(rng.NextInt(height - side + 1), rng.NextInt(width - side + 1), side);
        }

        return result;
    }

    // Nearest-neighbour resampling: output pixel (r, c) of a side-k placement reads patch pixel (r·s/k, c·s/k).
    private static Tensor Paste(Tensor images, Tensor patch, Placement[] placements)
    {
        var result = images.Clone();
        int c = images.Dim(1), h = images.Dim(2), w = images.Dim(3), s = patch.Dim(1);
        var dst = result.Span;
        var src = patch.ReadOnlySpan;
        for (var i = 0; i < placements.Length; i++)
        {
            var p = placements[i];
            for (var ch = 0; ch < c; ch++)
            {
                for (var r = 0; r < p.Side; r++)
                {
                    for (var q = 0; q < p.Side; q++)
                    {
                        dst[(((((i * c) + ch) * h) + p.Row + r) * w) + p.Column + q] = src[(((ch * s) + (r * s / p.Side)) * s) + (q * s / p.Side)];
                    }
                }
            }
        }

        return result;
    }

    private static Tensor GatherPatchGradient(Tensor gradient, Placement[] placements, int s)
    {
        int c = gradient.Dim(1), h = gradient.Dim(2), w = gradient.Dim(3);
        var result = new float[c * s * s];
        var g = gradient.ReadOnlySpan;
        for (var i = 0; i < placements.Length; i++)
        {
            var p = placements[i];
            for (var ch = 0; ch < c; ch++)
            {
                for (var r = 0; r < p.Side; r++)
                {
                    for (var q = 0; q < p.Side; q++)
                    {
                        result[(((ch * s) + (r * s / p.Side)) * s) + (q * s / p.Side)] += g[(((((i * c) + ch) * h) + p.Row + r) * w) + p.Column + q];
                    }
                }
            }
        }

        return Tensor.FromArray(result, c, s, s);
    }

    private static void Validate(Tensor images, int[] labels, PatchOptions o, IClassifier classifier)
    {
        if (images.Rank != 4 || images.Dim(0) != labels.Length || images.Dim(0) == 0)
        {
            throw new ArgumentException($"AdversarialPatch: images of shape {images.Shape} with {labels.Length} labels; expected [N, C, H, W] with N ≥ 1 and one label per image.", nameof(images));
        }

        var largest = (int)MathF.Round(o.Size * o.MaxScale);
        if (o.Size < 1 || !(o.MinScale > 0f) || o.MaxScale < o.MinScale || largest > Math.Min(images.Dim(2), images.Dim(3)) || o.Epochs < 1 || o.BatchSize < 1 || !(o.StepSize > 0f))
        {
            throw new ArgumentException($"AdversarialPatch: size {o.Size}, scale {o.MinScale}..{o.MaxScale}, epochs {o.Epochs}, batch {o.BatchSize}, step {o.StepSize}; expected positive values and a largest patch ({largest} px) that fits the {images.Dim(2)}×{images.Dim(3)} images.", nameof(o));
        }

        if (o.TargetClass is { } t && (t < 0 || t >= classifier.ClassCount))
        {
            throw new ArgumentException($"AdversarialPatch: target class {t} is outside the model's {classifier.ClassCount} classes.", nameof(o));
        }
    }
}
