using System.Text.Json;
using Gauntlet.Data;

namespace Gauntlet.Cli.Tests;

/// <summary><c>gauntlet audit model.onnx --artifacts DIR</c> folds the artifact scan into the scorecard.</summary>
public sealed class AuditSupplyChainCommandTests : IDisposable
{
    private const string SupplyChainOnly = """
        samples: 8
        batch: 8
        assessments: [supply_chain]
        threats:
          - name: linf
            norm: linf
            epsilons: [0.03]
            attacks: [fgsm]
        """;

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("gauntlet-audit-supply-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public void ModelBesideAPickleBearingCheckpoint_ShowsACriticalSupplyChainFindingAndCategoryScore()
    {
        var model = Path.Combine(_work.FullName, "model.onnx");
        File.WriteAllBytes(model, DemoModel.OnnxBytes());
        var artifacts = Directory.CreateDirectory(Path.Combine(_work.FullName, "release"));
        File.Copy(CorpusFile("torch_zip_os_system.pt"), Path.Combine(artifacts.FullName, "model.pt"));
        var plan = Path.Combine(_work.FullName, "plan.yaml");
        File.WriteAllText(plan, SupplyChainOnly);
        var output = Path.Combine(_work.FullName, "out");

        var (code, console, _, err) = CliRunner.Run("audit", model, "--data", "demo", "--plan", plan, "--artifacts", artifacts.FullName, "--out", output);

        Assert.True(code == 0, err + console);
        Assert.Contains("Supply chain", console, StringComparison.Ordinal);
        Assert.Contains("covers: supply chain (model files) (1 of 6 categories)", console, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "security_audit_report.json")));
        var root = json.RootElement;
        var category = root.GetProperty("scorecard").GetProperty("categories").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "supply_chain");
        Assert.Equal("assessed", category.GetProperty("status").GetString());
        Assert.Equal(0, category.GetProperty("score").GetDouble());
        Assert.Equal(0, root.GetProperty("scorecard").GetProperty("overall_score").GetDouble());
        Assert.Equal(["supply_chain"], root.GetProperty("scorecard").GetProperty("covers").EnumerateArray().Select(e => e.GetString()));
        var finding = root.GetProperty("findings")[0];
        Assert.Equal("critical", finding.GetProperty("severity").GetString());
        Assert.Equal("GA-SUPPLY-PICKLE-DANGEROUS-CALLABLE", finding.GetProperty("id").GetString());
        Assert.Contains("model.pt", finding.GetProperty("title").GetString(), StringComparison.Ordinal);
        var module = root.GetProperty("assessments").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "supply_chain");
        Assert.Equal(2, module.GetProperty("artifacts").GetArrayLength());
        var evasion = root.GetProperty("assessments").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "evasion");
        Assert.Equal("not_run", evasion.GetProperty("status").GetString());
        Assert.Contains("GA-SUPPLY-PICKLE-DANGEROUS-CALLABLE", File.ReadAllText(Path.Combine(output, "report.sarif")), StringComparison.Ordinal);
    }

    [Fact]
    public void CleanModelAlone_ScoresOneHundredForSupplyChain()
    {
        var model = Path.Combine(_work.FullName, "model.onnx");
        File.WriteAllBytes(model, DemoModel.OnnxBytes());
        var plan = Path.Combine(_work.FullName, "plan.yaml");
        File.WriteAllText(plan, SupplyChainOnly);
        var output = Path.Combine(_work.FullName, "clean");

        var (code, console, _, err) = CliRunner.Run("audit", model, "--data", "demo", "--plan", plan, "--out", output);

        Assert.True(code == 0, err + console);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "security_audit_report.json")));
        var scorecard = json.RootElement.GetProperty("scorecard");
        Assert.Equal(100, scorecard.GetProperty("overall_score").GetDouble());
        Assert.Equal(JsonValueKind.Null, scorecard.GetProperty("cap").ValueKind);
        Assert.Empty(json.RootElement.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public void MissingArtifactsFolder_IsAOneLineUserError()
    {
        var (code, _, _, err) = CliRunner.Run("audit", "--artifacts", Path.Combine(_work.FullName, "nope"), "--out", Path.Combine(_work.FullName, "x"));
        Assert.Equal(2, code);
        Assert.Contains("--artifacts", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void UnknownAssessment_IsAOneLineUserErrorNamingTheModules()
    {
        var (code, _, _, err) = CliRunner.Run("audit", "--assessments", "fairness", "--out", Path.Combine(_work.FullName, "x"));
        Assert.Equal(2, code);
        Assert.Contains("unknown module 'fairness'", err, StringComparison.Ordinal);
        Assert.Contains("supply_chain", err, StringComparison.Ordinal);
        Assert.Contains("privacy", err, StringComparison.Ordinal);
    }

    [Fact]
    public void PartialAudit_PrintsIncompleteWithoutAGrade_AndTheJsonHasNone()
    {
        var output = Path.Combine(_work.FullName, "partial");

        // A time budget of a millisecond stops the audit after its first module.
        var (code, console, _, err) = CliRunner.Run("audit", "--time-budget", "0.001", "--out", output);

        Assert.True(code == 1, err + console);
        Assert.Contains("Robustness score: incomplete", console, StringComparison.Ordinal);
        Assert.DoesNotContain("(grade", console, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "security_audit_report.json")));
        Assert.Equal("partial", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("scorecard").GetProperty("grade").ValueKind);
        Assert.Contains("incomplete", File.ReadAllText(Path.Combine(output, "report.html")), StringComparison.Ordinal);
    }

    private static string CorpusFile(string name) =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests", "Gauntlet.Scanner.Tests", "Fixtures", "corpus", "malicious"), name, SearchOption.AllDirectories).Single();
}
