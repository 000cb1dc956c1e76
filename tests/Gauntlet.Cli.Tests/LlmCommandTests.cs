using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Gauntlet.Llm.Guard.Hosting;
using Gauntlet.Llm.Guard.Practice;

namespace Gauntlet.Cli.Tests;

/// <summary>llm-scan, llm-target and guard from the command line: reports, the gate, and misbehaving targets and policies as one-line errors.</summary>
public sealed class LlmCommandTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-llm-cli-").FullName;
    private RunningHost _target = null!;

    public async Task InitializeAsync() => _target = await PracticeTargetServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));

    public async Task DisposeAsync()
    {
        await _target.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Scan_OfThePracticeTarget_WritesSixFiles_AndFailsTheGate()
    {
        var output = Path.Combine(_dir, "scan");
        var (code, console, _, error) = CliRunner.Run("llm-scan", "--target", _target.ApiBase.ToString(), "--model", "gauntlet-practice-1", "--probes", "direct-injection,canary-leak",
            "--canary", "GAUNTLET-CANARY-7Q2X9", "--seed", "5", "--out", output, "--json", Path.Combine(_dir, "r.json"));
        Assert.True(code == CliApp.ExitFindings, error);
        Assert.Equal(["junit.xml", "llm_scan_report.json", "report.html", "report.sarif", "run_log.jsonl", "summary.md"], Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "r.json")))!;
        Assert.Equal(5, json["seed"]!.GetValue<int>());
        Assert.Equal(1.0, json["overall_asr"]!.GetValue<double>());
        Assert.Equal(7, File.ReadAllLines(Path.Combine(output, "run_log.jsonl")).Length);
        Assert.Contains("Gate: --fail-on high -> FAIL", console.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Gates_FailOnAndMaxAsr_AreEachHonoured()
    {
        // direct-injection succeeds every time (ASR 1) and its finding is high: --fail-on critical lets it
        // pass, so the exit code follows --max-asr alone (1 is not above 1; 1 is above 0.5).
        var (code, _, _, error) = CliRunner.Run("llm-scan", "--target", _target.ApiBase.ToString(), "--model", "gauntlet-practice-1", "--probes", "direct-injection",
            "--fail-on", "critical", "--max-asr", "1", "--out", Path.Combine(_dir, "gate"));
        Assert.True(code == CliApp.ExitOk, error);
        var (failed, _, _, _) = CliRunner.Run("llm-scan", "--target", _target.ApiBase.ToString(), "--model", "gauntlet-practice-1", "--probes", "direct-injection",
            "--fail-on", "critical", "--max-asr", "0.5", "--out", Path.Combine(_dir, "gate2"));
        Assert.Equal(CliApp.ExitFindings, failed);
    }

    [Theory]
    [InlineData("fault-500", "HTTP 500", "20")]
    [InlineData("fault-not-json", "reply is not JSON (text/html)", "20")]
    [InlineData("fault-slow", "no complete reply within 0.3 s", "0.3")]
    public void MisbehavingTarget_IsOneLine_Exit2_NoReport(string model, string expected, string timeout)
    {
        var output = Path.Combine(_dir, model);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, _, _, error) = CliRunner.Run("llm-scan", "--target", _target.ApiBase.ToString(), "--model", model, "--probes", "canary-leak", "--retries", "1", "--timeout", timeout, "--out", output);
        Assert.Equal(CliApp.ExitUserError, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("error: --target: every request to ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), clock.Elapsed.ToString());
    }

    [Fact]
    public void TargetDown_IsOneLine_Exit2()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var (code, _, _, error) = CliRunner.Run("llm-scan", "--target", $"http://127.0.0.1:{port}/v1", "--model", "m", "--probes", "canary-leak", "--retries", "0", "--out", Path.Combine(_dir, "down"));
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Contains("connection failed", Assert.Single(error.Trim().Split('\n')), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--probes", "direct-injection,teleportation", "--probes: unknown family 'teleportation'")]
    [InlineData("--api-key-env", "GAUNTLET_TEST_UNSET_KEY_VARIABLE", "--api-key-env: the environment variable GAUNTLET_TEST_UNSET_KEY_VARIABLE is not set or empty.")]
    [InlineData("--fail-on", "dire", "--fail-on: unknown severity 'dire'")]
    public void BadScanOptions_AreOneLine_Exit2(string option, string value, string expected)
    {
        var (code, _, _, error) = CliRunner.Run("llm-scan", "--target", _target.ApiBase.ToString(), "--model", "m", option, value, "--out", Path.Combine(_dir, "bad"));
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Contains(expected, Assert.Single(error.Trim().Split('\n')), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("output:\n  action: shred\n", "error: policy ")]
    [InlineData("input: [unclosed\n", "line ")]
    public void Guard_MalformedPolicy_IsOneLine_Exit2(string yaml, string expected)
    {
        var policy = Path.Combine(_dir, "policy.yaml");
        File.WriteAllText(policy, yaml);
        var (code, _, _, error) = CliRunner.Run("guard", "--upstream", _target.ApiBase.ToString(), "--listen", "127.0.0.1:0", "--policy", policy, "--duration", "0.1");
        Assert.Equal(CliApp.ExitUserError, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Guard_And_Target_StartAndStopOnDuration()
    {
        var policy = Path.Combine(RepoPaths.Root, "examples", "llm", "guard-policy.yaml");
        var (code, console, _, error) = CliRunner.Run("guard", "--upstream", _target.ApiBase.ToString(), "--listen", "127.0.0.1:0", "--policy", policy, "--duration", "0.2", "--log", Path.Combine(_dir, "d.jsonl"));
        Assert.True(code == CliApp.ExitOk, error);
        Assert.Contains("guard listening on http://127.0.0.1:", console, StringComparison.Ordinal);
        var (targetCode, targetConsole, _, _) = CliRunner.Run("llm-target", "--listen", "127.0.0.1:0", "--duration", "0.2");
        Assert.Equal(CliApp.ExitOk, targetCode);
        Assert.Contains("practice target listening on", targetConsole, StringComparison.Ordinal);
        var (bad, _, _, badError) = CliRunner.Run("llm-target", "--listen", "localhost", "--duration", "0.2");
        Assert.Equal(CliApp.ExitUserError, bad);
        Assert.Contains("is not an IP address and port", badError, StringComparison.Ordinal);
    }
}
