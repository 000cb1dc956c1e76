using Gauntlet.Governance.Compliance;
using Gauntlet.Governance.Registry;

namespace Gauntlet.Governance.Tests.Compliance;

/// <summary>Policy evaluation against SQLite registries holding hand-built evidence.</summary>
public sealed class ComplianceEvaluatorTests : IDisposable
{
    private static readonly string Model = Path.Combine(AppContext.BaseDirectory, "Fixtures", "models", "mlp.onnx");
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private ModelRegistry OpenRegistry() => ModelRegistry.Open(_dir.File("reg.db"));

    private string Report(string name, string json)
    {
        var path = _dir.File(name);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void EuAiAct_OnAFullyEvidencedVersion_IsAllSatisfied_WithEvidenceLinked()
    {
        using var registry = OpenRegistry();
        var data = _dir.File("train.csv");
        File.WriteAllText(data, "x,y\n1,2\n");
        var config = _dir.File("train.yaml");
        File.WriteAllText(config, "epochs: 1\n");
        registry.Register(new RegisterRequest { Name = "m", ArtifactPath = Model, DataFiles = [data], TrainingConfig = config });
        var audit = registry.Attach("m@1", "audit", Report("audit.json", """{"scorecard":{"overall_score":72.5}}"""));
        registry.Attach("m@1", "scan", Report("scan.json", """{"findings":[]}"""));
        registry.SetTag("m@1", "human_oversight", "ml-risk-board");

        var report = ComplianceEvaluator.Evaluate(PolicyLoader.Load("eu-ai-act"), registry, "m@1");

        Assert.Equal(["art-9", "art-10", "art-11", "art-12", "art-13", "art-14", "art-15"], report.Requirements.Select(r => r.Requirement.Id));
        Assert.All(report.Requirements, r => Assert.Equal(ComplianceStatus.Satisfied, r.Status));
        Assert.True(report.Passes(failOnNotEvidenced: true));
        var art15 = report.Requirements.Single(r => r.Requirement.Id == "art-15").Checks[0];
        Assert.Equal("score 72.5 within bounds", art15.Reason);
        var link = Assert.Single(art15.Evidence);
        Assert.Equal(audit.ReportSha256, link.Sha256);
        Assert.NotNull(link.LogIndex); // the attach event's entry in the tamper-evident log
        var art10 = report.Requirements.Single(r => r.Requirement.Id == "art-10").Checks[0];
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(data))), art10.Evidence[0].Sha256);
        var art12 = report.Requirements.Single(r => r.Requirement.Id == "art-12").Checks[0];
        Assert.Equal([0L, 1, 2, 3], art12.Evidence.Select(e => e.LogIndex!.Value)); // register, 2 attaches, tag
    }

    [Fact]
    public void LowScore_Fails_MissingEvidence_IsNotEvidenced_AndTheGateFollowsFailOn()
    {
        using var registry = OpenRegistry();
        registry.Register(new RegisterRequest { Name = "m", ArtifactPath = Model });
        registry.Attach("m@1", "audit", Report("audit.json", """{"scorecard":{"overall_score":31}}"""));

        var report = ComplianceEvaluator.Evaluate(PolicyLoader.Load("eu-ai-act"), registry, "m@1");
        var status = report.Requirements.ToDictionary(r => r.Requirement.Id, r => r.Status);

        Assert.Equal(ComplianceStatus.Failed, status["art-15"]); // 31 < 50 outweighs the missing scan
        Assert.Equal("score 31 < 50", report.Requirements.Single(r => r.Requirement.Id == "art-15").Checks[0].Reason);
        Assert.Equal(ComplianceStatus.NotEvidenced, status["art-9"]); // audit yes, scan no
        Assert.Equal(ComplianceStatus.NotEvidenced, status["art-10"]);
        Assert.Equal(ComplianceStatus.NotEvidenced, status["art-14"]);
        Assert.Equal(ComplianceStatus.Satisfied, status["art-12"]);
        Assert.False(report.Passes(failOnNotEvidenced: false));

        // Newest result of a kind counts: a re-audit above the bar fixes Art. 15's failure.
        registry.Attach("m@1", "audit", Report("audit2.json", """{"scorecard":{"overall_score":64}}"""));
        var again = ComplianceEvaluator.Evaluate(PolicyLoader.Load("eu-ai-act"), registry, "m@1");
        Assert.Equal(0, again.Count(ComplianceStatus.Failed));
        Assert.True(again.Passes(failOnNotEvidenced: false));
        Assert.False(again.Passes(failOnNotEvidenced: true));
    }

    [Fact]
    public void CustomPolicy_DpEpsilonBound_ScoreMaximum_AndTags()
    {
        using var registry = OpenRegistry();
        registry.Register(new RegisterRequest { Name = "m", ArtifactPath = Model, DpEpsilon = 8 });
        registry.Attach("m@1", "privacy", Report("privacy.json", """{"score":0.9}"""));
        var policy = PolicyLoader.Parse("""
            id: team
            title: Team rules
            requirements:
              - id: dp
                title: DP budget
                requires: [{lineage: dp_epsilon, max_value: 4}]
              - id: leak
                title: Membership advantage
                requires: [{attachment: privacy, max_score: 1}]
              - id: owner
                title: Owner
                requires: [{tag: owner}]
            """, "team.yaml");

        var report = ComplianceEvaluator.Evaluate(policy, registry, "m@1");

        Assert.Equal([ComplianceStatus.Failed, ComplianceStatus.Satisfied, ComplianceStatus.NotEvidenced], report.Requirements.Select(r => r.Status));
        Assert.Equal("dp_epsilon 8 > 4", report.Requirements[0].Checks[0].Reason);
        var json = report.ToJson(failOnNotEvidenced: false);
        Assert.Equal("failed", json["requirements"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(1, json["summary"]!["not_evidenced"]!.GetValue<int>());
        Assert.False(json["passed"]!.GetValue<bool>());
    }

    [Fact]
    public void AllBuiltInPolicies_Load_WithTheirRequirements()
    {
        Assert.Equal(7, PolicyLoader.Load("eu-ai-act").Requirements.Count);
        Assert.Equal(["govern", "map", "measure", "manage"], PolicyLoader.Load("nist-ai-rmf").Requirements.Select(r => r.Id));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"ML{i:00}"), PolicyLoader.Load("owasp-ml").Requirements.Select(r => r.Id));
    }

    [Theory]
    [InlineData("id: x\nrequirements: [", "malformed YAML")]
    [InlineData("title: no id\nrequirements: []", "missing 'id'")]
    [InlineData("id: x\nrequirements: []", "non-empty list")]
    [InlineData("id: x\nrequirements:\n  - id: a\n    requires: [{attachment: audit, min_scor: 3}]", "unknown rule key 'min_scor'")]
    [InlineData("id: x\nrequirements:\n  - id: a\n    requires: [{lineage: weights}]", "unknown lineage field 'weights'")]
    [InlineData("id: x\nrequirements:\n  - id: a\n    requires: [{attachment: audit, tag: owner}]", "exactly one of")]
    [InlineData("id: x\nrequirements:\n  - id: a\n    requires: [{attachment: audit, min_score: high}]", "is not a number")]
    [InlineData("id: x\nrequirements:\n  - id: a\n    requires: [{tag: t}]\n  - id: a\n    requires: [{tag: t}]", "appears twice")]
    public void MalformedPolicies_AreRefused_WithOneLine(string yaml, string expected)
    {
        var error = Assert.Throws<CompliancePolicyException>(() => PolicyLoader.Parse(yaml, "p.yaml"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void UnknownPolicyName_AndUnknownVersion_AreRefused()
    {
        Assert.Contains("not a built-in policy", Assert.Throws<CompliancePolicyException>(() => PolicyLoader.Load("iso-42001")).Message, StringComparison.Ordinal);
        using var registry = OpenRegistry();
        registry.Register(new RegisterRequest { Name = "m", ArtifactPath = Model });
        Assert.Throws<RegistryException>(() => ComplianceEvaluator.Evaluate(PolicyLoader.Load("owasp-ml"), registry, "m@4"));
    }
}
