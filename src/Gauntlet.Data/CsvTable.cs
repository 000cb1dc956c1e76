using System.Globalization;
using System.Text;
using Gauntlet.Tensors;

namespace Gauntlet.Data;

/// <summary>A tabular classification set: features <c>[N, F]</c> and one label per row.</summary>
public sealed class LabeledTable
{
    /// <summary>Creates the table, validating that counts and labels agree.</summary>
    /// <exception cref="InvalidDataException">The features are not <c>[N, F]</c>, counts differ, or a label is outside the classes.</exception>
    public LabeledTable(Tensor features, int[] labels, IReadOnlyList<string> classNames, IReadOnlyList<string> featureNames, string source)
    {
        if (features.Rank != 2)
        {
            throw new InvalidDataException($"{source}: features have shape {features.Shape}; expected [N, F].");
        }

        if (features.Dim(0) != labels.Length)
        {
            throw new InvalidDataException($"{source}: {features.Dim(0)} rows but {labels.Length} labels; expected one label per row.");
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= classNames.Count)
            {
                throw new InvalidDataException($"{source}: label {labels[i]} at row {i} is outside the {classNames.Count} classes.");
            }
        }

        Features = features;
        Labels = labels;
        ClassNames = classNames;
        FeatureNames = featureNames;
        Source = source;
    }

    /// <summary>Features <c>[N, F]</c>.</summary>
    public Tensor Features { get; }

    /// <summary>Class indices, one per row.</summary>
    public int[] Labels { get; }

    /// <summary>Class names in index order (sorted label strings, or the integers as text).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Feature column names (the header, or <c>column 0</c>, <c>column 1</c>, ... without one).</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>Number of rows.</summary>
    public int Count => Labels.Length;

    /// <summary>Where the data came from, for reports and errors.</summary>
    public string Source { get; }

    /// <summary>
    /// The table as records for the model and attack pipeline: <c>[N, 1, 1, F]</c> "images" of one
    /// row each (a tabular model wrapper flattens them back to <c>[N, F]</c>), with the same labels,
    /// class names and source.
    /// </summary>
    /// <returns>The records.</returns>
    public LabeledImages ToRecords() =>
        new(Tensor.FromArray(Features.ToArray(), Count, 1, 1, Features.Dim(1)), Labels, ClassCount, Source, ClassNames);

    /// <summary>The values of feature column <paramref name="name"/>, one per row.</summary>
    /// <param name="name">The column name.</param>
    /// <returns>The values.</returns>
    /// <exception cref="InvalidDataException">No feature column has that name; the message lists them.</exception>
    public float[] Column(string name)
    {
        var index = FeatureNames.ToList().IndexOf(name);
        if (index < 0)
        {
            throw new InvalidDataException($"{Source}: no feature column '{name}' (columns: {string.Join(", ", FeatureNames)}).");
        }

        var f = Features.Dim(1);
        var data = Features.ReadOnlySpan;
        var values = new float[Count];
        for (var r = 0; r < values.Length; r++)
        {
            values[r] = data[(r * f) + index];
        }

        return values;
    }
}

/// <summary>
/// Reads a CSV table of numeric feature columns and one label column. The delimiter is detected
/// among comma, semicolon, tab and pipe; a header row is detected when the first row has a
/// non-numeric field in a column whose second row is numeric (or, for a one-row file, when every
/// field is non-numeric). Double-quoted fields are supported (without embedded line breaks).
/// Labels that are all non-negative integers are used as class indices; otherwise the distinct
/// label strings are sorted (ordinal) and mapped to 0, 1, ....
/// </summary>
public static class CsvTable
{
    private static readonly char[] Delimiters = [',', ';', '\t', '|'];

