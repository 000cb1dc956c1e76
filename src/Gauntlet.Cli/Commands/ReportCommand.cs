using System.CommandLine;
using Gauntlet.Audit.Reporting;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet report</c>: rebuilds a report format from an audit's security_audit_report.json.</summary>
internal static class ReportCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var input = new Argument<string>("report") { Description = "An audit output folder, or a security_audit_report.json file." };
        var format = new Option<string>("--format") { Description = "html, md, sarif, junit or json.", DefaultValueFactory = _ => "html" };
        format.AcceptOnlyFromAmong([.. ReportWriter.Formats]);
        var output = new Option<string?>("--out") { Description = "File to write (default: the format's usual name beside the JSON report; '-' for standard output)." };
        var command = new Command("report", "Rebuild a report (HTML, Markdown, SARIF, JUnit) from an audit's JSON report.") { input, format, output };
        command.SetAction(parse =>
        {
            var source = parse.GetValue(input)!;
            var chosen = parse.GetValue(format)!;
            var target = parse.GetValue(output)
                ?? Path.Combine(Directory.Exists(source) ? source : Path.GetDirectoryName(Path.GetFullPath(source))!, ReportWriter.FileName(chosen));

            // The JSON report read is the input to protect (the default output lies beside it, in its folder).
            using var outputs = new CommandOutputs(parse, [Directory.Exists(source) ? Path.Combine(source, ReportJson.FileName) : source]);
            outputs.File("--out", target);
            var report = ReportJson.Load(source);
            outputs.WriteText("--out", ReportWriter.Render(report, chosen));
            outputs.Commit();
            if (!outputs.UsesStandardOutput)
            {
                console.MarkupLine($"wrote [green]{Markup.Escape(target)}[/]");
            }

            return CliApp.ExitOk;
        });
        return command;
    }
}
