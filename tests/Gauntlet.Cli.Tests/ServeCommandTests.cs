using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Gauntlet.Governance.Log;
using Gauntlet.Monitoring.Decisions;

namespace Gauntlet.Cli.Tests;

/// <summary>
/// <c>gauntlet serve</c> as a child process: killed with SIGKILL in the middle of a load, it loses
/// no decision it acknowledged — every decision id a client received is in the log at its index.
/// </summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-serve-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task KillMidLoad_LosesNoAcknowledgedDecision()
    {
        var log = Path.Combine(_dir, "log");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "gauntlet.dll"), "serve", "demo", "--listen", "127.0.0.1:0", "--log", log, "--no-squeeze"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        string? url = null;
        var clock = Stopwatch.StartNew();
        while (url is null && clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            var line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("serve exited: " + await process.StandardError.ReadToEndAsync());
            var at = line.IndexOf(" at http://", StringComparison.Ordinal);
            if (line.StartsWith("serving ", StringComparison.Ordinal) && at > 0)
            {
                url = line[(at + 4)..].Split(' ')[0];
            }
        }

        Assert.NotNull(url);
        var acknowledged = new ConcurrentBag<(string Id, long Index)>();
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        var body = "{\"instances\": [[" + string.Join(", ", Enumerable.Range(0, 784).Select(i => (i % 7 / 7.0).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]]}";
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.PostAsync("/v1/predict", new StringContent(body, Encoding.UTF8, "application/json"));
                    if (response.IsSuccessStatusCode)
                    {
                        var decision = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["predictions"]![0]!["decision"]!;
                        acknowledged.Add((decision["id"]!.GetValue<string>(), decision["log_index"]!.GetValue<long>()));
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    // The server died under this request: it was never acknowledged.
                }
            }
        })).ToArray();

        // Let the load run until a few hundred decisions are acknowledged, then SIGKILL mid-load.
        while (acknowledged.Count < 300 && clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(20);
        }

        process.Kill();
        await process.WaitForExitAsync();
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        Assert.True(acknowledged.Count >= 300, $"only {acknowledged.Count} acknowledged");

        using (var merkle = MerkleLog.Open(log))
        {
            foreach (var (id, index) in acknowledged)
            {
                Assert.True(index < merkle.Size, $"acknowledged decision {id} at {index} but the log has {merkle.Size} entries");
                Assert.Equal(id, DecisionRecord.TryParse(merkle.ReadEntry(index))!.Id);
            }
        }

        Assert.True(LogVerifier.Verify(log, null).Ok);
    }

    [Fact]
    public void BadListenAddress_IsAOneLineUserError()
    {
        var (code, _, _, error) = CliRunner.Run("serve", "demo", "--listen", "localhost", "--log", Path.Combine(_dir, "l"));
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Equal("error: --listen 'localhost' is not IP:PORT (for example 127.0.0.1:5080).", error.Trim());
        Assert.False(Directory.Exists(Path.Combine(_dir, "l")));
    }

    [Fact]
    public void BadKeyFile_IsAOneLineUserError()
    {
        var keys = Path.Combine(_dir, "keys.txt");
        File.WriteAllText(keys, "alice short\n");
        var (code, _, _, error) = CliRunner.Run("serve", "demo", "--api-keys", keys, "--log", Path.Combine(_dir, "l"));
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Equal($"error: {keys}:1: the key for 'alice' is shorter than 16 characters.", error.Trim());
    }
}
