using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gauntlet.Attacks;
using Gauntlet.Attacks.Registry;
using Gauntlet.Data;
using Gauntlet.Explain;
using Gauntlet.Fairness;
using Gauntlet.Fairness.Reporting;
using Gauntlet.Models;
using Gauntlet.Privacy.Membership;
using Gauntlet.Reporting;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Cli.Demos;

/// <summary>
/// generate → CSV + schema.yaml → train (Trainer) → ONNX (OnnxExporter) → robustness (PGD),
/// privacy (loss-threshold membership inference), fairness (before/after reweighing, per-group
/// thresholds), explanations (KernelSHAP, permutation importance) → report.
/// </summary>
internal static class DemoPipeline
{
    public static readonly string[] Files = ["train.csv", "test.csv", "schema.yaml", "model.onnx", "report.json", "report.html", "report.md"];

    public static (double DpdBefore, double DpdAfter, double Accuracy) Run(DemoScenario s, int seed, string folder, CommandOutputs outputs, IProgress<string> progress)
    {
        var clock = Stopwatch.StartNew();
        var rng = new Random(seed);
        var raw = Enumerable.Range(0, DemoScenario.Rows).Select(_ => s.Draw(rng)).ToArray();
        var f = s.Features.Count;
        var rows = raw.Select(r => r.Raw.Select((v, j) => (float)((v - s.Features[j].Min) / (s.Features[j].Max - s.Features[j].Min))).ToArray()).ToArray();
        var nTrain = DemoScenario.Rows * 7 / 10;
        var (trainRows, testRows) = (rows[..nTrain], rows[nTrain..]);
        var (trainLabels, testLabels) = (raw[..nTrain].Select(r => r.Label).ToArray(), raw[nTrain..].Select(r => r.Label).ToArray());
        var (trainGroups, testGroups) = (raw[..nTrain].Select(r => r.Group).ToArray(), raw[nTrain..].Select(r => r.Group).ToArray());
        var names = s.Features.Select(x => x.Name).ToArray();
        outputs.Stage(t => t.WriteAllText(Path.Combine(folder, "train.csv"), Csv(names, s.ProtectedAttribute, trainRows, trainGroups, trainLabels)));
        outputs.Stage(t => t.WriteAllText(Path.Combine(folder, "test.csv"), Csv(names, s.ProtectedAttribute, testRows, testGroups, testLabels)));
        outputs.Stage(t => t.WriteAllText(Path.Combine(folder, "schema.yaml"), Schema(s, seed)));

        progress.Report("training");
        var train = Images(trainRows, trainLabels, "train.csv");
        var test = Images(testRows, testLabels, "test.csv");
        var options = new TrainingOptions(Epochs: 30, BatchSize: 64, LearningRate: 0.02f, Seed: seed);
        var model = Build(s, f, seed);
        var log = Trainer.Fit(model, train, null, options);
        var modelBytes = Gauntlet.Onnx.OnnxWriter.ToBytes(Gauntlet.Onnx.OnnxExporter.Export(model, [f]));
        outputs.Write(Path.Combine(folder, "model.onnx"), st => st.Write(modelBytes));
        var classifier = new ModuleClassifier(model, new Shape(1, 1, f), 2, InputRange.Unit);
        var (pred, scores) = Predict(classifier, test.Images);

        progress.Report("fairness");
        var fopts = new FairnessOptions(s.ProtectedAttribute);
        var (weights, cells) = Reweighing.Compute(trainLabels, trainGroups);
        var reweighed = Build(s, f, seed);
        Trainer.Fit(reweighed, train, null, options with { SampleWeights = weights });
        var reClassifier = new ModuleClassifier(reweighed, new Shape(1, 1, f), 2, InputRange.Unit);
        var (rePred, reScores) = Predict(reClassifier, test.Images);
        var after = FairnessMetrics.Compute(rePred, testLabels, testGroups, fopts, reScores);
        var thresholds = GroupThresholds.Fit(scores, testLabels, testGroups, ThresholdCriterion.SelectionRate, fopts);

        progress.Report("robustness");
        const float eps = 0.05f;
        var attack = AttackRegistry.Create("pgd", new AttackSettings { Norm = Norm.Linf, Epsilon = eps, Steps = 20 });
        var attackResult = attack.Run(classifier, test.Images, AttackGoal.Untargeted(testLabels), seed);
        var fairness = FairnessAnalysis.Run(pred, testLabels, testGroups, fopts, scores, attackResult.Success, attackResult.Attack);

        progress.Report("privacy");
        var membership = ThresholdAttacks.Loss(classifier, new MembershipData(train.Take(test.Count), test));

        progress.Report("explanations");
        var (explainSections, explainBody) = Commands.ExplainCommand.Explain(classifier, testRows, testLabels, names, s.ProtectedFeature, ["kernelshap", "permutation"], 5, 50, 5, seed);

        var accuracy = fairness.Metrics.Accuracy;
        var sections = new List<Section>
        {
            new()
            {
                Heading = "Data: synthetic, generated",
                Id = "data",
                Blocks =
                [
                    new Notice([Inline.Strong("Synthetic data. "), Inline.Text($"No real person is in it. {DemoScenario.Rows:N0} rows drawn with seed {seed} (70% train, 30% test); features scaled to [0, 1] by the bounds in schema.yaml. See docs/demos.md.")]),
                    new KeyValueTable
                    {
                        Caption = "Generating process",
                        CaptionVisible = true,
                        Rows = [.. s.Features.Select(x => new LabeledText(x.Name, x.Distribution)), new("label", s.LabelRule), new("injected bias", s.InjectedBias), new("protected attribute", s.ProtectedAttribute + (s.ProtectedFeature is null ? " (not a model feature)" : $" (model feature {s.ProtectedFeature})"))],
                    },
                ],
            },
            new()
            {
                Heading = "Model",
                Id = "model",
                Blocks =
                [
                    new KeyValueTable
                    {
                        Caption = "Training",
                        CaptionVisible = true,
                        Rows =
                        [
                            new("architecture", s.Mlp ? $"MLP {f}→16→2 (ReLU)" : $"logistic regression ({f}→2 linear, softmax)"),
                            new("training", $"Gauntlet Trainer, Adam, lr 0.02, 30 epochs, batch 64, seed {seed}; final train loss {log[^1].TrainLoss:0.0000}"),
                            new("test accuracy", accuracy.ToString("0.000", CultureInfo.InvariantCulture)),
                            new("exported", "model.onnx (OnnxExporter; input [batch, " + f.ToString(CultureInfo.InvariantCulture) + "])"),
                        ],
                    },
                ],
            },
            new()
            {
                Heading = "Robustness",
                Id = "robustness",
                Blocks =
                [
                    new Paragraph(Inline.Text($"PGD (L∞, ε = {eps} in scaled units, 20 steps) flips {attackResult.SuccessRate:P1} of the {test.Count} test decisions. The attack moves every feature, immutable ones included; schema-constrained tabular attacks (an age never drops) come with the tabular attack work (issue 23).")),
                ],
            },
            new()
            {
                Heading = "Privacy",
                Id = "privacy",
                Blocks =
                [
                    new Paragraph(Inline.Text($"Loss-threshold membership inference on {test.Count} training members against the {test.Count} test rows: AUC {membership.Auc:0.000}, TPR at 1% FPR {membership.TprAt1PctFpr:0.000} (0.5 AUC = no leakage).")),
                ],
            },
        };
        sections.AddRange(FairnessReport.Sections(fairness, after, thresholds));
        sections.AddRange(explainSections);
        if (s.Name == "benefits")
        {
            sections.Add(Oversight(s, classifier, testRows, pred, scores, names, seed, accuracy));
        }

        var findings = fairness.Findings.Select(x => new Dictionary<string, object?> { ["rule_id"] = x.RuleId, ["severity"] = x.Severity.ToString().ToLowerInvariant(), ["title"] = x.Title }).ToArray();
        var document = new ReportDocument
        {
            Title = $"Gauntlet demo: {s.Title}",
            Subtitle = [Inline.Text($"synthetic data, seed {seed}; model: {s.Purpose}; positive outcome {s.PositiveMeaning}")],
            Sections = sections,
        };
        var body = new Dictionary<string, object?>
        {
            ["schema_version"] = 1,
            ["tool_version"] = CliApp.Version,
            ["demo"] = s.Name,
            ["sector"] = s.Sector,
            ["synthetic"] = true,
            ["seed"] = seed,
            ["rows"] = DemoScenario.Rows,
            ["injected_bias"] = s.InjectedBias,
            ["model"] = new Dictionary<string, object?> { ["file"] = "model.onnx", ["architecture"] = s.Mlp ? "mlp" : "logistic-regression", ["test_accuracy"] = accuracy, ["final_train_loss"] = log[^1].TrainLoss },
            ["robustness"] = new Dictionary<string, object?> { ["attack"] = "pgd", ["norm"] = "linf", ["epsilon"] = eps, ["success_rate"] = attackResult.SuccessRate, ["per_group"] = fairness.Robustness!.Groups.ToDictionary(g => g.Group, g => Tabular.FairnessJson.N(g.SuccessRate)) },
            ["privacy"] = new Dictionary<string, object?> { ["attack"] = ThresholdAttacks.LossName, ["auc"] = membership.Auc, ["tpr_at_1pct_fpr"] = membership.TprAt1PctFpr },
            ["fairness"] = new Dictionary<string, object?>
            {
                ["before"] = Tabular.FairnessJson.Metrics(fairness.Metrics),
                ["after_reweighing"] = Tabular.FairnessJson.Metrics(after),
                ["reweighing_weights"] = Tabular.FairnessJson.Reweighing(cells),
                ["per_group_thresholds"] = Tabular.FairnessJson.Thresholds(thresholds),
                ["findings"] = findings,
            },
            ["explanations"] = explainBody,
            ["seconds"] = clock.Elapsed.TotalSeconds,
        };
        outputs.WriteJsonFile(Path.Combine(folder, "report.json"), body);
        outputs.Stage(t => t.WriteAllText(Path.Combine(folder, "report.html"), HtmlWriter.Render(document)));
        outputs.Stage(t => t.WriteAllText(Path.Combine(folder, "report.md"), MarkdownWriter.Render(document)));
        return (fairness.Metrics.DemographicParityDifference, after.DemographicParityDifference, accuracy);
    }

