using System.CommandLine;
using Gauntlet.Llm.Guard.Proxy;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet guard</c>: an OpenAI-compatible reverse proxy that screens prompts and replies per policy (docs/llm.md).</summary>
internal static class GuardCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var upstream = new Option<string>("--upstream") { Description = "The upstream OpenAI-compatible API base, e.g. http://127.0.0.1:8080/v1.", Required = true };
        var listen = new Option<string>("--listen") { Description = "IP address and port to listen on (port 0: any free port).", DefaultValueFactory = _ => "127.0.0.1:8090" };
        var policy = new Option<string>("--policy") { Description = "The policy YAML (docs/llm.md, 'Guard policy'; examples/llm/guard-policy.yaml).", Required = true };
        var log = new Option<string?>("--log") { Description = "Append every decision to this JSON Lines file." };
        var duration = NumericOption.OptionalFloat("--duration", "Stop after this many seconds (default: run until Ctrl+C).", RealRange.Positive(86_400));
        var command = new Command("guard", "Run an OpenAI-compatible reverse proxy that blocks prompt injections and redacts or blocks leaking replies (streaming included), with a decision log and Prometheus /metrics.")
        {
            upstream, listen, policy, log, duration,
        };
        command.SetAction(parse =>
        {
            GuardPolicy loaded;
            try
            {
                loaded = GuardPolicy.Load(parse.GetValue(policy)!);
            }
            catch (GuardPolicyException ex)
            {
                throw new UserInputException(ex.Message, ex);
            }

            var url = parse.GetValue(upstream)!;
            if (!Uri.TryCreate(url, UriKind.Absolute, out var upstreamUri) || (upstreamUri.Scheme != Uri.UriSchemeHttp && upstreamUri.Scheme != Uri.UriSchemeHttps))
            {
                throw new UserInputException($"--upstream: '{url}' is not an http:// or https:// URL.");
            }

            var endpoint = ServeArguments.Endpoint(parse.GetValue(listen)!);
            DecisionLog decisions;
            try
            {
                decisions = new DecisionLog(parse.GetValue(log));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"--log: cannot open {parse.GetValue(log)}: {ex.Message}", ex);
            }

            using (decisions)
            {
                var guard = ServeArguments.Start(() => GuardServer.StartAsync(endpoint, upstreamUri, loaded, decisions));
                console.MarkupLine($"guard listening on [green]{Markup.Escape(guard.ApiBase.ToString())}[/] -> {Markup.Escape(url)}; metrics at {Markup.Escape(new Uri(guard.BaseUrl, "metrics").ToString())} (Ctrl+C stops)");
                ServeArguments.RunUntilStopped(guard.WaitForShutdownAsync, guard.DisposeAsync, parse.GetValue(duration));
            }

            return CliApp.ExitOk;
        });
        return command;
    }
}
