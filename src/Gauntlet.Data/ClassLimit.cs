using System.Collections;
using System.Globalization;
using Gauntlet.Core.IO;

namespace Gauntlet.Data;

/// <summary>
/// Keeps a label value from deciding how much is allocated: a label of 1,000,000,000 would otherwise
/// make a class-name list of a billion strings. Every reader checks its labels here, against
/// <see cref="InputLimits.MaxClasses"/>, before building anything sized by them.
/// </summary>
internal static class ClassLimit
{
    /// <summary>Throws when a label would imply more classes than <see cref="InputLimits.MaxClasses"/>.</summary>
    /// <param name="labels">The labels (already non-negative).</param>
    /// <param name="source">The file, for the message.</param>
    /// <returns>The largest label plus one (0 for no labels).</returns>
    /// <exception cref="InvalidDataException">A label is at or above the limit; the message gives its sample index and value.</exception>
    public static int ClassCount(IReadOnlyList<int> labels, string source)
    {
        var max = InputLimits.MaxClasses;
        var top = -1;
        for (var i = 0; i < labels.Count; i++)
        {
            Check(labels[i], max, $"{source}: sample {i.ToString(CultureInfo.InvariantCulture)}");
            top = Math.Max(top, labels[i]);
        }

        return top + 1;
    }

    /// <summary>Throws when <paramref name="label"/> would imply more classes than <see cref="InputLimits.MaxClasses"/>.</summary>
    /// <param name="label">The label value.</param>
    /// <param name="where">Names the file and sample, e.g. <c>y.npy: sample 17</c>.</param>
    /// <exception cref="InvalidDataException">The label is at or above the limit.</exception>
    public static void Check(long label, string where) => Check(label, InputLimits.MaxClasses, where);

    private static void Check(long label, int max, string where)
    {
        if (label >= max)
        {
            throw new InvalidDataException(
                $"{where} has label {label.ToString(CultureInfo.InvariantCulture)}, more than the {max.ToString(CultureInfo.InvariantCulture)} classes Gauntlet accepts (0..{(max - 1).ToString(CultureInfo.InvariantCulture)}; {InputLimits.MaxClassesHowToRaise}).");
        }
    }
}

/// <summary>The class names "0", "1", …, made on demand so a large class count costs no memory.</summary>
/// <param name="count">The number of classes.</param>
internal sealed class NumberedClassNames(int count) : IReadOnlyList<string>
{
    /// <inheritdoc />
    public int Count { get; } = Math.Max(0, count);

    /// <inheritdoc />
    public string this[int index] => (uint)index < (uint)Count
        ? index.ToString(CultureInfo.InvariantCulture)
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"class index outside 0..{Count - 1}");

    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
