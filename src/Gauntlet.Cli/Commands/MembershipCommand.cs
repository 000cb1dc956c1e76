using System.CommandLine;
using System.Globalization;
using Gauntlet.Core;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Privacy.Membership;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet membership</c>: membership-inference attacks on a model, with the field's metrics (docs/privacy.md).</summary>
internal static class MembershipCommand
{
    private static readonly string[] Attacks = [ThresholdAttacks.LossName, ThresholdAttacks.ConfidenceName, ShadowModelAttack.Name, Lira.OfflineName, Lira.OnlineName];

    public static Command Create(IAnsiConsole console)
    {
        var model = new ModelArguments();
        var members = new Option<string>("--members") { Description = "Images in the model's training set: " + DataArguments.Description, Required = true };
        var membersLabels = new Option<string?>("--members-labels") { Description = "Labels for --members. " + DataArguments.LabelsDescription };
        var nonMembers = new Option<string>("--nonmembers") { Description = "Images not in the model's training set, in the same form as --members.", Required = true };
        var nonMembersLabels = new Option<string?>("--nonmembers-labels") { Description = "Labels for --nonmembers." };
        var shadowData = new Option<string?>("--shadow-data") { Description = "Data from the same distribution to train shadow models on (LiRA's, or the shadow attack's with --attack shadow); giving it makes lira-online the default attack." };
        var shadowLabels = new Option<string?>("--shadow-labels") { Description = "Labels for --shadow-data." };
        var attack = new Option<string?>("--attack") { Description = $"The attack whose figures lead the output: {string.Join(", ", Attacks)} (default: lira-online with --shadow-data, else loss-threshold). The threshold attacks always run too; shadow (Shokri et al. 2017: K shadow models on random halves of --shadow-data, a logistic-regression attack model per class) and the LiRA pair need --shadow-data." };
        var defense = new Option<string?>("--defense") { Description = $"An output defence in front of the model's API, so the attacks see only what it answers: {Gauntlet.Privacy.ApiDefenses.ApiDefense.Forms}." };
        attack.AcceptOnlyFromAmong(Attacks);
        var shadows = NumericOption.Int("--shadows", "Shadow models K (LiRA: each candidate is IN for K/2, at least 2; shadow attack: each trained on a random half of --shadow-data).", 8, min: 1, limit: RunLimits.MaxRepeats);
        var shadowArch = new Option<string>("--shadow-arch") { Description = $"Architecture of the shadow models: {string.Join(", ", ModelZoo.Architectures)}.", DefaultValueFactory = _ => "mlp" };
        shadowArch.AcceptOnlyFromAmong([.. ModelZoo.Architectures]);
        var shadowEpochs = NumericOption.Int("--shadow-epochs", "Training epochs of each shadow model (match the target's training where known).", 20, min: 1, limit: RunLimits.MaxEpochs);
        var shadowLr = NumericOption.Float("--shadow-lr", "Learning rate of the shadow models.", 1e-3f, RealRange.Positive(float.MaxValue), limit: RunLimits.MaxLearningRate);
        var samples = NumericOption.OptionalInt("--samples", "Use only the first N members and the first N non-members.", min: 1, limit: RunLimits.MaxSamples);
        var seed = NumericOption.Int("--seed", "Seed of the IN/OUT split and the shadow models.", 0, min: int.MinValue);
        var batch = NumericOption.Int("--batch", "Batch size for queries and shadow training.", 64, min: 1, limit: RunLimits.MaxBatch);
        var json = new Option<string?>("--json") { Description = "Write the results as JSON (auc, tpr_at_0.1pct_fpr, tpr_at_1pct_fpr, balanced_accuracy, attack, params, seed, and every attack run); '-' writes it to standard output." };
        var rocSvg = new Option<string?>("--roc-svg") { Description = "Write the ROC curves of every attack run as an SVG chart with log-log axes." };
        var noLimits = NumericOption.NoLimits();
        var command = new Command("membership", "Membership inference: how well an attacker can tell the model's training images from unseen ones (loss/confidence thresholds, LiRA).")
        {
            members, membersLabels, nonMembers, nonMembersLabels, shadowData, shadowLabels, attack, defense, samples, shadows, shadowArch, shadowEpochs, shadowLr, seed, batch, json, rocSvg, noLimits,
        };
        model.AddTo(command);
        command.SetAction(parse =>
        {
            var shadowPath = parse.GetValue(shadowData);
            using var outputs = new CommandOutputs(parse, [
                .. CommandOutputs.ModelInputs(parse.GetValue(model.Model)),
                .. CommandOutputs.DataInputs(parse.GetValue(members), parse.GetValue(membersLabels)),
                .. CommandOutputs.DataInputs(parse.GetValue(nonMembers), parse.GetValue(nonMembersLabels)),
                .. CommandOutputs.DataInputs(shadowPath, parse.GetValue(shadowLabels))]);
            outputs.File("--json", parse.GetValue(json));
            outputs.File("--roc-svg", parse.GetValue(rocSvg), allowStandardOutput: false);
            var ui = outputs.ConsoleFor(console);

            var lead = parse.GetValue(attack) ?? (shadowPath is null ? ThresholdAttacks.LossName : Lira.OnlineName);
            if ((lead.StartsWith("lira", StringComparison.Ordinal) || lead == ShadowModelAttack.Name) && shadowPath is null)
            {
                throw new UserInputException($"--attack {lead} trains shadow models: give --shadow-data (images from the same distribution as the training set).");
            }

            var data = new MembershipData(
                DataArguments.LoadEvaluation(parse.GetValue(members)!, parse.GetValue(samples), parse.GetValue(membersLabels)),
                DataArguments.LoadEvaluation(parse.GetValue(nonMembers)!, parse.GetValue(samples), parse.GetValue(nonMembersLabels)));
            var batchSize = parse.GetValue(batch);
            NumericOption.CheckBatch(parse, "--batch", batchSize, data.Members);
            var (loaded, classifier) = model.Load(parse, data.Members);
            // The non-members pass the same checks (labels within the model's classes, values in range).
            model.CheckFits(parse, data.NonMembers, loaded);
            IClassifier target = parse.GetValue(defense) is { } spec ? Gauntlet.Privacy.ApiDefenses.ApiDefense.Create(classifier, spec, parse.GetValue(seed)) : classifier;

            var results = new List<MembershipResult>
            {
                ThresholdAttacks.Loss(target, data, batchSize),
                ThresholdAttacks.Confidence(target, data, batchSize),
            };
            if (shadowPath is not null)
            {
                var shadow = DataArguments.LoadEvaluation(shadowPath, null, parse.GetValue(shadowLabels));
                model.CheckFits(parse, shadow, loaded);
                var shadowTraining = new TrainingOptions(parse.GetValue(shadowEpochs), batchSize, parse.GetValue(shadowLr));
                if (lead == ShadowModelAttack.Name)
                {
                    var shadowOptions = new ShadowAttackOptions(parse.GetValue(shadows), parse.GetValue(shadowArch)!, shadowTraining, parse.GetValue(seed));
                    ui.MarkupLine($"training {shadowOptions.ShadowCount} shadow models ({Markup.Escape(shadowOptions.Architecture)}, {shadowTraining.Epochs} epochs) on random halves of {shadow.Count:N0} images…");
                    results.Add(ShadowModelAttack.Run(target, data, shadow, shadowOptions, batchSize));
                }
                else
                {
                    if (parse.GetValue(shadows) < 2)
                    {
                        throw new UserInputException($"--shadows {parse.GetValue(shadows)}: LiRA needs at least 2 shadow models (one IN and one OUT per candidate).");
                    }

                    var options = new LiraOptions(parse.GetValue(shadows), parse.GetValue(shadowArch)!, shadowTraining, parse.GetValue(seed));
                    ui.MarkupLine($"training {options.ShadowCount} shadow models ({Markup.Escape(options.Architecture)}, {shadowTraining.Epochs} epochs) on halves of {shadow.Count + data.Members.Count + data.NonMembers.Count:N0} images…");
                    var lira = Lira.Run(target, data, shadow, options, batchSize);
                    results.Add(lira.Offline);
                    results.Add(lira.Online);
                }
            }

            var chosen = results.Single(r => r.Attack == lead);
            var table = new Table().AddColumns("attack", "AUC", "TPR@0.1%FPR", "TPR@1%FPR", "balanced acc.");
            foreach (var r in results)
            {
                table.AddRow(r.Attack, F(r.Auc), F(r.TprAt01PctFpr), F(r.TprAt1PctFpr), F(r.BalancedAccuracy));
            }

            ui.MarkupLine($"[bold]membership inference[/] on {Markup.Escape(loaded.Path)}: {data.Members.Count:N0} members ({Markup.Escape(data.Members.Source)}), {data.NonMembers.Count:N0} non-members ({Markup.Escape(data.NonMembers.Source)})");
            ui.Write(table);
            if (parse.GetValue(json) is not null)
            {
                outputs.WriteJson("--json", new Dictionary<string, object?>
                {
                    ["schema_version"] = 1,
                    ["tool_version"] = CliApp.Version,
                    ["model"] = loaded.Path,
                    ["members"] = data.Members.Count,
                    ["nonmembers"] = data.NonMembers.Count,
                    ["attack"] = chosen.Attack,
                    ["defense"] = (target as Gauntlet.Privacy.ApiDefenses.OutputDefense)?.Name,
                    ["params"] = chosen.Parameters,
                    ["seed"] = parse.GetValue(seed),
                    ["auc"] = chosen.Auc,
                    ["tpr_at_0.1pct_fpr"] = chosen.TprAt01PctFpr,
                    ["tpr_at_1pct_fpr"] = chosen.TprAt1PctFpr,
                    ["balanced_accuracy"] = chosen.BalancedAccuracy,
                    ["attacks"] = results.Select(r => new Dictionary<string, object>
                    {
                        ["attack"] = r.Attack,
                        ["params"] = r.Parameters,
                        ["auc"] = r.Auc,
                        ["tpr_at_0.1pct_fpr"] = r.TprAt01PctFpr,
                        ["tpr_at_1pct_fpr"] = r.TprAt1PctFpr,
                        ["balanced_accuracy"] = r.BalancedAccuracy,
                    }).ToArray(),
                });
            }

            if (parse.GetValue(rocSvg) is not null)
            {
                outputs.WriteText("--roc-svg", Gauntlet.Privacy.Metrics.RocSvg.Render([.. results.Select(r => (r.Attack, r.Roc))]));
            }

            outputs.Commit();
            return CliApp.ExitOk;
        });
        return command;
    }

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
