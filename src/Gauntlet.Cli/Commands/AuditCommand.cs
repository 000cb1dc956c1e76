using System.CommandLine;
using System.Globalization;
using Gauntlet.Audit;
using Gauntlet.Audit.Reporting;
using Gauntlet.Core;
using Gauntlet.Data;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary>
/// <c>gauntlet audit</c>: runs an audit plan against a model and writes the JSON, HTML, Markdown,
/// SARIF and JUnit reports; exits 0 when every gate passed, 1 when one failed or the audit was cut
/// short, 2 for bad input and 3 for an internal error.
/// </summary>
internal static class AuditCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = new ModelArguments(modelOptional: true);
        var data = new Option<string>("--data") { Description = DataArguments.Description + " The test split is used.", DefaultValueFactory = _ => "demo" };
        var labels = new Option<string?>("--labels") { Description = DataArguments.LabelsDescription };
        var plan = new Option<string?>("--plan") { Description = "Audit plan (YAML or JSON; see docs/audit-plan.md). Default: the built-in plan (L∞ and L2 threats, 100 samples)." };
        var output = new Option<string>("--out") { Description = "Folder for security_audit_report.json, report.html, summary.md, report.sarif and junit.xml (created if missing; its parent must exist). The five files are replaced together or not at all.", DefaultValueFactory = _ => "gauntlet-audit" };
        var samples = NumericOption.OptionalInt("--samples", "Override the plan's sample count.", min: 1, limit: RunLimits.MaxSamples);
        var seed = NumericOption.OptionalInt("--seed", "Override the plan's seed.", min: int.MinValue);
        var failUnder = NumericOption.OptionalDouble("--fail-under", "Exit 1 when the overall score is below this; overrides the plan's thresholds.min_score.", RealRange.Closed(0, 100));
        var timeBudget = NumericOption.OptionalDouble("--time-budget", "Stop after this many seconds and write a report marked partial (0 = no limit).", RealRange.Closed(0, AuditPlanReader.MaxTimeBudgetSeconds));
        var noLimits = NumericOption.NoLimits();
        noLimits.Description += " Also lifts the plan's limits, as allow_unbounded: true does.";
        var listAttacks = new Option<bool>("--list-attacks") { Description = "List the attacks a plan may name, then exit." };
        var artifacts = new Option<string[]>("--artifacts") { Description = "Files or folders the supply-chain module scans beside the model (checkpoints, pickles, archives shipped with it); repeatable.", AllowMultipleArgumentsPerToken = true };
        var assessments = new Option<string[]>("--assessments") { Description = $"Assessment modules to run, overriding the plan's assessments: {string.Join(", ", Gauntlet.Audit.Assessments.AssessmentCatalog.Ids)} (default: every one that applies).", AllowMultipleArgumentsPerToken = true };
        var members = new Option<string?>("--members") { Description = "Images known to be in the model's training set, for the privacy module's membership-inference test (with --nonmembers); same forms as --data." };
        var membersLabels = new Option<string?>("--members-labels") { Description = "Labels for --members." };
        var nonMembers = new Option<string?>("--nonmembers") { Description = "Images known not to be in the model's training set (with --members)." };
        var nonMembersLabels = new Option<string?>("--nonmembers-labels") { Description = "Labels for --nonmembers." };
        var backdoor = new Option<bool>("--backdoor") { Description = "Also run the opt-in poisoning module: Neural Cleanse and STRIP on the audited samples (the 'poisoning and backdoors' category; see docs/poisoning.md)." };
        var defense = AuditDefense.Option();
        var command = new Command("audit", "Audit a model: run every attack in the plan, score robustness 0–100, rank findings, and write reports. With no model, audits the embedded demo model on the embedded demo data. Exit codes: 0 every gate passed, 1 a gate failed or the audit was cut short, 2 bad input, 3 internal error.")
        {
            data, labels, plan, output, samples, seed, failUnder, timeBudget, listAttacks, artifacts, assessments, members, membersLabels, nonMembers, nonMembersLabels, backdoor, noLimits, defense,
        };
        model.AddTo(command);
        var tabular = new TabularArguments();
        tabular.AddTo(command);
        var protectedColumn = new Option<string?>("--protected") { Description = "For --data a CSV table: the protected attribute's feature column (for example sex); its value per audited row is carried to the audit modules as the row's group." };
        command.Options.Add(protectedColumn);
        var register = new Option<string?>("--register") { Description = "Attach the audit report to this registry version (MODEL@VERSION or MODEL@ALIAS; see 'gauntlet registry') once it is written." };
        var registry = RegistryCommand.RegistryOption();
        command.Options.Add(register);
        command.Options.Add(registry);
        command.SetAction(parse =>
        {
            if (parse.GetValue(listAttacks))
            {
                var table = new Table().AddColumns("attack", "attacker", "what it does");
                foreach (var (name, category, description) in AttackCatalog.All)
                {
                    table.AddRow(name, category.Id().Replace('_', '-'), Markup.Escape(description));
                }

                console.Write(table);
                return CliApp.ExitOk;
            }

            var auditPlan = LoadPlan(parse.GetValue(plan), parse.GetValue(samples), parse.GetValue(seed), parse.GetValue(timeBudget), parse.GetValue(assessments), NumericOption.LimitsLifted(parse));
            var artifactPaths = parse.GetValue(artifacts) ?? [];
            foreach (var artifact in artifactPaths.Where(a => !File.Exists(a) && !Directory.Exists(a)))
            {
                throw new UserInputException($"--artifacts {artifact}: no such file or folder.");
            }

            var threshold = parse.GetValue(failUnder);
            if ((parse.GetValue(members) is null) != (parse.GetValue(nonMembers) is null))
            {
                throw new UserInputException("--members and --nonmembers go together: membership inference needs images from inside and outside the training set.");
            }

            // The report folder is checked before the model is loaded or attacked: a bad path costs nothing.
            using var outputs = new CommandOutputs(parse, [
                .. CommandOutputs.ModelInputs(parse.GetValue(model.Model)), .. CommandOutputs.DataInputs(parse.GetValue(data), parse.GetValue(labels)), parse.GetValue(plan), .. artifactPaths, .. tabular.Inputs(parse),
                .. CommandOutputs.DataInputs(parse.GetValue(members), parse.GetValue(membersLabels)), .. CommandOutputs.DataInputs(parse.GetValue(nonMembers), parse.GetValue(nonMembersLabels))]);
            outputs.Folder("--out", parse.GetValue(output), [.. ReportWriter.Formats.Select(ReportWriter.FileName)]);

            // The plan's samples, and enough beyond them for the privacy module's extraction (its queries and held-out images).
            var evaluation = tabular.LoadEvaluation(parse, parse.GetValue(data)!, Math.Max(auditPlan.Samples, Gauntlet.Audit.Assessments.PrivacyAssessment.ExtractionImages), parse.GetValue(labels));
            var set = evaluation.Set;
            var auditData = TabularAuditData(evaluation, parse.GetValue(protectedColumn));
            var (loaded, classifier) = model.Load(parse, set);
            var path = parse.GetValue(model.Model)!;
            var sha = path == DemoModel.Name ? AuditSubject.Hash(DemoModel.OnnxBytes()) : AuditSubject.HashFile(path);
            var subject = new AuditSubject(classifier, path, sha, loaded.Architecture) { ModelBytes = path == DemoModel.Name ? DemoModel.OnnxBytes() : null };
            Gauntlet.Privacy.Membership.MembershipData? membership = null;
            if (parse.GetValue(members) is { } membersPath)
            {
                membership = new Gauntlet.Privacy.Membership.MembershipData(
                    DataArguments.LoadEvaluation(membersPath, null, parse.GetValue(membersLabels)),
                    DataArguments.LoadEvaluation(parse.GetValue(nonMembers)!, null, parse.GetValue(nonMembersLabels)));
                // The same checks as the audited data (shape, labels within the model's classes, values in range), without loading the model again.
                model.CheckFits(parse, membership.Members, loaded);
                model.CheckFits(parse, membership.NonMembers, loaded);
            }

            // --defense: the undefended model is audited first (no files), then the defended one is the report.
            var undefended = parse.GetValue(defense) is not null ? AuditDefense.Baseline(console, subject, set, auditPlan, artifactPaths, membership) : null;
            subject = undefended is null ? subject : AuditDefense.Defended(subject, parse.GetValue(defense)!, auditPlan.Seed);
            var audit = new SecurityAudit(subject, set, auditPlan) { FailUnder = threshold, Artifacts = artifactPaths, Membership = membership, Backdoor = parse.GetValue(backdoor), AuditData = auditData };
            var outDir = parse.GetValue(output)!;

            using var cancellation = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                cancellation.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            AuditReport report;
            try
            {
                report = null!;
                console.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask($"audit {Markup.Escape(path)}", maxValue: 1);
                        report = audit.Run(new SynchronousProgress<AuditProgress>(p =>
                        {
                            task.MaxValue = p.Total;
                            task.Value = p.Done;
                            task.Description = Markup.Escape(p.Stage);
                        }), cancellation.Token);
                        task.Value = task.MaxValue;
                    });
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }

            IReadOnlyList<string> written = [];
            outputs.Stage(transaction => written = ReportWriter.Stage(report, outDir, transaction));
            outputs.Commit();
            Print(console, report, written);
            if (undefended is not null)
            {
                AuditDefense.PrintGain(console, parse.GetValue(defense)!, undefended, report);
            }

            if (parse.GetValue(register) is { } target)
            {
                using var store = RegistryCommand.Open(parse.GetValue(registry));
                var attached = RegistryCommand.Run(() => store.Attach(target, "audit", Path.Combine(outDir, ReportWriter.FileName("json"))));
                console.MarkupLineInterpolated(System.Globalization.CultureInfo.InvariantCulture, $"registered: audit report attached to {target} (score {attached.Score})");
            }

            if (report.Status != "complete")
            {
                console.MarkupLine($"[yellow]audit partial ({Markup.Escape(report.PartialReason ?? "stopped")}): the report covers the budgets finished so far; exit 1.[/]");
                return CliApp.ExitFindings;
            }

            return report.Passed ? CliApp.ExitOk : CliApp.ExitFindings;
        });
        return command;
    }

    // The table's feature names, schema and protected attribute for the audit modules; null for images.
    private static Gauntlet.Audit.Assessments.AuditData? TabularAuditData(EvaluationData evaluation, string? protectedName)
    {
        if (evaluation.Table is not { } table)
        {
            return protectedName is null ? null
                : throw new UserInputException($"--protected {protectedName}: only for --data a CSV table; images carry no attribute columns.");
        }

        Gauntlet.Audit.Assessments.ProtectedAttribute? attribute = null;
        if (protectedName is not null)
        {
            float[] values;
            try
            {
                values = table.Column(protectedName);
            }
            catch (InvalidDataException ex)
            {
                throw new UserInputException($"--protected {protectedName}: {ex.Message}");
            }

            attribute = Gauntlet.Audit.Assessments.ProtectedAttribute.FromValues(protectedName, values);
        }

        return new Gauntlet.Audit.Assessments.AuditData(table.FeatureNames, evaluation.Schema!, attribute);
    }

    private static AuditPlan LoadPlan(string? path, int? samples, int? seed, double? timeBudget, string[]? assessments, bool noLimits)
    {
        var plan = path is null ? AuditPlan.Default : AuditPlanReader.Load(path, allowUnbounded: noLimits);
        plan = plan with
        {
            AllowUnbounded = plan.AllowUnbounded || noLimits,
            Samples = samples ?? plan.Samples,
            Seed = seed ?? plan.Seed,
            TimeBudgetSeconds = timeBudget ?? plan.TimeBudgetSeconds,
            Assessments = assessments is { Length: > 0 } ? [.. assessments.SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(a => a.ToLowerInvariant())] : plan.Assessments,
        };
        try
        {
            return AuditPlanReader.Validate(plan, "--assessments");
        }
        catch (InvalidDataException ex)
        {
            throw new UserInputException(ex.Message);
        }
    }

    private static void Print(IAnsiConsole console, AuditReport report, IReadOnlyList<string> written)
    {
        var score = report.Scorecard;
        var colour = score.OverallScore >= 75 ? "green" : score.OverallScore >= 40 ? "yellow" : "red";
        if (score.Grade is null)
        {
            // Partial: the score covers only what finished, so it gets no grade and no colour that reads as a verdict.
            console.MarkupLine($"Robustness score: [bold]incomplete[/] ({score.OverallScore.ToString("0.0", CultureInfo.InvariantCulture)}/100 over what finished, no grade); clean accuracy {report.CleanAccuracy.ToString("P1", CultureInfo.InvariantCulture)} on {report.Data.Samples} samples");
        }
        else
        {
            console.MarkupLine($"Robustness score: [bold {colour}]{score.OverallScore.ToString("0.0", CultureInfo.InvariantCulture)}/100[/] (grade {score.Grade}); clean accuracy {report.CleanAccuracy.ToString("P1", CultureInfo.InvariantCulture)} on {report.Data.Samples} samples");
        }
        console.MarkupLine($"covers: {Markup.Escape(Scoring.Coverage(score))}");
        if (score.Cap is { } cap)
        {
            console.MarkupLine($"[red]capped at {cap.Limit.ToString("0.#", CultureInfo.InvariantCulture)}: {Markup.Escape(cap.Reason)}[/]");
        }
        var categories = new Table().AddColumns("category", "score", "basis");
        foreach (var c in score.Categories)
        {
            categories.AddRow(Markup.Escape(c.Name), c.Score is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) : c.Status.Replace('_', ' '), Markup.Escape(c.Basis));
        }

        console.Write(categories);
        var findings = new Table().AddColumns("severity", "finding");
        foreach (var f in report.Findings.Where(f => f.Severity != Severity.Info).Take(8))
        {
            findings.AddRow(f.Severity.ToName(), Markup.Escape(f.Title));
        }

        if (findings.Rows.Count > 0)
        {
            console.Write(findings);
        }

        foreach (var gate in report.Gates)
        {
            console.MarkupLine($"gate {Markup.Escape(gate.Name)}: {gate.Actual.ToString("0.###", CultureInfo.InvariantCulture)} ≥ {gate.Threshold.ToString("0.###", CultureInfo.InvariantCulture)} → {(gate.Passed ? "[green]passed[/]" : "[red]FAILED[/]")}");
        }

        foreach (var file in written)
        {
            console.MarkupLine($"wrote [green]{Markup.Escape(file)}[/]");
        }
    }
}
