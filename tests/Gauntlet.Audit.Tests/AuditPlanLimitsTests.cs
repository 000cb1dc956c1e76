using System.Globalization;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Onnx;

namespace Gauntlet.Audit.Tests;

/// <summary>
/// The plan keys that set loop counts and sizes: refused over their documented limits
/// (<see cref="RunLimits"/>) unless the plan says <c>allow_unbounded: true</c> or the caller lifts
/// them; budgets refused beyond the model's input domain, naming the key path.
/// </summary>
public class AuditPlanLimitsTests
{
    public static TheoryData<string, int> CountKeys() => new()
    {
        { "samples", RunLimits.MaxSamples },
        { "batch", RunLimits.MaxBatch },
        { "pgd_steps", RunLimits.MaxSteps },
        { "apgd_steps", RunLimits.MaxSteps },
        { "apgd_target_classes", RunLimits.MaxTargetClasses },
        { "max_queries", RunLimits.MaxQueriesPerSample },
        { "noise_trials", RunLimits.MaxNoiseTrials },
    };

    [Theory]
    [MemberData(nameof(CountKeys))]
    public void CountOverItsLimit_IsRefused_NamingTheKeyTheLimitAndTheSwitches(string key, int limit)
    {
        var over = (limit + 1).ToString(CultureInfo.InvariantCulture);
        var error = Assert.Throws<InvalidDataException>(() => AuditPlanReader.Parse($"{key}: {over}", "plan.yaml"));
        Assert.Equal(
            $"plan.yaml: {key} is {RunLimits.Format(limit + 1)}, over the limit of {RunLimits.Format(limit)} (docs/limits.md); set allow_unbounded: true in the plan or pass --no-limits to allow it.",
            error.Message);
    }

    [Theory]
    [MemberData(nameof(CountKeys))]
    public void CountAtItsLimit_IsAccepted(string key, int limit)
    {
        var plan = AuditPlanReader.Parse($"{key}: {limit.ToString(CultureInfo.InvariantCulture)}", "plan.yaml");
        Assert.False(plan.AllowUnbounded);
        Assert.Equal(limit, Read(plan, key));
    }

    [Theory]
    [MemberData(nameof(CountKeys))]
    public void AllowUnbounded_LetsACountOverItsLimitThrough(string key, int limit)
    {
        var over = limit + 1;
        var inPlan = AuditPlanReader.Parse($"{key}: {over.ToString(CultureInfo.InvariantCulture)}\nallow_unbounded: true", "plan.yaml");
        Assert.True(inPlan.AllowUnbounded);
        Assert.Equal(over, Read(inPlan, key));

        var byCaller = AuditPlanReader.Parse($"{key}: {over.ToString(CultureInfo.InvariantCulture)}", "plan.yaml", allowUnbounded: true);
        Assert.Equal(over, Read(byCaller, key));
    }

