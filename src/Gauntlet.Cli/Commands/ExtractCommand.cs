using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Gauntlet.Attacks;
using Gauntlet.Attacks.Registry;
using Gauntlet.Core;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Privacy.ApiDefenses;
using Gauntlet.Privacy.Extraction;
using Gauntlet.Privacy.Monitoring;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet extract</c>: steals a copy of a model through its prediction API (Knockoff Nets) and measures how close it comes (docs/privacy.md).</summary>
internal static class ExtractCommand
{
    private static readonly string[] Modes = ["labels", "probabilities"];

    public static Command Create(IAnsiConsole console)
    {
        var model = new ModelArguments();
        var queryData = new Option<string>("--query-data") { Description = "The attacker's surrogate images, sent as queries (their labels are never read): " + DataArguments.Description, Required = true };
        var queryLabels = new Option<string?>("--query-labels") { Description = "Labels for --query-data arrays (only read to score the held-out part when --eval-data is absent)." };
        var evalData = new Option<string?>("--eval-data") { Description = "Held-out labelled images for fidelity and accuracy (default: the last 20% of --query-data, which are then never sent)." };
        var evalLabels = new Option<string?>("--eval-labels") { Description = "Labels for --eval-data." };
        var evalSamples = NumericOption.OptionalInt("--eval-samples", "Use only the first N images of --eval-data.", min: 1, limit: RunLimits.MaxSamples);
        var budget = NumericOption.Int("--budget", "Queries the attacker may send (drawn at random, without replacement, from --query-data).", 1000, min: 1, limit: RunLimits.MaxSamples);
        var arch = new Option<string>("--arch") { Description = $"The copy's architecture: {string.Join(", ", ModelZoo.Architectures)}.", DefaultValueFactory = _ => "cnn-small" };
        arch.AcceptOnlyFromAmong([.. ModelZoo.Architectures]);
        var mode = new Option<string>("--mode") { Description = "What the attacker reads from each answer: labels (cross-entropy on the answered label) or probabilities (KL divergence to the answered vector).", DefaultValueFactory = _ => "labels" };
        mode.AcceptOnlyFromAmong(Modes);
        var defense = new Option<string?>("--defense") { Description = $"An output defence in front of the model's API: {ApiDefense.Forms}." };
        var monitor = new Option<bool>("--monitor") { Description = "Put a PRADA query monitor (Juuti et al. 2019) in front of the API and report whether and when it raises its alarm on the attacker's queries and on the held-out images sent as a benign client." };
        var delta = NumericOption.Float("--monitor-delta", "PRADA's threshold δ on Shapiro–Wilk's W (needs --monitor).", 0.9f, RealRange.Positive(0.9999));
        var epochs = NumericOption.Int("--epochs", "Training epochs of the copy.", 10, min: 1, limit: RunLimits.MaxEpochs);
        var lr = NumericOption.Float("--lr", "Learning rate of the copy (Adam, cosine-annealed).", 2e-3f, RealRange.Positive(float.MaxValue), limit: RunLimits.MaxLearningRate);
        var batch = NumericOption.Int("--batch", "Batch size of the copy's training.", 64, min: 1, limit: RunLimits.MaxBatch);
        var transferEps = NumericOption.Float("--transfer-eps", "L∞ ε of the PGD examples crafted on the copy and sent to the victim (0 skips the transfer test).", 0.1f, RealRange.Closed(0, 1));
        var transferSamples = NumericOption.Int("--transfer-samples", "Held-out images the transfer test uses (the first N).", 500, min: 1, limit: RunLimits.MaxSamples);
        var seed = NumericOption.Int("--seed", "Seed of the query choice, the copy's initialisation and shuffling, the noise defence and the transfer attack.", 0, min: int.MinValue);
        var json = new Option<string?>("--json") { Description = "Write the results as JSON (fidelity, copy_accuracy, queries_used, transfer, parameters, seed); '-' writes it to standard output." };
        var outPath = new Option<string?>("--out") { Description = "Write the stolen copy: NAME.onnx (ONNX, opset 17)." };
        var noLimits = NumericOption.NoLimits();
        var command = new Command("extract", "Model extraction: train a copy of the model from its answers to a query budget (Knockoff Nets), and measure fidelity, accuracy and adversarial transfer.")
        {
            queryData, queryLabels, evalData, evalLabels, evalSamples, budget, arch, mode, defense, monitor, delta, epochs, lr, batch, transferEps, transferSamples, seed, json, outPath, noLimits,
        };
        model.AddTo(command);
        NumericOption.RequireWith(command, monitor, delta);
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            using var outputs = new CommandOutputs(parse, [
                .. CommandOutputs.ModelInputs(parse.GetValue(model.Model)),
                .. CommandOutputs.DataInputs(parse.GetValue(queryData), parse.GetValue(queryLabels)),
                .. CommandOutputs.DataInputs(parse.GetValue(evalData), parse.GetValue(evalLabels))]);
            outputs.File("--json", parse.GetValue(json));
            if (parse.GetValue(outPath) is { } copyPath)
            {
                outputs.File("--out", copyPath, allowStandardOutput: false, allowDevice: false);
                if (!copyPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
                {
                    throw new UserInputException($"--out {copyPath}: the copy is written as ONNX; name it NAME.onnx.");
                }
            }

            var ui = outputs.ConsoleFor(console);
            var seedValue = parse.GetValue(seed);
            var pool = DataArguments.LoadEvaluation(parse.GetValue(queryData)!, null, parse.GetValue(queryLabels));
            LabeledImages surrogate;
            LabeledImages heldOut;
            if (parse.GetValue(evalData) is { } evalPath)
            {
                surrogate = pool;
                heldOut = DataArguments.LoadEvaluation(evalPath, parse.GetValue(evalSamples), parse.GetValue(evalLabels));
            }
            else
            {
                if (pool.Count < 2)
                {
                    throw new UserInputException($"{pool.Source}: {pool.Count} image(s); without --eval-data the last 20% are held out, so at least 2 are needed.");
                }

                var held = Math.Max(1, pool.Count / 5);
                surrogate = pool.Take(pool.Count - held);
                heldOut = pool.Select([.. Enumerable.Range(pool.Count - held, held)]);
                if (parse.GetValue(evalSamples) is { } m)
                {
                    heldOut = heldOut.Take(m);
                }
            }

            var budgetValue = parse.GetValue(budget);
            if (budgetValue > surrogate.Count)
            {
                throw new UserInputException($"--budget {budgetValue}: the query data hold {surrogate.Count} image(s) to send{(parse.GetValue(evalData) is null ? " (after holding out the last 20% for fidelity; give --eval-data to send them all)" : "")}.");
            }

            var (loaded, victim) = model.Load(parse, surrogate);
            model.CheckFits(parse, heldOut, loaded);
            IClassifier api = victim;
            if (parse.GetValue(defense) is { } spec)
            {
                api = ApiDefense.Create(victim, spec, seedValue);
            }

            var modeValue = parse.GetValue(mode) == "labels" ? ExtractionMode.Labels : ExtractionMode.Probabilities;
            var training = new TrainingOptions(parse.GetValue(epochs), parse.GetValue(batch), parse.GetValue(lr), seedValue);
            var options = new ExtractionOptions(budgetValue, parse.GetValue(arch)!, modeValue, training, seedValue);
            ui.MarkupLine(Markup.Escape($"extracting {loaded.Path}{(api is OutputDefense d ? $" behind {d.Name}" : "")}: {budgetValue:N0} {parse.GetValue(mode)} queries from {surrogate.Source}, copy {options.Architecture} trained {training.Epochs} epochs…"));
            var result = KnockoffExtraction.Run(api, surrogate, heldOut, options, victim);

            var transfer = default(TransferResult);
            var eps = parse.GetValue(transferEps);
            if (eps > 0)
            {
                var pgd = AttackRegistry.Find("pgd").Create(new AttackSettings { Norm = Norm.Linf, Epsilon = eps });
                transfer = AdversarialTransfer.Measure(result.Classifier, victim, heldOut.Take(parse.GetValue(transferSamples)), (copy, x, y) => pgd.Run(copy, x, AttackGoal.Untargeted(y), seedValue).Adversarial);
            }

            Dictionary<string, object?>? prada = null;
            if (parse.GetValue(monitor))
            {
                prada = Prada(api, surrogate, heldOut, budgetValue, seedValue, parse.GetValue(delta));
            }

            var table = new Table().AddColumns("figure", "value");
            table.AddRow("queries used", result.QueriesUsed.ToString("N0", CultureInfo.InvariantCulture));
            table.AddRow("fidelity (agreement with the victim)", P(result.Fidelity));
            table.AddRow("copy accuracy", P(result.CopyAccuracy));
            table.AddRow("victim accuracy", P(result.VictimAccuracy));
            table.AddRow("accuracy through the API", P(result.ApiAccuracy));
            if (transfer is not null)
            {
                table.AddRow(Markup.Escape($"transfer rate (PGD ε {eps.ToString(CultureInfo.InvariantCulture)} on the copy)"), $"{P(transfer.TransferRate)} of {transfer.Candidates:N0}");
            }

            if (prada is not null)
            {
                table.AddRow("PRADA alarm on the attacker", Markup.Escape(prada["attacker_alarm_at_query"] is int at ? $"yes, at query {at:N0}" : "no"));
                table.AddRow("PRADA alarm on the benign client", Markup.Escape(prada["benign_alarm_at_query"] is int b ? $"yes, at query {b:N0}" : "no"));
            }

            ui.MarkupLine($"[bold]model extraction[/] on {Markup.Escape(loaded.Path)}: held-out {result.HeldOut:N0} images ({Markup.Escape(heldOut.Source)})");
            ui.Write(table);
            if (parse.GetValue(outPath) is { } path)
            {
                outputs.WriteWith(path, staged => Gauntlet.Onnx.OnnxExporter.Save(result.Copy, victim.SampleShape.ToArray(), staged));
            }

            if (parse.GetValue(json) is not null)
            {
                outputs.WriteJson("--json", new Dictionary<string, object?>
                {
                    ["schema_version"] = 1,
                    ["tool_version"] = CliApp.Version,
                    ["model"] = loaded.Path,
                    ["attack"] = "knockoff",
                    ["defense"] = (api as OutputDefense)?.Name,
                    ["params"] = new Dictionary<string, object>
                    {
                        ["mode"] = parse.GetValue(mode)!,
                        ["architecture"] = options.Architecture,
                        ["budget"] = budgetValue,
                        ["epochs"] = training.Epochs,
                        ["learning_rate"] = training.LearningRate,
                        ["batch_size"] = training.BatchSize,
                        ["query_data"] = surrogate.Source,
                        ["query_pool"] = surrogate.Count,
                        ["eval_data"] = heldOut.Source,
                    },
                    ["seed"] = seedValue,
                    ["queries_used"] = result.QueriesUsed,
                    ["classes_answered"] = result.ClassesAnswered,
                    ["held_out"] = result.HeldOut,
                    ["fidelity"] = result.Fidelity,
                    ["copy_accuracy"] = result.CopyAccuracy,
                    ["victim_accuracy"] = result.VictimAccuracy,
                    ["api_accuracy"] = result.ApiAccuracy,
                    ["transfer"] = transfer is null ? null : new Dictionary<string, object>
                    {
                        ["attack"] = "pgd",
                        ["norm"] = "linf",
                        ["epsilon"] = eps,
                        ["candidates"] = transfer.Candidates,
                        ["copy_success_rate"] = transfer.CopySuccessRate,
                        ["transfer_rate"] = transfer.TransferRate,
                    },
                    ["prada"] = prada,
                    ["seconds"] = clock.Elapsed.TotalSeconds,
                });
            }

            outputs.Commit();
            if (parse.GetValue(outPath) is { } written)
            {
                ui.MarkupLine($"saved the copy to [green]{Markup.Escape(written)}[/]");
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    // The attacker's queries, replayed in the order the extraction sent them, and the held-out
    // images as a benign client, each through its own monitor.
    private static Dictionary<string, object?> Prada(IClassifier api, LabeledImages surrogate, LabeledImages heldOut, int budget, int seed, float delta)
    {
        var options = new PradaOptions(delta);
        int? AlarmAt(LabeledImages stream, string client, out double? w)
        {
            var monitored = new MonitoredApi(api, new PradaMonitor(options), client);
            foreach (var (x, _) in stream.Batches(256))
            {
                monitored.Predict(x);
            }

            w = monitored.LastW;
            return monitored.Monitor.AlarmAt(client);
        }

        var attacker = AlarmAt(KnockoffExtraction.ChooseQueries(surrogate, budget, seed), "attacker", out var attackerW);
        var benign = AlarmAt(heldOut, "benign", out var benignW);
        return new Dictionary<string, object?>
        {
            ["delta"] = Math.Round((double)delta, 6),
            ["min_distances"] = options.MinDistances,
            ["window"] = options.Window,
            ["attacker_alarm_at_query"] = attacker,
            ["attacker_final_w"] = attackerW,
            ["benign_queries"] = heldOut.Count,
            ["benign_alarm_at_query"] = benign,
            ["benign_final_w"] = benignW,
        };
    }

    private static string P(double value) => value.ToString("P2", CultureInfo.InvariantCulture);
}