    /// <summary>
    /// Loads a table; the label column is named by <paramref name="labelColumn"/> (a header name or a
    /// zero-based index; default the last column). The file is opened through <see cref="Gauntlet.Core.IO.InputFile"/>
    /// with the table limit (<see cref="Gauntlet.Core.IO.InputLimits.TableBytes"/>), since its rows are held in memory;
    /// an integer label at or above <see cref="Gauntlet.Core.IO.InputLimits.MaxClasses"/> is refused.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The path is a folder, not a regular file or too large; the file is empty, ragged, has a non-numeric feature or a bad label column; the message names the file, line and column.</exception>
    public static LabeledTable Load(string path, string? labelColumn = null, bool? hasHeader = null)
    {
        var rows = ReadRows(path, hasHeader, labelColumn, out var header);
        var width = rows[0].Fields.Length;
        var labelIndex = ResolveColumn(labelColumn, header, width, path);
        if (width < 2)
        {
            throw new InvalidDataException($"{path}: the table has {width} column; expected at least one feature column and a label column.");
        }

        var f = width - 1;
        var features = new float[(long)rows.Count * f];
        var labelText = new string[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            var (line, fields) = rows[r];
            var k = 0;
            for (var c = 0; c < width; c++)
            {
                if (c == labelIndex)
                {
                    labelText[r] = fields[c];
                    continue;
                }

                if (!TryNumber(fields[c], out var v))
                {
                    throw new InvalidDataException($"{path}: line {line}, column {c + 1}{ColumnName(header, c)}: '{fields[c]}' is not a number; expected a numeric feature value.");
                }

                features[((long)r * f) + k++] = (float)v;
            }
        }

        var (labels, classNames) = MapLabels(labelText, rows, path, labelIndex);
        var featureNames = Enumerable.Range(0, width).Where(c => c != labelIndex)
            .Select(c => header?[c] ?? "column " + c.ToString(CultureInfo.InvariantCulture)).ToArray();
        return new LabeledTable(Tensor.FromArray(features, rows.Count, f), labels, classNames, featureNames, path);
    }

    /// <summary>Reads one column as labels, with the same header, delimiter and label rules as <see cref="Load"/>.</summary>
    internal static (int[] Labels, IReadOnlyList<string> ClassNames) LoadColumn(string path, string? column)
    {
        var rows = ReadRows(path, null, column, out var header);
        var index = ResolveColumn(column, header, rows[0].Fields.Length, path);
        return MapLabels(rows.Select(r => r.Fields[index]).ToArray(), rows, path, index);
    }

