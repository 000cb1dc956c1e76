using System.CommandLine;
using System.Globalization;
using Gauntlet.Cli.Demos;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet demo credit|triage|benefits</c>: the industry demos on synthetic data (docs/demos.md).</summary>
internal static class DemoCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("demo", "Industry demos on synthetic, clearly labelled data: generate a data set with a documented bias, train a model, export ONNX, then test robustness, privacy, fairness (before/after reweighing) and explanations, and write a report.");
        foreach (var scenario in DemoScenario.All)
        {
            command.Subcommands.Add(Sub(console, scenario));
        }

        return command;
    }

    private static Command Sub(IAnsiConsole console, DemoScenario scenario)
    {
        var outDir = new Option<string>("--out") { Description = "Folder for train.csv, test.csv, schema.yaml, model.onnx and report.json/.html/.md (created when missing).", Required = true };
        var seed = NumericOption.Int("--seed", "Seed of the data generator, the training and the attacks; recorded in the report.", 23, min: 0);
        var command = new Command(scenario.Name, $"{scenario.Title}: {scenario.Purpose}, on synthetic data with an injected bias ({scenario.ProtectedAttribute}).") { outDir, seed };
        command.SetAction(parse =>
        {
            using var outputs = new CommandOutputs(parse, []);
            var folder = parse.GetValue(outDir)!;
            outputs.Folder("--out", folder, DemoPipeline.Files);
            var ui = outputs.ConsoleFor(console);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var progress = new SynchronousProgress<string>(step => ui.MarkupLine($"[grey]{Markup.Escape(step)}…[/]"));
            var (before, after, accuracy) = DemoPipeline.Run(scenario, parse.GetValue(seed), folder, outputs, progress);
            outputs.Commit();
            ui.MarkupLine($"[bold]{Markup.Escape(scenario.Title)}[/] (synthetic, seed {parse.GetValue(seed)}): test accuracy {F(accuracy)}; demographic parity difference {F(before)} → {F(after)} after reweighing; {clock.Elapsed.TotalSeconds:0.0} s");
            ui.MarkupLine($"wrote [green]{Markup.Escape(folder)}[/]");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
}
