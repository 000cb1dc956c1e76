using System.CommandLine;
using Gauntlet.Data;

namespace Gauntlet.Cli;

/// <summary>What <see cref="TabularArguments.LoadEvaluation"/> read: the records the pipeline runs on and, for a table, the table and its schema.</summary>
/// <param name="Set">The samples: images, or a table's rows as <c>[N, 1, 1, F]</c> records.</param>
/// <param name="Table">The table, or null for images.</param>
/// <param name="Schema">The table's constraints (<c>--schema</c>, or every column free), or null for images.</param>
internal sealed record EvaluationData(LabeledImages Set, LabeledTable? Table, TabularSchema? Schema);

/// <summary>The <c>--label-column</c> and <c>--schema</c> options that eval, attack and audit share for CSV data (docs/tabular.md).</summary>
internal sealed class TabularArguments
{
    public Option<string?> LabelColumn { get; } = new("--label-column") { Description = "For --data a CSV table: the label column's header name or zero-based index (default: the last column). Every other column is a numeric feature." };

    public Option<string?> Schema { get; } = new("--schema") { Description = "For --data a CSV table: feature constraints (YAML: numeric, integer, categorical with codes, one-hot groups, immutable, min/max, step, direction; see docs/tabular.md). Tabular attacks keep every record valid under it." };

    /// <summary>True when <paramref name="data"/> names a table file.</summary>
    public static bool IsTable(string? data) =>
        data is not null && Path.GetExtension(data).ToLowerInvariant() is ".csv" or ".tsv";

    public void AddTo(Command command)
    {
        command.Options.Add(LabelColumn);
        command.Options.Add(Schema);
    }

    /// <summary>The files these options read.</summary>
    public IEnumerable<string?> Inputs(ParseResult parse) => [parse.GetValue(Schema)];

    /// <summary>
    /// Loads the evaluation data: a CSV table (first <paramref name="limit"/> rows, labels from
    /// --label-column, constraints from --schema) or, for anything else, images as
    /// <see cref="DataArguments.LoadEvaluation"/> does.
    /// </summary>
    public EvaluationData LoadEvaluation(ParseResult parse, string data, int? limit, string? labels)
    {
        var labelColumn = parse.GetValue(LabelColumn);
        var schemaPath = parse.GetValue(Schema);
        if (!IsTable(data))
        {
            if (labelColumn is not null || schemaPath is not null)
            {
                throw new UserInputException($"{(labelColumn is not null ? "--label-column" : "--schema")}: only for --data a CSV table (.csv or .tsv); '{data}' is not one.");
            }

            return new EvaluationData(DataArguments.LoadEvaluation(data, limit, labels), null, null);
        }

        if (labels is not null)
        {
            throw new UserInputException($"--labels {labels}: a CSV table carries its labels in a column; name it with --label-column.");
        }

        if (limit is <= 0)
        {
            throw new UserInputException($"--limit must be positive (got {limit}).");
        }

        if (!File.Exists(data))
        {
            throw new UserInputException($"--data: '{data}' does not exist.");
        }

        var table = CsvTable.Load(data, labelColumn);
        if (limit is { } n && n < table.Count)
        {
            table = Take(table, n);
        }

        TabularSchema schema;
        if (schemaPath is null)
        {
            schema = TabularSchema.Unconstrained(table.FeatureNames);
        }
        else
        {
            if (!File.Exists(schemaPath))
            {
                throw new UserInputException($"--schema: '{schemaPath}' does not exist.");
            }

            schema = TabularSchema.Load(schemaPath, table.FeatureNames);
            var features = table.Features.ReadOnlySpan;
            var f = table.Features.Dim(1);
            for (var r = 0; r < table.Count; r++)
            {
                if (schema.Violation(features.Slice(r * f, f)) is { } why)
                {
                    throw new UserInputException($"{data}: row {r + 1} breaks {schemaPath}: {why}.");
                }
            }
        }

        return new EvaluationData(table.ToRecords(), table, schema);
    }

    private static LabeledTable Take(LabeledTable table, int n)
    {
        var f = table.Features.Dim(1);
        var values = table.Features.ReadOnlySpan[..(n * f)].ToArray();
        return new LabeledTable(Gauntlet.Tensors.Tensor.FromArray(values, n, f), table.Labels[..n], table.ClassNames, table.FeatureNames, table.Source);
    }
}
