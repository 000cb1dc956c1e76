using Gauntlet.Audit.Reporting;
using Gauntlet.Data;
using Gauntlet.Onnx;

namespace Gauntlet.Audit.Tests;

/// <summary>The embedded demo model and data, audited once per test run and shared by the tests that read the report.</summary>
public sealed class DemoAudit
{
    /// <summary>A plan small enough for tests: 60 samples, two budgets per threat.</summary>
    public static AuditPlan SmallPlan { get; } = AuditPlan.Default with
    {
        Samples = 60,
        Batch = 60,
        MaxQueries = 200,
        Threats =
        [
            new ThreatModel { Name = "linf", Norm = "linf", Epsilons = [0.01f, 0.05f], Attacks = AttackCatalog.DefaultEnsemble },
            new ThreatModel { Name = "l2", Norm = "l2", Epsilons = [0.5f, 1f], Attacks = ["gaussian-noise", "fgsm", "pgd"] },
        ],
    };

    /// <summary>The plan the golden summary was taken with: the default plan, evasion module only (the golden predates the other modules).</summary>
    public static AuditPlan GoldenPlan => AuditPlan.Default with { Assessments = ["evasion"] };

    private static readonly Lazy<AuditReport> Shared = new(() => Run(SmallPlan));

    /// <summary>The shared report of <see cref="SmallPlan"/> on the demo model.</summary>
    public static AuditReport Report => Shared.Value;

    /// <summary>Audits the demo model with <paramref name="plan"/>.</summary>
    public static AuditReport Run(AuditPlan plan)
    {
        var data = FashionMnist.LoadEmbeddedDemo();
        var model = new OnnxClassifier(OnnxModel.Parse(DemoModel.OnnxBytes(), "embedded demo model"));
        var subject = AuditSubject.FromOnnx(model, data) with { Path = "demo", Sha256 = AuditSubject.Hash(DemoModel.OnnxBytes()) };
        return new SecurityAudit(subject, data, plan).Run();
    }
}
