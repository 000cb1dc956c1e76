using Gauntlet.Tensors;

namespace Gauntlet.Data;

/// <summary>
/// A batchable image classification set: images <c>[N, C, H, W]</c> in [0, 1] and one label per image.
/// </summary>
public sealed class LabeledImages
{
    /// <summary>Creates the set, validating that counts and labels agree.</summary>
    /// <exception cref="InvalidDataException">Counts differ or a label is outside [0, classCount).</exception>
    /// <param name="images">Images <c>[N, C, H, W]</c>.</param>
    /// <param name="labels">One class index per image.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="source">Where the images came from.</param>
    /// <param name="classNames">Class names in index order; "0", "1", … when null.</param>
    /// <param name="labelSource">Where the labels came from when not from <paramref name="source"/> (a separate labels file).</param>
    public LabeledImages(Tensor images, int[] labels, int classCount, string source, IReadOnlyList<string>? classNames = null, string? labelSource = null)
    {
        if (images.Rank != 4)
        {
            throw new InvalidDataException($"{source}: images have shape {images.Shape}; expected [N, C, H, W].");
        }

        if (images.Dim(0) != labels.Length)
        {
            var from = labelSource is null || labelSource == source ? string.Empty : $" in {labelSource}";
            throw new InvalidDataException($"{source}: {images.Dim(0)} images but {labels.Length} labels{from}; expected one label per image.");
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
        // Numbered names are made on demand: the class count can come from a label value.
        ClassNames = classNames ?? new NumberedClassNames(classCount);
        LabelSource = labelSource ?? source;
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

    /// <summary>Where the labels came from: a separate labels file, else <see cref="Source"/>; for errors about a label.</summary>
    public string LabelSource { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The first <paramref name="count"/> images (or all, if fewer).</summary>
    public LabeledImages Take(int count) => Select(Enumerable.Range(0, Math.Min(count, Count)).ToArray());

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public LabeledImages Select(int[] indices)
    {
        var images = Ops.IndexSelect(Images.Detach(), 0, indices);
        var labels = indices.Select(i => Labels[i]).ToArray();
        return new LabeledImages(images, labels, ClassCount, Source, ClassNames, LabelSource);
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
