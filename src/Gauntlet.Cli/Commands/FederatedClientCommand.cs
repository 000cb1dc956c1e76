using System.CommandLine;
using Gauntlet.Core;
using Gauntlet.Data;
using Gauntlet.Federated;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary>
/// <c>gauntlet federated-client</c> (hidden): one client process of a <c>gauntlet federated</c>
/// run, started by it with the server's loopback address and the same data arguments.
/// </summary>
internal static class FederatedClientCommand
{
    public static Command Create(IAnsiConsole console)
    {
        _ = console;
        var server = new Option<string>("--server") { Description = "The server's address (http://127.0.0.1:PORT/).", Required = true };
        var id = NumericOption.Int("--id", "This client's id.", 0, min: 0, max: 10_000);
        var data = new Option<string>("--data") { Description = DataArguments.Description, DefaultValueFactory = _ => "demo" };
        var labels = new Option<string?>("--labels") { Description = DataArguments.LabelsDescription };
        var samples = NumericOption.OptionalInt("--samples", "Use only the first N training images (as the server does).", min: 1, limit: RunLimits.MaxSamples);
        var noLimits = NumericOption.NoLimits();
        var command = new Command("federated-client", "One client process of a federated run (started by gauntlet federated).") { server, id, data, labels, samples, noLimits };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            // The data first: a client with bad arguments fails before it connects anywhere.
            var (train, _) = LoadTrain(parse.GetValue(data)!, parse.GetValue(labels), parse.GetValue(samples));
            var address = parse.GetValue(server)!;
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || !uri.IsLoopback)
            {
                throw new UserInputException($"--server {address}: expected a loopback HTTP address such as http://127.0.0.1:5000/.");
            }

            try
            {
                FederatedClient.RunAsync(uri, parse.GetValue(id), train).GetAwaiter().GetResult();
            }
            catch (HttpRequestException ex)
            {
                throw new UserInputException($"client {parse.GetValue(id)}: the server at {address} did not answer ({ex.Message}).", ex);
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>The training split (its first <paramref name="samples"/> images) and the test split, as server and clients both load them.</summary>
    public static (LabeledImages Train, LabeledImages Test) LoadTrain(string data, string? labels, int? samples)
    {
        var (train, test) = DataArguments.LoadSplits(data, labels);
        return (samples is { } n ? train.Take(n) : train, test);
    }
}
