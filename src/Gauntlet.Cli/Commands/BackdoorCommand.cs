using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gauntlet.Core;
using Gauntlet.Core.IO;
using Gauntlet.Data;
using Gauntlet.Poisoning;
using Gauntlet.Poisoning.Detection;
using Gauntlet.Poisoning.Reporting;
using Gauntlet.Poisoning.Triggers;
using Gauntlet.Reporting;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet backdoor</c>: looks for a backdoor in a model and poisoned samples in its training set; writes <c>red_team_audit.json</c> and reports (docs/poisoning.md).</summary>
internal static class BackdoorCommand
{
    /// <summary>The JSON artifact's name in --out.</summary>
    public const string JsonFileName = "red_team_audit.json";

    private const string HtmlFile = "report.html";
    private const string MarkdownFile = "summary.md";
    private const string MaskFile = "trigger_mask.png";
    private const string PatternFile = "trigger_pattern.png";

    public static Command Create(IAnsiConsole console)
    {
        var model = new ModelArguments();
        var data = new Option<string>("--data") { Description = "Clean images with labels (the test split for fashion-mnist): " + DataArguments.Description, Required = true };
        var labels = new Option<string?>("--labels") { Description = DataArguments.LabelsDescription };
        var train = new Option<string?>("--train") { Description = "The model's training set (its training split for fashion-mnist): runs activation clustering and spectral signatures on its penultimate-layer activations (a Gauntlet model's input to its last Linear layer, an ONNX graph's input to its last Gemm or MatMul) and lists suspect samples." };
        var trainLabels = new Option<string?>("--train-labels") { Description = "Labels for --train." };
        var samples = NumericOption.Int("--samples", "Clean images Neural Cleanse optimises on and measures attack success with (the first N of --data).", 1000, min: 2, limit: RunLimits.MaxSamples);
        var steps = NumericOption.Int("--steps", "Neural Cleanse's most optimisation steps (mini-batches) per class; a class stops earlier once its cost has gone up and down and its trigger has not shrunk for 25 epochs.", new NeuralCleanseOptions().Steps, min: 1, limit: RunLimits.MaxSteps);
        var batch = NumericOption.Int("--batch", "Neural Cleanse's clean images per step.", 32, min: 1, limit: RunLimits.MaxBatch);
        var stripFrr = NumericOption.Float("--strip-frr", "The false-rejection rate on clean inputs STRIP's entropy boundary is chosen for.", 0.01f, new RealRange(0, 1, MaxExclusive: true));
        var stripOverlays = NumericOption.Int("--strip-overlays", "Clean images STRIP superimposes on each input.", 20, min: 1, limit: 1000);
        var spectralEps = NumericOption.Float("--spectral-eps", "Spectral signatures' ε, an upper bound on the poisoned share of a class (1.5·ε·n samples removed per class).", 0.05f, new RealRange(0, 1, MinExclusive: true, MaxExclusive: true));
        var knownTrigger = new Option<string?>("--known-trigger") { Description = "A manifest.json from gauntlet poison: STRIP's FAR is measured with its trigger and its attack success rate reported (for evaluating the detectors)." };
        var seed = NumericOption.Int("--seed", "Seed of every random choice; recorded in red_team_audit.json.", 0, min: int.MinValue);
        var json = new Option<string?>("--json") { Description = $"Write {JsonFileName} here as well ('-' for standard output)." };
        var output = new Option<string?>("--out") { Description = $"Folder for {JsonFileName}, {HtmlFile}, {MarkdownFile} and the recovered trigger's {MaskFile} and {PatternFile}. It must exist." };
        var failOnBackdoor = new Option<bool>("--fail-on-backdoor") { Description = "Exit 1 when the verdict is backdoored (a CI gate)." };
        var noLimits = NumericOption.NoLimits();
        var command = new Command("backdoor", "Backdoor and poisoning detection: Neural Cleanse (model + clean images), STRIP, and with --train activation clustering and spectral signatures; writes red_team_audit.json.")
        {
            data, labels, train, trainLabels, samples, steps, batch, stripFrr, stripOverlays, spectralEps, knownTrigger, seed, json, output, failOnBackdoor, noLimits,
        };
        model.AddTo(command);
        command.SetAction(parse =>
        {
            using var outputs = new CommandOutputs(parse, [
                .. CommandOutputs.ModelInputs(parse.GetValue(model.Model)),
                .. CommandOutputs.DataInputs(parse.GetValue(data), parse.GetValue(labels)),
                .. CommandOutputs.DataInputs(parse.GetValue(train), parse.GetValue(trainLabels)),
                parse.GetValue(knownTrigger)]);
            outputs.File("--json", parse.GetValue(json));
            var folder = parse.GetValue(output);
            outputs.Folder("--out", folder, [JsonFileName, HtmlFile, MarkdownFile, MaskFile, PatternFile]);
            if (folder is null && parse.GetValue(json) is null)
            {
                throw new UserInputException($"give --out DIR (for {JsonFileName} and the reports) or --json FILE.");
            }

            var ui = outputs.ConsoleFor(console);
            var clean = DataArguments.LoadEvaluation(parse.GetValue(data)!, null, parse.GetValue(labels));
            var (loaded, classifier) = model.Load(parse, clean);
            var present = clean.Labels.Distinct().Count();
            if (present < 2)
            {
                throw new UserInputException($"{clean.Source}: the clean set holds images of {present} class; backdoor detection compares classes and needs clean images of at least 2.");
            }

            LabeledImages? trainSet = null;
            if (parse.GetValue(train) is { } trainPath)
            {
                trainSet = LoadTrain(trainPath, parse.GetValue(trainLabels));
                model.CheckFits(parse, trainSet, loaded);
            }

            var (trigger, triggerTarget) = parse.GetValue(knownTrigger) is { } manifest ? ReadTrigger(manifest, loaded.ClassCount, clean) : (null, null);
            var options = new BackdoorScanOptions
            {
                NeuralCleanse = new NeuralCleanseOptions { Steps = parse.GetValue(steps), BatchSize = parse.GetValue(batch) },
                CleanSamples = parse.GetValue(samples),
                StripFrr = Math.Round((double)parse.GetValue(stripFrr), 6),
                StripOverlays = parse.GetValue(stripOverlays),
                SpectralEpsilon = Math.Round((double)parse.GetValue(spectralEps), 6),
                KnownTrigger = trigger,
                KnownTarget = triggerTarget,
                Seed = parse.GetValue(seed),
            };
            var penultimate = Penultimate(loaded.Network, model.Normalisation(parse));
            BackdoorScanResult? scan = null;
            ui.Status().Start("neural cleanse", ctx =>
            {
                scan = BackdoorScan.Run(classifier, clean, trainSet, penultimate, options, new SynchronousProgress<string>(stage => ctx.Status(Markup.Escape(stage))));
            });
            var audit = RedTeamAudit.From(scan!, loaded.Path, clean.Take(options.CleanSamples), trainSet, options.Seed, CliApp.Version);
            var pngs = scan!.RecoveredTrigger is { } recovered
                ? RedTeamAudit.TriggerPngs(recovered, scan.NeuralCleanse.Channels, scan.NeuralCleanse.Height, scan.NeuralCleanse.Width, classifier.InputRange.Min, classifier.InputRange.Max)
                : ((byte[] Mask, byte[] Pattern)?)null;
            var text = audit.ToJson();
            if (parse.GetValue(json) is not null)
            {
                outputs.WriteText("--json", text);
            }

            if (folder is not null)
            {
                outputs.Write(Path.Combine(folder, JsonFileName), s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)));
                var document = RedTeamReport.Build(audit, pngs?.Mask, pngs?.Pattern);
                outputs.Write(Path.Combine(folder, HtmlFile), s => s.Write(System.Text.Encoding.UTF8.GetBytes(HtmlWriter.Render(document))));
                outputs.Write(Path.Combine(folder, MarkdownFile), s => s.Write(System.Text.Encoding.UTF8.GetBytes(MarkdownWriter.Render(document))));
                if (pngs is { } p)
                {
                    outputs.Write(Path.Combine(folder, MaskFile), s => s.Write(p.Mask));
                    outputs.Write(Path.Combine(folder, PatternFile), s => s.Write(p.Pattern));
                }
            }

            outputs.Commit();
            Summarise(ui, audit);
            return parse.GetValue(failOnBackdoor) && audit.Backdoored ? CliApp.ExitFindings : CliApp.ExitOk;
        });
        return command;
    }

    private static void Summarise(IAnsiConsole ui, RedTeamAudit audit)
    {
        var nc = audit.NeuralCleanse;
        var table = new Table().AddColumns("class", "L1 norm", "anomaly index", "attack success", "bounding box", "flagged");
        foreach (var c in nc.Classes)
        {
            table.AddRow(
                c.Class.ToString(CultureInfo.InvariantCulture),
                c.L1Norm.ToString("F2", CultureInfo.InvariantCulture),
                c.AnomalyIndex.ToString("F2", CultureInfo.InvariantCulture),
                c.AttackSuccessRate.ToString("P1", CultureInfo.InvariantCulture),
                c.BoundingBox is { } b ? string.Create(CultureInfo.InvariantCulture, $"r{b.Top}-{b.Bottom} c{b.Left}-{b.Right}") : "-",
                c.Flagged ? "[red]yes[/]" : "no");
        }

        ui.Write(table);
        var s = audit.Strip;
        ui.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"neural cleanse: median {nc.Median:F2}, MAD {nc.Mad:F2}, anomaly index {nc.AnomalyIndex:F2} ({nc.Seconds:F1} s); STRIP at {s.TargetFrr:P1} target FRR: FRR {s.Frr:P1}, FAR {(s.Far is { } far ? far.ToString("P1", CultureInfo.InvariantCulture) : "not measured")} ({audit.StripTrigger} trigger)")));
        var colour = audit.Verdict == "backdoored" ? "red" : audit.Verdict == "suspicious" ? "yellow" : "green";
        ui.MarkupLine($"verdict: [{colour}]{Markup.Escape(audit.Verdict)}[/]{(audit.SuspectedTargets.Count > 0 ? $" · suspected target {string.Join(", ", audit.SuspectedTargets)}" : "")}{(audit.RecoveredTrigger is { } t ? $" · trigger in the {Markup.Escape(t.Region ?? "-")} region" : "")} · {audit.SuspectTrainingSampleCount} suspect training samples · {audit.Seconds.ToString("F1", CultureInfo.InvariantCulture)} s");
    }

    // Gauntlet models: every layer but the last Linear. ONNX graphs: run up to the input of the last
    // Gemm or MatMul. Either way with the classifier's --mean/--std normalisation first.
    private static PenultimateLayer? Penultimate(Gauntlet.Tensors.Nn.Module network, (float[]? Mean, float[]? Std) normalisation)
    {
        // ONNX models are loaded wrapped in a one-layer Sequential (ModelArguments.LoadOnnx).
        var inner = network is Gauntlet.Tensors.Nn.Sequential { Layers.Count: 1 } wrapper ? wrapper.Layers[0] : network;
        if (inner is Gauntlet.Onnx.OnnxClassifier onnx)
        {
            return onnx.Session.PenultimateValue is { } value
                ? PenultimateLayer.Of(x => onnx.Session.ForwardTo(x, value), normalisation.Mean, normalisation.Std)
                : null;
        }

        return PenultimateLayer.Of(network, normalisation.Mean, normalisation.Std);
    }

    private static LabeledImages LoadTrain(string path, string? labels)
    {
        try
        {
            return DataSource.Load(path, labels, train: true, Console.Error.WriteLine).Images
                ?? throw new UserInputException($"--train {path}: a table of features; expected images.");
        }
        catch (ArgumentException ex)
        {
            throw new UserInputException($"--train: {ex.Message}", ex);
        }
    }

    // The trigger and target recorded by gauntlet poison in its manifest.
    private static (ITrigger? Trigger, int? Target) ReadTrigger(string path, int classes, LabeledImages clean)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(InputFile.ReadAllText(path, "--known-trigger manifest", InputLimits.DocumentBytes), documentOptions: new JsonDocumentOptions { MaxDepth = InputLimits.MaxNestingDepth });
        }
        catch (JsonException ex)
        {
            throw new UserInputException($"--known-trigger {path}: not valid JSON ({ex.Message}).", ex);
        }

        var trigger = root?["trigger"] as JsonObject ?? throw new UserInputException($"--known-trigger {path}: no 'trigger' object (label-flip manifests carry none).");
        var target = root?["target"]?.GetValue<int>() ?? throw new UserInputException($"--known-trigger {path}: no 'target' class.");
        if (target < 0 || target >= classes)
        {
            throw new UserInputException($"--known-trigger {path}: target class {target} is out of range; the model has {classes} classes (0..{classes - 1}).");
        }

        try
        {
            var seed = trigger["seed"]?.GetValue<int>() ?? 0;
            ITrigger t = (string?)trigger["kind"] switch
            {
                "patch" => new PatchTrigger(trigger["row"]!.GetValue<int>(), trigger["column"]!.GetValue<int>(), trigger["size"]!.GetValue<int>(), Enum.Parse<PatchPattern>((string)trigger["pattern"]!, ignoreCase: true), seed),
                "blend" => new BlendTrigger(trigger["alpha"]!.GetValue<float>(), seed),
                var other => throw new UserInputException($"--known-trigger {path}: trigger kind '{other}' is not patch or blend."),
            };
            // A patch that does not fit the images is named now, not midway through the scan.
            t.ApplyToAll(clean.Take(1).Images);
            return (t, target);
        }
        catch (Exception ex) when (ex is NullReferenceException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new UserInputException($"--known-trigger {path}: the trigger is malformed or does not fit the images ({ex.Message}).", ex);
        }
    }
}
