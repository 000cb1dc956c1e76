using System.CommandLine;
using System.Globalization;
using Gauntlet.Cli.Tabular;
using Gauntlet.Fairness;
using Gauntlet.Fairness.Reporting;
using Gauntlet.Reporting;
using Gauntlet.Tensors;
using Spectre.Console;
using Paragraph = Gauntlet.Reporting.Paragraph;
using TableCell = Gauntlet.Reporting.TableCell;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet fairness</c>: group fairness of a model's decisions on a CSV (docs/fairness.md).</summary>
internal static class FairnessCommand
{
    private static readonly string[] Files = ["fairness.json", "fairness.html", "fairness.md"];

    public static Command Create(IAnsiConsole console)
    {
        var model = new Argument<string?>("model") { Description = "An ONNX model taking the CSV's numeric feature columns (every numeric column but the label, prediction and score columns; the protected column too when the model's width says so). Leave out to use --prediction-column.", Arity = ArgumentArity.ZeroOrOne };
        var data = new Option<string>("--data") { Description = "A CSV with a header row: features, the label column and the protected column.", Required = true };
        var labelColumn = new Option<string>("--label-column") { Description = "The true outcome's column.", Required = true };
        var protectedColumn = new Option<string>("--protected") { Description = "The protected attribute's column (any values, e.g. F/M or age bands).", Required = true };
        var predictionColumn = new Option<string?>("--prediction-column") { Description = "A column holding the model's decisions (instead of a model)." };
        var scoreColumn = new Option<string?>("--score-column") { Description = "A column holding the predicted probability of the positive class (calibration by group and per-group thresholds)." };
        var positive = NumericOption.Int("--positive-class", "The favourable outcome's class index.", 1, min: 0, max: 999);
        var tolerance = NumericOption.Float("--tolerance", "Largest acceptable demographic parity, equal opportunity or equalised odds difference.", 0.1f, RealRange.Closed(0, 1));
        var mitigation = new Option<string>("--thresholds") { Description = "Per-group thresholds to report with their accuracy cost: selection-rate, tpr or none (needs scores).", DefaultValueFactory = _ => "selection-rate" };
        mitigation.AcceptOnlyFromAmong("selection-rate", "tpr", "none");
        var outDir = new Option<string>("--out") { Description = "Folder for fairness.json, fairness.html and fairness.md (created when missing).", Required = true };
        var command = new Command("fairness", "Group fairness of a model's decisions for a protected attribute: demographic parity, equal opportunity, equalised odds, disparate impact (four-fifths rule), calibration by group, the reweighing weights to retrain with, and per-group thresholds with their accuracy cost. Exit codes: 0 no finding of high severity, 1 a high-severity finding, 2 bad input.")
        {
            model, data, labelColumn, protectedColumn, predictionColumn, scoreColumn, positive, tolerance, mitigation, outDir,
        };
        command.SetAction(parse =>
        {
            var modelPath = parse.GetValue(model);
            using var outputs = new CommandOutputs(parse, [modelPath, parse.GetValue(data)]);
            var folder = parse.GetValue(outDir)!;
            outputs.Folder("--out", folder, Files);
            var ui = outputs.ConsoleFor(console);
            if ((modelPath is null) == (parse.GetValue(predictionColumn) is null))
            {
                throw new UserInputException("give a model or --prediction-column, exactly one of them (see --help).");
            }

            var csv = TabularCsv.Read(parse.GetValue(data)!);
            var labelIndex = csv.Column("--label-column", parse.GetValue(labelColumn)!);
            var protectedIndex = csv.Column("--protected", parse.GetValue(protectedColumn)!);
            var (labels, _) = csv.Labels(labelIndex);
            var groups = csv.Text(protectedIndex);
            var pos = parse.GetValue(positive);
            var options = new FairnessOptions(parse.GetValue(protectedColumn)!, pos, parse.GetValue(tolerance));
            int[] predictions;
            double[]? scores = null;
            if (modelPath is not null)
            {
                (predictions, scores) = Predict(csv, modelPath, labelIndex, protectedIndex, pos);
            }
            else
            {
                var pi = csv.Column("--prediction-column", parse.GetValue(predictionColumn)!);
                predictions = [.. csv.Numbers("--prediction-column", pi).Select(v => (int)v)];
                if (parse.GetValue(scoreColumn) is { } sc)
                {
                    scores = csv.Numbers("--score-column", csv.Column("--score-column", sc));
                }
            }

            var result = FairnessAnalysis.Run(predictions, labels, groups, options, scores);
            var (_, cells) = Reweighing.Compute(labels, groups);
            var criterion = parse.GetValue(mitigation);
            GroupThresholdResult? thresholds = scores is null || criterion == "none" ? null
                : GroupThresholds.Fit(scores, labels, groups, criterion == "tpr" ? ThresholdCriterion.TruePositiveRate : ThresholdCriterion.SelectionRate, options);

            var document = new ReportDocument
            {
                Title = $"Fairness: {Path.GetFileName(csv.Path)} by '{options.ProtectedAttribute}'",
                Subtitle = [Inline.Text($"{labels.Length} rows; model {modelPath ?? "(predictions from column " + parse.GetValue(predictionColumn) + ")"}; positive class {pos}.")],
                Sections =
                [
                    .. FairnessReport.Sections(result, thresholds: thresholds),
                    new Section
                    {
                        Heading = "Reweighing weights (Kamiran & Calders)",
                        Blocks =
                        [
                            new Paragraph(Inline.Text("Retrain with these per-sample weights (n(g)·n(y) / (n·n(g, y))) to remove the dependence of the label on the group in the training data; `gauntlet demo credit` shows the before/after.")),
                            new DataTable
                            {
                                Caption = "Weight per (group, label)",
                                Columns = [new("group"), new("label", ColumnAlign.Right), new("count", ColumnAlign.Right), new("weight", ColumnAlign.Right)],
                                Rows = [.. cells.Select(c => (IReadOnlyList<TableCell>)[c.Group, $"{c.Label}", $"{c.Count}", c.Weight.ToString("0.0000", CultureInfo.InvariantCulture)])],
                            },
                        ],
                    },
                ],
            };
            outputs.WriteJsonFile(Path.Combine(folder, "fairness.json"), new Dictionary<string, object?>
            {
                ["schema_version"] = 1,
                ["tool_version"] = CliApp.Version,
                ["data"] = csv.Path,
                ["model"] = modelPath,
                ["prediction_column"] = parse.GetValue(predictionColumn),
                ["seed"] = null,
                ["deterministic"] = true,
                ["options"] = new Dictionary<string, object> { ["positive_class"] = pos, ["tolerance"] = options.ParityTolerance, ["four_fifths"] = options.FourFifths, ["thresholds"] = criterion ?? "none" },
                ["metrics"] = FairnessJson.Metrics(result.Metrics),
                ["findings"] = FairnessJson.Findings(result.Findings),
                ["notes"] = result.Notes,
                ["reweighing"] = FairnessJson.Reweighing(cells),
                ["per_group_thresholds"] = thresholds is null ? null : FairnessJson.Thresholds(thresholds),
            });
            outputs.Stage(t => t.WriteAllText(Path.Combine(folder, "fairness.html"), HtmlWriter.Render(document)));
            outputs.Stage(t => t.WriteAllText(Path.Combine(folder, "fairness.md"), MarkdownWriter.Render(document)));
            outputs.Commit();

            var m = result.Metrics;
            var table = new Table().AddColumns("group", "n", "selection rate", "TPR", "FPR", "accuracy");
            foreach (var g in m.Groups)
            {
                table.AddRow(Markup.Escape(g.Group), $"{g.Count}", F(g.SelectionRate), F(g.TruePositiveRate), F(g.FalsePositiveRate), F(g.Accuracy));
            }

            ui.Write(table);
            ui.MarkupLine($"DPD {F(m.DemographicParityDifference)}, EOD {F(m.EqualizedOddsDifference)}, disparate impact {F(m.DisparateImpactRatio)} ({(m.PassesFourFifthsRule ? "[green]passes[/]" : "[red]fails[/]")} the four-fifths rule); {result.Findings.Count} finding(s)");
            ui.MarkupLine($"wrote [green]{Markup.Escape(folder)}[/]");
            return result.Findings.Any(f => f.Severity >= Gauntlet.Core.Severity.High) ? 1 : CliApp.ExitOk;
        });
        return command;
    }

