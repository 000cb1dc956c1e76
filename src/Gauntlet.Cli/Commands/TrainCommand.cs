using System.CommandLine;
using System.Globalization;
using Gauntlet.Attacks.Registry;
using Gauntlet.Attacks.Training;
using Gauntlet.Core;
using Gauntlet.Data;
using Gauntlet.Models;
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
        var noLimits = NumericOption.NoLimits();
        var outPath = new Option<string?>("--out") { Description = "Write the trained model here: NAME.onnx (ONNX, opset 17) or NAME.gntp (Gauntlet parameters plus the manifest NAME.model.json). The training log NAME.train.json is written beside it; all files appear together or none do. The folder must exist." };

        var command = new Command("train", "Train a built-in architecture on an image data set (optionally adversarially: --adversarial pgd) and report test accuracy.")
        {
            arch, data, labels, epochs, batch, lr, seed, limit, outPath, adversarial, advEps, advSteps, advStepSize, advFraction, noLimits,
        };
        NumericOption.RequireWith(command, adversarial, advEps, advSteps, advStepSize, advFraction);
        var defense = TrainDefenseOptions.AddTo(command, adversarial);
        command.SetAction(parse =>
        {
            // The ranges and limits of every number were checked by the parser (NumericOption).
            var options = new TrainingOptions(parse.GetValue(epochs), parse.GetValue(batch), parse.GetValue(lr), parse.GetValue(seed));
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

            var model = ModelZoo.Create(parse.GetValue(arch)!, train.Images.Dim(1), train.Images.Dim(2), train.Images.Dim(3), train.ClassCount, options.Seed);
            console.MarkupLine($"[bold]gauntlet train[/] {parse.GetValue(arch)} · {model.ParameterCount():N0} parameters · train {train.Count:N0} images ({Markup.Escape(train.Source)}) · test {test.Count:N0} · seed {options.Seed}");
            if (adversarialLog is { } adv)
            {
                var iterations = adv.Steps is { } n ? adv.StepSize is { } a ? $"{n} steps of {a.ToString("G3", CultureInfo.InvariantCulture)}, " : $"{n} steps, " : "";
                console.MarkupLine(Markup.Escape($"adversarial training: {adv.Method} ε {adv.Epsilon.ToString(CultureInfo.InvariantCulture)}, {iterations}{adv.Fraction.ToString("P0", CultureInfo.InvariantCulture)} of each batch; train acc is on the adversarial batches"));
            }

            if (defensePlan is { } plan)
            {
                console.MarkupLine(Markup.Escape($"robust training: {TrainDefenseOptions.Describe(plan)}; train acc is on the batches as trained"));
            }


            var results = new List<EpochResult>();
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
                        results.AddRange(Trainer.Fit(model, train, test, options, progress));
                    }
                    catch (TrainingDivergedException ex)
                    {
                        // A non-finite loss comes from the settings (the learning rate above all) or the data: a user error, and no model is written.
                        throw new UserInputException($"{ex.Message}; lower --lr (got {options.LearningRate.ToString(CultureInfo.InvariantCulture)}).", ex);
                    }
                });

            var table = new Table().AddColumns("epoch", "train loss", "train acc", "test acc", "lr", "seconds");
            foreach (var r in results)
            {
                table.AddRow(
                    r.Epoch.ToString(CultureInfo.InvariantCulture),
                    r.TrainLoss.ToString("F4", CultureInfo.InvariantCulture),
                    r.TrainAccuracy.ToString("P2", CultureInfo.InvariantCulture),
                    r.ValidationAccuracy?.ToString("P2", CultureInfo.InvariantCulture) ?? "-",
                    r.LearningRate.ToString("G4", CultureInfo.InvariantCulture),
                    r.Seconds.ToString("F1", CultureInfo.InvariantCulture));
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

                WriteLog(outputs, LogPath(path), parse.GetValue(arch)!, train, test, options, adversarialLog, defensePlan is null ? null : TrainDefenseOptions.Log(defensePlan), results);
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

    private static void WriteLog(CommandOutputs outputs, string path, string arch, LabeledImages train, LabeledImages test, TrainingOptions options, AdversarialLog? adversarial, object? defense, List<EpochResult> results)
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
