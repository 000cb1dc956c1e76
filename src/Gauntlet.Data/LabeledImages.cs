using Gauntlet.Tensors;

namespace Gauntlet.Data;

/// <summary>
/// A batchable image classification set: images <c>[N, C, H, W]</c> in [0, 1] and one label per image.
/// </summary>
public sealed class LabeledImages
{
    /// <summary>Creates the set, validating that counts and labels agree.</summary>
    /// <exception cref="InvalidDataException">Counts differ or a label is outside [0, classCount).</exception>
    public LabeledImages(Tensor images, int[] labels, int classCount, string source, IReadOnlyList<string>? classNames = null)
    {
        if (images.Rank != 4)
        {
            throw new InvalidDataException($"{source}: images have shape {images.Shape}; expected [N, C, H, W].");
        }

        if (images.Dim(0) != labels.Length)
        {
            throw new InvalidDataException($"{source}: {images.Dim(0)} images but {labels.Length} labels; expected one label per image.");
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= classCount)
            {
                throw new InvalidDataException($"{source}: label {labels[i]} at index {i} is outside the {classCount} classes (expected 0..{classCount - 1}).");
            }
        }

        Images = images;
        Labels = labels;
        ClassCount = classCount;
        Source = source;
        ClassNames = classNames ?? [.. Enumerable.Range(0, classCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }

    /// <summary>Images <c>[N, C, H, W]</c>.</summary>
    public Tensor Images { get; }

    /// <summary>Labels, one per image.</summary>
    public int[] Labels { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Human-readable class names.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Where the data came from (a path or a description), for reports and errors.</summary>
    public string Source { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The first <paramref name="count"/> images (or all, if fewer).</summary>
    public LabeledImages Take(int count) => Select(Enumerable.Range(0, Math.Min(count, Count)).ToArray());

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public LabeledImages Select(int[] indices)
    {
        var images = Ops.IndexSelect(Images.Detach(), 0, indices);
        var labels = indices.Select(i => Labels[i]).ToArray();
        return new LabeledImages(images, labels, ClassCount, Source, ClassNames);
    }

    /// <summary>Mini-batches of at most <paramref name="batchSize"/> in the given order (no copy of the whole set).</summary>
    public IEnumerable<(Tensor Images, int[] Labels)> Batches(int batchSize, int[]? order = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        order ??= [.. Enumerable.Range(0, Count)];
        for (var start = 0; start < order.Length; start += batchSize)
        {
            var idx = order[start..Math.Min(order.Length, start + batchSize)];
            yield return (Ops.IndexSelect(Images.Detach(), 0, idx), idx.Select(i => Labels[i]).ToArray());
        }
    }
}