    private static (int[] Predictions, double[] Scores) Predict(TabularCsv csv, string modelPath, int labelIndex, int protectedIndex, int pos)
    {
        var (rows, _) = csv.Features(labelIndex);
        var network = Gauntlet.Onnx.OnnxClassifier.Load(modelPath);
        var width = network.Input.Shape is { Count: > 1 } d ? d[^1].Value : null;
        if (width is { } w && w != rows[0].Length)
        {
            // The model may have been trained without the protected attribute.
            var (without, _) = csv.Features(labelIndex, protectedIndex);
            if (without[0].Length == w)
            {
                rows = without;
            }
        }

        var classifier = TabularCsv.LoadModel(modelPath, rows);
        if (pos >= classifier.ClassCount)
        {
            throw new UserInputException($"--positive-class {pos}: the model has {classifier.ClassCount} classes.");
        }

        var probs = Ops.Softmax(classifier.Predict(Gauntlet.Explain.TabularModel.Batch(classifier, rows)), 1);
        var k = classifier.ClassCount;
        var p = probs.ReadOnlySpan;
        var predictions = new int[rows.Length];
        var scores = new double[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var best = 0;
            for (var c = 1; c < k; c++)
            {
                if (p[(i * k) + c] > p[(i * k) + best])
                {
                    best = c;
                }
            }

            predictions[i] = best;
            scores[i] = Math.Clamp(p[(i * k) + pos], 0, 1);
        }

        return (predictions, scores);
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
}
