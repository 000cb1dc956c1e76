using System.Globalization;
using Gauntlet.Core.IO;

namespace Gauntlet.Data;

/// <summary>Labels loaded on their own, with class names when the file gives them.</summary>
public sealed class LabelFile
{
    private LabelFile(int[] labels, IReadOnlyList<string>? classNames, string source)
    {
        Labels = labels;
        ClassNames = classNames;
        Source = source;
    }

    /// <summary>Class indices, one per example.</summary>
    public int[] Labels { get; }

    /// <summary>Class names when the labels were strings (sorted, index order); null for numeric labels.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>The file the labels came from.</summary>
    public string Source { get; }

    /// <summary>The number of classes: the class names' count, or the largest label plus one (at most <see cref="InputLimits.MaxClasses"/>, checked on load).</summary>
    public int ClassCount => ClassNames?.Count ?? (Labels.Length == 0 ? 0 : Labels.Max() + 1);

    /// <summary>
    /// For string labels, one line saying how they were numbered (alphabetically, ordinal order), e.g.
    /// <c>y.csv: string labels numbered alphabetically: bird=0, cat=1, dog=2 (3 classes)</c>; null for numeric labels.
    /// Callers show it as a warning, since the numbering decides which model output each label means.
    /// </summary>
    public string? NumberingNote => ClassNames is null ? null
        : $"{Source}: string labels numbered alphabetically: {string.Join(", ", ClassNames.Take(5).Select((n, i) => $"{n}={i.ToString(CultureInfo.InvariantCulture)}"))}{(ClassNames.Count > 5 ? ", …" : string.Empty)} ({ClassNames.Count.ToString(CultureInfo.InvariantCulture)} classes)";

    /// <summary>
    /// Loads labels, dispatching on content: a <c>.npy</c> magic → a 1-D (or N×1) integer array; an
    /// IDX header (raw or gzip) → a 1-D IDX array; otherwise a CSV/text file, whose column
    /// <paramref name="column"/> (header name or zero-based index; default the last) holds integer
    /// labels or class names. The file is read through <see cref="InputFile"/> (a regular file; binary
    /// formats within <see cref="InputLimits.InputBytes"/>, text within <see cref="InputLimits.TableBytes"/>),
    /// and a label at or above <see cref="InputLimits.MaxClasses"/> is refused before anything is sized by it.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The path is a folder, not a regular file or too large; the file is malformed, not one-dimensional, or holds negative, non-integer or too large labels.</exception>
    public static LabelFile Load(string path, string? column = null)
    {
        Span<byte> head = stackalloc byte[8];
        int read;
        using (var f = InputFile.OpenRead(path, "label file"))
        {
            read = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        head = head[..read];
        if (NpyArray.HasMagic(head))
        {
            var npy = NpyArray.Read(path);
            if (!(npy.Shape.Count == 1 || (npy.Shape.Count == 2 && npy.Shape[1] == 1)))
            {
                throw new InvalidDataException($"{path}: label array has shape ({string.Join(", ", npy.Shape)}); expected (N,) or (N, 1).");
            }

            return new LabelFile(ToLabels(npy.ToInt64Array(path), path), null, path);
        }

        var gzip = read >= 2 && head[0] == 0x1F && head[1] == 0x8B;
        var idx = IdxFile.HasMagic(head);
        if (gzip || idx)
        {
            var file = IdxFile.Read(path);
            if (file.Dimensions.Count != 1)
            {
                throw new InvalidDataException($"{path}: label file has shape [{string.Join(", ", file.Dimensions)}]; expected [N].");
            }

            var values = new long[file.Values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var v = file.Values[i];
                if (v != MathF.Round(v))
                {
                    throw new InvalidDataException($"{path}: value {v.ToString(CultureInfo.InvariantCulture)} at index {i} is not an integer; expected integer labels.");
                }

                values[i] = (long)v;
            }

            return new LabelFile(ToLabels(values, path), null, path);
        }

        var (labels, names) = CsvTable.LoadColumn(path, column);
        return new LabelFile(labels, names is NumberedClassNames ? null : names, path);
    }

    private static int[] ToLabels(long[] values, string path)
    {
        var labels = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] < 0)
            {
                throw new InvalidDataException($"{path}: label {values[i]} at index {i} is out of range; expected a class index ≥ 0.");
            }

            ClassLimit.Check(values[i], $"{path}: sample {i.ToString(CultureInfo.InvariantCulture)}");

            labels[i] = (int)values[i];
        }

        return labels;
    }
}
