using System.Text.Json;
using Gauntlet.Onnx;

namespace Gauntlet.Cli.Tests;

public sealed class FederatedCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-federated-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Small and fast: a tiny MLP on the first images of the demo set.
    private static readonly string[] Tiny = ["federated", "--data", "demo", "--samples", "120", "--hidden", "4", "--split", "iid"];

    [Theory]
    [InlineData("--aggregator krum: tolerates f = 1 Byzantine clients only with more than 2f + 2 = 4 clients (got 4)", "--clients", "4", "--byzantine", "1", "--aggregator", "krum")]
    [InlineData("--alpha", "--alpha", "0")]
    [InlineData("--alpha", "--alpha", "-1")]
    [InlineData("--rounds", "--rounds", "0")]
    [InlineData("--byzantine must be in [0, clients)", "--clients", "3", "--byzantine", "3")]
    [InlineData("works with fedavg or fedprox, not median", "--aggregator", "median", "--secure-aggregation")]
    [InlineData("choose one", "--secure-aggregation", "--paillier")]
    [InlineData("--mu only applies with --aggregator fedprox", "--mu", "0.1")]
    [InlineData("--dp-noise only applies with --dp-clip", "--dp-noise", "1")]
    [InlineData("name it NAME.onnx", "--out", "model.gntp")]
    public void BadInput_IsOneLine_Exit2(string expected, params string[] args)
    {
        var (code, _, _, error) = CliRunner.Run(["federated", "--in-process", .. args]);
        Assert.Equal(CliApp.ExitUserError, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected.Replace("--aggregator krum: ", "--aggregator krum ", StringComparison.Ordinal), line, StringComparison.Ordinal);
    }

    [Fact]
    public void InProcessRun_WritesTheReportAndAnOnnxModel()
    {
        var json = Path.Combine(_dir, "f.json");
        var model = Path.Combine(_dir, "f.onnx");
        var (code, console, _, error) = CliRunner.Run([.. Tiny, "--clients", "3", "--rounds", "1", "--in-process", "--seed", "5", "--json", json, "--out", model]);
        Assert.True(code == CliApp.ExitOk, error);
        Assert.Contains("final test accuracy", console);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal(5, root.GetProperty("seed").GetInt32());
        Assert.Equal("in-process", root.GetProperty("fleet").GetString());
        Assert.Equal(120, root.GetProperty("shard_sizes").EnumerateArray().Sum(e => e.GetInt32()));
        var round = Assert.Single(root.GetProperty("rounds_log").EnumerateArray());
        Assert.Equal([0, 1, 2], round.GetProperty("participants").EnumerateArray().Select(e => e.GetInt32()));
        var parameters = root.GetProperty("model").GetProperty("parameters").GetInt32();
        Assert.Equal((784 * 4) + 4 + 40 + 10, parameters);
        Assert.Equal(3L * ((parameters * 4) + 8), round.GetProperty("bytes_up").GetInt64());
        Assert.Equal(root.GetProperty("final_accuracy").GetDouble(), round.GetProperty("test_accuracy").GetDouble());
        var onnx = OnnxModel.Load(model);
        Assert.NotNull(onnx);
    }

    [Fact]
    public void ClientLevelDp_ReportsTheEpsilonOfTheRoundsRun()
    {
        var json = Path.Combine(_dir, "dp.json");
        var (code, console, _, error) = CliRunner.Run([.. Tiny, "--clients", "3", "--rounds", "2", "--in-process", "--dp-clip", "1", "--dp-noise", "2", "--dp-delta", "1e-5", "--json", json]);
        Assert.True(code == CliApp.ExitOk, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var dp = doc.RootElement.GetProperty("client_dp");
        var epsilon = dp.GetProperty("epsilon").GetDouble();
        Assert.Equal(new Gauntlet.Privacy.Accounting.RdpAccountant().Spent(1.0, 2.0, 2, 1e-5).Epsilon, epsilon, 12);

        // The Gaussian mechanism with every client in every round has RDP α·R/(2σ²); Mironov's
        // conversion ε = RDP + ln(1/δ)/(α − 1) over the same orders bounds the reported ε from above.
        var mironov = Gauntlet.Privacy.Accounting.RdpOrders.Opacus.Where(a => a > 1).Min(a => (a * 2 / (2 * 2.0 * 2.0)) + (Math.Log(1e5) / (a - 1)));
        Assert.InRange(epsilon, 0.5 * mironov, mironov);
        Assert.Equal(1e-5, dp.GetProperty("delta").GetDouble());
        Assert.Contains("ε = ", console);
    }

    [Fact]
    public void ProcessPerClient_AKilledClientProcess_DoesNotStopTheRound()
    {
        var json = Path.Combine(_dir, "k.json");
        var (code, _, _, error) = CliRunner.Run([.. Tiny, "--clients", "3", "--rounds", "2", "--drop-client", "1", "--drop-round", "1", "--round-timeout", "60", "--json", json]);
        Assert.True(code == CliApp.ExitOk, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("processes", doc.RootElement.GetProperty("fleet").GetString());
        var rounds = doc.RootElement.GetProperty("rounds_log").EnumerateArray().ToList();
        Assert.Equal([0, 2], rounds[0].GetProperty("participants").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([1], rounds[0].GetProperty("dropped").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([0, 2], rounds[1].GetProperty("participants").EnumerateArray().Select(e => e.GetInt32()));
        // The server saw the process die; it did not wait out the 60 s deadline.
        Assert.True(rounds[0].GetProperty("seconds").GetDouble() < 45, $"round 1 took {rounds[0].GetProperty("seconds").GetDouble()} s");
    }
}
