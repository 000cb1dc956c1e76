using System.Globalization;
using Gauntlet.Core.IO;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Cli.Tabular;

/// <summary>
/// A CSV with a header row, read for the fairness and explanation commands: the label column,
/// an optional protected column (any text: "F", "M", "0", "1"), an optional prediction and score
/// column, and the numeric feature columns (every other numeric column; a non-numeric protected
/// column is never a feature). Comma-separated, double quotes allowed.
/// </summary>
internal sealed class TabularCsv
{
    private TabularCsv(string path, string[] header, List<string[]> rows)
    {
        Path = path;
        Header = header;
        Rows = rows;
    }

    public string Path { get; }

    public string[] Header { get; }

    public List<string[]> Rows { get; }

    public static TabularCsv Read(string path)
    {
        using var reader = InputFile.OpenText(path, "CSV file");
        var header = reader.ReadLine() is { } h ? Split(h) : throw new InvalidDataException($"{path}: the file is empty; expected a header row and data rows.");
        var rows = new List<string[]>();
        var lineNo = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var fields = Split(line);
            if (fields.Length != header.Length)
            {
                throw new InvalidDataException($"{path}: line {lineNo} has {fields.Length} fields but the header has {header.Length}.");
            }

            rows.Add(fields);
        }

        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{path}: no data rows after the header.");
        }

        return new TabularCsv(path, header, rows);
    }

    public int Column(string option, string name)
    {
        var i = Array.IndexOf(Header, name);
        if (i < 0)
        {
            throw new UserInputException($"{option} {name}: {Path} has no such column (columns: {string.Join(", ", Header)}).");
        }

        return i;
    }

    public string[] Text(int column) => [.. Rows.Select(r => r[column])];

    /// <summary>Labels: integers as given, otherwise the sorted distinct strings numbered 0, 1, ….</summary>
    public (int[] Labels, string[] Names) Labels(int column)
    {
        var text = Text(column);
        if (text.All(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0 && v < 1000))
        {
            var labels = text.Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
            return (labels, [.. Enumerable.Range(0, labels.Max() + 1).Select(i => i.ToString(CultureInfo.InvariantCulture))]);
        }

        var names = text.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return ([.. text.Select(t => Array.IndexOf(names, t))], names);
    }

    public double[] Numbers(string option, int column)
    {
        var values = new double[Rows.Count];
        for (var r = 0; r < Rows.Count; r++)
        {
            if (!double.TryParse(Rows[r][column], NumberStyles.Float, CultureInfo.InvariantCulture, out values[r]) || !double.IsFinite(values[r]))
            {
                throw new UserInputException($"{option} {Header[column]}: {Path} row {r + 1} has '{Rows[r][column]}'; expected a number.");
            }
        }

        return values;
    }

    /// <summary>The numeric columns other than <paramref name="exclude"/>, as rows.</summary>
    public (float[][] Rows, string[] Names) Features(params int[] exclude)
    {
        var columns = Enumerable.Range(0, Header.Length)
            .Where(c => !exclude.Contains(c) && Rows.All(r => double.TryParse(r[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)))
            .ToArray();
        if (columns.Length == 0)
        {
            throw new UserInputException($"{Path}: no numeric feature columns besides the label.");
        }

        var rows = Rows.Select(r => columns.Select(c => (float)double.Parse(r[c], NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        return (rows, [.. columns.Select(c => Header[c])]);
    }

    /// <summary>Loads an ONNX model taking rows of <paramref name="rows"/>'s width as a classifier over that domain.</summary>
    public static ModuleClassifier LoadModel(string path, float[][] rows)
    {
        InputFile.Check(path, "model file");
        var f = rows[0].Length;
        var network = Gauntlet.Onnx.OnnxClassifier.Load(path);
        if (network.Input.Shape is { Count: > 1 } declared && declared[^1].Value is { } width && width != f)
        {
            throw new UserInputException($"{path}: the model takes {width} features but the CSV has {f} numeric feature columns.");
        }

        var classes = network.ProbeClassCount(Tensor.FromArray(rows[0], 1, f));
        var min = rows.Min(r => r.Min());
        var max = rows.Max(r => r.Max());
        return new ModuleClassifier(new Gauntlet.Tensors.Nn.Sequential(network), new Shape(f), classes, new InputRange(min, max > min ? max : min + 1));
    }

    private static string[] Split(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }

        fields.Add(current.ToString().Trim());
        return [.. fields];
    }
}
