using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Gauntlet.Core;
using Gauntlet.Data;
using Gauntlet.Privacy.Inversion;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet invert</c>: MI-Face class reconstructions from a model's gradients (docs/privacy.md).</summary>
internal static partial class InvertCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = new ModelArguments();
        var classOption = new Option<string>("--class") { Description = "The class to reconstruct (its index) or 'all'.", DefaultValueFactory = _ => "all" };
        var data = new Option<string>("--data") { Description = "Training images to measure each reconstruction's distance to (nearest image of its class, mean distance, class of the nearest image): " + DataArguments.Description, Required = true };
        var labels = new Option<string?>("--labels") { Description = DataArguments.LabelsDescription };
        var samples = NumericOption.OptionalInt("--samples", "Use only the first N images of --data.", min: 1, limit: RunLimits.MaxSamples);
        var steps = NumericOption.Int("--steps", "Gradient steps per class (α).", 300, min: 1, limit: RunLimits.MaxSteps);
        var stepSize = NumericOption.Float("--step-size", "Step λ: each step moves the image by λ times the gradient of 1 − p_c divided by its largest entry.", 0.1f, RealRange.Positive(1));
        var denoise = NumericOption.Float("--denoise", "Weight β of a 3×3 smoothing step after each gradient step (0 = off).", 0f, RealRange.Closed(0, 1));
        var outDir = new Option<string>("--out") { Description = "Folder for the reconstructions, class_C.png (created when missing).", Required = true };
        var json = new Option<string?>("--json") { Description = "Write each class's confidence, steps and distances as JSON; '-' writes it to standard output." };
        var noLimits = NumericOption.NoLimits();
        var command = new Command("invert", "Model inversion (MI-Face): reconstruct what each class looks like to the model by gradient descent on the input, as PNG images, with the model's confidence and the distance to the nearest training image.")
        {
            classOption, data, labels, samples, steps, stepSize, denoise, outDir, json, noLimits,
        };
        model.AddTo(command);
        command.SetAction(parse =>
        {
            using var outputs = new CommandOutputs(parse, [
                .. CommandOutputs.ModelInputs(parse.GetValue(model.Model)),
                .. CommandOutputs.DataInputs(parse.GetValue(data), parse.GetValue(labels))]);
            outputs.Folder("--out", parse.GetValue(outDir), [], name => ClassFile().IsMatch(name));
            outputs.File("--json", parse.GetValue(json));
            var ui = outputs.ConsoleFor(console);

            var reference = DataArguments.LoadEvaluation(parse.GetValue(data)!, parse.GetValue(samples), parse.GetValue(labels));
            var (loaded, classifier) = model.Load(parse, reference);
            var k = classifier.ClassCount;
            var spec = parse.GetValue(classOption)!;
            int[] classes;
            if (spec == "all")
            {
                classes = [.. Enumerable.Range(0, k)];
            }
            else if (int.TryParse(spec, NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) && c >= 0 && c < k)
            {
                classes = [c];
            }
            else
            {
                throw new UserInputException($"--class {spec}: expected 'all' or a class index in 0..{k - 1} (the model {loaded.Path} has {k} classes).");
            }

            var options = new InversionOptions(parse.GetValue(steps), parse.GetValue(stepSize), parse.GetValue(denoise));
            var results = MiFace.Run(classifier, classes, options, reference);
            var names = reference.ClassNames;
            var table = new Table().AddColumns("class", "confidence", "steps", "nearest L2 (same class)", "mean L2 (same class)", "nearest image's class");
            foreach (var r in results)
            {
                table.AddRow(
                    Markup.Escape(ClassName(r.Class, names)),
                    r.Confidence.ToString("0.0000", CultureInfo.InvariantCulture),
                    r.StepsTaken.ToString(CultureInfo.InvariantCulture),
                    r.NearestSameClassL2?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-",
                    r.MeanSameClassL2?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-",
                    r.NearestClass is { } nc ? Markup.Escape(ClassName(nc, names)) : "-");
                var bytes = PngWriter.Encode(Gauntlet.Tensors.Ops.Map(r.Image, v => (v - classifier.InputRange.Min) / (classifier.InputRange.Max - classifier.InputRange.Min)));
                outputs.Write(Path.Combine(parse.GetValue(outDir)!, FileName(r.Class)), stream => stream.Write(bytes));
            }

            ui.MarkupLine($"[bold]model inversion[/] (MI-Face) of {Markup.Escape(loaded.Path)}: {options.Steps} steps of {options.StepSize.ToString(CultureInfo.InvariantCulture)}, denoise {options.Denoise.ToString(CultureInfo.InvariantCulture)}");
            ui.Write(table);
            if (parse.GetValue(json) is not null)
            {
                outputs.WriteJson("--json", new Dictionary<string, object?>
                {
                    ["schema_version"] = 1,
                    ["tool_version"] = CliApp.Version,
                    ["model"] = loaded.Path,
                    ["attack"] = "mi-face",
                    ["params"] = new Dictionary<string, object> { ["steps"] = options.Steps, ["step_size"] = options.StepSize, ["denoise"] = options.Denoise, ["stop_cost"] = options.StopCost, ["start"] = options.Start },
                    ["reference_data"] = reference.Source,
                    ["classes"] = results.Select(r => new Dictionary<string, object?>
                    {
                        ["class"] = r.Class,
                        ["image"] = FileName(r.Class),
                        ["confidence"] = r.Confidence,
                        ["steps"] = r.StepsTaken,
                        ["nearest_same_class_l2"] = r.NearestSameClassL2,
                        ["mean_same_class_l2"] = r.MeanSameClassL2,
                        ["nearest_class"] = r.NearestClass,
                    }).ToArray(),
                });
            }

            outputs.Commit();
            ui.MarkupLine($"wrote {results.Count} reconstruction(s) to [green]{Markup.Escape(parse.GetValue(outDir)!)}[/]");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static string FileName(int c) => string.Create(CultureInfo.InvariantCulture, $"class_{c}.png");

    private static string ClassName(int c, IReadOnlyList<string> names) =>
        c < names.Count && names[c] != c.ToString(CultureInfo.InvariantCulture) ? $"{c} {names[c]}" : c.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^class_[0-9]+\.png$", RegexOptions.CultureInvariant)]
    private static partial Regex ClassFile();
}
