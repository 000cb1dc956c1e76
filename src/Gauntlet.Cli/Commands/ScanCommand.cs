using System.CommandLine;
using System.Globalization;
using Gauntlet.Core;
using Gauntlet.Core.IO;
using Gauntlet.Scanner;
using Gauntlet.Scanner.Reporting;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet scan PATH</c>: static analysis of model artifacts for code that runs when they are loaded, of Python code and notebooks for unsafe ML patterns, of code, configs and text for secrets, and of data files for personal data and train/test leakage.</summary>
internal static partial class ScanCommand
{
    private static readonly string[] Formats = ["table", "json", "sarif", "cyclonedx"];

    private static readonly Dictionary<string, ScanCategory> Categories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["models"] = ScanCategory.Models, ["code"] = ScanCategory.Code, ["secrets"] = ScanCategory.Secrets, ["pii"] = ScanCategory.Pii, ["leakage"] = ScanCategory.Leakage,
    };

    public static Command Create(IAnsiConsole console)
    {
        var path = new Argument<string?>("path") { Description = "A file or a project folder to walk (optional with --train/--test). Each file goes to its analyser: model files (pickle, PyTorch, joblib, NumPy, Keras, TensorFlow, ONNX, safetensors, GGUF, zip/tar/7z archives, gzip/xz/lz4/zstd streams) to the model rules, .py and .ipynb to the code and secret rules, configs and text (.yaml, .json, .toml, .ini, .env, .txt, ...) to the secret rules, data files (CSV, TSV, JSON, JSONL, Parquet, NPZ/NPY) to the PII pass, and files named like train/test splits to the leakage checks.", Arity = ArgumentArity.ZeroOrOne };
        var only = new Option<string[]>("--only") { Description = "Scan only these categories (repeatable or comma-separated): models, code, secrets, pii (personal data in data files), leakage (train/test splits). Default: all.", AllowMultipleArgumentsPerToken = true };
        var baseline = new Option<string?>("--baseline") { Description = "Leave out the findings recorded in this baseline file (written by --write-baseline); they are keyed by rule, file and a hash of the normalised source line, so line shifts keep them matched." };
        var writeBaseline = new Option<string?>("--write-baseline") { Description = "Write every finding of this scan (before --baseline is applied) to this baseline file." };
        var format = new Option<string>("--format") { Description = "Report format: table (console), json, sarif (SARIF 2.1.0) or cyclonedx (CycloneDX 1.6 ML-BOM).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong(Formats);
        var output = new Option<string?>("--output") { Description = "Write the json, sarif or cyclonedx report to this file instead of standard output ('-': standard output); the table is still printed. It may not lie inside the scanned folder." };
        var failOn = new Option<string>("--fail-on") { Description = "Exit with code 1 when any finding is at or above this severity: info, low, medium, high or critical.", DefaultValueFactory = _ => "medium" };
        var include = new Option<string[]>("--include") { Description = "Glob of files to scan inside a folder (repeatable), e.g. '**/*.{pt,pkl}'. Default: every file. An invalid glob, or globs that leave no file to scan in a folder that has files, is an error (exit 2).", AllowMultipleArgumentsPerToken = true };
        var exclude = new Option<string[]>("--exclude") { Description = "Glob of files to skip inside a folder (repeatable), e.g. '**/.git/**'.", AllowMultipleArgumentsPerToken = true };
        var maxDepth = NumericOption.Int("--max-depth", "How many archives deep to descend (zip in tar in gzip ...).", 6, min: 0, limit: RunLimits.MaxArchiveDepth);
        var maxEntryMb = NumericOption.Int("--max-entry-mb", "Largest archive entry to expand, in MiB; bigger entries are reported as possible bombs.", 1024, min: 1, limit: RunLimits.MaxEntryMebibytes);
        var noLimits = NumericOption.NoLimits();
        // 2^23 GiB (8 PiB) is far past any disk and keeps the byte count (value << 30) well inside a long.
        var maxFileGb = NumericOption.Int("--max-file-gb", "Largest file to read, in GiB; bigger files are listed as not analysed (medium) without being read.", 64, min: 1, max: 1 << 23);
        var showInfo = new Option<bool>("--show-info") { Description = "Also list informational findings (allowlisted callables, unanalysed entries) in the table." };
        var noHash = new Option<bool>("--no-hash") { Description = "Skip the SHA-256 of each file (the ML-BOM then carries no hashes)." };
        var failOnUnscanned = new Option<bool>("--fail-on-unscanned") { Description = "Also exit with code 1 when any file or archive entry was not analysed (unknown format, encrypted, over a limit, unreadable), whatever --fail-on says." };

        var command = new Command("scan", "Statically scan model artifacts for code that runs when they are loaded, Python code and notebooks for unsafe ML patterns, code, configs and text for secrets, and data files for personal data and train/test leakage (never loads or executes anything).")
        {
            path, format, output, failOn, failOnUnscanned, only, include, exclude, baseline, writeBaseline, maxDepth, maxEntryMb, maxFileGb, showInfo, noHash, noLimits,
        };
        var data = DataOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var threshold = ParseSeverity(parse.GetValue(failOn)!);
            var target = parse.GetValue(path);
            var splits = data.Splits(parse, target);
            if (target is not null)
            {
                CheckTarget(target);
            }

            var includes = CheckGlobs("--include", parse.GetValue(include));
            var excludes = CheckGlobs("--exclude", parse.GetValue(exclude));
            var categories = ParseCategories(parse.GetValue(only));
            var accepted = parse.GetValue(baseline) is { } baselinePath ? ReadBaseline(baselinePath) : null;

            // Checked before the scan: never a report written into (or over) what is being scanned.
            using var outputs = new CommandOutputs(parse, [target, parse.GetValue(baseline), .. splits.Inputs]);
            var outputPath = parse.GetValue(output) is { } given && outputs.File("--output", given)!.Kind != OutputKind.StandardOutput ? given : null;
            var baselineOut = parse.GetValue(writeBaseline) is { } written ? outputs.File("--write-baseline", written, allowStandardOutput: false) : null;

            var options = new ScanOptions
            {
                MaxArchiveDepth = parse.GetValue(maxDepth),
                MaxEntryBytes = (long)parse.GetValue(maxEntryMb) << 20,
                MaxFileBytes = (long)parse.GetValue(maxFileGb) << 30,
                Include = includes,
                Exclude = excludes,
                ComputeHashes = !parse.GetValue(noHash),
                Categories = categories,
            };
            options = data.Apply(parse, options);
            var report = DataOptions.Run(target, splits, options);
            CheckSomethingScanned(report, includes, excludes, parse.InvocationConfiguration.Error);
            if (baselineOut is not null)
            {
                outputs.WriteText("--write-baseline", ScanBaseline.FromReport(report).ToJson());
            }

            if (accepted is not null)
            {
                report = accepted.Apply(report);
            }

            var gate = new Gate(threshold, parse.GetValue(failOnUnscanned));
            var chosen = parse.GetValue(format)!;
            if (chosen == "table" || outputPath is not null)
            {
                WriteTable(console, report, parse.GetValue(showInfo), gate);
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
                    outputs.WriteText("--output", text);
                }
            }

            // One commit for every file written: the report and the baseline appear together or not at all.
            if (outputPath is not null || baselineOut is not null)
            {
                outputs.Commit();
            }

            if (outputPath is not null && chosen != "table")
            {
                console.MarkupLine($"wrote {chosen} report to [green]{Markup.Escape(outputPath)}[/]");
            }

            if (baselineOut is not null)
            {
                parse.InvocationConfiguration.Error.WriteLine($"wrote a baseline of the findings to {Quote(baselineOut.Path)}");
            }

            return gate.Fails(report) ? CliApp.ExitFindings : CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>The categories named by --only (repeatable, comma-separated); all when none is given.</summary>
    private static HashSet<ScanCategory> ParseCategories(string[]? values)
    {
        var names = (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (names.Count == 0)
        {
            return [.. Enum.GetValues<ScanCategory>()];
        }

        var chosen = new HashSet<ScanCategory>();
        foreach (var name in names)
        {
            if (!Categories.TryGetValue(name, out var category))
            {
                throw new UserInputException($"--only: unknown category {Quote(name)}; expected models, code, secrets, pii or leakage.");
            }

            chosen.Add(category);
        }

        return chosen;
    }

    private static ScanBaseline ReadBaseline(string path)
    {
        try
        {
            return ScanBaseline.Parse(InputFile.ReadAllText(path, "--baseline", InputLimits.DocumentBytes));
        }
        catch (FormatException ex)
        {
            throw new UserInputException($"--baseline {Quote(path)}: {ex.Message}");
        }
    }

    /// <summary>What was asked to be scanned must be a file or a folder: a device or FIFO would be an error to "scan" (exit 2), never opened.</summary>
    private static void CheckTarget(string target)
    {
        switch (FileKinds.Of(target))
        {
            case FileKind.Missing:
                var link = new FileInfo(target).LinkTarget;
                throw new FileNotFoundException(
                    link is null ? $"{Quote(target)} is neither a file nor a folder." : $"{Quote(target)} is a symbolic link to {Quote(link)}, which does not exist or is a link loop.",
                    target);
            case FileKind.Special:
                throw new UserInputException($"{Quote(target)} is a device, FIFO or socket, not a model file or folder; it was not opened.");
        }
    }

    /// <summary>Compiles every glob now, so a typo is a one-line error naming the pattern rather than a scan that matches nothing.</summary>
    private static string[] CheckGlobs(string option, string[]? patterns)
    {
        foreach (var pattern in patterns ?? [])
        {
            try
            {
                _ = new GlobPattern(pattern);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                var reason = ex is FormatException ? ex.Message.Replace($"'{pattern}'", Quote(pattern), StringComparison.Ordinal) : $"invalid glob {Quote(pattern)}: empty";
                throw new UserInputException($"{option}: {reason}");
            }
        }

        return patterns ?? [];
    }

    /// <summary>
    /// A gate that passes because the globs filtered everything out is a silent false negative:
    /// warn about each include that matched nothing, and refuse (exit 2) when nothing was scanned
    /// although the folder had files.
    /// </summary>
    private static void CheckSomethingScanned(ScanReport report, string[] includes, string[] excludes, TextWriter error)
    {
        if (report.Artifacts.Count == 0 && report.FilesFilteredOut > 0)
        {
            var filters = string.Join(' ', includes.Select(p => $"--include {Quote(p)}").Concat(excludes.Select(p => $"--exclude {Quote(p)}")));
            throw new UserInputException($"no file matched {filters}: {report.FilesFilteredOut} file(s) in {Quote(report.Root)} were filtered out and nothing was scanned.");
        }

        foreach (var pattern in report.UnmatchedIncludes)
        {
            error.WriteLine($"warning: --include {Quote(pattern)} matched no file");
        }
    }

    /// <summary>The text in single quotes with control characters escaped, so a message stays on one line.</summary>
    private static string Quote(string text) =>
        "'" + string.Concat(text.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString())) + "'";

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

    private static void WriteTable(IAnsiConsole console, ScanReport report, bool showInfo, Gate gate)
    {
        var table = new Table().AddColumns("file", "format", "severity", "rule", "finding");
        foreach (var artifact in report.Artifacts)
        {
            // Under --fail-on-unscanned what was not analysed fails the gate, so it is always shown.
            var shown = artifact.Findings.Where(f => showInfo || f.Severity > Severity.Info || (gate.FailOnUnscanned && ArtifactReport.NotAnalysedRules.Contains(f.RuleId))).ToList();
            if (shown.Count == 0)
            {
                table.AddRow(Markup.Escape(artifact.RelativePath), artifact.Format.ToString(), artifact.Analysed ? "[green]clean[/]" : "[grey]not analysed[/]", string.Empty, Markup.Escape(artifact.Error ?? string.Empty));
                continue;
            }

            foreach (var finding in shown)
            {
                var line = finding.Line is { } l ? $":{l.ToString(CultureInfo.InvariantCulture)}" : string.Empty;
                var where = finding.Location == artifact.RelativePath ? (line.Length == 0 ? string.Empty : $" [grey](line {line[1..]})[/]") : $" [grey]({Markup.Escape(finding.Location)}{line})[/]";
                table.AddRow(Markup.Escape(artifact.RelativePath), artifact.Format.ToString(), Colour(finding.Severity), Markup.Escape(finding.RuleId), Markup.Escape(finding.Message) + where);
            }
        }

        console.Write(table);
        var counts = string.Join(", ", Enum.GetValues<Severity>().Reverse().Select(s => $"{report.Count(s).ToString(CultureInfo.InvariantCulture)} {s.ToName()}"));
        var rule = $"--fail-on {gate.Threshold.ToName()}" + (gate.FailOnUnscanned ? " --fail-on-unscanned" : string.Empty);
        var suppressed = report.SuppressedInline + report.SuppressedByBaseline == 0 ? string.Empty
            : $" {report.SuppressedInline} finding(s) suppressed inline, {report.SuppressedByBaseline} by the baseline.";
        var notSelected = report.FilesNotSelected == 0 ? string.Empty : $" {report.FilesNotSelected} file(s) not selected by --only.";
        console.MarkupLine($"{report.Artifacts.Count} file(s) scanned in {report.Duration.TotalSeconds:F2}s: {counts}; {report.NotAnalysedCount} file(s) or entries not analysed.{suppressed}{notSelected} Gate: {rule} -> {(gate.Fails(report) ? "[red]FAIL[/]" : "[green]pass[/]")}");
    }

    /// <summary>What fails the scan: findings at or above the threshold and, when asked, anything not analysed.</summary>
    private readonly record struct Gate(Severity Threshold, bool FailOnUnscanned)
    {
        public bool Fails(ScanReport report) => report.HasFindingsAtOrAbove(Threshold) || (FailOnUnscanned && report.NotAnalysedCount > 0);
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
