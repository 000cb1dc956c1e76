using System.CommandLine;
using System.Globalization;
using System.Net;
using Gauntlet.Core.IO;
using Gauntlet.Data;
using Gauntlet.Server;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary>
/// <c>gauntlet serve MODEL|demo --listen 127.0.0.1:PORT</c>: the model server (docs/serving.md) with
/// JSON, raw float32 and .npy prediction endpoints, dynamic batching, API keys and rate limits, every
/// decision in the tamper-evident log, online detection, drift, /metrics and the dashboard.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var model = new Argument<string>("model") { Description = "An ONNX model or a Gauntlet model file, or 'demo' for the embedded Fashion-MNIST CNN.", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => DemoModel.Name };
        var listen = new Option<string>("--listen") { Description = "Address and port to listen on, as IP:PORT (port 0 picks a free one).", DefaultValueFactory = _ => "127.0.0.1:5080" };
        var registry = new Option<string?>("--registry") { Description = "The model registry the dashboard shows (SQLite file or postgres:// URL)." };
        var apiKeys = new Option<string?>("--api-keys") { Description = "A file of API keys, one 'NAME KEY [REQUESTS_PER_SECOND]' per line; without it the API is open." };
        var log = new Option<string>("--log") { Description = "The decision log's folder (a Merkle log; created when absent).", DefaultValueFactory = _ => "gauntlet-decisions" };
        var version = new Option<string?>("--model-version") { Description = "The version to serve the model as (default: 1 for demo, else the first 12 hex digits of its SHA-256)." };
        var maxBatch = NumericOption.Int("--max-batch", "Samples per model call at most (1 turns dynamic batching off).", 32, min: 1, max: 1024);
        var maxWait = NumericOption.Float("--max-wait-ms", "How long a batch's first request waits for others, in milliseconds.", 2f, RealRange.Closed(0, 1000));
        var maxBody = NumericOption.Int("--max-body-kb", "Largest request body in KiB (larger ones get 413).", 4096, min: 1, max: 1 << 20);
        var rate = NumericOption.OptionalFloat("--rate", "Requests per second per API key when its line gives none (default: unlimited).", RealRange.Positive(1e6));
        var noSqueeze = new Option<bool>("--no-squeeze") { Description = "Skip the per-request feature-squeezing detector (it costs two extra model calls per batch)." };
        var noPrada = new Option<bool>("--no-prada") { Description = "Skip PRADA's per-key extraction monitor." };
        var command = new Command("serve", "Serve a model over HTTP with batching, API keys, an audit log of every decision, attack detection, drift monitoring, metrics and a dashboard.")
        {
            model, listen, registry, apiKeys, log, version, maxBatch, maxWait, maxBody, rate, noSqueeze, noPrada,
        };
        command.SetAction(parse =>
        {
            var (address, port) = ParseListen(parse.GetValue(listen)!);
            var keys = parse.GetValue(apiKeys) is { } keyFile ? LoadKeys(keyFile) : null;
            var path = parse.GetValue(model)!;
            ServedModel served;
            if (path == DemoModel.Name)
            {
                served = ServedModel.Demo();
            }
            else
            {
                InputFile.Check(path, "model file");
                try
                {
                    served = ServedModel.Load(path, parse.GetValue(version));
                }
                catch (InvalidDataException e)
                {
                    throw new UserInputException(e.Message, e);
                }
            }

            var options = new ServerOptions
            {
                Model = parse.GetValue(version) is { } v && path == DemoModel.Name ? served with { Version = v } : served,
                Address = address,
                Port = port,
                LogFolder = parse.GetValue(log)!,
                Registry = parse.GetValue(registry),
                ApiKeys = keys,
                MaxBatch = parse.GetValue(maxBatch),
                MaxWaitMs = parse.GetValue(maxWait),
                MaxBodyBytes = parse.GetValue(maxBody) * 1024L,
                DefaultRatePerSecond = parse.GetValue(rate) ?? 0,
                FeatureSqueezing = !parse.GetValue(noSqueeze),
                Prada = !parse.GetValue(noPrada),
                Reference = FashionMnist.LoadEmbeddedDemo(),
            };
            var progress = new SynchronousProgress<string>(line => console.WriteLine(line));
            GauntletServer server;
            try
            {
                server = GauntletServer.StartAsync(options, progress).GetAwaiter().GetResult();
            }
            catch (IOException e)
            {
                throw new UserInputException($"--listen {parse.GetValue(listen)} / --log {options.LogFolder}: {e.Message}", e);
            }

            try
            {
                console.WriteLine($"dashboard: {server.Url}/dashboard   (Ctrl+C stops)");
                server.WaitForShutdownAsync().GetAwaiter().GetResult();
            }
            finally
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    private static (IPAddress Address, int Port) ParseListen(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !IPAddress.TryParse(text[..colon].Trim('[', ']'), out var address)
            || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new UserInputException($"--listen '{text}' is not IP:PORT (for example 127.0.0.1:5080).");
        }

        return (address, port);
    }

    private static ApiKeyStore LoadKeys(string path)
    {
        InputFile.Check(path, "API key file");
        try
        {
            return ApiKeyStore.Load(path);
        }
        catch (FormatException e)
        {
            throw new UserInputException(e.Message, e);
        }
    }
}
