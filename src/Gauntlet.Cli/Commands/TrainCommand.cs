using System.CommandLine;
using System.Globalization;
using Gauntlet.Attacks.Registry;
using Gauntlet.Attacks.Training;
using Gauntlet.Core;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Privacy.Accounting;
using Gauntlet.Privacy.Training;
using Gauntlet.Tensors;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet train</c>: trains a built-in architecture on an image data set.</summary>
internal static class TrainCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var arch = new Option<string>("--arch") { Description = $"Architecture: {string.Join(", ", ModelZoo.Architectures)}.", DefaultValueFactory = _ => "cnn-small" };
        arch.AcceptOnlyFromAmong([.. ModelZoo.Architectures]);
        var data = new Option<string>("--data") { Description = DataArguments.Description, DefaultValueFactory = _ => "fashion-mnist" };
        var epochs = NumericOption.Int("--epochs", "Passes over the training data.", 2, min: 1, limit: RunLimits.MaxEpochs);
        var batch = NumericOption.Int("--batch", "Batch size.", 64, min: 1, limit: RunLimits.MaxBatch);
        var lr = NumericOption.Float("--lr", "Initial learning rate (Adam, cosine-annealed); training stops with an error if the loss stops being finite.", 2e-3f, RealRange.Positive(float.MaxValue), limit: RunLimits.MaxLearningRate);
        var seed = NumericOption.Int("--seed", "Seed for initialisation and shuffling.", 0, min: int.MinValue);
        var labels = new Option<string?>("--labels") { Description = DataArguments.LabelsDescription };
        var limit = NumericOption.OptionalInt("--samples", "Use only the first N training images (alias --limit).", min: 1, limit: RunLimits.MaxSamples);
        limit.Aliases.Add("--limit");
        var trainable = AttackRegistry.All.Where(d => d.SupportsTraining).ToList();
        var adversarial = new Option<string?>("--adversarial")
        {
            Description = $"Adversarial training with a registered white-box attack ({string.Join(", ", trainable.Select(d => d.Name))}; see gauntlet attack --list): pgd is Madry et al.'s recipe (L∞ PGD from a random start), fgsm Goodfellow et al.'s. Examples are generated against the current model in evaluation mode.",
        };
        adversarial.AcceptOnlyFromAmong([.. trainable.SelectMany(d => d.Aliases.Prepend(d.Name))]);
        var advEps = NumericOption.Float("--adv-eps", "L∞ budget ε of the training attack (needs --adversarial).", 0.1f, RealRange.Positive(1));
        var advSteps = NumericOption.Int("--adv-steps", "Iterations of the training attack (needs --adversarial; ignored by fgsm).", 7, min: 1, limit: RunLimits.MaxSteps);
        var advStepSize = NumericOption.OptionalFloat("--adv-step-size", "Step size of fixed-step attacks (needs --adversarial; pgd, bim, mi-fgsm; default 2.5·ε/steps).", RealRange.Positive(1));
        var advFraction = NumericOption.Float("--adv-fraction", "Share of each batch replaced by adversarial examples (needs --adversarial; 1 = all, Madry's recipe; 0.5 = half clean, half adversarial).", 1f, RealRange.Positive(1));
        var optimizer = new Option<string>("--optimizer") { Description = "adam, adamw or sgd (momentum 0.9). DP-SGD's noise suits sgd better than adam's per-coordinate scaling (docs/privacy.md).", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong("adam", "adamw", "sgd");
        var dp = new Option<bool>("--dp") { Description = "Differentially private training (DP-SGD): Poisson-sampled batches of expected size --batch, per-sample gradients clipped to --max-grad-norm, Gaussian noise of std --noise-multiplier × --max-grad-norm; ε is reported after every epoch and recorded in the training log. Needs --noise-multiplier or --target-epsilon." };
        var dpNoise = NumericOption.OptionalDouble("--noise-multiplier", "σ of DP-SGD (needs --dp).", RealRange.Positive(1000));
        var dpNorm = NumericOption.OptionalDouble("--max-grad-norm", "C: the per-sample gradient norm bound of DP-SGD (needs --dp; default 1).", RealRange.Positive(1e6));
        var dpDelta = NumericOption.OptionalDouble("--delta", "δ at which DP-SGD's ε is reported (needs --dp; default 1e-5).", new RealRange(0, 1, MinExclusive: true, MaxExclusive: true));
        var dpTarget = NumericOption.OptionalDouble("--target-epsilon", "Calibrate σ so that ε after all epochs is at most this (needs --dp; instead of --noise-multiplier).", RealRange.Positive(1000));
        var dpClipping = new Option<string?>("--clipping") { Description = "DP-SGD clipping: flat (one norm over all parameters, default) or per-layer (each parameter tensor to C/√K) (needs --dp)." };
        dpClipping.AcceptOnlyFromAmong("flat", "per-layer");
        var dpAccountant = new Option<string?>("--accountant") { Description = "DP-SGD's accountant: rdp (default) or prv (needs --dp)." };
        dpAccountant.AcceptOnlyFromAmong([.. PrivacyAccountants.Names]);
        var noLimits = NumericOption.NoLimits();
        var outPath = new Option<string?>("--out") { Description = "Write the trained model here: NAME.onnx (ONNX, opset 17) or NAME.gntp (Gauntlet parameters plus the manifest NAME.model.json). The training log NAME.train.json is written beside it; all files appear together or none do. The folder must exist." };

        var command = new Command("train", "Train a built-in architecture on an image data set (optionally adversarially: --adversarial pgd) and report test accuracy.")
        {
            arch, data, labels, epochs, batch, lr, optimizer, seed, limit, outPath, adversarial, advEps, advSteps, advStepSize, advFraction,
            dp, dpNoise, dpNorm, dpDelta, dpTarget, dpClipping, dpAccountant, noLimits,
        };
        NumericOption.RequireWith(command, adversarial, advEps, advSteps, advStepSize, advFraction);
        NumericOption.RequireWith(command, dp, dpNoise, dpNorm, dpDelta, dpTarget, dpClipping, dpAccountant);
        var defense = TrainDefenseOptions.AddTo(command, adversarial);
        command.SetAction(parse =>
        {
            // The ranges and limits of every number were checked by the parser (NumericOption).
            var options = new TrainingOptions(parse.GetValue(epochs), parse.GetValue(batch), parse.GetValue(lr), parse.GetValue(seed), parse.GetValue(optimizer)!);
            var privateTraining = parse.GetValue(dp);
            if (privateTraining && parse.GetValue(adversarial) is not null)
            {
                throw new UserInputException("--dp and --adversarial do not combine: choose one.");
            }

            if (privateTraining && (parse.GetValue(dpNoise) is null) == (parse.GetValue(dpTarget) is null))
            {
                throw new UserInputException("--dp needs exactly one of --noise-multiplier (σ) and --target-epsilon (σ calibrated to reach it).");
            }

            AdversarialLog? adversarialLog = null;
            if (parse.GetValue(adversarial) is { } method)
            {
                var (epsilon, steps, fraction) = (parse.GetValue(advEps), parse.GetValue(advSteps), parse.GetValue(advFraction));
                var stepSize = parse.GetValue(advStepSize) ?? 2.5f * epsilon / steps;

                var descriptor = AttackRegistry.Find(method);
                AttackPerturbation perturbation;
                try
                {
                    perturbation = AttackPerturbation.FromRegistry(descriptor.Name, new AttackSettings { Norm = Gauntlet.Attacks.Norm.Linf, Epsilon = epsilon, Steps = steps, StepSize = stepSize });
                }
                catch (ArgumentException ex)
                {
                    throw new UserInputException($"--adversarial {method}: {ex.Message}");
                }

                options = options with { Adversarial = new AdversarialTraining(perturbation, fraction) };
                adversarialLog = new AdversarialLog(
                    descriptor.Name, epsilon, descriptor.Uses(AttackSetting.Steps) ? steps : null, descriptor.Uses(AttackSetting.StepSize) ? stepSize : null, fraction);
            }

            // Robust training (--defense): the plan sets the perturbation or objective and is logged.
            var defensePlan = defense.Plan(parse, options);
            options = defensePlan?.Options ?? options;
            if (privateTraining && defensePlan is not null)
            {
                throw new UserInputException("--dp and --defense do not combine: DP-SGD trains on clipped, noised clean gradients; choose one.");
            }

            // The model, manifest and log paths are checked before any data is loaded or trained on.
            using var outputs = new CommandOutputs(parse, CommandOutputs.DataInputs(parse.GetValue(data), parse.GetValue(labels)));
            if (parse.GetValue(outPath) is { } modelPath)
            {
                outputs.File("--out", modelPath, allowStandardOutput: false, allowDevice: false);
                if (!modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
                {
                    outputs.File("--out (its manifest)", ModelFile.ManifestPath(modelPath), allowStandardOutput: false, allowDevice: false);
                }

                outputs.File("--out (its training log)", LogPath(modelPath), allowStandardOutput: false, allowDevice: false);
            }

            var (train, test) = LoadData(parse.GetValue(data)!, parse.GetValue(limit), parse.GetValue(labels));
            NumericOption.CheckBatch(parse, "--batch", options.BatchSize, train);
            if (options.Adversarial is not null || options.Objective is not null)
            {
                foreach (var v in train.Images.ReadOnlySpan)
                {
                    if (!(v >= 0f && v <= 1f))
                    {
                        throw new UserInputException($"--adversarial: {train.Source} has pixel value {v}; adversarial training assumes inputs in [0, 1].");
                    }
                }
            }

            DpSgdOptions? privacy = null;
            if (privateTraining)
            {
                privacy = DpArguments(parse.GetValue(dpNoise), parse.GetValue(dpTarget), parse.GetValue(dpNorm) ?? 1.0, parse.GetValue(dpDelta) ?? 1e-5, parse.GetValue(dpClipping), parse.GetValue(dpAccountant), options, train.Count);
            }

            var model = ModelZoo.Create(parse.GetValue(arch)!, train.Images.Dim(1), train.Images.Dim(2), train.Images.Dim(3), train.ClassCount, options.Seed);
            console.MarkupLine($"[bold]gauntlet train[/] {parse.GetValue(arch)} · {model.ParameterCount():N0} parameters · train {train.Count:N0} images ({Markup.Escape(train.Source)}) · test {test.Count:N0} · seed {options.Seed}");
            if (adversarialLog is { } adv)
            {
                var iterations = adv.Steps is { } n ? adv.StepSize is { } a ? $"{n} steps of {a.ToString("G3", CultureInfo.InvariantCulture)}, " : $"{n} steps, " : "";
                console.MarkupLine(Markup.Escape($"adversarial training: {adv.Method} ε {adv.Epsilon.ToString(CultureInfo.InvariantCulture)}, {iterations}{adv.Fraction.ToString("P0", CultureInfo.InvariantCulture)} of each batch; train acc is on the adversarial batches"));
            }

            if (privacy is not null)
            {
                var q = (double)options.BatchSize / train.Count;
                console.MarkupLine(Markup.Escape($"DP-SGD: σ {G(privacy.NoiseMultiplier)}, C {G(privacy.MaxGradNorm)}, δ {G(privacy.Delta)}, {privacy.Clipping.ToString().ToLowerInvariant()} clipping, Poisson sampling q = {G(q)} ({PoissonSampler.StepsPerEpoch(q)} steps per epoch), {privacy.Accountant} accountant, optimizer {options.Optimizer}"));
            }

            if (defensePlan is { } plan)
            {
                console.MarkupLine(Markup.Escape($"robust training: {TrainDefenseOptions.Describe(plan)}; train acc is on the batches as trained"));
            }

            var results = new List<EpochResult>();
            var privateResults = new List<PrivateEpochResult>();
            console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    // One task over every sample of every epoch, updated in place: nothing is
                    // allocated per epoch, so --epochs costs no memory up front.
                    var task = ctx.AddTask($"epoch 1/{options.Epochs}", maxValue: (double)options.Epochs * train.Count);
                    var progress = new SynchronousProgress<TrainingProgress>(p =>
                    {
                        task.Value = ((double)p.Epoch - 1) * p.SamplesTotal + p.SamplesDone;
                        task.Description = $"epoch {p.Epoch}/{options.Epochs} loss {p.RunningLoss:F4} acc {p.RunningAccuracy:P1}";
                    });
                    try
                    {
                        if (privacy is null)
                        {
                            results.AddRange(Trainer.Fit(model, train, test, options, progress));
                        }
                        else
                        {
                            // ε is printed above the progress bar as each epoch ends.
                            var epochLines = new SynchronousProgress<PrivateEpochResult>(r =>
                                console.MarkupLine(Markup.Escape($"epoch {r.Epoch.Epoch}: ε = {r.Privacy.Epsilon.ToString("F4", CultureInfo.InvariantCulture)} at δ = {G(r.Privacy.Delta)} after {r.Steps:N0} steps ({r.Privacy.Accountant}); test acc {r.Epoch.ValidationAccuracy?.ToString("P2", CultureInfo.InvariantCulture) ?? "-"}")));
                            privateResults.AddRange(DpSgdTrainer.Fit(model, train, test, options, privacy, progress, epochLines));
                            results.AddRange(privateResults.Select(r => r.Epoch));
                        }
                    }
                    catch (NotSupportedException ex) when (privacy is not null)
                    {
                        throw new UserInputException($"--dp on {parse.GetValue(arch)}: {ex.Message}", ex);
                    }
                    catch (TrainingDivergedException ex)
                    {
                        // A non-finite loss comes from the settings (the learning rate above all) or the data: a user error, and no model is written.
                        throw new UserInputException($"{ex.Message}; lower --lr (got {options.LearningRate.ToString(CultureInfo.InvariantCulture)}).", ex);
                    }
                });

            var table = new Table().AddColumns("epoch", "train loss", "train acc", "test acc", "lr", "seconds");
            if (privacy is not null)
            {
                table.AddColumn("ε");
            }

            for (var i = 0; i < results.Count; i++)
            {
                var r = results[i];
                string[] row =
                [
                    r.Epoch.ToString(CultureInfo.InvariantCulture),
                    r.TrainLoss.ToString("F4", CultureInfo.InvariantCulture),
                    r.TrainAccuracy.ToString("P2", CultureInfo.InvariantCulture),
                    r.ValidationAccuracy?.ToString("P2", CultureInfo.InvariantCulture) ?? "-",
                    r.LearningRate.ToString("G4", CultureInfo.InvariantCulture),
                    r.Seconds.ToString("F1", CultureInfo.InvariantCulture),
                ];
                table.AddRow(privacy is null ? row : [.. row, privateResults[i].Privacy.Epsilon.ToString("F4", CultureInfo.InvariantCulture)]);
            }

            console.Write(table);
            if (parse.GetValue(outPath) is { } path)
            {
                var sampleShape = train.Images.Shape.Dims[1..].ToArray();
                if (path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
                {
                    outputs.WriteWith(path, staged => Gauntlet.Onnx.OnnxExporter.Save(model, sampleShape, staged));
                }
                else
                {
                    // ModelFile writes the manifest beside the staged parameters; both are committed together.
                    outputs.WriteWith(path, staged => ModelFile.Save(staged, parse.GetValue(arch)!, model, new Shape(sampleShape), train.ClassCount, train.ClassNames, options.Seed));
                }

                WriteLog(outputs, LogPath(path), parse.GetValue(arch)!, train, test, options, adversarialLog, defensePlan is null ? null : TrainDefenseOptions.Log(defensePlan), results, privacy, privateResults);
                outputs.Commit();
                console.MarkupLine($"saved the model to [green]{Markup.Escape(path)}[/]");
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    private static (LabeledImages Train, LabeledImages Test) LoadData(string data, int? limit, string? labels)
    {
        if (limit is <= 0)
        {
            throw new UserInputException($"--limit must be positive (got {limit}).");
        }

        var (train, test) = DataArguments.LoadSplits(data, labels);
        return (limit is { } n ? train.Take(n) : train, test);
    }

    // What the training log records of the adversarial settings; steps and step size are null for
    // attacks that do not read them (fgsm).
    private sealed record AdversarialLog(string Method, float Epsilon, int? Steps, float? StepSize, float Fraction);

    private static string LogPath(string modelPath) => Path.ChangeExtension(modelPath, ".train.json");

    private static string G(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    // JSON has no infinity: an unbounded ε (σ too small for any guarantee) is written as null.
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    // σ given, or calibrated (bisection on the chosen accountant) so that ε after all epochs is at most the target.
    private static DpSgdOptions DpArguments(double? noise, double? target, double maxGradNorm, double delta, string? clipping, string? accountant, TrainingOptions options, int count)
    {
        if (options.BatchSize > count)
        {
            throw new UserInputException($"--dp: --batch {options.BatchSize} is the expected Poisson batch size and must not exceed the {count:N0} training images.");
        }

        var mode = clipping == "per-layer" ? ClippingMode.PerLayer : ClippingMode.Flat;
        var name = accountant ?? "rdp";
        if (noise is { } sigma)
        {
            return new DpSgdOptions(sigma, maxGradNorm, delta, mode, name);
        }

        var q = (double)options.BatchSize / count;
        var steps = (long)PoissonSampler.StepsPerEpoch(q) * options.Epochs;
        try
        {
            return new DpSgdOptions(NoiseCalibration.NoiseMultiplier(PrivacyAccountants.Create(name), target!.Value, q, steps, delta), maxGradNorm, delta, mode, name);
        }
        catch (InvalidOperationException ex)
        {
            throw new UserInputException($"--target-epsilon {G(target!.Value)}: {ex.Message}", ex);
        }
    }

    private static void WriteLog(CommandOutputs outputs, string path, string arch, LabeledImages train, LabeledImages test, TrainingOptions options, AdversarialLog? adversarial, object? defense, List<EpochResult> results, DpSgdOptions? privacy, List<PrivateEpochResult> privateResults)
    {
        var log = new
        {
            schema_version = 1,
            tool = "gauntlet",
            tool_version = CliApp.Version,
            architecture = arch,
            train_source = train.Source,
            train_count = train.Count,
            test_count = test.Count,
            seed = options.Seed,
            epochs = options.Epochs,
            batch_size = options.BatchSize,
            learning_rate = options.LearningRate,
            optimizer = options.Optimizer,
            adversarial = adversarial is { } a ? new
            {
                method = a.Method,
                epsilon = a.Epsilon,
                steps = a.Steps,
                step_size = a.StepSize,
                fraction = a.Fraction,
                generated_in = "eval mode",
            } : null,
            defense,
            differential_privacy = privacy is null ? null : new
            {
                mechanism = "dp-sgd",
                noise_multiplier = privacy.NoiseMultiplier,
                max_grad_norm = privacy.MaxGradNorm,
                delta = privacy.Delta,
                epsilon = privateResults.Count == 0 ? null : Finite(privateResults[^1].Privacy.Epsilon),
                rdp_order = privateResults.Count == 0 ? null : privateResults[^1].Privacy.Order,
                sample_rate = (double)options.BatchSize / train.Count,
                steps = privateResults.Count == 0 ? 0 : privateResults[^1].Steps,
                accountant = privacy.Accountant,
                clipping = privacy.Clipping == ClippingMode.PerLayer ? "per-layer" : "flat",
                sampling = "poisson",
                epsilon_per_epoch = privateResults.Select(r => Finite(r.Privacy.Epsilon)),
            },
            epochs_log = results.Select(r => new
            {
                epoch = r.Epoch,
                train_loss = r.TrainLoss,
                train_accuracy = r.TrainAccuracy,
                test_accuracy = r.ValidationAccuracy,
                learning_rate = r.LearningRate,
                seconds = r.Seconds,
            }),
        };
        outputs.WriteJsonFile(path, log);
    }
}
