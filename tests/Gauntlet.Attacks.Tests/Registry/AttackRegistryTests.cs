using Gauntlet.Attacks.BlackBox;
using Gauntlet.Attacks.Evasion;
using Gauntlet.Attacks.Registry;
using Gauntlet.Attacks.Tabular;

namespace Gauntlet.Attacks.Tests.Registry;

public class AttackRegistryTests
{
    // What each registered name builds with its defaults. A registration without a row here fails
    // EveryRegisteredName_HasAnExpectedType, so a new attack cannot go untested.
    private static readonly Dictionary<string, Type?> Expected = new()
    {
        ["fgsm"] = typeof(Fgsm),
        ["rfgsm"] = typeof(RFgsm),
        ["bim"] = typeof(Bim),
        ["pgd"] = typeof(Pgd),
        ["mi-fgsm"] = typeof(MiFgsm),
        ["deepfool"] = typeof(DeepFool),
        ["cw"] = typeof(CarliniWagnerL2),
        ["apgd-ce"] = typeof(Apgd),
        ["apgd-dlr"] = typeof(Apgd),
        ["apgd-t"] = typeof(Apgd),
        ["autoattack"] = typeof(AttackSequence),
        ["square"] = typeof(SquareAttack),
        ["hopskipjump"] = typeof(HopSkipJump),
        ["gaussian-noise"] = typeof(RandomNoise),
        ["uniform-noise"] = typeof(RandomNoise),
        ["salt-and-pepper"] = typeof(RandomNoise),
        ["spatial"] = typeof(SpatialTransform),
        ["lowprofool"] = typeof(LowProFool),
        ["tabular-boundary"] = typeof(TabularBoundary),
        // A universal patch is trained over a data set: listed, but no evasion factory.
        ["patch"] = null,
    };

    private static readonly AttackSettings Budget = new() { Epsilon = 0.1f };

    public static TheoryData<string> NamesAndAliases => [.. AttackRegistry.NamesAndAliases];

    [Fact]
    public void EveryRegisteredName_HasAnExpectedType()
    {
        Assert.Equal(Expected.Keys.Order(), AttackRegistry.Names.Order());
    }

    [Theory]
    [MemberData(nameof(NamesAndAliases))]
    public void EveryNameAndAlias_BuildsItsOwnAttack(string name)
    {
        var descriptor = AttackRegistry.Find(name);
        var expected = Expected[descriptor.Name];
        if (expected is null)
        {
            Assert.False(descriptor.IsEvasion);
            var ex = Assert.Throws<NotSupportedException>(() => AttackRegistry.Create(name, Budget));
            Assert.Contains("not an evasion attack", ex.Message);
            return;
        }

        var attack = AttackRegistry.Create(name, Budget);
        Assert.IsType(expected, attack);
        Assert.Equal(descriptor.SupportsTargeted, attack.SupportsTargeted);
        if (descriptor.Norms.Count > 0)
        {
            Assert.Equal(descriptor.Norms[0], attack.Norm);
        }
    }

    [Fact]
    public void SharedClasses_AreConfiguredPerName()
    {
        Assert.Equal(ApgdLoss.CrossEntropy, ((Apgd)AttackRegistry.Create("apgd-ce", Budget)).Loss);
        Assert.Equal(ApgdLoss.Dlr, ((Apgd)AttackRegistry.Create("apgd-dlr", Budget)).Loss);
        var apgdT = (Apgd)AttackRegistry.Create("apgd-t", Budget with { TargetClasses = 3, Steps = 7 });
        Assert.Equal((ApgdLoss.DlrTargeted, 3, 7), (apgdT.Loss, apgdT.TargetClasses, apgdT.Steps));
        Assert.Equal("gaussian-noise-l2", AttackRegistry.Create("gaussian-noise", Budget with { Norm = Norm.L2 }).Name);
        Assert.Equal("uniform-noise-linf", AttackRegistry.Create("uniform-noise", Budget).Name);
        Assert.Equal(Norm.L0, AttackRegistry.Create("salt-and-pepper", Budget).Norm);
        Assert.Equal("bim-l2", AttackRegistry.Create("bim", Budget with { Norm = Norm.L2 }).Name);
        Assert.Equal(100, ((CarliniWagnerL2)AttackRegistry.Create("cw", Budget)).Steps);
        Assert.Equal(50, ((DeepFool)AttackRegistry.Create("deepfool", Budget)).MaxIterations);
    }

    [Fact]
    public void Defaults_AreFilledIn_AndStepSizeDefaultsToAQuarterOfEpsilon()
    {
        var pgd = (Pgd)AttackRegistry.Create("pgd", Budget);
        Assert.Equal((0.1f, 0.025f, 20, 1, true), (pgd.Epsilon, pgd.StepSize, pgd.Steps, pgd.Restarts, pgd.RandomStart));
        var given = (Pgd)AttackRegistry.Create("pgd", Budget with { StepSize = 0.01f, Steps = 5, Restarts = 2 });
        Assert.Equal((0.01f, 5, 2), (given.StepSize, given.Steps, given.Restarts));
    }

    [Fact]
    public void UnknownName_IsAClearArgumentException_ListingTheValidNames()
    {
        var ex = Assert.Throws<ArgumentException>(() => AttackRegistry.Find("rowhammer"));
        Assert.Contains("'rowhammer'", ex.Message);
        foreach (var name in AttackRegistry.Names)
        {
            Assert.Contains(name, ex.Message);
        }

        Assert.Null(AttackRegistry.TryFind("rowhammer"));
    }

