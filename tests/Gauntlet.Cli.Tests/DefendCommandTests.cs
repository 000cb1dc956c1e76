using System.Text.Json;

namespace Gauntlet.Cli.Tests;

public sealed class DefendCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-defend-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Defend_WritesTheReportTrio_WithPlainAndAdaptiveFigures()
    {
        var output = Path.Combine(_dir, "out");
        var (code, console, _, error) = CliRunner.Run("defend", "demo", "--data", "demo", "--samples", "40", "--defense", "bit-depth,squeeze-detector", "--eps", "0.1", "--attacks", "pgd", "--steps", "5", "--seed", "3", "--out", output);
        Assert.True(code == CliApp.ExitOk, error + console);
        Assert.Equal(["defense_report.html", "defense_report.json", "defense_summary.md"], Directory.GetFiles(output).Select(Path.GetFileName).Order());
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "defense_report.json")));
        var root = doc.RootElement;
        Assert.Equal(3, root.GetProperty("seed").GetInt32());
        var threat = root.GetProperty("input_defenses")[0].GetProperty("threats")[0];
        var reported = threat.GetProperty("reported").GetDouble();
        Assert.True(reported <= threat.GetProperty("plain").GetDouble() && reported <= threat.GetProperty("adaptive").GetDouble());
        Assert.InRange(root.GetProperty("detector").GetProperty("auc").GetDouble(), 0.0, 1.0);
        var markdown = File.ReadAllText(Path.Combine(output, "defense_summary.md"));
        foreach (var heading in new[] { "## Challenge", "## Approach", "## Result", "## Key findings" })
        {
            Assert.Contains(heading, markdown);
        }
    }

    [Theory]
    [InlineData("--defense", "no-such-defense", "unknown defense 'no-such-defense'")]
    [InlineData("--eps", "0", "--eps: 0 is outside (0, 1]")]
    [InlineData("--eps", "-0.1", "--eps: -0.1 is outside (0, 1]")]
    [InlineData("--eps", "abc", "--eps: 'abc' is not a number")]
    [InlineData("--defense", "pgd-at", "--defended")]
    [InlineData("--attacks", "square", "not a white-box attack")]
    public void BadInput_IsOneLine_Exit2(string option, string value, string expected)
    {
        var args = new List<string> { "defend", "demo", "--data", "demo", "--samples", "4", "--out", Path.Combine(_dir, "bad") };
        if (option != "--defense")
        {
            args.AddRange(["--defense", "jpeg"]);
        }

        args.AddRange([option, value]);
        var (code, _, _, error) = CliRunner.Run([.. args]);
        Assert.Equal(CliApp.ExitUserError, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.Contains(expected, line);
        Assert.False(Directory.Exists(Path.Combine(_dir, "bad")));
    }

    [Theory]
    [InlineData("--defense", "nope", "nope")]
    [InlineData("--sigma", "0", "--sigma")]
    [InlineData("--eps", "-1", "--eps")]
    public void Train_BadDefenseInput_IsOneLine_Exit2(string option, string value, string named)
    {
        var args = new List<string> { "train", "--data", "demo", "--arch", "mlp", "--epochs", "1", "--samples", "16" };
        if (option != "--defense")
        {
            args.AddRange(["--defense", "gaussian"]);
        }

        args.AddRange([option, value]);
        var (code, _, _, error) = CliRunner.Run([.. args]);
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Contains(named, Assert.Single(error.Trim().Split('\n')));
    }

    [Fact]
    public void Train_WithDefense_RecordsTheSettingsInTheLog_AndDefendReadsThem()
    {
        var model = Path.Combine(_dir, "fast.gntp");
        var (code, console, _, error) = CliRunner.Run("train", "--data", "demo", "--arch", "mlp", "--epochs", "1", "--samples", "200", "--defense", "fast-at", "--eps", "0.05", "--seed", "2", "--out", model);
        Assert.True(code == CliApp.ExitOk, error + console);
        using (var log = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(model, ".train.json"))))
        {
            var defense = log.RootElement.GetProperty("defense");
            Assert.Equal("fast-at", defense.GetProperty("method").GetString());
            Assert.Equal(0.05, defense.GetProperty("epsilon").GetDouble(), 6);
            Assert.Equal(0.0625, defense.GetProperty("step_size").GetDouble(), 6);
            Assert.Equal(2, log.RootElement.GetProperty("seed").GetInt32());
        }

        var baseline = Path.Combine(_dir, "plain.gntp");
        Assert.Equal(CliApp.ExitOk, CliRunner.Run("train", "--data", "demo", "--arch", "mlp", "--epochs", "1", "--samples", "200", "--seed", "2", "--out", baseline).Code);
        var output = Path.Combine(_dir, "report");
        (code, console, _, error) = CliRunner.Run("defend", baseline, "--data", "demo", "--samples", "30", "--defense", "fast-at", "--defended", model, "--eps", "0.05", "--attacks", "pgd", "--steps", "3", "--out", output);
        Assert.True(code == CliApp.ExitOk, error + console);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "defense_report.json")));
        var trained = doc.RootElement.GetProperty("training_defenses")[0];
        Assert.Equal("fast-at", trained.GetProperty("defense").GetString());
        Assert.True(trained.GetProperty("training_seconds").GetDouble() > 0);
        Assert.Equal("fast-at", trained.GetProperty("training_log").GetProperty("method").GetString());
    }

    [Fact]
    public void Audit_WithDefense_AuditsTheDefendedModel_AndStatesTheProtectionGained()
    {
        var output = Path.Combine(_dir, "audit");
        var (code, console, _, error) = CliRunner.Run("audit", "--samples", "8", "--assessments", "evasion", "--defense", "bit-depth", "--out", output);
        Assert.True(code is CliApp.ExitOk or CliApp.ExitFindings, error + console);
        Assert.Contains("protection gained by bit-depth: overall score", console);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "security_audit_report.json")));
        Assert.Contains("behind bit-depth (BPDA/EOT)", doc.RootElement.GetRawText());
    }
}
