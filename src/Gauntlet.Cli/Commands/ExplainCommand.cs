using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Gauntlet.Cli.Tabular;
using Gauntlet.Core;
using Gauntlet.Explain;
using Gauntlet.Explain.Reporting;
using Gauntlet.Reporting;
using Gauntlet.Tensors;
using Spectre.Console;
using Paragraph = Gauntlet.Reporting.Paragraph;
using TableCell = Gauntlet.Reporting.TableCell;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet explain</c>: attributions for images (saliency, IG, SmoothGrad, Grad-CAM) or CSV rows (KernelSHAP, permutation importance); docs/explanations.md.</summary>
internal static partial class ExplainCommand
{
    private static readonly string[] ImageMethods = ["saliency", "ig", "smoothgrad", "gradcam"];
    private static readonly string[] Files = ["explanations.json", "explanations.html", "explanations.md"];

    public static Command Create(IAnsiConsole console)
    {
        var model = new ModelArguments();
        var data = new Option<string>("--data") { Description = "Images (" + DataArguments.Description + ") or a CSV with a header row (then --label-column is required).", Required = true };
        var labels = new Option<string?>("--labels") { Description = DataArguments.LabelsDescription };
        var labelColumn = new Option<string?>("--label-column") { Description = "For a CSV: the label's column; every other numeric column is a feature." };
        var protectedColumn = new Option<string?>("--protected") { Description = "For a CSV: a protected attribute's column; a finding is raised when the model relies on it (top three by permutation importance)." };
        var methods = new Option<string?>("--method") { Description = "Comma-separated methods. Images: saliency, ig, smoothgrad, gradcam (default all; Grad-CAM needs a Gauntlet model, not ONNX). CSV: kernelshap, permutation (default both)." };
        var samples = NumericOption.Int("--samples", "How many images or rows to explain (the first ones).", 4, min: 1, max: 1000);
        var steps = NumericOption.Int("--steps", "Integrated Gradients steps (trapezoid rule, zero baseline).", 64, min: 1, max: 4096);
        var smooth = NumericOption.Int("--smooth-samples", "SmoothGrad noisy copies.", 32, min: 1, max: 4096);
        var noise = NumericOption.Float("--noise", "SmoothGrad noise σ as a share of the input range.", 0.15f, RealRange.Closed(0, 1));
        var background = NumericOption.Int("--background", "KernelSHAP background rows (the first rows of the CSV).", 50, min: 1, max: 1000);
        var repeats = NumericOption.Int("--repeats", "Permutation-importance shuffles per feature.", 5, min: 1, max: 100);
        var seed = NumericOption.Int("--seed", "Seed for SmoothGrad noise, KernelSHAP coalition sampling and the shuffles; recorded in the report.", 0, min: 0);
        var outDir = new Option<string>("--out") { Description = "Folder for explanations.json, .html, .md and the heatmap PNGs (created when missing).", Required = true };
        var command = new Command("explain", "Explain a model's decisions: saliency, Integrated Gradients (with the completeness check), SmoothGrad and Grad-CAM heatmaps for images; KernelSHAP and permutation importance for CSV rows, with a finding when the model relies on a protected attribute.")
        {
            data, labels, labelColumn, protectedColumn, methods, samples, steps, smooth, noise, background, repeats, seed, outDir,
        };
        model.AddTo(command);
        command.SetAction(parse =>
        {
            var dataPath = parse.GetValue(data)!;
            var tabular = dataPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
            using var outputs = new CommandOutputs(parse, [.. CommandOutputs.ModelInputs(parse.GetValue(model.Model)), .. tabular ? [dataPath] : CommandOutputs.DataInputs(dataPath, parse.GetValue(labels))]);
            var folder = parse.GetValue(outDir)!;
            outputs.Folder("--out", folder, Files, name => HeatmapFile().IsMatch(name));
            var ui = outputs.ConsoleFor(console);
            var settings = new Dictionary<string, object?>
            {
                ["seed"] = parse.GetValue(seed),
                ["samples"] = parse.GetValue(samples),
            };
            List<Section> sections;
            Dictionary<string, object?> body;
            if (tabular)
            {
                var label = parse.GetValue(labelColumn) ?? throw new UserInputException("--label-column is required with a CSV --data (see --help).");
                var chosen = Methods(parse.GetValue(methods), ["kernelshap", "permutation"]);
                settings["background"] = parse.GetValue(background);
                settings["repeats"] = parse.GetValue(repeats);
                (sections, body) = Tabular(parse.GetValue(model.Model)!, TabularCsv.Read(dataPath), label, parse.GetValue(protectedColumn), chosen, parse.GetValue(samples), parse.GetValue(background), parse.GetValue(repeats), parse.GetValue(seed));
            }
            else
            {
                if (parse.GetValue(labelColumn) is not null || parse.GetValue(protectedColumn) is not null)
                {
                    throw new UserInputException("--label-column and --protected apply to a CSV --data only (see --help).");
                }

                var chosen = Methods(parse.GetValue(methods), ImageMethods);
                settings["ig_steps"] = parse.GetValue(steps);
                settings["ig_rule"] = "trapezoid";
                settings["ig_baseline"] = "zero";
                settings["smoothgrad_samples"] = parse.GetValue(smooth);
                settings["smoothgrad_noise"] = parse.GetValue(noise);
                var images = DataArguments.LoadEvaluation(dataPath, parse.GetValue(samples), parse.GetValue(labels));
                var (loaded, classifier) = model.Load(parse, images);
                var normalised = parse.GetValue(model.Mean) is not null;
                (sections, body) = Images(outputs, folder, loaded, classifier, images, chosen, parse.GetValue(steps), parse.GetValue(smooth), parse.GetValue(noise), parse.GetValue(seed), normalised);
            }

            body["schema_version"] = 1;
            body["tool_version"] = CliApp.Version;
            body["model"] = parse.GetValue(model.Model);
            body["data"] = dataPath;
            body["settings"] = settings;
            var document = new ReportDocument
            {
                Title = "Explanations: " + Path.GetFileName(parse.GetValue(model.Model)!),
                Subtitle = [Inline.Text($"data {dataPath}; seed {parse.GetValue(seed)}")],
                Sections = sections,
            };
            outputs.WriteJsonFile(Path.Combine(folder, "explanations.json"), body);
            outputs.Stage(t => t.WriteAllText(Path.Combine(folder, "explanations.html"), HtmlWriter.Render(document)));
            outputs.Stage(t => t.WriteAllText(Path.Combine(folder, "explanations.md"), MarkdownWriter.Render(document)));
            outputs.Commit();
            ui.MarkupLine($"wrote explanations to [green]{Markup.Escape(folder)}[/]");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static string[] Methods(string? text, string[] allowed)
    {
        if (text is null)
        {
            return allowed;
        }

        var list = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var m in list)
        {
            if (!allowed.Contains(m))
            {
                throw new UserInputException($"--method {m}: expected one of {string.Join(", ", allowed)} for this kind of data.");
            }
        }

        return list.Length == 0 ? throw new UserInputException("--method: no method named.") : list;
    }

    private static (List<Section>, Dictionary<string, object?>) Images(CommandOutputs outputs, string folder, Gauntlet.Models.LoadedModel loaded, Gauntlet.Models.ModuleClassifier classifier, Gauntlet.Data.LabeledImages images, string[] methods, int steps, int smooth, float noise, int seed, bool normalised)
    {
        var blocks = new List<Block>();
        var records = new List<Dictionary<string, object?>>();
        var notes = new List<string>();
        var (c, h, w) = (images.Images.Dim(1), images.Images.Dim(2), images.Images.Dim(3));
        var gradCamOk = loaded.Architecture != "onnx" && !normalised && c >= 1;
        if (methods.Contains("gradcam") && !gradCamOk)
        {
            notes.Add(loaded.Architecture == "onnx"
                ? "Grad-CAM skipped: an ONNX model exposes only its input gradient, not intermediate activations (docs/explanations.md)."
                : "Grad-CAM skipped: it runs on the raw network, and --mean/--std normalisation is applied outside it.");
        }

        var predicted = Ops.ArgMax(classifier.Predict(images.Images), 1);
        for (var i = 0; i < images.Count; i++)
        {
            var x = Ops.IndexSelect(images.Images, 0, [i]);
            var target = predicted[i];
            var grey = Ops.Mean(x, 1).ReadOnlySpan;
            var strip = new List<(string, byte[])> { ("input", Heatmap.Grey(grey, h, w)) };
            var record = new Dictionary<string, object?> { ["index"] = i, ["label"] = images.Labels[i], ["predicted"] = target };
            void Add(string method, Tensor map, HeatmapPalette palette)
            {
                var flat = map.Rank == 4 ? Ops.Mean(map, 1).ReadOnlySpan.ToArray() : map.ReadOnlySpan.ToArray();
                var png = Heatmap.Png(flat, h, w, palette);
                var name = string.Create(CultureInfo.InvariantCulture, $"sample_{i}_{method}.png");
                outputs.Write(Path.Combine(folder, name), s => s.Write(png));
                strip.Add((method, png));
                record[method + "_png"] = name;
            }

            if (methods.Contains("saliency"))
            {
                Add("saliency", GradientExplainer.Vanilla(classifier, x, [target]), HeatmapPalette.Diverging);
            }

            if (methods.Contains("ig"))
            {
                var ig = GradientExplainer.IntegratedGradients(classifier, x, target, steps: steps);
                Add("ig", ig.Attributions, HeatmapPalette.Diverging);
                record["ig"] = new Dictionary<string, object?> { ["f_input"] = ig.FOfInput, ["f_baseline"] = ig.FOfBaseline, ["attribution_sum"] = ig.AttributionSum, ["completeness_error"] = ig.CompletenessError };
            }

            if (methods.Contains("smoothgrad"))
            {
                Add("smoothgrad", GradientExplainer.SmoothGrad(classifier, x, target, smooth, noise, seed + i), HeatmapPalette.Diverging);
            }

            if (methods.Contains("gradcam") && gradCamOk)
            {
                var cam = GradCam.Compute(loaded.Network, x, target);
                Add("gradcam", cam.Map, HeatmapPalette.Heat);
                record["gradcam_layer"] = $"{cam.LayerIndex} ({cam.LayerName})";
            }

            var igText = record.TryGetValue("ig", out var o) && o is Dictionary<string, object?> d ? $"; IG completeness error {(double)d["completeness_error"]!:P2}" : "";
            blocks.Add(ExplanationBlocks.Strip(strip, $"sample {i}: label {Name(images, images.Labels[i])}, predicted {Name(images, target)}{igText}"));
            records.Add(record);
        }

        var worst = records.Select(r => r.TryGetValue("ig", out var v) && v is Dictionary<string, object?> d ? (double)d["completeness_error"]! : 0).DefaultIfEmpty(0).Max();
        var lead = new Paragraph(Inline.Text("Red: evidence for the predicted class; blue: against it (saliency, IG, SmoothGrad). Grad-CAM: where the last feature maps respond for the class. " +
            (methods.Contains("ig") ? $"Largest Integrated Gradients completeness error: {worst:P2} (attributions must sum to f(x) − f(baseline))." : "")));
        var section = new Section { Heading = "Image explanations", Id = "explanations", Blocks = [lead, .. blocks, .. notes.Select(n => (Block)new Notice([Inline.Text(n)]))] };
        return ([section], new Dictionary<string, object?> { ["kind"] = "images", ["methods"] = methods, ["samples"] = records, ["notes"] = notes, ["max_ig_completeness_error"] = worst });
    }

    private static (List<Section>, Dictionary<string, object?>) Tabular(string modelPath, TabularCsv csv, string labelName, string? protectedName, string[] methods, int samples, int backgroundRows, int repeats, int seed)
    {
        var labelIndex = csv.Column("--label-column", labelName);
        var protectedIndex = protectedName is null ? -1 : csv.Column("--protected", protectedName);
        var (labels, _) = csv.Labels(labelIndex);
        var (rows, names) = csv.Features(labelIndex);
        var classifier = TabularCsv.LoadModel(modelPath, rows);
        var result = Explain(classifier, rows, labels, names, protectedName, methods, samples, backgroundRows, repeats, seed);
        _ = protectedIndex;
        return result;
    }

    /// <summary>KernelSHAP and permutation importance for a tabular classifier, as report sections and a JSON body (shared with the demos).</summary>
    internal static (List<Section>, Dictionary<string, object?>) Explain(Gauntlet.Models.IClassifier classifier, float[][] rows, int[] labels, IReadOnlyList<string> names, string? protectedName, string[] methods, int samples, int backgroundRows, int repeats, int seed)
    {
        var blocks = new List<Block>();
        var body = new Dictionary<string, object?> { ["kind"] = "tabular", ["methods"] = methods, ["features"] = names };
        var findings = new List<Finding>();
        var predicted = TabularModel.Predict(classifier)(rows);
        if (methods.Contains("kernelshap"))
        {
            var background = rows.Take(backgroundRows).ToArray();
            var shaps = new List<Dictionary<string, object?>>();
            var meanAbs = new double[names.Count];
            var count = Math.Min(samples, rows.Length);
            for (var i = 0; i < count; i++)
            {
                var shap = KernelShap.Explain(TabularModel.Probability(classifier, predicted[i]), rows[i], background, seed: seed + i);
                for (var j = 0; j < names.Count; j++)
                {
                    meanAbs[j] += Math.Abs(shap.Values[j]) / count;
                }

                blocks.Add(ExplanationBlocks.Bars($"Row {i}: why class {predicted[i]} (p = {shap.Prediction:0.000})", $"KernelSHAP values of row {i}: contributions to the predicted class's probability relative to the background mean {shap.BaseValue:0.000}.", names, shap.Values, 10));
                shaps.Add(new Dictionary<string, object?> { ["row"] = i, ["predicted"] = predicted[i], ["label"] = labels[i], ["probability"] = shap.Prediction, ["base_value"] = shap.BaseValue, ["values"] = shap.Values, ["exact"] = shap.Exact, ["coalitions"] = shap.Coalitions });
            }

            blocks.Insert(0, ExplanationBlocks.Bars("Mean |SHAP| over the explained rows", "Average absolute KernelSHAP value per feature.", names, meanAbs, 15));
            body["kernelshap"] = shaps;
            body["mean_abs_shap"] = names.Select((n, j) => (n, j)).ToDictionary(p => p.n, p => meanAbs[p.j]);
        }

        if (methods.Contains("permutation"))
        {
            var perm = PermutationImportance.Compute(TabularModel.Predict(classifier), rows, labels, names, repeats, seed);
            blocks.Add(ExplanationBlocks.Importance(perm));
            blocks.Add(ExplanationBlocks.Bars("Permutation importance", "Accuracy lost when the feature's column is shuffled.", names, [.. perm.Features.Select(f => f.MeanDrop)], 15));
            body["permutation_importance"] = perm.Features.Select(f => new Dictionary<string, object?> { ["feature"] = f.Feature, ["mean_drop"] = f.MeanDrop, ["std_drop"] = f.StdDrop }).ToArray();
            body["baseline_accuracy"] = perm.BaselineAccuracy;
            if (protectedName is not null && names.Contains(protectedName))
            {
                var rank = perm.Features.OrderByDescending(f => f.MeanDrop).ToList().FindIndex(f => f.Feature == protectedName) + 1;
                var drop = perm.Features.First(f => f.Feature == protectedName).MeanDrop;
                if (rank <= 3 && drop > 0.005)
                {
                    findings.Add(new Finding
                    {
                        RuleId = "GA-EXPLAIN-PROTECTED-RELIANCE",
                        Title = $"The model relies on the protected attribute '{protectedName}' (rank {rank} by permutation importance)",
                        Severity = Severity.High,
                        Category = "fairness",
                        Description = $"Shuffling '{protectedName}' costs {drop:0.000} accuracy, the #{rank} largest drop of {names.Count} features.",
                        Evidence = new Dictionary<string, double> { ["accuracy_drop"] = drop, ["rank"] = rank },
                        Remediation = "Remove the attribute and its proxies from the features, retrain, and check fairness by group; where its use is lawful and intended, document the justification.",
                    });
                }
            }
        }

        body["findings"] = findings.Select(f => new Dictionary<string, object?> { ["rule_id"] = f.RuleId, ["severity"] = f.Severity.ToName(), ["title"] = f.Title, ["description"] = f.Description }).ToArray();
        return ([new Section { Heading = "Tabular explanations", Id = "explanations", Blocks = [.. blocks, Gauntlet.Fairness.Reporting.FairnessReport.Findings(findings)] }], body);
    }

    private static string Name(Gauntlet.Data.LabeledImages set, int c) => c < set.ClassNames.Count ? set.ClassNames[c] : c.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^sample_[0-9]+_[a-z]+\.png$", RegexOptions.CultureInvariant)]
    private static partial Regex HeatmapFile();
}