    [Theory]
    [InlineData("pgd", "steps", 0f)]
    [InlineData("pgd", "epsilon", float.NaN)]
    [InlineData("pgd", "epsilon", -0.1f)]
    [InlineData("pgd", "step_size", 0f)]
    [InlineData("pgd", "restarts", 0f)]
    [InlineData("square", "max_queries", 2f)]
    [InlineData("gaussian-noise", "trials", 0f)]
    [InlineData("apgd-t", "target_classes", 0f)]
    [InlineData("salt-and-pepper", "epsilon", 1.5f)]
    [InlineData("deepfool", "steps", 0f)]
    public void OutOfRangeValues_AreRefused_NamingTheParameter(string attack, string parameter, float value)
    {
        var settings = parameter switch
        {
            "steps" => Budget with { Steps = (int)value },
            "epsilon" => Budget with { Epsilon = value },
            "step_size" => Budget with { StepSize = value },
            "restarts" => Budget with { Restarts = (int)value },
            "max_queries" => Budget with { MaxQueries = (int)value },
            "trials" => Budget with { Trials = (int)value },
            "target_classes" => Budget with { TargetClasses = (int)value },
            _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter, "no such parameter in this test"),
        };
        var ex = Assert.Throws<ArgumentException>(() => AttackRegistry.Create(attack, settings));
        Assert.Equal(parameter, ex.ParamName);
        Assert.Contains($"{attack}: {parameter} = ", ex.Message);
        Assert.Contains("out of range", ex.Message);
    }

    [Fact]
    public void MissingEpsilon_IsRefused_ButAttacksWithoutABudgetNeedNone()
    {
        var ex = Assert.Throws<ArgumentException>(() => AttackRegistry.Create("pgd", new AttackSettings()));
        Assert.Equal("epsilon", ex.ParamName);
        Assert.Contains("required", ex.Message);
        Assert.IsType<DeepFool>(AttackRegistry.Create("deepfool", new AttackSettings()));
    }

    [Theory]
    [InlineData("cw", Norm.Linf, "cw supports l2 only")]
    [InlineData("mi-fgsm", Norm.L2, "mi-fgsm supports linf only")]
    [InlineData("salt-and-pepper", Norm.Linf, "supports l0 only")]
    [InlineData("spatial", Norm.L2, "not bounded by a norm")]
    public void UnsupportedNorm_IsRefused(string attack, Norm norm, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => AttackRegistry.Create(attack, Budget with { Norm = norm }));
        Assert.Contains(expected, ex.Message);
        Assert.Equal("norm", ex.ParamName);
    }

    [Fact]
    public void PgdRandomStart_False_IsBimAndIgnoresTheSeed_True_StartsInTheBallAndDependsOnTheSeed()
    {
        var r = ReferenceModel.Instance;
        var classifier = r.Classifier();
        var goal = AttackGoal.Untargeted(r.Labels);
        var settings = new AttackSettings { Epsilon = 0.05f, Steps = 3, StepSize = 0.01f };
        var fixedStart = (Pgd)AttackRegistry.Create("pgd", settings with { RandomStart = false });
        var randomStart = (Pgd)AttackRegistry.Create("pgd", settings);
        Assert.False(fixedStart.RandomStart);
        Assert.True(randomStart.RandomStart);

        var bim = AttackRegistry.Create("bim", settings).Run(classifier, r.Images, goal, seed: 1).Adversarial.ToArray();
        var fixed1 = fixedStart.Run(classifier, r.Images, goal, seed: 1).Adversarial.ToArray();
        var fixed2 = fixedStart.Run(classifier, r.Images, goal, seed: 2).Adversarial.ToArray();
        Assert.Equal(bim, fixed1);
        Assert.Equal(fixed1, fixed2);

        var random1 = randomStart.Run(classifier, r.Images, goal, seed: 1).Adversarial.ToArray();
        var random2 = randomStart.Run(classifier, r.Images, goal, seed: 2).Adversarial.ToArray();
        Assert.NotEqual(random1, random2);
        Assert.NotEqual(fixed1, random1);
    }

    [Fact]
    public void Descriptors_AreConsistent()
    {
        foreach (var d in AttackRegistry.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Description), d.Name);
            Assert.All(d.Parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.Description), $"{d.Name}.{p.Name}"));
            Assert.Equal(d.Parameters.Count, d.Parameters.Select(p => p.Setting).Distinct().Count());
            Assert.Equal(d.Name, d.Name.ToLowerInvariant());
        }

        // The audit runs cheapest first: every noise attack before every black-box one before every white-box one.
        static int Worst(AttackKind kind) => AttackRegistry.All.Where(d => d.Kind == kind).Max(d => d.CostRank);
        static int Best(AttackKind kind) => AttackRegistry.All.Where(d => d.Kind == kind).Min(d => d.CostRank);
        Assert.True(Worst(AttackKind.Noise) < Best(AttackKind.ScoreBased));
        Assert.True(Worst(AttackKind.DecisionBased) < Best(AttackKind.WhiteBox));
        Assert.Equal(["fgsm", "rfgsm", "bim", "pgd", "mi-fgsm", "apgd-ce", "apgd-dlr", "apgd-t", "autoattack"], AttackRegistry.All.Where(d => d.SupportsTraining).Select(d => d.Name));
    }
}
