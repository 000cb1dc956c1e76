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
    [InlineData("threats:\n  - norm: linf\n    epsilons: [-0.1]", "threats[0].epsilons[0] is -0.1; expected a positive, finite budget")]
    [InlineData("threats:\n  - norm: linf\n    epsilons: [0.1]\n    attacks: [pgd, laser]", "unknown attack 'laser'")]
    [InlineData("threats:\n  - norm: linf\n    epsilons: [0.1]\n    attacks: [pgd, deepfool]", "'deepfool' cannot run in an audit")]
    [InlineData("threats:\n  - norm: l2\n    epsilons: [0.5]\n    attacks: [pgd, mi-fgsm]", "threats[0] (l2).attacks: 'mi-fgsm' does not support norm l2; it supports linf only")]
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

    [Fact]
    public void PlansMayNameEveryNormBoundedRegisteredAttack_ByNameOrAlias_InRegistryCostOrder()
    {
        var plan = AuditPlanReader.Parse("threats:\n  - norm: linf\n    epsilons: [0.1]\n    attacks: [apgd, bim, hsj, gaussian-noise, autoattack, mi-fgsm]", "plan.yaml");
        Assert.Equal(["gaussian-noise", "hopskipjump", "bim", "mi-fgsm", "apgd-ce", "autoattack"], AttackCatalog.InRunOrder(plan.Threats[0].Attacks));
        Assert.Equal(
            ["gaussian-noise", "uniform-noise", "square", "hopskipjump", "fgsm", "rfgsm", "bim", "pgd", "mi-fgsm", "apgd-ce", "apgd-dlr", "apgd-t", "autoattack"],
            AttackCatalog.All.Select(a => a.Name));
        Assert.Equal(AttackerCategory.BlackBox, AttackCatalog.CategoryOf("hsj"));
        Assert.False(AttackCatalog.Contains("salt-and-pepper"));
        Assert.False(AttackCatalog.Contains("spatial"));
        Assert.False(AttackCatalog.Contains("patch"));
    }

    [Fact]
    public void CatalogMapsThePlansStrengthsIntoRegistrySettings()
    {
        var plan = AuditPlan.Default with { PgdSteps = 8, ApgdSteps = 6, ApgdTargetClasses = 2, MaxQueries = 50, NoiseTrials = 4 };
        var pgd = (Gauntlet.Attacks.Evasion.Pgd)AttackCatalog.Create("pgd", Gauntlet.Attacks.Norm.Linf, 0.1f, plan);
        Assert.Equal((8, 2.5f * 0.1f / 8, true, 1), (pgd.Steps, pgd.StepSize, pgd.RandomStart, pgd.Restarts));
        var apgdT = (Gauntlet.Attacks.Evasion.Apgd)AttackCatalog.Create("apgd-t", Gauntlet.Attacks.Norm.L2, 0.5f, plan);
        Assert.Equal((6, 2, Gauntlet.Attacks.Norm.L2), (apgdT.Steps, apgdT.TargetClasses, apgdT.Norm));
        Assert.Equal(9, ((Gauntlet.Attacks.Evasion.Apgd)AttackCatalog.Create("apgd-ce", Gauntlet.Attacks.Norm.Linf, 0.1f, plan)).TargetClasses);
        Assert.Equal(50, ((Gauntlet.Attacks.BlackBox.SquareAttack)AttackCatalog.Create("square", Gauntlet.Attacks.Norm.Linf, 0.1f, plan)).MaxQueries);
        Assert.Equal(4, ((Gauntlet.Attacks.BlackBox.RandomNoise)AttackCatalog.Create("gaussian-noise", Gauntlet.Attacks.Norm.Linf, 0.1f, plan)).Trials);
    }
}
