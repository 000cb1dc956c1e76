using System.Text.Json;

namespace Gauntlet.Cli.Tests;

public sealed class AuditCommandTests : IDisposable
{
    private const string TinyPlan = """
        samples: 16
        batch: 16
        pgd_steps: 5
        max_queries: 40
        noise_trials: 3
        threats:
          - name: linf
            norm: linf
            epsilons: [0.03, 0.1]
            attacks: [gaussian-noise, square, fgsm, pgd]
        """;

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("gauntlet-audit-cli-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public void DemoAuditWritesAllFiveReportsAndPassesWithoutGates()
    {
        var output = Path.Combine(_work.FullName, "out");
        var (code, console, _, err) = CliRunner.Run("audit", "--plan", Plan(), "--out", output);
        Assert.True(code == 0, err + console);
        Assert.Contains("Robustness score:", console, StringComparison.Ordinal);
        foreach (var file in new[] { "security_audit_report.json", "report.html", "summary.md", "report.sarif", "junit.xml" })
        {
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "security_audit_report.json")));
        Assert.Equal("complete", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("demo", json.RootElement.GetProperty("model").GetProperty("path").GetString());
        Assert.Equal(16, json.RootElement.GetProperty("data").GetProperty("samples").GetInt32());
        Assert.Empty(Directory.GetFiles(output, "*.tmp*"));
    }

    [Fact]
    public void FailUnderAboveTheScoreExitsOneAndBelowExitsZero()
    {
        var output = Path.Combine(_work.FullName, "gate");
        var (failCode, failConsole, _, _) = CliRunner.Run("audit", "--plan", Plan(), "--out", output, "--fail-under", "99");
        Assert.Equal(1, failCode);
        Assert.Contains("FAILED", failConsole, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "security_audit_report.json")));
        var score = json.RootElement.GetProperty("scorecard").GetProperty("overall_score").GetDouble();
        Assert.True(score < 99);
        var (passCode, _, _, err) = CliRunner.Run("audit", "--plan", Plan(), "--out", output, "--fail-under", (score - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(passCode == 0, err);
    }

    [Fact]
    public void MissingModelFileExitsTwoWithOneLine()
    {
        var (code, _, _, err) = CliRunner.Run("audit", Path.Combine(_work.FullName, "nope.onnx"), "--out", Path.Combine(_work.FullName, "x"));
        Assert.Equal(2, code);
        var lines = err.Trim().Split('\n');
        Assert.Single(lines);
        Assert.Contains("nope.onnx", lines[0], StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work.FullName, "x")));
    }

    [Theory]
    [InlineData("threats:\n  - norm: l7\n    epsilons: [0.1]", "norm: 'l7' is not linf or l2")]
    [InlineData("samples: lots", "samples is 'lots'")]
    public void BadPlanExitsTwoNamingTheField(string plan, string expected)
    {
        var path = Path.Combine(_work.FullName, "bad.yaml");
        File.WriteAllText(path, plan);
        var (code, _, _, err) = CliRunner.Run("audit", "--plan", path);
        Assert.Equal(2, code);
        Assert.Contains("bad.yaml", err, StringComparison.Ordinal);
        Assert.Contains(expected, err, StringComparison.Ordinal);
    }

    [Fact]
    public void FailUnderOutsideZeroToHundredIsAUsageError()
    {
        var (code, _, _, err) = CliRunner.Run("audit", "--fail-under", "120");
        Assert.Equal(2, code);
        Assert.Contains("--fail-under", err, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportCommandRebuildsFormatsFromTheJson()
    {
        var output = Path.Combine(_work.FullName, "rebuild");
        Assert.Equal(0, CliRunner.Run("audit", "--plan", Plan(), "--out", output).Code);
        var original = File.ReadAllText(Path.Combine(output, "summary.md"));
        File.Delete(Path.Combine(output, "summary.md"));
        var (code, _, _, err) = CliRunner.Run("report", output, "--format", "md");
        Assert.True(code == 0, err);
        Assert.Equal(original, File.ReadAllText(Path.Combine(output, "summary.md")));
        var (stdoutCode, _, stdout, _) = CliRunner.Run("report", Path.Combine(output, "security_audit_report.json"), "--format", "sarif", "--out", "-");
        Assert.Equal(0, stdoutCode);
        Assert.Contains("\"version\": \"2.1.0\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportCommandOnAFolderWithoutAReportExitsTwo()
    {
        var (code, _, _, err) = CliRunner.Run("report", _work.FullName);
        Assert.Equal(2, code);
        Assert.Contains("security_audit_report.json", err, StringComparison.Ordinal);
    }

    [Fact]
    public void ListAttacksNamesEveryCatalogueAttack()
    {
        var (code, console, _, _) = CliRunner.Run("audit", "--list-attacks");
        Assert.Equal(0, code);
        foreach (var name in new[] { "gaussian-noise", "square", "hopskipjump", "fgsm", "pgd", "apgd-ce", "apgd-t" })
        {
            Assert.Contains(name, console, StringComparison.Ordinal);
        }
    }

    private string Plan()
    {
        var path = Path.Combine(_work.FullName, "plan.yaml");
        File.WriteAllText(path, TinyPlan);
        return path;
    }
}
