using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Gauntlet.Attacks;
using Gauntlet.Attacks.Registry;
using Gauntlet.Audit;
using Gauntlet.Data;
using Gauntlet.Defenses.Adaptive;
using Gauntlet.Core.Metrics;
using Gauntlet.Defenses.Detection;
using Gauntlet.Defenses.InputTransforms;
using Gauntlet.Defenses.Reporting;
using Gauntlet.Defenses.Training;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary>
/// <c>gauntlet defend MODEL --data D --defense NAME[,NAME] --out DIR</c>: evaluates defenses
/// honestly (plain and adaptive attacks, the worse one scored) and writes defense_report.json,
/// defense_report.html and defense_summary.md.
/// </summary>
internal static class DefendCommand
{
    /// <summary>The detector's name in --defense.</summary>
    public const string Detector = "squeeze-detector";

    /// <summary>The files --out receives.</summary>
    public static readonly string[] Files = ["defense_report.json", "defense_report.html", "defense_summary.md"];

    /// <summary>Every name --defense accepts.</summary>
    public static IReadOnlyList<string> Names => [.. InputDefenses.Names, .. RobustTraining.Methods, Detector];

    public static Command Create(IAnsiConsole console)
    {
        var model = new ModelArguments();
        var data = new Option<string>("--data") { Description = DataArguments.Description + " The test split is used.", DefaultValueFactory = _ => "fashion-mnist" };
        var labels = new Option<string?>("--labels") { Description = DataArguments.LabelsDescription };
        var defense = new Option<string>("--defense")
        {
            Description = $"Comma-separated defenses: input defenses {string.Join(", ", InputDefenses.Names)} (attacked plainly and with BPDA/EOT); robust training {string.Join(", ", RobustTraining.Methods)} (needs --defended, the model gauntlet train --defense made); {Detector} (the feature-squeezing detector).",
            Required = true,
        };
        var defended = new Option<string?>("--defended") { Description = "Comma-separated robustly trained models, one per robust-training name in --defense, in the same order; their NAME.train.json logs give the training time and settings." };
        var eps = new Option<string>("--eps") { Description = "Comma-separated budgets ε (L∞: in (0, 1]).", DefaultValueFactory = _ => "0.1" };
        var norm = new Option<string>("--norm") { Description = "linf or l2.", DefaultValueFactory = _ => "linf" };
        norm.AcceptOnlyFromAmong("linf", "l2");
        var attacks = new Option<string>("--attacks") { Description = "Comma-separated white-box attacks run in order, each on the points still robust.", DefaultValueFactory = _ => string.Join(",", AdaptiveEvaluationOptions.DefaultAttacks) };
        var steps = NumericOption.Int("--steps", "Iterations of each attack.", 20, min: 1, limit: Gauntlet.Core.RunLimits.MaxSteps);
        var eot = NumericOption.Int("--eot", "Draws averaged per gradient for randomised defenses (EOT).", 8, min: 1, limit: 1000);
        var samples = NumericOption.Int("--samples", "Evaluate the first N test images.", 200, min: 1, limit: Gauntlet.Core.RunLimits.MaxSamples);
        var batch = NumericOption.Int("--batch", "Batch size.", 100, min: 1, limit: Gauntlet.Core.RunLimits.MaxBatch);
        var fpr = NumericOption.Float("--fpr", $"{Detector}: false-positive rate on clean data the threshold is chosen for.", 0.05f, RealRange.Closed(0, 0.5));
        var seed = NumericOption.Int("--seed", "Seed for the attacks and the defenses' randomness (recorded in the report).", 0, min: int.MinValue);
        var output = new Option<string>("--out") { Description = $"Folder for {string.Join(", ", Files)} (created if missing; its parent must exist).", Required = true };
        var noLimits = NumericOption.NoLimits();
        var command = new Command("defend", "Evaluate defenses (input transforms, robust training, a detector) with plain and adaptive attacks and report the protection gained, scored by the worse of the two.")
        {
            data, labels, defense, defended, eps, norm, attacks, steps, eot, samples, batch, fpr, seed, output, noLimits,
        };
        model.AddTo(command);
        command.SetAction(parse =>
        {
            var names = ParseDefenses(parse.GetValue(defense)!);
            var epsilons = ParseEpsilons(parse.GetValue(eps)!, parse.GetValue(norm) == "linf");
            var attackNames = ParseAttacks(parse.GetValue(attacks)!);
            var trainingNames = names.Where(RobustTraining.Methods.Contains).ToList();
            var defendedPaths = parse.GetValue(defended)?.Split(',', StringSplitOptions.TrimEntries) ?? [];
            if (defendedPaths.Length != trainingNames.Count)
            {
                throw new UserInputException(trainingNames.Count == 0
                    ? "--defended applies only with a robust-training name in --defense (" + string.Join(", ", RobustTraining.Methods) + ")."
                    : $"--defense names {trainingNames.Count} robust-training method(s) ({string.Join(", ", trainingNames)}) but --defended gives {defendedPaths.Length} model(s); give one trained model per method, in order (gauntlet train --defense NAME --out MODEL).");
            }

            using var outputs = new CommandOutputs(parse, [
                .. CommandOutputs.ModelInputs(parse.GetValue(model.Model)), .. CommandOutputs.DataInputs(parse.GetValue(data), parse.GetValue(labels)),
                .. defendedPaths.SelectMany(p => CommandOutputs.ModelInputs(p))]);
            var outDir = parse.GetValue(output)!;
            outputs.Folder("--out", outDir, Files);

            var set = DataArguments.LoadEvaluation(parse.GetValue(data)!, parse.GetValue(samples), parse.GetValue(labels));
            var (loaded, classifier) = model.Load(parse, set);
            if (classifier.SampleShape.Rank != 3 && names.Any(InputDefenses.Contains))
            {
                throw new UserInputException($"input defenses need images [C, H, W]; {loaded.Path} takes samples of shape {classifier.SampleShape}.");
            }

            var options = new AdaptiveEvaluationOptions(epsilons, parse.GetValue(norm) == "linf" ? Norm.Linf : Norm.L2, attackNames, parse.GetValue(steps), parse.GetValue(eot), parse.GetValue(batch), parse.GetValue(seed));
            var modelPath = parse.GetValue(model.Model)!;
            console.MarkupLine(Markup.Escape($"gauntlet defend {modelPath} · {set.Count} images ({set.Source}) · {string.Join(", ", names)} · ε {string.Join(", ", epsilons.Select(e => e.ToString(CultureInfo.InvariantCulture)))} · seed {options.Seed}"));
            var progress = new SynchronousProgress<string>(line => console.MarkupLine(Markup.Escape("  " + line)));

            var inputResults = new List<InputDefenseEvaluation>();
            foreach (var name in names.Where(InputDefenses.Contains))
            {
                var result = AdaptiveEvaluation.Evaluate(classifier, InputDefenses.Create(name), set.Images, set.Labels, options, progress);
                inputResults.Add(result);
            }

            var trainingResults = new List<TrainingDefenseResult>();
            for (var i = 0; i < trainingNames.Count; i++)
            {
                progress.Report($"{trainingNames[i]}: {defendedPaths[i]} against {modelPath}");
                trainingResults.Add(EvaluateTrained(parse, model, set, classifier, trainingNames[i], defendedPaths[i], options));
            }

            var detector = names.Contains(Detector) ? EvaluateDetector(classifier, set, options, parse.GetValue(fpr), progress) : null;
            var report = new DefenseReport
            {
                ToolVersion = CliApp.Version,
                Model = new ArtifactReference(modelPath, Sha(modelPath)),
                Data = new DataReference(set.Source, set.Count),
                Seed = options.Seed,
                Evaluation = new EvaluationSettings(parse.GetValue(norm)!, epsilons, [.. attackNames.Select(n => AttackRegistry.Find(n).Name)], options.Steps, options.EotSamples),
                InputDefenses = inputResults,
                TrainingDefenses = trainingResults,
                Detector = detector,
            };
            report = report with { Findings = DefenseFindings.For(report) };

            PrintSummary(console, report);
            outputs.Stage(t =>
            {
                t.WriteAllText(Path.Combine(outDir, Files[0]), DefenseReportJson.Serialize(report));
                t.WriteAllText(Path.Combine(outDir, Files[1]), DefenseReportDocument.Html(report));
                t.WriteAllText(Path.Combine(outDir, Files[2]), DefenseReportDocument.Markdown(report));
            });
            outputs.Commit();
            console.MarkupLine($"wrote [green]{Markup.Escape(Path.Combine(outDir, Files[0]))}[/], defense_report.html and defense_summary.md");
            return CliApp.ExitOk;
        });
        return command;
    }

