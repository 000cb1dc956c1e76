using System.CommandLine;
using System.Globalization;
using Gauntlet.Core;
using Gauntlet.Llm.Scanning;
using Gauntlet.Llm.Targets;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet llm-scan</c>: probes an LLM endpoint and reports attack success per family (docs/llm.md).</summary>
internal static class LlmScanCommand
{
    /// <summary>The run log's file name in --out.</summary>
    public const string RunLogFile = "run_log.jsonl";

    public static Command Create(IAnsiConsole console)
    {
        var target = new Option<string>("--target") { Description = "The endpoint: an OpenAI-compatible API base such as http://127.0.0.1:8080/v1, or with --rest-template any JSON endpoint.", Required = true };
        var model = new Option<string?>("--model") { Description = "The model name sent to an OpenAI-compatible endpoint (required without --rest-template)." };
        var probes = new Option<string?>("--probes") { Description = "Comma-separated probe families (default: all): direct-injection, indirect-injection, roleplay-jailbreak, refusal-suppression, encoding, payload-splitting, prompt-extraction, exfiltration, canary-leak, multilingual." };
        var apiKeyEnv = new Option<string?>("--api-key-env") { Description = "Name of the environment variable holding the API key (sent as a bearer token; never logged)." };
        var stream = new Option<bool>("--stream") { Description = "Ask for streamed (SSE) replies." };
        var restTemplate = new Option<string?>("--rest-template") { Description = "Generic REST target: the JSON request body with a {{prompt}} placeholder, e.g. '{\"input\": \"{{prompt}}\"}'." };
        var replyPath = new Option<string>("--reply-path") { Description = "Generic REST target: JSON path of the reply, e.g. $.output.text.", DefaultValueFactory = _ => "$.choices[0].message.content" };
        var systemPrompt = new Option<string?>("--system-prompt") { Description = "A file holding the target's system prompt, when known: leaks are then found by n-gram overlap." };
        var canary = new Option<string[]>("--canary") { Description = "A canary token planted in the target's context (repeatable).", AllowMultipleArgumentsPerToken = true };
        var allowDomain = new Option<string[]>("--allow-domain") { Description = "A domain replies may link to (repeatable); links elsewhere count as exfiltration.", AllowMultipleArgumentsPerToken = true };
        var timeout = NumericOption.Float("--timeout", "Seconds allowed per request.", 30, RealRange.Positive(3600));
        var retries = NumericOption.Int("--retries", "Retries after a 429, 5xx, timeout or failed connection (exponential backoff with jitter).", 3, min: 0, max: 10);
        var concurrency = NumericOption.Int("--concurrency", "Requests in flight at once.", 4, min: 1, max: 64);
        var rate = NumericOption.Float("--rate", "Requests per second (token bucket); 0: unlimited.", 0, new RealRange(0, 1000));
        var seed = NumericOption.Int("--seed", "Seed of the retry jitter; recorded in the reports.", 0, min: int.MinValue);
        var failOn = new Option<string>("--fail-on") { Description = "Exit with code 1 when a finding is at or above this severity: info, low, medium, high or critical.", DefaultValueFactory = _ => "high" };
        var maxAsr = NumericOption.OptionalFloat("--max-asr", "Exit with code 1 when the overall attack success rate is above this (0 to 1).", new RealRange(0, 1));
        var json = new Option<string?>("--json") { Description = "Also write the JSON report here ('-': standard output)." };
        var output = new Option<string>("--out") { Description = $"Folder for llm_scan_report.json, report.html, summary.md, report.sarif, junit.xml and {RunLogFile} (created if missing; its parent must exist); written together or not at all.", DefaultValueFactory = _ => "gauntlet-llm-scan" };

        var command = new Command("llm-scan", "Probe an LLM endpoint for prompt injection, jailbreaks, system-prompt and secret leakage and exfiltration; reports attack success per family (JSON, HTML, Markdown, SARIF, JUnit).")
        {
            target, model, probes, apiKeyEnv, stream, restTemplate, replyPath, systemPrompt, canary, allowDomain, timeout, retries, concurrency, rate, seed, failOn, maxAsr, json, output,
        };
        command.SetAction(parse =>
        {
            var threshold = SeverityNames.TryParse(parse.GetValue(failOn), out var s) ? s : throw new UserInputException($"--fail-on: unknown severity '{parse.GetValue(failOn)}'; expected info, low, medium, high or critical.");
            var families = (parse.GetValue(probes) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var family in families)
            {
                if (!Llm.Probes.ProbeCatalog.Families.Any(f => f.Id == family))
                {
                    throw new UserInputException($"--probes: unknown family '{family}'; known: {string.Join(", ", Llm.Probes.ProbeCatalog.Families.Select(f => f.Id))}.");
                }
            }

            var promptFile = parse.GetValue(systemPrompt);
            using var outputs = new CommandOutputs(parse, [promptFile]);
            var outDir = parse.GetValue(output)!;
            outputs.Folder("--out", outDir, [.. LlmReportWriter.Formats.Select(LlmReportWriter.FileName), RunLogFile]);
            outputs.File("--json", parse.GetValue(json));
            var knownPrompt = promptFile is null ? null : File.ReadAllText(promptFile);

            string? apiKey = null;
            if (parse.GetValue(apiKeyEnv) is { } variable)
            {
                apiKey = Environment.GetEnvironmentVariable(variable);
                if (string.IsNullOrEmpty(apiKey))
                {
                    throw new UserInputException($"--api-key-env: the environment variable {variable} is not set or empty.");
                }
            }

            var targetOptions = new TargetOptions
            {
                Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                MaxRetries = parse.GetValue(retries),
                Concurrency = parse.GetValue(concurrency),
                RequestsPerSecond = parse.GetValue(rate),
                Burst = parse.GetValue(concurrency),
                Seed = parse.GetValue(seed),
            };
            var log = new RunLog();
            var url = parse.GetValue(target)!;
            using HttpTarget endpoint = parse.GetValue(restTemplate) is { } template
                ? new RestTarget(url, template, parse.GetValue(replyPath)!, apiKey is null ? null : new Dictionary<string, string> { ["Authorization"] = "Bearer " + apiKey }, targetOptions, log: log)
                : new OpenAiChatTarget(url, parse.GetValue(model) ?? throw new UserInputException("--model is required for an OpenAI-compatible target (or give --rest-template)."), apiKey, parse.GetValue(stream), targetOptions, log: log);

            var options = new LlmScanOptions
            {
                Families = families,
                SystemPrompt = knownPrompt,
                Canaries = parse.GetValue(canary) ?? [],
                AllowedDomains = parse.GetValue(allowDomain) ?? [],
                Seed = parse.GetValue(seed),
                Concurrency = parse.GetValue(concurrency),
            };
            using var cancellation = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                cancellation.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            LlmScanReport report;
            try
            {
                report = LlmScanner.RunAsync(endpoint, options, null, cancellation.Token).GetAwaiter().GetResult();
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }

            if (report.Errors == report.Attempts.Count)
            {
                throw new UserInputException($"--target: every request to {url} failed ({report.Attempts[0].Error}); nothing was judged and no report was written.");
            }

            outputs.Stage(transaction =>
            {
                LlmReportWriter.Stage(report, outDir, transaction);
                transaction.WriteAllText(Path.GetFullPath(Path.Combine(outDir, RunLogFile)), log.ToJsonLines());
            });
            if (parse.GetValue(json) is not null)
            {
                outputs.WriteText("--json", LlmReportWriter.Render(report, "json"));
            }

            outputs.Commit();
            var gateAsr = parse.GetValue(maxAsr);
            var failed = report.HasFindingsAtOrAbove(threshold) || (gateAsr is { } max && report.OverallAsr > max);
            Print(outputs.ConsoleFor(console), report, outDir, threshold, gateAsr, failed);
            return failed ? CliApp.ExitFindings : CliApp.ExitOk;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, LlmScanReport report, string outDir, Severity threshold, float? maxAsr, bool failed)
    {
        var table = new Table().AddColumns("family", "OWASP LLM", "answered", "succeeded", "errors", "ASR");
        foreach (var f in report.Families)
        {
            table.AddRow(f.Family, string.Join(", ", f.OwaspLlm), f.Answered.ToString(CultureInfo.InvariantCulture), f.Succeeded.ToString(CultureInfo.InvariantCulture), f.Errors.ToString(CultureInfo.InvariantCulture), f.Asr.ToString("P0", CultureInfo.InvariantCulture));
        }

        console.Write(table);
        var gate = $"--fail-on {threshold.ToName()}" + (maxAsr is { } m ? $" --max-asr {m.ToString(CultureInfo.InvariantCulture)}" : string.Empty);
        console.MarkupLine($"overall ASR {report.OverallAsr.ToString("P1", CultureInfo.InvariantCulture)}; {report.Findings.Count} finding(s); {report.Errors} failed request(s); reports in [green]{Markup.Escape(outDir)}[/]. Gate: {gate} -> {(failed ? "[red]FAIL[/]" : "[green]pass[/]")}");
    }
}
