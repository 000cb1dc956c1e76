using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Gauntlet.Attacks;
using Gauntlet.Attacks.Evasion;
using Gauntlet.Tensors;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet attack</c>: runs one evasion attack over a data set and reports robustness.</summary>
internal static class AttackCommand
{
    public static readonly string[] AttackNames = ["fgsm", "bim", "pgd", "mi-fgsm", "deepfool", "cw", "apgd-ce", "apgd-dlr", "apgd-t", "autoattack", "square", "hopskipjump", "gaussian-noise", "uniform-noise", "salt-and-pepper", "spatial"];

    public static Command Create(IAnsiConsole console)
    {
        var model = new ModelArguments();
        var attack = new Option<string>("--attack") { Description = $"Attack: {string.Join(", ", AttackNames)}.", DefaultValueFactory = _ => "pgd" };
        attack.AcceptOnlyFromAmong(AttackNames);
        var norm = new Option<string>("--norm") { Description = "linf or l2 (cw is always l2).", DefaultValueFactory = _ => "linf" };
        norm.AcceptOnlyFromAmong("linf", "l2");
        var eps = new Option<float>("--eps") { Description = "Perturbation budget ε in the input domain (ignored by the minimum-norm attacks deepfool and cw).", DefaultValueFactory = _ => 0.1f };
        var steps = new Option<int>("--steps") { Description = "Iterations for iterative attacks.", DefaultValueFactory = _ => 20 };
        var stepSize = new Option<float?>("--step-size") { Description = "Step size α (default ε/4)." };
        var restarts = new Option<int>("--restarts") { Description = "Random restarts (pgd, apgd).", DefaultValueFactory = _ => 1 };
        var data = new Option<string>("--data") { Description = DataArguments.Description + " The test split is used.", DefaultValueFactory = _ => "fashion-mnist" };
        var labels = new Option<string?>("--labels") { Description = DataArguments.LabelsDescription };
        var limit = new Option<int?>("--limit") { Description = "Attack only the first N images.", DefaultValueFactory = _ => 500 };
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = "Seed for random starts.", DefaultValueFactory = _ => 0 };
        var json = new Option<string?>("--json") { Description = "Also write the aggregate results as JSON." };
        var maxQueries = new Option<int>("--max-queries") { Description = "Query budget per sample for black-box attacks (square, hopskipjump); trials for the noise baselines are --steps.", DefaultValueFactory = _ => 1000 };
        var targeted = new Option<bool>("--targeted") { Description = "Targeted attack towards class (label + 1) mod K, a fixed, reproducible choice of wrong class." };
        var list = new Option<bool>("--list") { Description = "Describe every attack and its parameters, then exit." };
        var command = new Command("attack", "Run an evasion attack on a model over a data set and report clean and robust accuracy.")
        {
            attack, norm, eps, steps, stepSize, restarts, data, labels, limit, batch, seed, json, targeted, list, maxQueries,
        };
        model.AddTo(command);
        command.SetAction(parse =>
        {
            if (parse.GetValue(list))
            {
                var catalogue = new Table().AddColumns("attack", "norms", "targeted", "parameters", "what it does");
                foreach (var (name, norms, tgt, parameters, what) in Catalogue)
                {
                    catalogue.AddRow(name, norms, tgt, Markup.Escape(parameters), Markup.Escape(what));
                }

                console.Write(catalogue);
                return CliApp.ExitOk;
            }

            var epsilon = parse.GetValue(eps);
            var iterations = parse.GetValue(steps);
            var batchSize = parse.GetValue(batch);
            if (!(epsilon > 0f) || iterations < 1 || batchSize < 1 || parse.GetValue(restarts) < 1)
            {
                throw new UserInputException($"--eps, --steps, --batch and --restarts must be positive (got {epsilon}, {iterations}, {batchSize}, {parse.GetValue(restarts)}).");
            }

            var chosenNorm = parse.GetValue(norm) == "l2" ? Norm.L2 : Norm.Linf;
            var alpha = parse.GetValue(stepSize) ?? epsilon / 4f;
            if (parse.GetValue(maxQueries) < 3)
            {
                throw new UserInputException($"--max-queries must be at least 3 (two are spent on the clean and final predictions); got {parse.GetValue(maxQueries)}.");
            }

            var evasion = Build(parse.GetValue(attack)!, chosenNorm, epsilon, alpha, iterations, parse.GetValue(restarts), parse.GetValue(maxQueries));
            var set = DataArguments.LoadEvaluation(parse.GetValue(data)!, parse.GetValue(limit), parse.GetValue(labels));
            var (loaded, classifier) = model.Load(parse, set);
            var range = classifier.InputRange;
            if (evasion.Norm == Norm.Linf && epsilon > range.Max - range.Min)
            {
                throw new UserInputException($"--eps {epsilon} exceeds the width of the input domain [{range.Min}, {range.Max}]; every input would be reachable.");
            }

            var isTargeted = parse.GetValue(targeted);
            if (isTargeted && !evasion.SupportsTargeted)
            {
                throw new UserInputException($"--attack {evasion.Name} is untargeted only; drop --targeted.");
            }

            var results = new List<(AttackResult Result, int[] Labels)>();
            var clock = Stopwatch.StartNew();
            var batchIndex = 0;
            console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).Start(ctx =>
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
            table.AddRow("seconds", summary.Seconds.ToString("F1", CultureInfo.InvariantCulture));
            console.Write(table);
            if (parse.GetValue(json) is { } path)
            {
                JsonFile.Write(path, new
                {
                    schema_version = 1,
                    tool_version = CliApp.Version,
                    model = loaded.Path,
                    data = set.Source,
                    attack = evasion.Name,
                    @params = new
                    {
                        norm = evasion.Norm.ToString().ToLowerInvariant(),
                        epsilon,
                        steps = iterations,
                        step_size = alpha,
                        restarts = parse.GetValue(restarts),
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
                    seconds = summary.Seconds,
                });
                console.MarkupLine($"wrote [green]{Markup.Escape(path)}[/]");
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    private static EvasionAttack Build(string name, Norm norm, float eps, float alpha, int steps, int restarts, int queries) => name switch
    {
        "fgsm" => new Fgsm(eps, norm),
        "bim" => norm == Norm.Linf ? new Bim(eps, alpha, steps) : new Pgd(eps, alpha, steps, Norm.L2, randomStart: false),
        "pgd" => new Pgd(eps, alpha, steps, norm, randomStart: true, restarts),
        "mi-fgsm" => norm == Norm.Linf ? new MiFgsm(eps, alpha, steps) : throw new UserInputException("--attack mi-fgsm supports --norm linf only."),
        "deepfool" => new DeepFool(norm, Math.Max(steps, 50)),
        "cw" => new CarliniWagnerL2(steps: Math.Max(steps, 100)),
        "apgd-ce" => new Apgd(eps, norm, steps, ApgdLoss.CrossEntropy, restarts),
        "apgd-dlr" => new Apgd(eps, norm, steps, ApgdLoss.Dlr, restarts),
        "apgd-t" => new Apgd(eps, norm, steps, ApgdLoss.DlrTargeted, restarts),
        "autoattack" => AttackSequence.AutoAttack(eps, norm, steps),
        "square" => new Gauntlet.Attacks.BlackBox.SquareAttack(eps, queries, norm),
        "hopskipjump" => new Gauntlet.Attacks.BlackBox.HopSkipJump(queries, eps, norm),
        "gaussian-noise" => Gauntlet.Attacks.BlackBox.RandomNoise.Gaussian(eps, norm, steps),
        "uniform-noise" => Gauntlet.Attacks.BlackBox.RandomNoise.Uniform(eps, norm, steps),
        "salt-and-pepper" => Gauntlet.Attacks.BlackBox.RandomNoise.SaltAndPepper(eps, steps),
        _ => new Gauntlet.Attacks.BlackBox.SpatialTransform([-30f, -20f, -10f, 0f, 10f, 20f, 30f], [-3f, 0f, 3f]),
    };

    private static readonly (string Name, string Norms, string Targeted, string Parameters, string What)[] Catalogue =
    [
        ("fgsm", "linf, l2", "yes", "--eps", "One gradient step of size ε (sign for L∞, unit direction for L2); Goodfellow et al. 2015."),
        ("bim", "linf, l2", "yes", "--eps --steps --step-size", "Iterated gradient steps from the clean input, projected onto the ε-ball; Kurakin et al. 2017."),
        ("pgd", "linf, l2", "yes", "--eps --steps --step-size --restarts --seed", "BIM from a random start in the ε-ball, with restarts; Madry et al. 2018."),
        ("mi-fgsm", "linf", "yes", "--eps --steps --step-size", "Iterated sign steps on a momentum of normalised gradients; Dong et al. 2018."),
        ("deepfool", "linf, l2", "no", "--steps (≥ 50)", "Minimum-norm: steps to the nearest linearised decision boundary; Moosavi-Dezfooli et al. 2016."),
        ("cw", "l2", "yes", "--steps (≥ 100)", "Carlini & Wagner L2: tanh-space Adam with a binary search over the trade-off constant."),
        ("apgd-ce", "linf, l2", "yes", "--eps --steps --restarts --seed", "Auto-PGD on cross-entropy with Croce & Hein's step-size schedule."),
        ("apgd-dlr", "linf, l2", "yes", "--eps --steps --restarts --seed", "Auto-PGD on the scale-invariant DLR loss."),
        ("apgd-t", "linf, l2", "yes", "--eps --steps --restarts --seed", "Auto-PGD on targeted DLR against the 9 top-scoring wrong classes."),
        ("autoattack", "linf, l2", "yes", "--eps --steps --seed", "APGD-CE then APGD-T, each on points still robust (AutoAttack's white-box part)."),
        ("square", "linf, l2", "yes", "--eps --max-queries --seed", "Score-based random search over squares; no gradients; Andriushchenko et al. 2020."),
        ("hopskipjump", "l2, linf", "yes", "--eps --max-queries --seed", "Decision-based (labels only), minimum-norm; success counted within --eps; Chen et al. 2020."),
        ("gaussian-noise", "linf, l2", "yes", "--eps --steps (trials)", "Gaussian noise scaled to the budget; a baseline gradient attacks must beat."),
        ("uniform-noise", "linf, l2", "yes", "--eps --steps (trials)", "Uniform noise scaled to the budget."),
        ("salt-and-pepper", "l0", "yes", "--eps (fraction of pixels) --steps (trials)", "Pixels set to the domain's min or max."),
        ("spatial", "-", "yes", "(fixed grid)", "Rotations ±30° in 10° steps × translations of -3, 0, 3 pixels; first that fools the model."),
    ];

    private static (double CleanAccuracy, double RobustAccuracy, double SuccessRate, double ConfidenceDrop, double MedianL0, double MedianL2, double MedianLinf, long Queries, double Seconds) Summarise(
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
        foreach (var (r, y) in results)
        {
            queries += r.Queries;
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
        return (clean / (double)total, robust / (double)total, clean == 0 ? 0 : broken / (double)clean, drop / total, Median(l0), Median(l2), Median(linf), queries, seconds);
    }
}
