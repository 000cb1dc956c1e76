namespace Gauntlet.Audit.Tests;

public class AuditPlanReaderTests
{
    [Fact]
    public void YamlPlanOverridesDefaultsAndKeepsTheRest()
    {
        var plan = AuditPlanReader.Parse(
            """
            samples: 50
            seed: 7
            threats:
              - name: small-linf
                norm: linf
                epsilons: [0.02, 0.04]
                attacks: [fgsm, pgd]
            thresholds:
              min_score: 40
              min_robust_accuracy:
                - { threat: small-linf, epsilon: 0.04, value: 0.5 }
            """, "plan.yaml");
        Assert.Equal(50, plan.Samples);
        Assert.Equal(7, plan.Seed);
        Assert.Equal(AuditPlan.Default.PgdSteps, plan.PgdSteps);
        var threat = Assert.Single(plan.Threats);
        Assert.Equal([0.02f, 0.04f], threat.Epsilons);
        Assert.Equal(["fgsm", "pgd"], threat.Attacks);
        Assert.Equal(40, plan.Thresholds.MinScore);
        Assert.Equal(0.5, Assert.Single(plan.Thresholds.MinRobustAccuracy).Value);
    }

    [Fact]
    public void JsonPlanIsReadLikeYaml()
    {
        var plan = AuditPlanReader.Parse("""{"samples": 20, "threats": [{"norm": "l2", "epsilons": [0.5, 1.0]}]}""", "plan.json");
        Assert.Equal(20, plan.Samples);
        Assert.Equal("l2", plan.Threats[0].Name);
        Assert.Equal(AttackCatalog.DefaultEnsemble, plan.Threats[0].Attacks);
    }

    [Fact]
    public void EmptyFileMeansTheDefaultPlan() =>
        Assert.Equal(AuditPlan.Default.Threats.Count, AuditPlanReader.Parse("", "empty.yaml").Threats.Count);

    [Theory]
    [InlineData("samples: -3", "samples")]
    [InlineData("sampels: 3", "sampels is not a known key")]
    [InlineData("threats:\n  - norm: l1\n    epsilons: [0.1]", "threats[0] (l1).norm")]
    [InlineData("threats:\n  - norm: linf\n    epsilons: [0.1, 0.05]", "strictly ascending")]
    [InlineData("threats:\n  - norm: linf\n    epsilons: [-0.1]", "positive numbers")]
    [InlineData("threats:\n  - norm: linf\n    epsilons: [0.1]\n    attacks: [pgd, laser]", "unknown attack 'laser'")]
    [InlineData("threats:\n  - norm: linf\n    epsilons: [abc]", "threats[0].epsilons[0] is 'abc'")]
    [InlineData("thresholds:\n  min_robust_accuracy:\n    - { threat: nope, epsilon: 0.1, value: 0.5 }", "threat 'nope' is not in the plan")]
    [InlineData("thresholds:\n  min_robust_accuracy:\n    - { threat: linf, epsilon: 0.1, value: 50 }", "between 0 and 1")]
    [InlineData("samples: [1, 2", "not valid YAML or JSON")]
    public void BadPlansNameTheFileAndTheField(string text, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => AuditPlanReader.Parse(text, "plan.yaml"));
        Assert.StartsWith("plan.yaml: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPlanFileIsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => AuditPlanReader.Load("/nonexistent/plan.yaml"));
}
