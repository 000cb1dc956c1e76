using System.Text.Json;

namespace Gauntlet.Cli.Tests;

/// <summary><c>gauntlet privacy-budget</c> and <c>gauntlet train --dp</c>: the published accountant values, the training log, and one-line errors.</summary>
public sealed class PrivacyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-privacy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertRelative(double expected, double actual, double tolerance = 1e-6) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * expected, $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void PrivacyBudget_Rdp_PrintsOpacusEpsilonAndTheOrder()
    {
        var json = Path.Combine(_dir, "rdp.json");
        var (code, console, _, error) = CliRunner.Run("privacy-budget", "--sample-rate", "0.04", "--noise-multiplier", "1.5", "--steps", "2250", "--delta", "1e-5", "--json", json);
        Assert.True(code == CliApp.ExitOk, error);
        Assert.Contains("ε = 7.329111171", console);
        Assert.Contains("order α = 3.9", console);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        AssertRelative(7.32911117143, root.GetProperty("epsilon").GetDouble());
        Assert.Equal(3.9, root.GetProperty("order").GetDouble());
        Assert.Equal("rdp", root.GetProperty("accountant").GetString());
        Assert.Equal(2250, root.GetProperty("steps").GetInt32());
    }

    [Fact]
    public void PrivacyBudget_Prv_PrintsOpacusEpsilon_ToStandardOutput()
    {
        // Opacus's PRV test runs int(90 // 0.04) = 2,249 steps.
        var (code, _, stdout, error) = CliRunner.Run("privacy-budget", "--sample-rate", "0.04", "--noise-multiplier", "1.5", "--steps", "2249", "--delta", "1e-5", "--accountant", "prv", "--json", "-");
        Assert.True(code == CliApp.ExitOk, error);
        using var doc = JsonDocument.Parse(stdout);
        AssertRelative(6.777395712150674, doc.RootElement.GetProperty("epsilon").GetDouble());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("order").ValueKind);
    }

    [Theory]
    [InlineData("--noise-multiplier", "0")]
    [InlineData("--noise-multiplier", "-1")]
    [InlineData("--sample-rate", "0")]
    [InlineData("--sample-rate", "1.01")]
    [InlineData("--delta", "1")]
    [InlineData("--delta", "0")]
    [InlineData("--steps", "0")]
    public void PrivacyBudget_BadInput_IsOneLineExit2(string option, string value)
    {
        var args = new Dictionary<string, string> { ["--sample-rate"] = "0.04", ["--noise-multiplier"] = "1.5", ["--steps"] = "100", ["--delta"] = "1e-5" };
        args[option] = value;
        var (code, _, _, error) = CliRunner.Run(["privacy-budget", .. args.SelectMany(a => new[] { a.Key, a.Value })]);
        Assert.Equal(CliApp.ExitUserError, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith($"error: {option}: ", line);
    }

    [Fact]
    public void TrainDp_RecordsEpsilonInTheTrainingLog()
    {
        var model = Path.Combine(_dir, "dp.gntp");
        var (code, console, _, error) = CliRunner.Run("train", "--data", "demo", "--arch", "mlp", "--epochs", "1", "--samples", "256", "--batch", "32", "--optimizer", "sgd", "--lr", "0.1",
            "--dp", "--noise-multiplier", "1.1", "--max-grad-norm", "1", "--delta", "1e-4", "--clipping", "per-layer", "--out", model);
        Assert.True(code == CliApp.ExitOk, error);
        Assert.Contains("epoch 1: ε = ", console);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "dp.train.json")));
        var dp = doc.RootElement.GetProperty("differential_privacy");
        Assert.Equal(1.1, dp.GetProperty("noise_multiplier").GetDouble());
        Assert.Equal(1e-4, dp.GetProperty("delta").GetDouble());
        Assert.Equal(0.125, dp.GetProperty("sample_rate").GetDouble());
        Assert.Equal(8, dp.GetProperty("steps").GetInt32());
        Assert.Equal("per-layer", dp.GetProperty("clipping").GetString());
        Assert.Equal("rdp", dp.GetProperty("accountant").GetString());
        var epsilon = dp.GetProperty("epsilon").GetDouble();
        AssertRelative(new Gauntlet.Privacy.Accounting.RdpAccountant().Spent(0.125, 1.1, 8, 1e-4).Epsilon, epsilon, 1e-12);
    }

    [Fact]
    public void TrainDp_TargetEpsilon_CalibratesSigmaUnderTheTarget()
    {
        var model = Path.Combine(_dir, "target.gntp");
        var (code, _, _, error) = CliRunner.Run("train", "--data", "demo", "--arch", "mlp", "--epochs", "1", "--samples", "128", "--batch", "32", "--optimizer", "sgd",
            "--dp", "--target-epsilon", "2", "--out", model);
        Assert.True(code == CliApp.ExitOk, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "target.train.json")));
        var epsilon = doc.RootElement.GetProperty("differential_privacy").GetProperty("epsilon").GetDouble();
        Assert.InRange(epsilon, 2 - 0.01, 2);
    }

    [Theory]
    [InlineData("--dp needs exactly one of --noise-multiplier", "--dp")]
    [InlineData("--noise-multiplier only applies with --dp", "--noise-multiplier", "1")]
    [InlineData("--dp on resnet-mini: ", "--dp", "--noise-multiplier", "1", "--arch", "resnet-mini")]
    public void TrainDp_BadCombinations_AreOneLineExit2(string message, params string[] extra)
    {
        var (code, _, _, error) = CliRunner.Run(["train", "--data", "demo", "--epochs", "1", "--samples", "64", "--batch", "16", .. extra, "--out", Path.Combine(_dir, "x.gntp")]);
        Assert.Equal(CliApp.ExitUserError, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.Contains(message, line);
        Assert.False(File.Exists(Path.Combine(_dir, "x.gntp")));
    }
}
