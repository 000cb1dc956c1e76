using System.CommandLine;
using Gauntlet.Llm.Guard.Hosting;
using Gauntlet.Llm.Guard.Practice;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary><c>gauntlet llm-target</c>: serves the deliberately vulnerable practice assistant (docs/llm.md).</summary>
internal static class LlmTargetCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var listen = new Option<string>("--listen") { Description = "IP address and port to listen on (port 0: any free port).", DefaultValueFactory = _ => "127.0.0.1:8080" };
        var duration = NumericOption.OptionalFloat("--duration", "Stop after this many seconds (default: run until Ctrl+C).", RealRange.Positive(86_400));
        var command = new Command("llm-target", "Serve a deliberately vulnerable, scripted OpenAI-compatible practice assistant for demos, training and tests (never expose it).") { listen, duration };
        command.SetAction(parse =>
        {
            var endpoint = ServeArguments.Endpoint(parse.GetValue(listen)!);
            var host = ServeArguments.Start(() => PracticeTargetServer.StartAsync(endpoint));
            console.MarkupLine($"practice target listening on [green]{Markup.Escape(host.ApiBase.ToString())}[/] (model gauntlet-practice-1; Ctrl+C stops)");
            ServeArguments.RunUntilStopped(host.WaitForShutdownAsync, host.DisposeAsync, parse.GetValue(duration));
            return CliApp.ExitOk;
        });
        return command;
    }
}
