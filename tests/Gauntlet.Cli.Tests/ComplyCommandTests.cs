using System.Text.Json;

namespace Gauntlet.Cli.Tests;

/// <summary>
/// <c>gauntlet comply</c>: the end-to-end train → scan → audit → register → comply path on the demo
/// data, the gate's exit codes, and bad input.
/// </summary>
public sealed class ComplyCommandTests : IDisposable
{
    private const string TinyPlan = """
        samples: 16
        batch: 16
        pgd_steps: 3
        noise_trials: 2
        threats:
          - name: linf
            norm: linf
            epsilons: [0.03]
            attacks: [gaussian-noise, fgsm]
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-comply-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Db => Path.Combine(_dir, "reg.db");

    private string At(string name) => Path.Combine(_dir, name);

    private static void Ok((int Code, string Console, string Out, string Err) run, string step) =>
        Assert.True(run.Code == 0, $"{step}: exit {run.Code}: {run.Err}{run.Console}");

    [Fact]
    public void TrainScanAuditRegisterComply_EuAiAct_ReportsEachArticleWithEvidence()
    {
        Ok(CliRunner.Run("train", "--arch", "mlp", "--data", "demo", "--epochs", "1", "--limit", "128", "--out", At("model.onnx")), "train");
        Ok(CliRunner.Run("scan", At("model.onnx"), "--format", "json", "--output", At("scan.json")), "scan");
        Ok(CliRunner.Run("registry", "register", At("model.onnx"), "--name", "demo-mlp", "--training-log", At("model.train.json"), "--registry", Db), "register");
        File.WriteAllText(At("plan.yaml"), TinyPlan);
        Ok(CliRunner.Run("audit", At("model.onnx"), "--plan", At("plan.yaml"), "--out", At("audit"), "--register", "demo-mlp@1", "--registry", Db), "audit --register");
        Ok(CliRunner.Run("registry", "attach", "demo-mlp@1", At("scan.json"), "--kind", "scan", "--registry", Db), "attach scan");

        var run = CliRunner.Run("comply", "demo-mlp@1", "--policy", "eu-ai-act", "--out", At("comply"), "--registry", Db);

        using var report = JsonDocument.Parse(File.ReadAllText(At("comply/compliance.json")));
        var root = report.RootElement;
        var articles = root.GetProperty("requirements").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!, r => r);
        string Status(string id) => articles[id].GetProperty("status").GetString()!;
        Assert.Equal(7, articles.Count);
        using var audit = JsonDocument.Parse(File.ReadAllText(At("audit/security_audit_report.json")));
        var score = audit.RootElement.GetProperty("scorecard").GetProperty("overall_score").GetDouble();

        // Art. 15 follows the audit's score against the policy's 50; its evidence links the attached report.
        Assert.Equal(score >= 50 ? "satisfied" : "failed", Status("art-15"));
        var auditLink = articles["art-15"].GetProperty("checks")[0].GetProperty("evidence")[0];
        Assert.Contains("security_audit_report.json", auditLink.GetProperty("reference").GetString(), StringComparison.Ordinal);
        Assert.Equal(64, auditLink.GetProperty("sha256").GetString()!.Length);
        Assert.True(auditLink.GetProperty("log_index").GetInt64() > 0);
        Assert.Equal("satisfied", Status("art-9"));   // audit and scan attached
        Assert.Equal("not_evidenced", Status("art-10")); // registered without --data-file or --training-config
        Assert.Equal("satisfied", Status("art-11"));  // card with the ONNX signature
        Assert.Equal("satisfied", Status("art-12"));  // register + two attaches in the log
        Assert.Equal(3, articles["art-12"].GetProperty("checks")[0].GetProperty("evidence").GetArrayLength());
        Assert.Equal("not_evidenced", Status("art-14")); // no human_oversight tag

        // Default gate: fail only on 'failed'.
        Assert.Equal(score >= 50 ? 0 : 1, run.Code);
        Assert.Contains("Art. 12 Record-keeping", run.Console, StringComparison.Ordinal);
        var markdown = File.ReadAllText(At("comply/compliance.md"));
        Assert.Contains("Art. 10 Data and data governance: not_evidenced", markdown, StringComparison.Ordinal);
        Assert.Contains("log index ", markdown, StringComparison.Ordinal);
        Assert.Contains("<html", File.ReadAllText(At("comply/compliance.html")), StringComparison.OrdinalIgnoreCase);

        // The strict gate fails on Art. 10 and Art. 14; a human_oversight tag then fixes Art. 14 only.
        Assert.Equal(1, CliRunner.Run("comply", "demo-mlp@1", "--policy", "eu-ai-act", "--out", At("strict"), "--fail-on", "not-evidenced", "--registry", Db).Code);
        Ok(CliRunner.Run("registry", "tag", "demo-mlp@1", "human_oversight=risk-board", "--registry", Db), "tag");
        Assert.Equal(run.Code, CliRunner.Run("comply", "demo-mlp@1", "--policy", "eu-ai-act", "--out", At("tagged"), "--registry", Db).Code);
        using var tagged = JsonDocument.Parse(File.ReadAllText(At("tagged/compliance.json")));
        var art14 = tagged.RootElement.GetProperty("requirements").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "art-14");
        Assert.Equal("satisfied", art14.GetProperty("status").GetString());
    }

    [Fact]
    public void FailingScore_FailsTheGate_WithExit1()
    {
        Ok(CliRunner.Run("registry", "register", Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch_fmnist_cnn.onnx"), "--name", "m", "--registry", Db), "register");
        File.WriteAllText(At("audit.json"), """{"scorecard":{"overall_score":12}}""");
        Ok(CliRunner.Run("registry", "attach", "m@1", At("audit.json"), "--kind", "audit", "--registry", Db), "attach");
        var (code, console, _, _) = CliRunner.Run("comply", "m@1", "--policy", "nist-ai-rmf", "--out", At("out"), "--registry", Db);
        Assert.Equal(1, code);
        Assert.Contains("gate failed", console, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(At("out/compliance.json")));
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal("score 12 < 50", json.RootElement.GetProperty("requirements")[2].GetProperty("checks")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public void BadInput_IsOneLine_Exit2()
    {
        Ok(CliRunner.Run("registry", "register", Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch_fmnist_cnn.onnx"), "--name", "m", "--registry", Db), "register");
        File.WriteAllText(At("broken.yaml"), "id: x\nrequirements: [");
        File.WriteAllText(At("unknown-rule.yaml"), "id: x\nrequirements:\n  - id: a\n    requires: [{signed_off: true}]\n");
        foreach (var (args, expected) in new[]
        {
            (new[] { "comply", "m@9", "--policy", "eu-ai-act", "--out", At("o1"), "--registry", Db }, "m@9: no such version"),
            (["comply", "m@1", "--policy", "iso-42001", "--out", At("o2"), "--registry", Db], "not a built-in policy"),
            (["comply", "m@1", "--policy", At("broken.yaml"), "--out", At("o3"), "--registry", Db], "malformed YAML"),
            (["comply", "m@1", "--policy", At("unknown-rule.yaml"), "--out", At("o4"), "--registry", Db], "unknown rule key 'signed_off'"),
            (["comply", "m@1", "--policy", "eu-ai-act", "--out", At("o5"), "--fail-on", "sometimes", "--registry", Db], "sometimes"),
        })
        {
            var (code, _, _, error) = CliRunner.Run(args);
            Assert.True(code == CliApp.ExitUserError, $"{string.Join(' ', args)}: exit {code} {error}");
            Assert.Single(error.Trim().Split('\n'));
            Assert.Contains(expected, error, StringComparison.Ordinal);
        }
    }
}
