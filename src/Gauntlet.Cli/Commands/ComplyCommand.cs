using System.CommandLine;
using System.Globalization;
using Gauntlet.Governance.Compliance;
using Gauntlet.Reporting;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary>
/// <c>gauntlet comply</c>: evaluates a compliance policy (built-in EU AI Act, NIST AI RMF, OWASP ML,
/// or a YAML file) against what the registry holds for a version and gates CI on the result
/// (docs/governance.md, "Compliance").
/// </summary>
internal static class ComplyCommand
{
    private static readonly string[] Files = ["compliance.json", "compliance.html", "compliance.md"];

    public static Command Create(IAnsiConsole console)
    {
        var reference = new Argument<string>("MODEL@VERSION") { Description = "The version: NAME@VERSION, NAME@ALIAS, or NAME for the latest." };
        var policy = new Option<string>("--policy") { Description = $"A built-in policy ({string.Join(", ", PolicyLoader.BuiltIn)}) or a policy YAML file.", Required = true };
        var output = new Option<string>("--out") { Description = "The folder for compliance.json, compliance.html and compliance.md.", Required = true };
        var failOn = new Option<string>("--fail-on") { Description = "Exit 1 when a requirement is 'failed' (default) or also when one is 'not-evidenced'.", DefaultValueFactory = _ => "failed" };
        failOn.AcceptOnlyFromAmong("failed", "not-evidenced");
        var registry = RegistryCommand.RegistryOption();
        var command = new Command("comply", "Check a registered model version against a compliance policy; each requirement is satisfied, failed or not evidenced, with its evidence linked. Exit 0 passes, 1 fails the gate.")
        {
            reference, policy, output, failOn, registry,
        };
        command.SetAction(parse =>
        {
            using var outputs = new CommandOutputs(parse, []);
            var folder = outputs.Folder("--out", parse.GetValue(output), Files)!;
            CompliancePolicy loaded;
            try
            {
                loaded = PolicyLoader.Load(parse.GetValue(policy)!);
            }
            catch (CompliancePolicyException ex)
            {
                throw new UserInputException(ex.Message, ex);
            }

            var strict = parse.GetValue(failOn) == "not-evidenced";
            using var store = RegistryCommand.Open(parse.GetValue(registry));
            var report = RegistryCommand.Run(() => ComplianceEvaluator.Evaluate(loaded, store, parse.GetValue(reference)!));
            var document = ComplianceDocument.Build(report, strict);
            outputs.WriteJsonFile(Path.Combine(folder.Path, "compliance.json"), report.ToJson(strict));
            outputs.Write(Path.Combine(folder.Path, "compliance.html"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(HtmlWriter.Render(document))));
            outputs.Write(Path.Combine(folder.Path, "compliance.md"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(MarkdownWriter.Render(document))));

            var table = new Table().AddColumns("requirement", "status", "evidence");
            foreach (var r in report.Requirements)
            {
                var colour = r.Status switch { ComplianceStatus.Satisfied => "green", ComplianceStatus.Failed => "red", _ => "yellow" };
                table.AddRow(Markup.Escape(r.Requirement.Title), $"[{colour}]{r.Status.Name()}[/]", Markup.Escape(string.Join("; ", r.Checks.Select(c => c.Reason))));
            }

            console.Write(table);
            foreach (var written in outputs.Commit())
            {
                console.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"wrote {written}");
            }

            var passed = report.Passes(strict);
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"{report.Model} against {report.Policy.Id}: {report.Count(ComplianceStatus.Satisfied)} satisfied, {report.Count(ComplianceStatus.Failed)} failed, {report.Count(ComplianceStatus.NotEvidenced)} not evidenced — gate {(passed ? "passed" : "failed")}");
            return passed ? CliApp.ExitOk : CliApp.ExitFindings;
        });
        return command;
    }
}