    private static Section Oversight(DemoScenario s, ModuleClassifier classifier, float[][] rows, int[] pred, double[] scores, string[] names, int seed, double accuracy)
    {
        var background = rows.Take(50).ToArray();
        var decisions = new List<IReadOnlyList<Gauntlet.Reporting.TableCell>>();
        for (var i = 0; i < 10; i++)
        {
            var shap = KernelShap.Explain(TabularModel.Probability(classifier, 1), rows[i], background, seed: seed + i);
            var reasons = Enumerable.Range(0, names.Length).OrderByDescending(j => Math.Abs(shap.Values[j])).Take(3)
                .Select(j => $"{names[j]} {(shap.Values[j] >= 0 ? "+" : "−")}{Math.Abs(shap.Values[j]):0.000}");
            decisions.Add([$"applicant {i + 1}", pred[i] == 1 ? "recommend grant" : "recommend refusal", scores[i].ToString("0.000", CultureInfo.InvariantCulture), string.Join("; ", reasons), "caseworker decides"]);
        }

        return new Section
        {
            Heading = "Transparency and human oversight",
            Id = "oversight",
            Blocks =
            [
                new KeyValueTable
                {
                    Caption = "Model card",
                    CaptionVisible = true,
                    Rows =
                    [
                        new("intended use", s.Purpose + "; a recommendation to a caseworker, never an automatic refusal"),
                        new("not for", "automatic decisions without review; applicants outside the population the data describe"),
                        new("training data", $"synthetic, {DemoScenario.Rows:N0} rows, seed {seed}; the generating process and the injected bias are in the Data section and docs/demos.md"),
                        new("model", "logistic regression (coefficients inspectable), exported as model.onnx"),
                        new("performance", $"test accuracy {accuracy:0.000}"),
                        new("fairness", "per-group metrics, reweighing before/after and per-group thresholds above"),
                        new("explanations", "every recommendation carries its top three KernelSHAP reasons (table below)"),
                        new("human oversight", "every refusal recommendation is reviewed by a caseworker who can override it; applicants are told the reasons and how to appeal"),
                        new("appeal and override rate", "PROCESS FIELD, not measured by Gauntlet: the agency records the share of recommendations appealed and overridden per month and per group, and publishes it with this card"),
                    ],
                },
                new DataTable
                {
                    Caption = "Explanation per decision (first ten test applicants; SHAP values on the probability of a grant)",
                    Columns = [new("applicant"), new("recommendation"), new("p(grant)", ColumnAlign.Right), new("top reasons"), new("decision")],
                    Rows = decisions,
                },
            ],
        };
    }

