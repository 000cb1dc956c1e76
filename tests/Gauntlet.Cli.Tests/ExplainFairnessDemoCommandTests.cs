using System.Text.Json;

namespace Gauntlet.Cli.Tests;

public sealed class ExplainFairnessDemoCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-xai-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void DemoCredit_WritesEveryArtefact_AndReweighingReducesDemographicParityDifference()
    {
        var outDir = Path.Combine(_dir, "credit");
        var (code, console, _, error) = CliRunner.Run("demo", "credit", "--out", outDir, "--seed", "23");
        Assert.True(code == CliApp.ExitOk, error);
        foreach (var file in new[] { "train.csv", "test.csv", "schema.yaml", "model.onnx", "report.json", "report.html", "report.md" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")));
        var root = doc.RootElement;
        Assert.True(root.GetProperty("synthetic").GetBoolean());
        Assert.Equal(23, root.GetProperty("seed").GetInt32());
        var before = root.GetProperty("fairness").GetProperty("before").GetProperty("demographic_parity_difference").GetDouble();
        var after = root.GetProperty("fairness").GetProperty("after_reweighing").GetProperty("demographic_parity_difference").GetDouble();
        Assert.True(before > 0.2, $"the injected bias should show: DPD {before}");
        Assert.True(after < before / 2, $"reweighing: DPD {before} → {after}");
        Assert.InRange(root.GetProperty("privacy").GetProperty("auc").GetDouble(), 0, 1);
        Assert.InRange(root.GetProperty("robustness").GetProperty("success_rate").GetDouble(), 0, 1);
        Assert.True(root.GetProperty("seconds").GetDouble() < 180);
        Assert.Contains("synthetic: true", File.ReadAllText(Path.Combine(outDir, "schema.yaml")), StringComparison.Ordinal);
        Assert.Contains("retrained with reweighing", File.ReadAllText(Path.Combine(outDir, "report.md")), StringComparison.Ordinal);
        Assert.Contains("after reweighing", console, StringComparison.Ordinal);

        // The exported model and the CSV go straight into the fairness and explain commands.
        var fairDir = Path.Combine(_dir, "fair");
        (code, _, _, error) = CliRunner.Run("fairness", Path.Combine(outDir, "model.onnx"), "--data", Path.Combine(outDir, "test.csv"), "--label-column", "label", "--protected", "sex", "--out", fairDir);
        Assert.True(code == 1, $"a high-severity disparate-impact finding exits 1; got {code}: {error}");
        using var fair = JsonDocument.Parse(File.ReadAllText(Path.Combine(fairDir, "fairness.json")));
        Assert.Equal(before, fair.RootElement.GetProperty("metrics").GetProperty("demographic_parity_difference").GetDouble(), 5);
        Assert.Contains(fair.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule_id").GetString() == "GA-FAIRNESS-DISPARATE-IMPACT");

        var explainDir = Path.Combine(_dir, "explain");
        (code, _, _, error) = CliRunner.Run("explain", Path.Combine(outDir, "model.onnx"), "--data", Path.Combine(outDir, "test.csv"), "--label-column", "label", "--protected", "sex_f", "--samples", "2", "--background", "20", "--seed", "4", "--out", explainDir);
        Assert.True(code == CliApp.ExitOk, error);
        using var ex = JsonDocument.Parse(File.ReadAllText(Path.Combine(explainDir, "explanations.json")));
        Assert.Equal(2, ex.RootElement.GetProperty("kernelshap").GetArrayLength());
        Assert.Equal(4, ex.RootElement.GetProperty("settings").GetProperty("seed").GetInt32());
        Assert.Contains(ex.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule_id").GetString() == "GA-EXPLAIN-PROTECTED-RELIANCE");
    }

    [Fact]
    public void DemoBenefits_ShowsTransparencyAndHumanOversightEvidence()
    {
        var outDir = Path.Combine(_dir, "benefits");
        var (code, _, _, error) = CliRunner.Run("demo", "benefits", "--out", outDir);
        Assert.True(code == CliApp.ExitOk, error);
        var md = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("| intended use |", md, StringComparison.Ordinal);
        Assert.Contains("appeal and override rate", md, StringComparison.Ordinal);
        Assert.Contains("Explanation per decision", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Fairness_FromAPredictionColumn_EqualsTheHandComputation()
    {
        var csv = Path.Combine(_dir, "scored.csv");
        // A: selected 2 of 4; B: selected 1 of 4 → DPD 0.25, disparate impact 0.5.
        File.WriteAllText(csv, "x,sex,y,pred\n1,A,1,1\n2,A,1,1\n3,A,0,0\n4,A,0,0\n5,B,1,1\n6,B,1,0\n7,B,0,0\n8,B,0,0\n");
        var outDir = Path.Combine(_dir, "f");
        var (code, _, _, error) = CliRunner.Run("fairness", "--data", csv, "--label-column", "y", "--protected", "sex", "--prediction-column", "pred", "--out", outDir);
        Assert.True(code == 1, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "fairness.json")));
        var m = doc.RootElement.GetProperty("metrics");
        Assert.Equal(0.25, m.GetProperty("demographic_parity_difference").GetDouble(), 12);
        Assert.Equal(0.5, m.GetProperty("disparate_impact_ratio").GetDouble(), 12);
        Assert.False(m.GetProperty("passes_four_fifths_rule").GetBoolean());
        Assert.True(File.Exists(Path.Combine(outDir, "fairness.html")));
    }

    [Fact]
    public void Fairness_AnUnknownColumn_IsOneLineExit2_NothingWritten()
    {
        var csv = Path.Combine(_dir, "scored.csv");
        File.WriteAllText(csv, "x,sex,y,pred\n1,A,1,1\n2,B,0,0\n");
        var outDir = Path.Combine(_dir, "f");
        var (code, _, _, error) = CliRunner.Run("fairness", "--data", csv, "--label-column", "y", "--protected", "gender", "--prediction-column", "pred", "--out", outDir);
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Equal($"error: --protected gender: {csv} has no such column (columns: x, sex, y, pred).", error.Trim());
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());
    }

    [Fact]
    public void ExplainImages_WritesHeatmapsAndTheCompletenessCheck()
    {
        var outDir = Path.Combine(_dir, "img");
        var (code, _, _, error) = CliRunner.Run("explain", "demo", "--data", "demo", "--samples", "1", "--steps", "16", "--smooth-samples", "2", "--out", outDir);
        Assert.True(code == CliApp.ExitOk, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "explanations.json")));
        var sample = Assert.Single(doc.RootElement.GetProperty("samples").EnumerateArray());
        Assert.True(File.Exists(Path.Combine(outDir, sample.GetProperty("ig_png").GetString()!)));
        Assert.True(sample.GetProperty("ig").GetProperty("completeness_error").GetDouble() >= 0);
        // The demo model is ONNX: Grad-CAM is skipped with the reason.
        Assert.Contains(doc.RootElement.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("Grad-CAM skipped", StringComparison.Ordinal));
    }
}
