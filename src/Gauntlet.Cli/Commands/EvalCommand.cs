using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gauntlet.Core;
using Gauntlet.Tensors;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet eval</c>: clean accuracy, per-class accuracy and the confusion matrix.</summary>
internal static class EvalCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = new ModelArguments();
        var data = new Option<string>("--data") { Description = DataArguments.Description + " The test split is used.", DefaultValueFactory = _ => "fashion-mnist" };
        var labels = new Option<string?>("--labels") { Description = DataArguments.LabelsDescription };
        var limit = NumericOption.OptionalInt("--samples", "Evaluate only the first N images (alias --limit).", min: 1, limit: RunLimits.MaxSamples);
        limit.Aliases.Add("--limit");
        var json = new Option<string?>("--json") { Description = "Also write the results as JSON (accuracy, n, per_class, confusion); '-' writes it to standard output and the summary to standard error." };
        var batch = NumericOption.Int("--batch", "Batch size.", 256, min: 1, limit: RunLimits.MaxBatch);
        var noLimits = NumericOption.NoLimits();
        var command = new Command("eval", "Measure a model's clean accuracy, per-class accuracy and confusion matrix.") { data, labels, limit, json, batch, noLimits };
        model.AddTo(command);
        var tabular = new TabularArguments();
        tabular.AddTo(command);
        command.SetAction(parse =>
        {
            // Outputs are checked before anything is loaded: a bad path costs nothing.
            using var outputs = new CommandOutputs(parse, [.. CommandOutputs.ModelInputs(parse.GetValue(model.Model)), .. CommandOutputs.DataInputs(parse.GetValue(data), parse.GetValue(labels)), .. tabular.Inputs(parse)]);
            outputs.File("--json", parse.GetValue(json));
            var ui = outputs.ConsoleFor(console);

            var set = tabular.LoadEvaluation(parse, parse.GetValue(data)!, parse.GetValue(limit), parse.GetValue(labels)).Set;
            NumericOption.CheckBatch(parse, "--batch", parse.GetValue(batch), set);
            var (loaded, classifier) = model.Load(parse, set);
            var k = loaded.ClassCount;
            var confusion = new int[k, k];
            foreach (var (x, y) in set.Batches(parse.GetValue(batch)))
            {
                var predicted = Ops.ArgMax(classifier.Predict(x), 1);
                for (var i = 0; i < y.Length; i++)
                {
                    confusion[y[i], predicted[i]]++;
                }
            }

            var correct = Enumerable.Range(0, k).Sum(c => confusion[c, c]);
            var accuracy = set.Count == 0 ? 0 : correct / (double)set.Count;
            var perClass = new Dictionary<string, double?>();
            var table = new Table().AddColumns("class", "n", "accuracy");
            for (var c = 0; c < k; c++)
            {
                var n = Enumerable.Range(0, k).Sum(p => confusion[c, p]);
                double? acc = n == 0 ? null : confusion[c, c] / (double)n;
                perClass[loaded.ClassNames[c]] = acc;
                table.AddRow(Markup.Escape(loaded.ClassNames[c]), n.ToString(CultureInfo.InvariantCulture), acc?.ToString("P1", CultureInfo.InvariantCulture) ?? "-");
            }

            ui.MarkupLine($"[bold]accuracy {accuracy.ToString("P2", CultureInfo.InvariantCulture)}[/] on {set.Count:N0} {(TabularArguments.IsTable(parse.GetValue(data)) ? "rows" : "images")} ({Markup.Escape(set.Source)}), model {Markup.Escape(loaded.Path)} ({loaded.Architecture})");
            ui.Write(table);
            var matrix = new Table().AddColumn("true \\ predicted");
            for (var p = 0; p < k; p++)
            {
                matrix.AddColumn(p.ToString(CultureInfo.InvariantCulture));
            }

            for (var c = 0; c < k; c++)
            {
                matrix.AddRow([c.ToString(CultureInfo.InvariantCulture), .. Enumerable.Range(0, k).Select(p => confusion[c, p].ToString(CultureInfo.InvariantCulture))]);
            }

            ui.Write(matrix);
            if (parse.GetValue(json) is { } path)
            {
                var doc = new
                {
                    schema_version = 1,
                    tool_version = CliApp.Version,
                    model = loaded.Path,
                    data = set.Source,
                    accuracy,
                    n = set.Count,
                    per_class = perClass,
                    confusion = Enumerable.Range(0, k).Select(c => Enumerable.Range(0, k).Select(p => confusion[c, p]).ToArray()).ToArray(),
                    class_names = loaded.ClassNames,
                };
                outputs.WriteJson("--json", doc);
                outputs.Commit();
                if (!outputs.UsesStandardOutput)
                {
                    ui.MarkupLine($"wrote [green]{Markup.Escape(path)}[/]");
                }
            }

            return CliApp.ExitOk;
        });
        return command;
    }
}
