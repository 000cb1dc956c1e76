using System.CommandLine;
using System.Globalization;
using Gauntlet.Llm.Classifiers;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary>
/// <c>gauntlet prompt-check</c>: scores each <c>{"text": ...}</c> line of a JSONL file with the
/// prompt-injection detector (MiniLM classifier + heuristics, docs/llm-classifiers.md) and writes
/// <c>{"schema_version", "results": [{"injection", "score", "reasons"}]}</c> in input order.
/// </summary>
internal static class PromptCheckCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var input = new Option<string>("--input") { Description = "A JSONL file: one {\"text\": \"...\"} object per line.", Required = true };
        var json = new Option<string>("--json") { Description = "Write {schema_version, results: [{injection, score, reasons}]} here, in input order; '-' writes it to standard output.", Required = true };
        var command = new Command("prompt-check", "Detect prompt injection and jailbreak attempts: a MiniLM-embedding classifier run by Gauntlet's ONNX engine, with heuristics for invisible Unicode, override phrases and encoded payloads. Exit 0 when no text is flagged, 1 when some are.")
        {
            input, json,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(input)!;
            using var outputs = new CommandOutputs(parse, [path]);
            outputs.File("--json", parse.GetValue(json));
            IReadOnlyList<string> texts;
            try
            {
                texts = PromptCheckFile.Read(path);
            }
            catch (FileNotFoundException ex)
            {
                throw new UserInputException($"--input {path}: file not found", ex);
            }
            catch (InvalidDataException ex)
            {
                throw new UserInputException(ex.Message, ex);
            }

            var detector = new PromptInjectionDetector();
            IReadOnlyList<PromptCheckResult> results = texts.Count == 0 ? [] : detector.Score(texts);
            outputs.WriteJson("--json", PromptCheckFile.Document(results));
            outputs.Commit();
            var flagged = results.Count(r => r.Injection);
            outputs.ConsoleFor(console).MarkupLineInterpolated(CultureInfo.InvariantCulture, $"{texts.Count} texts checked: {flagged} flagged as injection or jailbreak (threshold {detector.Threshold:F2})");
            return flagged > 0 ? CliApp.ExitFindings : CliApp.ExitOk;
        });
        return command;
    }
}