    internal static List<string> ParseDefenses(string text)
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        if (names.Count == 0)
        {
            throw new UserInputException($"--defense: no defense named; expected one or more of {string.Join(", ", Names)}.");
        }

        foreach (var name in names)
        {
            if (!Names.Contains(name))
            {
                throw new UserInputException($"--defense: unknown defense '{name}'; expected one or more of {string.Join(", ", Names)}.");
            }
        }

        if (names.Distinct().Count() != names.Count)
        {
            throw new UserInputException($"--defense: '{text}' names a defense twice.");
        }

        return names;
    }

    internal static float[] ParseEpsilons(string text, bool linf)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
            {
                throw new UserInputException($"--eps: '{parts[i]}' is not a number (expected comma-separated budgets such as 0.05,0.1).");
            }

            if (!(values[i] > 0f) || (linf && values[i] > 1f))
            {
                throw new UserInputException($"--eps: {parts[i]} is outside {(linf ? "(0, 1]" : "(0, ∞)")}; a budget must be positive{(linf ? " and at most the width of the [0, 1] domain" : "")}.");
            }
        }

        return values;
    }

    private static List<string> ParseAttacks(string text)
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        foreach (var name in names)
        {
            AttackDescriptor descriptor;
            try
            {
                descriptor = AttackRegistry.Find(name);
            }
            catch (ArgumentException ex)
            {
                throw new UserInputException($"--attacks: {ex.Message}");
            }

            if (descriptor.Kind != AttackKind.WhiteBox)
            {
                throw new UserInputException($"--attacks: {descriptor.Name} is not a white-box attack; BPDA and EOT shape gradients.");
            }
        }

        return names.Count > 0 ? names : throw new UserInputException("--attacks: no attack named.");
    }

    private static TrainingDefenseResult EvaluateTrained(ParseResult parse, ModelArguments model, LabeledImages set, IClassifier before, string method, string path, AdaptiveEvaluationOptions options)
    {
        var (_, after) = model.Load(parse, set, path);
        var log = ReadTrainingLog(path, method);
        var evaluation = RobustTrainingEvaluation.Evaluate(before, after, method, set.Images, set.Labels, options);
        var overhead = PredictSeconds(after, set, options.BatchSize) / Math.Max(PredictSeconds(before, set, options.BatchSize), 1e-9);
        return new TrainingDefenseResult(method, new ArtifactReference(path, Sha(path)), log.Seconds, log.Settings, evaluation.CleanBefore, evaluation.CleanAfter, overhead, evaluation.Threats);
    }

    // The training log beside the model (gauntlet train writes NAME.train.json): seconds and settings.
    private static (double? Seconds, IReadOnlyDictionary<string, object?>? Settings) ReadTrainingLog(string modelPath, string method)
    {
        var logPath = Path.ChangeExtension(modelPath, ".train.json");
        if (!File.Exists(logPath))
        {
            return (null, null);
        }

        using var document = JsonDocument.Parse(File.ReadAllText(logPath));
        var root = document.RootElement;
        if (!root.TryGetProperty("defense", out var defense) || defense.ValueKind != JsonValueKind.Object || defense.GetProperty("method").GetString() != method)
        {
            throw new UserInputException($"--defended {modelPath}: its training log {logPath} does not record --defense {method}; train it with gauntlet train --defense {method}.");
        }

        var settings = new Dictionary<string, object?>();
        foreach (var property in defense.EnumerateObject())
        {
            settings[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.Number => property.Value.GetDouble(),
                JsonValueKind.String => property.Value.GetString(),
                _ => null,
            };
        }

        foreach (var key in new[] { "seed", "epochs", "train_count" })
        {
            if (root.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number)
            {
                settings[key] = value.GetDouble();
            }
        }

        double? seconds = root.TryGetProperty("epochs_log", out var epochs) ? epochs.EnumerateArray().Sum(e => e.GetProperty("seconds").GetDouble()) : null;
        return (seconds, settings);
    }

    private static DetectorResult EvaluateDetector(IClassifier classifier, LabeledImages set, AdaptiveEvaluationOptions options, float falsePositiveRate, IProgress<string> progress)
    {
        if (set.Count < 4)
        {
            throw new UserInputException($"--defense {Detector} needs at least 4 images (half to choose the threshold, half to measure); {set.Source} gives {set.Count}.");
        }

        progress.Report($"{Detector}: threshold on the first half's clean scores, measured on the second half");
        var detector = new FeatureSqueezingDetector(classifier);
        var half = set.Count / 2;
        var calibration = detector.Scores(Ops.Slice(set.Images, 0, 0, half), options.BatchSize);
        var threshold = RocCurve.ThresholdAt(calibration, falsePositiveRate);
        var heldOut = Ops.Slice(set.Images, 0, half, set.Count);
        var heldOutLabels = set.Labels[half..];
        var clean = detector.Scores(heldOut, options.BatchSize);
        var attackName = (options.Attacks ?? AdaptiveEvaluationOptions.DefaultAttacks)[0];
        var attack = AttackRegistry.Find(attackName).Create(new AttackSettings { Norm = options.Norm, Epsilon = options.Epsilons[0], Steps = options.Steps });
        var result = attack.Run(classifier, heldOut, AttackGoal.Untargeted(heldOutLabels), options.Seed);
        var successful = Enumerable.Range(0, heldOutLabels.Length).Where(i => result.Success[i] && result.OriginalPrediction[i] == heldOutLabels[i]).ToArray();
        var adversarial = successful.Length == 0 ? [] : detector.Scores(Ops.IndexSelect(result.Adversarial, 0, successful), options.BatchSize);
        return new DetectorResult(
            string.Join(", ", detector.Squeezers.Select(s => $"{s.Name} ({s.Settings})")),
            (double)(decimal)falsePositiveRate,
            threshold,
            RocCurve.FlaggedRate(clean, threshold),
            RocCurve.FlaggedRate(adversarial, threshold),
            successful.Length == 0 ? 0.5 : RocCurve.AucOrNaN(adversarial, clean),
            attack.Name,
            options.Epsilons[0],
            clean.Length,
            adversarial.Length);
    }

    private static double PredictSeconds(IClassifier classifier, LabeledImages set, int batchSize)
    {
        var clock = Stopwatch.StartNew();
        AdaptiveEvaluation.Correct(classifier, set.Images, set.Labels, batchSize);
        return clock.Elapsed.TotalSeconds;
    }

    private static string Sha(string path) => path == DemoModel.Name ? AuditSubject.Hash(DemoModel.OnnxBytes()) : AuditSubject.HashFile(path);

    private static void PrintSummary(IAnsiConsole console, DefenseReport report)
    {
        var table = new Table().AddColumns("defense", "ε", "clean", "undefended", "plain", "adaptive", "reported");
        foreach (var d in report.InputDefenses)
        {
            foreach (var t in d.Threats)
            {
                table.AddRow(d.Defense, F(t.Epsilon), P(d.CleanDefended), P(t.Undefended), P(t.Plain), P(t.Adaptive), P(t.Reported));
            }
        }

        foreach (var d in report.TrainingDefenses)
        {
            foreach (var t in d.Threats)
            {
                table.AddRow(d.Defense, F(t.Epsilon), P(d.CleanAfter), P(t.Before), "-", "-", P(t.After));
            }
        }

        console.Write(table);
        if (report.Detector is { } det)
        {
            console.MarkupLine(Markup.Escape($"{Detector}: AUC {det.Auc.ToString("F3", CultureInfo.InvariantCulture)}, detects {P(det.DetectionRate)} at {P(det.CleanFalsePositiveRate)} clean false positives (target {P(det.TargetFalsePositiveRate)})"));
        }

        foreach (var f in report.Findings.Where(f => f.Severity != "info"))
        {
            console.MarkupLine(Markup.Escape($"{f.Severity}: {f.Title}"));
        }

        static string P(double v) => v.ToString("P1", CultureInfo.InvariantCulture);
        static string F(float v) => v.ToString("G4", CultureInfo.InvariantCulture);
    }
}
