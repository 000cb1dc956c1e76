using System.CommandLine;
using System.Globalization;
using Gauntlet.Core;
using Gauntlet.Data;
using Gauntlet.Federated;
using Gauntlet.Federated.Aggregation;
using Gauntlet.Federated.Byzantine;
using Gauntlet.Federated.Privacy;
using Gauntlet.Federated.SecureAggregation;
using Gauntlet.Federated.Splits;
using Gauntlet.Federated.Training;
using Gauntlet.Privacy.Accounting;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet federated</c>: a federated-learning run over loopback HTTP, one process per client (docs/federated.md).</summary>
internal static class FederatedCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var clients = NumericOption.Int("--clients", "Number of clients N.", 10, min: 2, max: 10_000, limit: 100);
        var rounds = NumericOption.Int("--rounds", "Communication rounds R.", 20, min: 1, limit: RunLimits.MaxEpochs);
        var aggregator = new Option<string>("--aggregator") { Description = "Aggregation rule: " + string.Join("; ", AggregatorCatalog.All.Select(d => $"{d.Name}: {d.Description}")) + ".", DefaultValueFactory = _ => "fedavg" };
        aggregator.AcceptOnlyFromAmong([.. AggregatorCatalog.All.Select(d => d.Name)]);
        var mu = NumericOption.Float("--mu", "FedProx's proximal weight μ (needs --aggregator fedprox, where it defaults to 0.01).", 0.01f, RealRange.Positive(1e6));
        var byzantine = NumericOption.Int("--byzantine", "K: clients 0..K−1 are Byzantine.", 0, min: 0, max: 10_000);
        var attack = new Option<string>("--byzantine-attack") { Description = "What Byzantine clients do: sign-flip (send −λΔ), scale (send λΔ), label-flip (train on y → K−1−y).", DefaultValueFactory = _ => "sign-flip" };
        attack.AcceptOnlyFromAmong([.. ByzantineAttack.Names]);
        var attackScale = NumericOption.Float("--byzantine-scale", "λ of the sign-flip and scale attacks.", 5f, RealRange.Positive(1e6));
        var krumF = NumericOption.OptionalInt("--krum-f", "f that krum and multi-krum tolerate (default: --byzantine).", min: 0, max: 10_000);
        var multiKrumM = NumericOption.OptionalInt("--multi-krum-m", "m, the updates multi-krum averages (default N − f).", min: 1, max: 10_000);
        var trim = NumericOption.Float("--trim", "β, the share trimmed from each end by trimmed-mean.", 0.1f, new RealRange(0, 0.5, MaxExclusive: true));
        var split = new Option<string>("--split") { Description = "How samples are dealt: iid, or dirichlet (per-class client shares from Dirichlet(α)).", DefaultValueFactory = _ => "dirichlet" };
        split.AcceptOnlyFromAmong("iid", "dirichlet");
        var alpha = NumericOption.Float("--alpha", "Dirichlet concentration α (small: few classes per client).", 0.5f, RealRange.Positive(1e6));
        var secure = new Option<bool>("--secure-aggregation") { Description = "Secure aggregation (Bonawitz et al. 2017): the server sees only masked updates and their sum; dropped clients' masks are recovered from Shamir shares." };
        var threshold = NumericOption.OptionalInt("--threshold", "Secure aggregation's t: shares needed to unmask (default ⌊N/2⌋ + 1).", min: 2, max: 10_000);
        var paillier = new Option<bool>("--paillier") { Description = "Paillier aggregation: clients encrypt packed fixed-point updates; the server multiplies ciphertexts; only the sum is decrypted." };
        var paillierBits = NumericOption.Int("--paillier-bits", "Paillier modulus size in bits (even).", 1024, min: 256, max: 8192);
        var dpClip = NumericOption.OptionalFloat("--dp-clip", "Client-level DP: clip each client's update to L2 norm C.", RealRange.Positive(1e6));
        var dpNoise = NumericOption.Float("--dp-noise", "Client-level DP: noise multiplier σ (Gaussian noise σC on the sum of clipped updates; needs --dp-clip).", 1f, RealRange.Closed(0, 1e6));
        var dpDelta = NumericOption.OptionalDouble("--dp-delta", "Client-level DP: δ of the (ε, δ) guarantee the report states (needs --dp-clip; default 1e-5).", new RealRange(0, 1, MinExclusive: true, MaxExclusive: true));
        var data = new Option<string>("--data") { Description = DataArguments.Description, DefaultValueFactory = _ => "demo" };
        var labels = new Option<string?>("--labels") { Description = DataArguments.LabelsDescription };
        var samples = NumericOption.OptionalInt("--samples", "Use only the first N training images.", min: 1, limit: RunLimits.MaxSamples);
        var hidden = NumericOption.Int("--hidden", "Hidden units of the federated MLP (flatten → linear → ReLU → linear).", 32, min: 1, max: 65_536);
        var localEpochs = NumericOption.Int("--local-epochs", "Local epochs per round.", 1, min: 1, limit: RunLimits.MaxEpochs);
        var localBatch = NumericOption.Int("--local-batch", "Local batch size.", 32, min: 1, limit: RunLimits.MaxBatch);
        var lr = NumericOption.Float("--lr", "Local SGD learning rate (momentum 0.9).", 0.05f, RealRange.Positive(float.MaxValue), limit: RunLimits.MaxLearningRate);
        var seed = NumericOption.Int("--seed", "Seed of the model, the split, local shuffles and DP noise.", 0, min: int.MinValue);
        var timeout = NumericOption.Int("--round-timeout", "Seconds the server waits in each phase for a client that has neither answered nor died.", 120, min: 1, max: 86_400);
        var inProcess = new Option<bool>("--in-process") { Description = "Run the clients as tasks in this process (still over loopback HTTP) instead of one process each." };
        var dropClient = NumericOption.OptionalInt("--drop-client", "Failure injection: kill this client's process in the middle of --drop-round (after it fetched the model; under secure aggregation after it shared its keys).", min: 0, max: 10_000);
        var dropRound = NumericOption.Int("--drop-round", "The round in which --drop-client is killed.", 1, min: 1, max: 1_000_000);
        var json = new Option<string?>("--json") { Description = "Write the report as JSON (per round: test accuracy, participants, dropped, bytes up and down, seconds); '-' writes it to standard output." };
        var outPath = new Option<string?>("--out") { Description = "Write the final global model here as ONNX (NAME.onnx)." };
        var noLimits = NumericOption.NoLimits();
        var command = new Command("federated", "Federated learning over loopback HTTP: FedAvg/FedProx or robust rules against Byzantine clients, client-level DP, secure aggregation or Paillier; one process per client.")
        {
            clients, rounds, aggregator, mu, byzantine, attack, attackScale, krumF, multiKrumM, trim, split, alpha, secure, threshold, paillier, paillierBits, dpClip, dpNoise, dpDelta,
            data, labels, samples, hidden, localEpochs, localBatch, lr, seed, timeout, inProcess, dropClient, dropRound, json, outPath, noLimits,
        };
        NumericOption.RequireWith(command, dpClip, dpNoise, dpDelta);
        NumericOption.RequireWith(command, secure, threshold);
        NumericOption.RequireWith(command, paillier, paillierBits);
        NumericOption.RequireWith(command, dropClient, dropRound);
        command.SetAction(parse =>
        {
            var aggregatorName = parse.GetValue(aggregator)!;
            if (parse.GetValue(secure) && parse.GetValue(paillier))
            {
                throw new UserInputException("--secure-aggregation and --paillier are two ways to aggregate; choose one.");
            }

            if (parse.GetResult(mu) is { Implicit: false } && aggregatorName != "fedprox")
            {
                throw new UserInputException("--mu only applies with --aggregator fedprox.");
            }

            var count = parse.GetValue(clients);
            var byzantineCount = parse.GetValue(byzantine);
            var options = new FederatedOptions(
                Clients: count,
                Rounds: parse.GetValue(rounds),
                Aggregator: aggregatorName,
                Local: new LocalTrainingOptions(parse.GetValue(localEpochs), parse.GetValue(localBatch), parse.GetValue(lr), aggregatorName == "fedprox" ? parse.GetValue(mu) : 0f),
                Split: parse.GetValue(split) == "iid" ? SplitKind.Iid : SplitKind.Dirichlet,
                Alpha: parse.GetValue(alpha),
                Byzantine: byzantineCount,
                Attack: ByzantineAttack.Parse(parse.GetValue(attack)!),
                AttackScale: parse.GetValue(attackScale),
                Mode: parse.GetValue(secure) ? AggregationMode.SecureAggregation : parse.GetValue(paillier) ? AggregationMode.Paillier : AggregationMode.Plain,
                Threshold: parse.GetValue(threshold),
                PaillierBits: parse.GetValue(paillierBits),
                Dp: parse.GetValue(dpClip) is { } clip ? new ClientLevelDp(clip, parse.GetValue(dpNoise)) : null,
                Hidden: parse.GetValue(hidden),
                Seed: parse.GetValue(seed),
                RoundTimeout: TimeSpan.FromSeconds(parse.GetValue(timeout)),
                Drop: parse.GetValue(dropClient) is { } victim ? new DropPlan(victim, parse.GetValue(dropRound)) : null,
                Aggregation: new AggregatorSettings(parse.GetValue(krumF) ?? byzantineCount, parse.GetValue(multiKrumM) ?? 0, parse.GetValue(trim)));
            try
            {
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new UserInputException(ex.Message, ex);
            }

            var dataPath = parse.GetValue(data)!;
            using var outputs = new CommandOutputs(parse, CommandOutputs.DataInputs(dataPath, parse.GetValue(labels)));
            outputs.File("--json", parse.GetValue(json));
            if (parse.GetValue(outPath) is { } modelPath)
            {
                if (!modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
                {
                    throw new UserInputException($"--out {modelPath}: the federated model is written as ONNX; name it NAME.onnx.");
                }

                outputs.File("--out", modelPath, allowStandardOutput: false, allowDevice: false);
            }

            var ui = outputs.ConsoleFor(console);
            var (train, test) = FederatedClientCommand.LoadTrain(dataPath, parse.GetValue(labels), parse.GetValue(samples));
            if (train.Count < count)
            {
                throw new UserInputException($"--clients {count}: the training set has {train.Count} images; each client needs at least one.");
            }

            var childArguments = new List<string> { "--data", dataPath };
            if (parse.GetValue(labels) is { } labelPath)
            {
                childArguments.AddRange(["--labels", labelPath]);
            }

            if (parse.GetValue(samples) is { } n)
            {
                childArguments.AddRange(["--samples", n.ToString(CultureInfo.InvariantCulture), RunLimits.CliSwitch]);
            }

            IClientFleet fleet = parse.GetValue(inProcess) ? new InProcessFleet(train) : new ProcessFleet(childArguments);
            ui.MarkupLine(Markup.Escape($"gauntlet federated · {count} clients ({fleet.Kind}) · {options.Rounds} rounds · {aggregatorName} · {Describe(options)} · train {train.Count:N0} ({train.Source}) · test {test.Count:N0} · seed {options.Seed}"));
            var table = new Table().AddColumns("round", "test acc", "clients", "dropped", "bytes up", "bytes down", "seconds");
            FederatedReport report;
            try
            {
                report = RunFleet(options, train, test, fleet, ui);
            }
            catch (SecureAggregationException ex)
            {
                throw new UserInputException($"{ex.Message} Lower --threshold or keep more clients alive.", ex);
            }
            catch (RoundFailedException ex)
            {
                throw new UserInputException($"{ex.Message} Raise --round-timeout (got {options.EffectiveRoundTimeout.TotalSeconds:F0}) or make the clients' work smaller (--hidden, --paillier-bits).", ex);
            }

            // Client-level DP: each round is one Gaussian mechanism on the sum of clipped updates with every
            // client taking part (sampling rate 1), so the rounds run compose as that many RDP steps.
            var privacyDelta = parse.GetValue(dpDelta) ?? 1e-5;
            var privacy = options.Dp is { NoiseMultiplier: > 0 } noised
                ? new RdpAccountant().Spent(1.0, noised.NoiseMultiplier, report.Rounds.Count, privacyDelta)
                : null;

            foreach (var r in report.Rounds)
            {
                table.AddRow(
                    r.Round.ToString(CultureInfo.InvariantCulture),
                    r.TestAccuracy.ToString("P2", CultureInfo.InvariantCulture),
                    r.Participants.Count.ToString(CultureInfo.InvariantCulture),
                    r.Dropped.Count == 0 ? "-" : string.Join(",", r.Dropped),
                    r.BytesUp.ToString("N0", CultureInfo.InvariantCulture),
                    r.BytesDown.ToString("N0", CultureInfo.InvariantCulture),
                    r.Seconds.ToString("F2", CultureInfo.InvariantCulture));
            }

            ui.Write(table);
            ui.MarkupLine(Markup.Escape($"final test accuracy {report.Rounds[^1].TestAccuracy:P2} (initial {report.InitialAccuracy:P2}); {report.Rounds.Sum(r => r.BytesUp):N0} bytes up, {report.Rounds.Sum(r => r.BytesDown):N0} down; {report.TotalSeconds:F1} s"));
            if (options.Dp is { } dp)
            {
                var epsilon = privacy is null ? "unbounded (σ = 0)" : privacy.Epsilon.ToString("F4", CultureInfo.InvariantCulture);
                ui.MarkupLine(Markup.Escape($"client-level DP: C {dp.Clip.ToString(CultureInfo.InvariantCulture)}, σ {dp.NoiseMultiplier.ToString(CultureInfo.InvariantCulture)}; ε = {epsilon} at δ = {privacyDelta.ToString("G3", CultureInfo.InvariantCulture)} after {options.Rounds} rounds (RDP, every client in every round)"));
            }

            if (parse.GetValue(json) is not null)
            {
                outputs.WriteJson("--json", FederatedJson.Document(report, train, test, dataPath, privacy));
            }

            if (parse.GetValue(outPath) is { } path)
            {
                outputs.WriteWith(path, staged => Gauntlet.Onnx.OnnxExporter.Save(report.Model, train.Images.Shape.Dims[1..].ToArray(), staged));
                outputs.Commit();
                ui.MarkupLine($"saved the model to [green]{Markup.Escape(path)}[/]");
            }
            else
            {
                outputs.Commit();
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    private static FederatedReport RunFleet(FederatedOptions options, LabeledImages train, LabeledImages test, IClientFleet fleet, IAnsiConsole ui)
    {
        try
        {
            return FederatedServer.RunAsync(options, train, test, fleet).GetAwaiter().GetResult();
        }
        finally
        {
            if (fleet is InProcessFleet local)
            {
                foreach (var failure in local.Failures)
                {
                    ui.MarkupLine(Markup.Escape($"warning: a client failed: {failure.Message}"));
                }
            }
            else if (fleet is ProcessFleet processes)
            {
                foreach (var line in processes.FailureLines)
                {
                    ui.MarkupLine(Markup.Escape($"warning: {line}"));
                }
            }

            fleet.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static string Describe(FederatedOptions o)
    {
        var parts = new List<string> { o.Split == SplitKind.Iid ? "iid" : $"dirichlet α {o.Alpha.ToString(CultureInfo.InvariantCulture)}" };
        if (o.Byzantine > 0)
        {
            parts.Add($"{o.Byzantine} Byzantine ({ByzantineAttack.NameOf(o.Attack)})");
        }

        parts.Add(o.Mode switch
        {
            AggregationMode.SecureAggregation => $"secure aggregation t {o.EffectiveThreshold}",
            AggregationMode.Paillier => $"Paillier {o.PaillierBits}-bit",
            _ => "plain",
        });
        if (o.Dp is { } dp)
        {
            parts.Add($"DP C {dp.Clip.ToString(CultureInfo.InvariantCulture)} σ {dp.NoiseMultiplier.ToString(CultureInfo.InvariantCulture)}");
        }

        return string.Join(" · ", parts);
    }
}