    [Theory]
    [InlineData("pgd_steps: 1000000000", "pgd_steps is 1,000,000,000, over the limit of 10,000")]
    [InlineData("noise_trials: 1e9", "noise_trials is '1e9'; expected a whole number between 1 and 2,147,483,647")]
    [InlineData("max_queries: 3000000000", "max_queries is '3000000000'; expected a whole number between 3 and 2,147,483,647")]
    [InlineData("batch: NaN", "batch is 'NaN'")]
    [InlineData("samples: 0", "samples is '0'")]
    [InlineData("allow_unbounded: maybe", "allow_unbounded is 'maybe'; expected true or false")]
    [InlineData("time_budget_seconds: 1e12", "time_budget_seconds is 1000000000000; expected a number in [0, 31536000]")]
    [InlineData("time_budget_seconds: .nan", "time_budget_seconds is '.nan'; expected a number")]
    [InlineData("threats:\n  - norm: linf\n    epsilons: [0.1, .inf]", "threats[0].epsilons[1] is '.inf'; expected a number")]
    [InlineData("threats:\n  - norm: linf\n    epsilons: [0.1, 1e39]", "threats[0].epsilons[1] is 1E+39; expected a positive, finite budget")]
    [InlineData("threats:\n  - norm: linf\n    epsilons: [NaN]", "threats[0].epsilons[0] is 'NaN'; expected a number")]
    public void HostileNumber_IsRefused_NamingTheKey(string text, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => AuditPlanReader.Parse(text, "plan.yaml"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ChecksLimitsOfPlansBuiltInCode()
    {
        var error = Assert.Throws<InvalidDataException>(() => AuditPlanReader.Validate(AuditPlan.Default with { NoiseTrials = 1_000_000_000 }, "plan"));
        Assert.Contains("noise_trials is 1,000,000,000, over the limit of 10,000", error.Message, StringComparison.Ordinal);
        Assert.Same(AuditPlanReader.Validate(AuditPlan.Default with { NoiseTrials = 1_000_000_000, AllowUnbounded = true }, "plan").Threats, AuditPlan.Default.Threats);
    }

    [Theory]
    [InlineData("linf", 1e30f, "threats[0] (t).epsilons[1]: 1E+30 exceeds the width 1 of the input domain [0, 1]")]
    [InlineData("linf", 1.5f, "threats[0] (t).epsilons[1]: 1.5 exceeds the width 1")]
    [InlineData("l2", 29f, "threats[0] (t).epsilons[1]: 29 exceeds the L2 diameter 28 of the input domain [0, 1]")]
    public void BudgetBeyondTheInputDomain_IsRefused_WithTheKeyPath(string norm, float epsilon, string expected)
    {
        var plan = AuditPlan.Default with
        {
            Threats = [new ThreatModel { Name = "t", Norm = norm, Epsilons = [0.01f, epsilon], Attacks = ["fgsm"] }],
        };
        var error = Assert.Throws<InvalidDataException>(() => AuditPlanReader.ValidateDomain(plan, InputRange.Unit, 28 * 28, "plan.yaml"));
        Assert.StartsWith($"plan.yaml: {expected}", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("; every input would be reachable.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BudgetsWithinTheDomain_AreAccepted()
    {
        // L2 at exactly the diameter √784 · 1 = 28 is the largest meaningful budget.
        var plan = AuditPlan.Default with
        {
            Threats = [new ThreatModel { Name = "t", Norm = "l2", Epsilons = [1f, 28f], Attacks = ["fgsm"] }],
        };
        var exception = Record.Exception(() => AuditPlanReader.ValidateDomain(plan, InputRange.Unit, 28 * 28, "plan.yaml"));
        Assert.Null(exception);
        Assert.Equal(28f, plan.Threats[0].Epsilons[^1]);
    }

    [Fact]
    public void SecurityAudit_RefusesABudgetBeyondTheModelsDomain_BeforeRunning()
    {
        var data = FashionMnist.LoadEmbeddedDemo().Take(4);
        var model = new OnnxClassifier(OnnxModel.Parse(DemoModel.OnnxBytes(), "embedded demo model"));
        var plan = AuditPlan.Default with
        {
            Samples = 4,
            Threats = [new ThreatModel { Name = "huge", Norm = "linf", Epsilons = [1e30f], Attacks = ["fgsm"] }],
        };
        var error = Assert.Throws<ArgumentException>(() => new SecurityAudit(AuditSubject.FromOnnx(model, data), data, plan));
        Assert.StartsWith("audit plan: threats[0] (huge).epsilons[0]: 1E+30 exceeds the width 1 of the input domain [0, 1]", error.Message, StringComparison.Ordinal);
    }

    private static int Read(AuditPlan plan, string key) => key switch
    {
        "samples" => plan.Samples,
        "batch" => plan.Batch,
        "pgd_steps" => plan.PgdSteps,
        "apgd_steps" => plan.ApgdSteps,
        "apgd_target_classes" => plan.ApgdTargetClasses,
        "max_queries" => plan.MaxQueries,
        "noise_trials" => plan.NoiseTrials,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a count key"),
    };
}
