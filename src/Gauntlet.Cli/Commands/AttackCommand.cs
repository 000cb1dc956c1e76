using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Gauntlet.Attacks;
using Gauntlet.Attacks.Registry;
using Gauntlet.Attacks.Universal;
using Gauntlet.Core;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet attack</c>: runs one evasion attack over a data set and reports robustness.</summary>
internal static class AttackCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = new ModelArguments();
        var attack = new Option<string>("--attack") { Description = $"Attack (gauntlet attack --list describes each): {string.Join(", ", AttackRegistry.Names)}; aliases {string.Join(", ", AttackRegistry.All.SelectMany(d => d.Aliases))}.", DefaultValueFactory = _ => "pgd" };
        attack.AcceptOnlyFromAmong([.. AttackRegistry.NamesAndAliases]);
        var norm = new Option<string?>("--norm") { Description = "linf or l2 (default: the attack's first norm in --list, linf except for cw, which is l2 only)." };
        norm.AcceptOnlyFromAmong("linf", "l2");
        var eps = NumericOption.Float("--eps", "Perturbation budget ε in the input domain (salt-and-pepper: the fraction of pixels changed; ignored by the minimum-norm attacks deepfool and cw, by spatial and by patch); at most the domain's width (L∞) or diameter (L2).", 0.1f, RealRange.Positive(1e6));
        var steps = NumericOption.OptionalInt("--steps", "Iterations (default: the attack's own, see --list; noise baselines: trials; patch: training epochs).", min: 1, limit: RunLimits.MaxSteps);
        var stepSize = NumericOption.OptionalFloat("--step-size", "Step size α of fixed-step attacks (default ε/4; patch: 0.05).", RealRange.Positive(1e6));
        var restarts = NumericOption.OptionalInt("--restarts", "Random restarts (pgd, apgd-*; default 1).", min: 1, limit: RunLimits.MaxRestarts);
        var randomStart = new Option<bool?>("--random-start") { Description = "pgd: start from a uniform random point of the ε-ball (true, the default) or from the clean input (false)." };
        var data = new Option<string>("--data") { Description = DataArguments.Description + " The test split is used.", DefaultValueFactory = _ => "fashion-mnist" };
        var labels = new Option<string?>("--labels") { Description = DataArguments.LabelsDescription };
        var limit = NumericOption.OptionalInt("--samples", "Attack only the first N images (default 500; alias --limit).", min: 1, limit: RunLimits.MaxSamples);
        limit.Aliases.Add("--limit");
        limit.DefaultValueFactory = _ => 500;
        var batch = NumericOption.Int("--batch", "Batch size.", 100, min: 1, limit: RunLimits.MaxBatch);
        var seed = NumericOption.Int("--seed", "Seed for random starts.", 0, min: int.MinValue);
        var json = new Option<string?>("--json") { Description = "Also write the aggregate results as JSON; '-' writes it to standard output and the summary to standard error." };
        var maxQueries = NumericOption.OptionalInt("--max-queries", "Query budget per sample for black-box attacks (square, hopskipjump; default 1000); trials for the noise baselines are --steps.", min: 3, limit: RunLimits.MaxQueriesPerSample);
        var targeted = new Option<bool>("--targeted") { Description = "Targeted attack towards class (label + 1) mod K, a fixed, reproducible choice of wrong class." };
        var list = new Option<bool>("--list") { Description = "Describe every attack and its parameters, then exit." };
        var saveExamples = new Option<string?>("--save-examples") { Description = "Write PNGs of the first --examples attacked images (clean, adversarial, amplified perturbation) and an index.json to this folder (created if missing; its parent must exist). All files appear together or none do." };
        var examples = NumericOption.Int("--examples", "How many images --save-examples writes.", 16, min: 1, limit: RunLimits.MaxExamples);
        var patchSize = NumericOption.Float("--patch-size", "patch: the patch's area as a fraction of the image (side = round(√(F·H·W))).", 0.1f, RealRange.Positive(1));
        var patchTarget = NumericOption.OptionalInt("--patch-target", "patch: train a targeted patch towards this class (default: untargeted).", min: 0);
        var noLimits = NumericOption.NoLimits();
        var command = new Command("attack", "Run an evasion attack (or train and score a universal patch) on a model over a data set and report clean and robust accuracy.")
        {
            attack, norm, eps, steps, stepSize, restarts, randomStart, data, labels, limit, batch, seed, json, targeted, list, maxQueries, saveExamples, examples, patchSize, patchTarget, noLimits,
        };
        model.AddTo(command);
        var tabular = new TabularArguments();
        tabular.AddTo(command);
        // `attack --list` needs no model; every other use does, which the action checks.
        model.Model.Arity = ArgumentArity.ZeroOrOne;
        command.SetAction(parse =>
        {
            if (parse.GetValue(list))
            {
                console.Write(ListTable());
                return CliApp.ExitOk;
            }

            if (string.IsNullOrEmpty(parse.GetValue(model.Model)))
            {
                throw new UserInputException("attack needs a model file (an .onnx or a Gauntlet model), or --list to describe the attacks.");
            }

            var epsilon = parse.GetValue(eps);
            var batchSize = parse.GetValue(batch);
            // Outputs are checked before anything is loaded or attacked: a bad path costs nothing.
            using var outputs = new CommandOutputs(parse, [.. CommandOutputs.ModelInputs(parse.GetValue(model.Model)), .. CommandOutputs.DataInputs(parse.GetValue(data), parse.GetValue(labels)), .. tabular.Inputs(parse)]);
            outputs.Folder("--save-examples", parse.GetValue(saveExamples), [IndexFile, PatchFile], IsExampleFile);
            outputs.File("--json", parse.GetValue(json));
            var ui = outputs.ConsoleFor(console);

            var descriptor = AttackRegistry.Find(parse.GetValue(attack)!);
            var normText = parse.GetValue(norm);
            if (descriptor == AdversarialPatch.Descriptor)
            {
                var epochs = parse.GetValue(steps) ?? (int)descriptor.Parameter(AttackSetting.Steps)!.Default!.Value;
                var patchStep = parse.GetValue(stepSize) ?? (float)descriptor.Parameter(AttackSetting.StepSize)!.Default!.Value;
                if (epochs < 1 || !(patchStep > 0f))
                {
                    throw new UserInputException($"--steps and --step-size must be positive (got {epochs}, {patchStep}).");
                }

                return RunPatch(ui, outputs, parse, model, new PatchArguments(
                    parse.GetValue(data)!, parse.GetValue(labels), parse.GetValue(limit), parse.GetValue(patchSize), parse.GetValue(patchTarget),
                    epochs, patchStep, batchSize, parse.GetValue(seed), parse.GetValue(targeted), normText,
                    parse.GetValue(json), parse.GetValue(saveExamples), parse.GetValue(examples)));
            }

            if (!descriptor.IsEvasion)
            {
                throw new UserInputException($"--attack {descriptor.Name} is a {AttackDescriptor.KindName(descriptor.Kind)} attack without a runner in the CLI.");
            }

            var settings = new AttackSettings
            {
                Norm = normText switch { null => null, "l2" => Norm.L2, _ => Norm.Linf },
                Epsilon = epsilon,
                Steps = parse.GetValue(steps),
                StepSize = parse.GetValue(stepSize),
                Restarts = parse.GetValue(restarts),
                RandomStart = parse.GetValue(randomStart),
                MaxQueries = parse.GetValue(maxQueries),
                // The noise baselines' trials keep the CLI's historical option, --steps.
                Trials = parse.GetValue(steps),
            };
            ResolvedAttackSettings resolved;
            EvasionAttack evasion;
            try
            {
                resolved = descriptor.Resolve(settings);
                evasion = descriptor.Create(settings);
            }
            catch (ArgumentException ex)
            {
                throw new UserInputException($"{OptionFor(ex.ParamName)}: {ex.Message}");
            }

            var evaluation = tabular.LoadEvaluation(parse, parse.GetValue(data)!, parse.GetValue(limit), parse.GetValue(labels));
            var set = evaluation.Set;
            NumericOption.CheckBatch(parse, "--batch", batchSize, set);
            var (loaded, classifier) = model.Load(parse, set);

            // Tabular attacks keep every record valid under --schema (every column free without one).
            if (evasion is Gauntlet.Attacks.Tabular.TabularAttack tabularAttack && evaluation.Schema is { } schema)
            {
                evasion = tabularAttack.WithSchema(schema);
            }

            if (evasion is Gauntlet.Attacks.Tabular.LowProFool && !classifier.HasGradients)
            {
                throw new UserInputException($"--attack lowprofool needs input gradients, and {loaded.Path} has none (a tree ensemble or SVM); use --attack tabular-boundary.");
            }

            var range = classifier.InputRange;
            var width = range.Max - range.Min;
            if (descriptor.IsNormBounded && evasion.Norm == Norm.Linf && epsilon > width)
            {
                throw new UserInputException($"--eps {epsilon} exceeds the width of the input domain [{range.Min}, {range.Max}]; every input would be reachable.");
            }

            var diameter = width * Math.Sqrt(classifier.SampleShape.Size);
            if (descriptor.IsNormBounded && evasion.Norm == Norm.L2 && epsilon > diameter)
            {
                throw new UserInputException($"--eps {epsilon} exceeds the L2 diameter {diameter.ToString("G4", CultureInfo.InvariantCulture)} of the input domain [{range.Min}, {range.Max}]^{classifier.SampleShape.Size}; every input would be reachable.");
            }

            var examplesFolder = parse.GetValue(saveExamples);
            if (examplesFolder is not null)
            {
                RequireImages(set, "--save-examples");
            }

            var isTargeted = parse.GetValue(targeted);
            if (isTargeted && !descriptor.SupportsTargeted)
            {
                throw new UserInputException($"--attack {descriptor.Name} is untargeted only; drop --targeted.");
            }

            if (isTargeted && loaded.ClassCount < 2)
            {
                throw new UserInputException($"--targeted needs a model with at least 2 classes; {loaded.Path} has {loaded.ClassCount}.");
            }

            var results = new List<(AttackResult Result, int[] Labels)>();
            var clock = Stopwatch.StartNew();
            var batchIndex = 0;
            ui.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).Start(ctx =>
            {
                var task = ctx.AddTask($"{evasion.Name} on {set.Count} images", maxValue: set.Count);
                foreach (var (x, y) in set.Batches(batchSize))
                {
                    var goal = isTargeted ? AttackGoal.Targeted(y, [.. y.Select(l => (l + 1) % loaded.ClassCount)]) : AttackGoal.Untargeted(y);
                    results.Add((evasion.Run(classifier, x, goal, parse.GetValue(seed) + batchIndex++), y));
                    task.Increment(y.Length);
                }
            });

            var summary = Summarise(results, set.Count, clock.Elapsed.TotalSeconds);
            var table = new Table().AddColumns("metric", "value").HideHeaders();
            table.AddRow("attack", $"{evasion.Name} ({evasion.Norm}, ε {epsilon.ToString(CultureInfo.InvariantCulture)})");
            table.AddRow("model", Markup.Escape($"{loaded.Path} ({loaded.Architecture})"));
            table.AddRow("images", set.Count.ToString(CultureInfo.InvariantCulture));
            table.AddRow("clean accuracy", summary.CleanAccuracy.ToString("P2", CultureInfo.InvariantCulture));
            table.AddRow("robust accuracy", summary.RobustAccuracy.ToString("P2", CultureInfo.InvariantCulture));
            table.AddRow("attack success rate", summary.SuccessRate.ToString("P2", CultureInfo.InvariantCulture) + " of initially correct");
            table.AddRow("mean confidence drop", summary.ConfidenceDrop.ToString("F4", CultureInfo.InvariantCulture));
            table.AddRow("median L2 / L∞ (successful)", $"{summary.MedianL2.ToString("G4", CultureInfo.InvariantCulture)} / {summary.MedianLinf.ToString("G4", CultureInfo.InvariantCulture)}");
            table.AddRow("queries", summary.Queries.ToString(CultureInfo.InvariantCulture));
            table.AddRow("queries per sample (mean / max)", $"{summary.MeanSampleQueries.ToString("F1", CultureInfo.InvariantCulture)} / {summary.MaxSampleQueries.ToString(CultureInfo.InvariantCulture)}");
            table.AddRow("seconds", summary.Seconds.ToString("F1", CultureInfo.InvariantCulture));
            ui.Write(table);
            if (examplesFolder is not null)
            {
                SaveExamples(outputs, examplesFolder, parse.GetValue(examples), evasion.Name, results, set.Images, range);
            }

            if (parse.GetValue(json) is { } path)
            {
                outputs.WriteJson("--json", new
                {
                    schema_version = 1,
                    tool_version = CliApp.Version,
                    model = loaded.Path,
                    data = set.Source,
                    attack = evasion.Name,
                    @params = new
                    {
                        norm = AttackDescriptor.NormName(evasion.Norm),
                        epsilon,
                        steps = descriptor.Uses(AttackSetting.Steps) ? resolved.Steps : descriptor.Uses(AttackSetting.Trials) ? resolved.Trials : (int?)null,
                        step_size = descriptor.Uses(AttackSetting.StepSize) ? resolved.StepSize : (float?)null,
                        restarts = descriptor.Uses(AttackSetting.Restarts) ? resolved.Restarts : (int?)null,
                        random_start = descriptor.Uses(AttackSetting.RandomStart) ? resolved.RandomStart : (bool?)null,
                        max_queries = descriptor.Uses(AttackSetting.MaxQueries) ? resolved.MaxQueries : (int?)null,
                        targeted = isTargeted,
                        batch = batchSize,
                    },
                    seed = parse.GetValue(seed),
                    n = set.Count,
                    clean_accuracy = summary.CleanAccuracy,
                    robust_accuracy = summary.RobustAccuracy,
                    attack_success_rate = summary.SuccessRate,
                    mean_confidence_drop = summary.ConfidenceDrop,
                    perturbation = new { l0 = summary.MedianL0, l2 = summary.MedianL2, linf = summary.MedianLinf },
                    queries = summary.Queries,
                    queries_per_sample = new { mean = summary.MeanSampleQueries, median = summary.MedianSampleQueries, max = summary.MaxSampleQueries },
                    seconds = summary.Seconds,
                    samples = PerSample(results),
                });
            }

            Commit(ui, outputs, examplesFolder, parse.GetValue(json));
            return CliApp.ExitOk;
        });
        return command;
    }

    // The table of gauntlet attack --list, from the registry.
    private static Table ListTable()
    {
        var table = new Table().AddColumns("attack", "kind", "norms", "targeted", "options: default (range)", "what it does");
        foreach (var d in AttackRegistry.All)
        {
            var name = d.Aliases.Count == 0 ? d.Name : $"{d.Name} ({string.Join(", ", d.Aliases)})";
            var norms = d.Norms.Count == 0 ? "-" : string.Join(", ", d.Norms.Select(AttackDescriptor.NormName));
            var options = d.Parameters.Count == 0
                ? "(fixed)"
                : string.Join("\n", d.Parameters.Select(p => $"{OptionFor(p.Name)} {p.DefaultText} ({p.RangeText}): {p.Description}"));
            var what = d.Citation.Length == 0 ? d.Description : $"{d.Description} {d.Citation}.";
            table.AddRow(Markup.Escape(name), AttackDescriptor.KindName(d.Kind), norms, d.SupportsTargeted ? "yes" : "no", Markup.Escape(options), Markup.Escape(what));
        }

        return table;
    }

    // The CLI option that sets a registry parameter (see AttackParameter.NameOf).
    private static string OptionFor(string? parameter) => parameter switch
    {
        "norm" => "--norm",
        "epsilon" => "--eps",
        "steps" or "trials" => "--steps",
        "step_size" => "--step-size",
        "restarts" => "--restarts",
        "random_start" => "--random-start",
        "max_queries" => "--max-queries",
        "target_classes" => "(target_classes, fixed)",
        _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter, "a registry parameter without a CLI option"),
    };

    private sealed record PatchArguments(
        string Data, string? Labels, int? Limit, float Size, int? Target, int Epochs, float StepSize, int Batch, int Seed, bool Targeted, string? Norm,
        string? Json, string? Examples, int ExampleCount);

    // The patch is trained on the first half of the images and scored on the second, with fresh placements.
    private static int RunPatch(IAnsiConsole console, CommandOutputs outputs, ParseResult parse, ModelArguments model, PatchArguments a)
    {
        if (a.Targeted)
        {
            throw new UserInputException("--attack patch: use --patch-target K for a targeted patch, not --targeted.");
        }

        if (a.Norm is not null)
        {
            throw new UserInputException("--attack patch is not norm-bounded (its budget is --patch-size); drop --norm.");
        }

        if (!(a.Size > 0f && a.Size <= 1f))
        {
            throw new UserInputException($"--patch-size {a.Size} is the patch's share of the image area; expected a value in (0, 1].");
        }

        var set = DataArguments.LoadEvaluation(a.Data, a.Limit, a.Labels);
        RequireImages(set, "--attack patch");
        NumericOption.CheckBatch(parse, "--batch", a.Batch, set);
        if (set.Count < 2)
        {
            throw new UserInputException($"--attack patch needs at least 2 images (half to train the patch, half to score it); {set.Source} gives {set.Count}.");
        }

        var (loaded, classifier) = model.Load(parse, set);
        if (a.Target is { } t && (t < 0 || t >= loaded.ClassCount))
        {
            throw new UserInputException($"--patch-target {t} is outside the model's {loaded.ClassCount} classes (0..{loaded.ClassCount - 1}).");
        }

        var (h, w) = (set.Images.Dim(2), set.Images.Dim(3));
        var side = Math.Clamp((int)Math.Round(Math.Sqrt(a.Size * h * w)), 1, Math.Min(h, w));
        var options = new PatchOptions(Size: side, MinScale: 0.9f, MaxScale: 1.1f, Epochs: a.Epochs, BatchSize: a.Batch, StepSize: a.StepSize, TargetClass: a.Target);
        var trainCount = (set.Count + 1) / 2;
        var train = set.Take(trainCount);
        var heldOut = set.Select([.. Enumerable.Range(trainCount, set.Count - trainCount)]);
        var clock = Stopwatch.StartNew();
        var startQueries = classifier.QueryCount;
        Tensor patch = null!;
        console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).Start(ctx =>
        {
            var task = ctx.AddTask($"patch {side}×{side} on {train.Count} images", maxValue: a.Epochs);
            patch = AdversarialPatch.Train(classifier, train.Images, train.Labels, options, a.Seed, new SynchronousProgress<int>(e => task.Value = e));
        });

        var evaluationSeed = a.Seed + 1;
        var evaluation = AdversarialPatch.Evaluate(classifier, patch, heldOut.Images, heldOut.Labels, options, evaluationSeed);
        var patched = AdversarialPatch.Apply(heldOut.Images, patch, options, evaluationSeed);
        Tensor cleanLogits, patchedLogits;
        using (Gauntlet.Tensors.Autograd.GradMode.NoGrad())
        {
            cleanLogits = classifier.Predict(heldOut.Images);
            patchedLogits = classifier.Predict(patched);
        }

        var cleanPred = Ops.ArgMax(cleanLogits, 1);
        var patchedPred = Ops.ArgMax(patchedLogits, 1);
        var cleanAccuracy = cleanPred.Where((p, i) => p == heldOut.Labels[i]).Count() / (double)heldOut.Count;
        var patchedAccuracy = patchedPred.Where((p, i) => p == heldOut.Labels[i]).Count() / (double)heldOut.Count;
        var queries = classifier.QueryCount - startQueries;
        var seconds = clock.Elapsed.TotalSeconds;
        var table = new Table().AddColumns("metric", "value").HideHeaders();
        table.AddRow("attack", Markup.Escape($"patch {side}×{side} ({(side * side / (double)(h * w)).ToString("P1", CultureInfo.InvariantCulture)} of the image), {(a.Target is { } target ? $"targeted at class {target}" : "untargeted")}"));
        table.AddRow("model", Markup.Escape($"{loaded.Path} ({loaded.Architecture})"));
        table.AddRow("images", $"{train.Count} to train, {heldOut.Count} held out");
        table.AddRow("held-out clean accuracy", cleanAccuracy.ToString("P2", CultureInfo.InvariantCulture));
        table.AddRow("held-out accuracy with the patch", patchedAccuracy.ToString("P2", CultureInfo.InvariantCulture));
        table.AddRow("patch success rate", $"{evaluation.SuccessRate.ToString("P2", CultureInfo.InvariantCulture)} of {evaluation.Eligible} {(a.Target is null ? "initially correct" : "not already of the target class")}");
        table.AddRow("queries", queries.ToString(CultureInfo.InvariantCulture));
        table.AddRow("seconds", seconds.ToString("F1", CultureInfo.InvariantCulture));
        console.Write(table);
        if (a.Examples is { } folder)
        {
            var range = classifier.InputRange;
            var patchShown = Ops.Map(patch, v => (v - range.Min) / (range.Max - range.Min));
            WritePng(outputs, Path.Combine(folder, PatchFile), patchShown);
            var per = heldOut.Images.Size / heldOut.Count;
            var sampleShape = heldOut.Images.Shape.Dims[1..].ToArray();
            var cleanProbabilities = Ops.Softmax(cleanLogits, 1);
            var patchedProbabilities = Ops.Softmax(patchedLogits, 1);
            var entries = new List<object>();
            for (var i = 0; i < Math.Min(a.ExampleCount, heldOut.Count); i++)
            {
                var original = Tensor.FromArray(heldOut.Images.ReadOnlySpan.Slice(i * per, per).ToArray(), sampleShape);
                var withPatch = Tensor.FromArray(patched.ReadOnlySpan.Slice(i * per, per).ToArray(), sampleShape);
                var entry = WriteTriple(outputs, folder, (trainCount + i).ToString("D4", CultureInfo.InvariantCulture), original, withPatch, range);
                entries.Add(new
                {
                    index = trainCount + i,
                    label = heldOut.Labels[i],
                    clean_prediction = cleanPred[i],
                    clean_confidence = cleanProbabilities[i, cleanPred[i]],
                    adversarial_prediction = patchedPred[i],
                    adversarial_confidence = patchedProbabilities[i, patchedPred[i]],
                    clean = entry.Clean,
                    adversarial = entry.Adversarial,
                    perturbation = entry.Perturbation,
                    perturbation_scale = entry.Scale,
                });
            }

            outputs.WriteJsonFile(Path.Combine(folder, IndexFile), new { schema_version = 1, attack = "patch", patch = PatchFile, examples = entries });
        }

        if (a.Json is not null)
        {
            outputs.WriteJson("--json", new
            {
                schema_version = 1,
                tool_version = CliApp.Version,
                model = loaded.Path,
                data = set.Source,
                attack = "patch",
                @params = new
                {
                    patch_size = a.Size,
                    side,
                    min_scale = options.MinScale,
                    max_scale = options.MaxScale,
                    epochs = a.Epochs,
                    step_size = a.StepSize,
                    target = a.Target,
                    batch = a.Batch,
                },
                seed = a.Seed,
                n = set.Count,
                train_images = train.Count,
                held_out = heldOut.Count,
                clean_accuracy = cleanAccuracy,
                robust_accuracy = patchedAccuracy,
                attack_success_rate = evaluation.SuccessRate,
                eligible = evaluation.Eligible,
                queries,
                seconds,
            });
        }

        Commit(console, outputs, a.Examples, a.Json);
        return CliApp.ExitOk;
    }

    private static (double CleanAccuracy, double RobustAccuracy, double SuccessRate, double ConfidenceDrop, double MedianL0, double MedianL2, double MedianLinf, long Queries, double MeanSampleQueries, long MedianSampleQueries, long MaxSampleQueries, double Seconds) Summarise(
        List<(AttackResult Result, int[] Labels)> results, int total, double seconds)
    {
        var clean = 0;
        var robust = 0;
        var broken = 0;
        double drop = 0;
        var l0 = new List<float>();
        var l2 = new List<float>();
        var linf = new List<float>();
        long queries = 0;
        var perSample = new List<long>();
        foreach (var (r, y) in results)
        {
            queries += r.Queries;
            perSample.AddRange(r.SampleQueries);
            for (var i = 0; i < y.Length; i++)
            {
                var correct = r.OriginalPrediction[i] == y[i];
                clean += correct ? 1 : 0;
                robust += r.AdversarialPrediction[i] == y[i] ? 1 : 0;
                drop += r.OriginalConfidence[i] - (r.AdversarialPrediction[i] == r.OriginalPrediction[i] ? r.AdversarialConfidence[i] : 0f);
                if (correct && r.Success[i])
                {
                    broken++;
                    l0.Add(r.L0[i]);
                    l2.Add(r.L2[i]);
                    linf.Add(r.Linf[i]);
                }
            }
        }

        static double Median(List<float> v) => v.Count == 0 ? 0 : v.Order().ElementAt(v.Count / 2);
        perSample.Sort();
        return (clean / (double)total, robust / (double)total, clean == 0 ? 0 : broken / (double)clean, drop / total, Median(l0), Median(l2), Median(linf), queries,
            perSample.Count == 0 ? 0 : perSample.Average(), perSample.Count == 0 ? 0 : perSample[perSample.Count / 2], perSample.Count == 0 ? 0 : perSample[^1], seconds);
    }

    private static IEnumerable<object> PerSample(List<(AttackResult Result, int[] Labels)> results)
    {
        var index = 0;
        foreach (var (r, y) in results)
        {
            for (var i = 0; i < y.Length; i++, index++)
            {
                yield return new
                {
                    index,
                    label = y[i],
                    clean_prediction = r.OriginalPrediction[i],
                    adversarial_prediction = r.AdversarialPrediction[i],
                    success = r.Success[i],
                    queries = r.SampleQueries[i],
                    l2 = r.L2[i],
                    linf = r.Linf[i],
                };
            }
        }
    }

    private static void RequireImages(LabeledImages set, string option)
    {
        var dims = set.Images.Shape.Dims[1..].ToArray();
        if (dims.Length != 3 || dims[0] is not (1 or 3))
        {
            throw new UserInputException($"{option} needs gray or RGB images [C, H, W] with C = 1 or 3; {set.Source} has samples [{string.Join(", ", dims)}].");
        }
    }

    // Writes NNNN_clean.png, NNNN_adversarial.png and NNNN_perturbation.png (0.5 + δ scaled so the
    // largest |δ| reaches 0 or 1) for the first images, then index.json describing them.
    private static void SaveExamples(CommandOutputs outputs, string folder, int count, string attackName, List<(AttackResult Result, int[] Labels)> results, Tensor images, InputRange range)
    {
        var entries = new List<object>();
        var index = 0;
        foreach (var (r, y) in results)
        {
            var per = r.Adversarial.Size / y.Length;
            for (var i = 0; i < y.Length && index < count; i++, index++)
            {
                var sampleShape = r.Adversarial.Shape.Dims[1..].ToArray();
                var adversarial = Tensor.FromArray(r.Adversarial.ReadOnlySpan.Slice(i * per, per).ToArray(), sampleShape);
                var original = Tensor.FromArray(images.ReadOnlySpan.Slice(index * per, per).ToArray(), sampleShape);
                var entry = WriteTriple(outputs, folder, index.ToString("D4", CultureInfo.InvariantCulture), original, adversarial, range);
                entries.Add(new
                {
                    index,
                    label = y[i],
                    clean_prediction = r.OriginalPrediction[i],
                    clean_confidence = r.OriginalConfidence[i],
                    adversarial_prediction = r.AdversarialPrediction[i],
                    adversarial_confidence = r.AdversarialConfidence[i],
                    success = r.Success[i],
                    queries = r.SampleQueries[i],
                    l0 = r.L0[i],
                    l2 = r.L2[i],
                    linf = r.Linf[i],
                    clean = entry.Clean,
                    adversarial = entry.Adversarial,
                    perturbation = entry.Perturbation,
                    perturbation_scale = entry.Scale,
                });
            }
        }

        outputs.WriteJsonFile(Path.Combine(folder, IndexFile), new { schema_version = 1, attack = attackName, examples = entries });
    }

    // Images are shown over the input domain: min → black, max → white.
    private static (string Clean, string Adversarial, string Perturbation, float Scale) WriteTriple(CommandOutputs outputs, string folder, string stem, Tensor clean, Tensor adversarial, InputRange range)
    {
        var view = PerturbationView.Of(clean, adversarial, range);
        var names = ($"{stem}_clean.png", $"{stem}_adversarial.png", $"{stem}_perturbation.png");
        WritePng(outputs, Path.Combine(folder, names.Item1), view.Clean);
        WritePng(outputs, Path.Combine(folder, names.Item2), view.Adversarial);
        WritePng(outputs, Path.Combine(folder, names.Item3), view.Perturbation);
        return (names.Item1, names.Item2, names.Item3, view.Scale);
    }

    private const string IndexFile = "index.json";
    private const string PatchFile = "patch.png";

    // What --save-examples may write: index.json, patch.png and NNNN_{clean,adversarial,perturbation}.png.
    private static bool IsExampleFile(string name) =>
        name is IndexFile or PatchFile || System.Text.RegularExpressions.Regex.IsMatch(name, @"^[0-9]{4,}_(clean|adversarial|perturbation)\.png$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static void WritePng(CommandOutputs outputs, string path, Tensor image)
    {
        var bytes = PngWriter.Encode(image);
        outputs.Write(path, stream => stream.Write(bytes));
    }

    // Every file of the run (PNGs, index.json, --json) appears together, or none does.
    private static void Commit(IAnsiConsole console, CommandOutputs outputs, string? examples, string? json)
    {
        outputs.Commit();
        if (examples is not null)
        {
            console.MarkupLine($"wrote examples to [green]{Markup.Escape(examples)}[/]");
        }

        if (json is not null && !outputs.UsesStandardOutput)
        {
            console.MarkupLine($"wrote [green]{Markup.Escape(json)}[/]");
        }
    }
}
