using Gauntlet.Tensors;

namespace Gauntlet.Data;

/// <summary>Checks a data set against what a model expects before an evaluation runs.</summary>
public static class DataValidator
{
    /// <summary>
    /// Throws on the first problem: a NaN or infinite value, a value outside <paramref name="inputRange"/>,
    /// a label outside <c>[0, classCount)</c>, or an image shape that differs from <paramref name="modelInput"/>
    /// (one sample <c>[C, H, W]</c>; a rank-4 shape's leading batch dimension is ignored).
    /// </summary>
    /// <exception cref="InvalidDataException">The message names the source, the image or label index and what was expected.</exception>
    public static void Validate(LabeledImages data, int classCount, (float Min, float Max) inputRange, Shape? modelInput = null)
    {
        var src = data.Source;
        var dims = data.Images.Shape;
        if (modelInput is { } expected)
        {
            var want = expected.Rank == 4 ? expected.Dims[1..].ToArray() : expected.ToArray();
            var have = dims.Dims[1..].ToArray();
            if (!want.SequenceEqual(have))
            {
                throw new InvalidDataException($"{src}: images are [{string.Join(", ", have)}] (C, H, W) per sample; the model expects [{string.Join(", ", want)}].");
            }
        }

        for (var i = 0; i < data.Labels.Length; i++)
        {
            if (data.Labels[i] < 0 || data.Labels[i] >= classCount)
            {
                throw new InvalidDataException($"{src}: label {data.Labels[i]} at index {i} is outside the model's {classCount} classes (expected 0..{classCount - 1}).");
            }
        }

        var values = data.Images.ReadOnlySpan;
        var perImage = data.Count == 0 ? 1 : values.Length / data.Count;
        for (var k = 0; k < values.Length; k++)
        {
            var v = values[k];
            if (!float.IsFinite(v))
            {
                throw new InvalidDataException($"{src}: image {k / perImage} has {(float.IsNaN(v) ? "NaN" : "an infinite value")} at element {k % perImage}; expected finite values.");
            }

            if (v < inputRange.Min || v > inputRange.Max)
            {
                throw new InvalidDataException($"{src}: image {k / perImage} has value {DataSource.Format(v)} at element {k % perImage}, outside the declared input range [{DataSource.Format(inputRange.Min)}, {DataSource.Format(inputRange.Max)}].");
            }
        }
    }
}