    private static Sequential Build(DemoScenario s, int f, int seed)
    {
        var rng = new Rng(seed);
        return s.Mlp ? new Sequential(new Flatten(), new Linear(f, 16, rng), new Relu(), new Linear(16, 2, rng)) : new Sequential(new Flatten(), new Linear(f, 2, rng));
    }

    private static LabeledImages Images(float[][] rows, int[] labels, string source) =>
        new(Tensor.FromArray([.. rows.SelectMany(r => r)], rows.Length, 1, 1, rows[0].Length), labels, 2, source);

    private static (int[] Predictions, double[] Scores) Predict(ModuleClassifier classifier, Tensor x)
    {
        var p = Ops.Softmax(classifier.Predict(x), 1).ReadOnlySpan;
        var n = x.Dim(0);
        var pred = new int[n];
        var scores = new double[n];
        for (var i = 0; i < n; i++)
        {
            scores[i] = Math.Clamp(p[(2 * i) + 1], 0, 1);
            pred[i] = p[(2 * i) + 1] > p[2 * i] ? 1 : 0;
        }

        return (pred, scores);
    }

    private static string Csv(string[] names, string protectedName, float[][] rows, string[] groups, int[] labels)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(',', names)).Append(',').Append(protectedName).Append(",label\n");
        for (var i = 0; i < rows.Length; i++)
        {
            sb.Append(string.Join(',', rows[i].Select(v => v.ToString("0.######", CultureInfo.InvariantCulture)))).Append(',').Append(groups[i]).Append(',').Append(labels[i].ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return sb.ToString();
    }

    private static string Schema(DemoScenario s, int seed)
    {
        var sb = new StringBuilder();
        sb.Append("# Synthetic data generated by `gauntlet demo ").Append(s.Name).Append("` (docs/demos.md). No real person is in it.\n");
        sb.Append("synthetic: true\nseed: ").Append(seed.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("label: {column: label, positive: 1, meaning: \"").Append(s.PositiveMeaning).Append("\"}\n");
        sb.Append("protected: [").Append(s.ProtectedAttribute).Append("]\n");
        sb.Append("injected_bias: \"").Append(s.InjectedBias.Replace("\"", "'", StringComparison.Ordinal)).Append("\"\nfeatures:\n");
        foreach (var x in s.Features)
        {
            sb.Append("  - name: ").Append(x.Name).Append("\n    type: numeric\n    bounds: [0, 1]\n    raw_bounds: [")
                .Append(x.Min.ToString(CultureInfo.InvariantCulture)).Append(", ").Append(x.Max.ToString(CultureInfo.InvariantCulture)).Append("]\n    immutable: ")
                .Append(x.Immutable ? "true" : "false").Append("\n    distribution: \"").Append(x.Distribution.Replace("\"", "'", StringComparison.Ordinal)).Append("\"\n");
        }

        sb.Append("  - name: ").Append(s.ProtectedAttribute).Append("\n    type: categorical\n    protected: true\n");
        return sb.ToString();
    }
}