    private static (int[] Labels, IReadOnlyList<string> ClassNames) MapLabels(string[] text, List<(int Line, string[] Fields)> rows, string path, int column)
    {
        var labels = new int[text.Length];
        var allIntegers = true;
        for (var i = 0; i < text.Length && allIntegers; i++)
        {
            allIntegers = int.TryParse(text[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out labels[i]);
        }

        if (allIntegers)
        {
            var max = -1;
            for (var i = 0; i < labels.Length; i++)
            {
                if (labels[i] < 0)
                {
                    throw new InvalidDataException($"{path}: line {rows[i].Line}, column {column + 1}: label {labels[i]} is negative; expected a class index ≥ 0 or a class name.");
                }

                ClassLimit.Check(labels[i], $"{path}: line {rows[i].Line}, column {column + 1}");
                max = Math.Max(max, labels[i]);
            }

            return (labels, new NumberedClassNames(max + 1));
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (text[i].Length == 0)
            {
                throw new InvalidDataException($"{path}: line {rows[i].Line}, column {column + 1}: the label is empty.");
            }
        }

        var names = text.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        return ([.. text.Select(t => index[t])], names);
    }

    private static int ResolveColumn(string? column, string[]? header, int width, string path)
    {
        if (column is null)
        {
            return width - 1;
        }

        if (header is not null)
        {
            var at = Array.IndexOf(header, column);
            if (at >= 0)
            {
                return at;
            }
        }

        if (int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            if (index >= width)
            {
                throw new InvalidDataException($"{path}: label column index {index} is out of range; the table has {width} columns (0..{width - 1}).");
            }

            return index;
        }

        throw new InvalidDataException(header is null
            ? $"{path}: label column '{column}' not found; the file has no header row, so name the column by its zero-based index."
            : $"{path}: label column '{column}' not found; the header has: {string.Join(", ", header)}.");
    }

    private static string ColumnName(string[]? header, int c) => header is null ? string.Empty : $" ('{header[c]}')";

    private static bool TryNumber(string s, out double value) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>Reads all data rows (line numbers 1-based), detecting the delimiter and header.</summary>
    private static List<(int Line, string[] Fields)> ReadRows(string path, bool? hasHeader, string? labelColumn, out string[]? header)
    {
        var rows = new List<(int Line, string[] Fields)>();
        char? delimiter = null;
        using (var reader = Gauntlet.Core.IO.InputFile.OpenText(path, "CSV file", Gauntlet.Core.IO.InputLimits.TableBytes))
        {
            var lineNo = 0;
            while (reader.ReadLine() is { } line)
            {
                lineNo++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                delimiter ??= DetectDelimiter(line);
                var fields = Split(line, delimiter.Value, path, lineNo);
                if (rows.Count > 0 && fields.Length != rows[0].Fields.Length)
                {
                    throw new InvalidDataException($"{path}: line {lineNo} has {fields.Length} fields; expected {rows[0].Fields.Length} like line {rows[0].Line} (ragged row).");
                }

                rows.Add((lineNo, fields));
            }
        }

        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{path}: the file is empty; expected a table with at least one row.");
        }

        var first = rows[0].Fields;
        // A label column given by a name that appears in the first row marks that row as the header.
        var namesColumn = labelColumn is not null && !TryNumber(labelColumn, out _) && Array.IndexOf(first, labelColumn) >= 0;
        var isHeader = hasHeader ?? (namesColumn || (rows.Count > 1
            ? Enumerable.Range(0, first.Length).Any(c => !TryNumber(first[c], out _) && TryNumber(rows[1].Fields[c], out _))
            : first.All(f => !TryNumber(f, out _))));
        header = null;
        if (isHeader)
        {
            header = first;
            rows.RemoveAt(0);
            if (rows.Count == 0)
            {
                throw new InvalidDataException($"{path}: the file has a header row but no data rows.");
            }
        }

        return rows;
    }

    private static char DetectDelimiter(string line)
    {
        var best = ',';
        var bestCount = 0;
        foreach (var d in Delimiters)
        {
            var count = 0;
            var quoted = false;
            foreach (var c in line)
            {
                if (c == '"')
                {
                    quoted = !quoted;
                }
                else if (c == d && !quoted)
                {
                    count++;
                }
            }

            if (count > bestCount)
            {
                best = d;
                bestCount = count;
            }
        }

        return best;
    }

    private static string[] Split(string line, char delimiter, string path, int lineNo)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        var i = 0;
        while (true)
        {
            sb.Clear();
            while (i < line.Length && line[i] == ' ')
            {
                i++;
            }

            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new InvalidDataException($"{path}: line {lineNo}, column {fields.Count + 1}: unterminated quoted field.");
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            sb.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    sb.Append(line[i++]);
                }

                while (i < line.Length && line[i] == ' ')
                {
                    i++;
                }

                if (i < line.Length && line[i] != delimiter)
                {
                    throw new InvalidDataException($"{path}: line {lineNo}, column {fields.Count + 1}: unexpected text after a quoted field.");
                }

                fields.Add(sb.ToString());
            }
            else
            {
                var end = line.IndexOf(delimiter, i);
                if (end < 0)
                {
                    end = line.Length;
                }

                fields.Add(line[i..end].Trim());
                i = end;
            }

            if (i >= line.Length)
            {
                return [.. fields];
            }

            i++; // the delimiter
            if (i == line.Length)
            {
                fields.Add(string.Empty); // a trailing delimiter ends with an empty field
                return [.. fields];
            }
        }
    }
}
