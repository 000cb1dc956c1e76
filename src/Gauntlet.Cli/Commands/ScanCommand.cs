using System.CommandLine;
using System.Globalization;
using Gauntlet.Core;
using Gauntlet.Core.IO;
using Gauntlet.Scanner;
using Gauntlet.Scanner.Reporting;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet scan PATH</c>: static analysis of model artifacts for code that runs when they are loaded.</summary>
internal static class ScanCommand
{
    private static readonly string[] Formats = ["table", "json", "sarif", "cyclonedx"];

    public static Command Create(IAnsiConsole console)
    {
        var path = new Argument<string>("path") { Description = "A model file or a folder to walk (pickle, PyTorch, joblib, NumPy, Keras, TensorFlow, ONNX, safetensors, GGUF, zip/tar archives)." };
        var format = new Option<string>("--format") { Description = "Report format: table (console), json, sarif (SARIF 2.1.0) or cyclonedx (CycloneDX 1.6 ML-BOM).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong(Formats);
        var output = new Option<string?>("--output") { Description = "Write the json, sarif or cyclonedx report to this file instead of standard output; the table is still printed." };
        var failOn = new Option<string>("--fail-on") { Description = "Exit with code 1 when any finding is at or above this severity: info, low, medium, high or critical.", DefaultValueFactory = _ => "medium" };
        var include = new Option<string[]>("--include") { Description = "Glob of files to scan inside a folder (repeatable), e.g. '**/*.pt'. Default: every file.", AllowMultipleArgumentsPerToken = true };
        var exclude = new Option<string[]>("--exclude") { Description = "Glob of files to skip inside a folder (repeatable), e.g. '**/.git/**'.", AllowMultipleArgumentsPerToken = true };
        var maxDepth = NumericOption.Int("--max-depth", "How many archives deep to descend (zip in tar in gzip ...).", 6, min: 0, limit: RunLimits.MaxArchiveDepth);
        var maxEntryMb = NumericOption.Int("--max-entry-mb", "Largest archive entry to expand, in MiB; bigger entries are reported as possible bombs.", 1024, min: 1, limit: RunLimits.MaxEntryMebibytes);
        var noLimits = NumericOption.NoLimits();
        var showInfo = new Option<bool>("--show-info") { Description = "Also list informational findings (allowlisted callables, unanalysed entries) in the table." };
        var noHash = new Option<bool>("--no-hash") { Description = "Skip the SHA-256 of each file (the ML-BOM then carries no hashes)." };

        var command = new Command("scan", "Statically scan model artifacts for code that runs when they are loaded (never loads or executes them).")
        {
            path, format, output, failOn, include, exclude, maxDepth, maxEntryMb, showInfo, noHash, noLimits,
        };
        command.SetAction(parse =>
        {
            var threshold = ParseSeverity(parse.GetValue(failOn)!);
            var target = parse.GetValue(path)!;
            if (!File.Exists(target) && !Directory.Exists(target))
            {
                throw new FileNotFoundException($"'{target}' is neither a file nor a folder.", target);
            }

            var options = new ScanOptions
            {
                MaxArchiveDepth = parse.GetValue(maxDepth),
                MaxEntryBytes = (long)parse.GetValue(maxEntryMb) << 20,
                Include = parse.GetValue(include) ?? [],
                Exclude = parse.GetValue(exclude) ?? [],
                ComputeHashes = !parse.GetValue(noHash),
            };
            var report = ModelScanner.Scan(target, options);

            var chosen = parse.GetValue(format)!;
            var outputPath = parse.GetValue(output);
            if (chosen == "table" || outputPath is not null)
            {
                WriteTable(console, report, parse.GetValue(showInfo), threshold);
            }

            if (chosen != "table")
            {
                var text = chosen switch
                {
                    "json" => JsonReportWriter.Write(report),
                    "sarif" => SarifReportWriter.Write(report),
                    _ => CycloneDxWriter.Write(report),
                };
                if (outputPath is null)
                {
                    console.Profile.Out.Writer.WriteLine(text);
                }
                else
                {
                    // Written beside the target and renamed into place: never a partial report.
                    AtomicFile.WriteAllText(outputPath, text);
                    console.MarkupLine($"wrote {chosen} report to [green]{Markup.Escape(outputPath)}[/]");
                }
            }

            return report.HasFindingsAtOrAbove(threshold) ? CliApp.ExitFindings : CliApp.ExitOk;
        });
        return command;
    }

    private static Severity ParseSeverity(string text)
    {
        try
        {
            return SeverityNames.Parse(text);
        }
        catch (ArgumentException)
        {
            throw new UserInputException($"--fail-on: unknown severity '{text}'; expected info, low, medium, high or critical.");
        }
    }

    private static void WriteTable(IAnsiConsole console, ScanReport report, bool showInfo, Severity threshold)
    {
        var table = new Table().AddColumns("file", "format", "severity", "rule", "finding");
        foreach (var artifact in report.Artifacts)
        {
            var shown = artifact.Findings.Where(f => showInfo || f.Severity > Severity.Info).ToList();
            if (shown.Count == 0)
            {
                table.AddRow(Markup.Escape(artifact.RelativePath), artifact.Format.ToString(), artifact.Analysed ? "[green]clean[/]" : "[grey]not analysed[/]", string.Empty, Markup.Escape(artifact.Error ?? string.Empty));
                continue;
            }

            foreach (var finding in shown)
            {
                var where = finding.Location == artifact.RelativePath ? string.Empty : $" [grey]({Markup.Escape(finding.Location)})[/]";
                table.AddRow(Markup.Escape(artifact.RelativePath), artifact.Format.ToString(), Colour(finding.Severity), Markup.Escape(finding.RuleId), Markup.Escape(finding.Message) + where);
            }
        }

        console.Write(table);
        var notAnalysed = report.Artifacts.Count(a => !a.Analysed);
        var counts = string.Join(", ", Enum.GetValues<Severity>().Reverse().Select(s => $"{report.Count(s).ToString(CultureInfo.InvariantCulture)} {s.ToName()}"));
        console.MarkupLine($"{report.Artifacts.Count} file(s) scanned in {report.Duration.TotalSeconds:F2}s: {counts}; {notAnalysed} not analysed. Gate: --fail-on {threshold.ToName()} -> {(report.HasFindingsAtOrAbove(threshold) ? "[red]FAIL[/]" : "[green]pass[/]")}");
    }

    private static string Colour(Severity severity) => severity switch
    {
        Severity.Critical => "[bold red]critical[/]",
        Severity.High => "[red]high[/]",
        Severity.Medium => "[yellow]medium[/]",
        Severity.Low => "[blue]low[/]",
        _ => "[grey]info[/]",
    };
}
