using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit.Tests.Reporting;

/// <summary>Small hand-built reports whose every number is known, for the renderer tests.</summary>
internal static class SampleReports
{
    /// <summary>A 4×4 greyscale PNG.</summary>
    public const string TinyPng = "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAAAAACMmsGiAAAAGUlEQVR4nGNgsKnYwiAXNe0SiPGBAcjgAwBDDAdxf3lM/QAAAABJRU5ErkJggg==";

    /// <summary>A class name no renderer may emit verbatim.</summary>
    public const string HostileClass = "<script>alert('x')</script> & \"T|shirt\"";

    /// <summary>
    /// A complete report: one threat "linf" at ε 0.01 and 0.03 (white-box 0.6 then 0.3), two findings
    /// (high, then low), one passing and one failing check, two not-assessed categories, no gates.
    /// </summary>
    public static AuditReport Small(string firstClass = "T-shirt", string modelPath = "models/net.onnx") => new()
    {
        Status = "complete",
        Model = new ModelInfo { Path = modelPath, Sha256 = new string('a', 64), Format = "onnx", SampleShape = [1, 4, 4], ClassCount = 2, InputMin = 0, InputMax = 1 },
        Data = new DataInfo { Source = "hand-built", Sha256 = new string('b', 64), Samples = 10, ClassNames = [firstClass, "Trouser"] },
        CleanAccuracy = 0.9,
        Scorecard = new Scorecard
        {
            OverallScore = 42.5,
            Grade = "D",
            Categories =
            [
                new CategoryScore { Id = "white_box_evasion", Name = "White-box evasion", Status = "assessed", Score = 35.0, Weight = 0.5, Basis = "linf: mean robust accuracy 45%" },
                new CategoryScore { Id = "noise_and_corruptions", Name = "Noise and corruptions", Status = "assessed", Score = 77.7, Weight = 0.2, Basis = "linf: mean 80%" },
                new CategoryScore { Id = "privacy", Name = "Privacy", Status = "not_assessed", Score = null, Weight = 0, Basis = "Privacy attacks are not part of this release." },
                new CategoryScore { Id = "supply_chain", Name = "Supply chain | file", Status = "not_assessed", Score = null, Weight = 0, Basis = "Run gauntlet scan." },
            ],
        },
        Threats =
        [
            new ThreatResult
            {
                Name = "linf",
                Norm = "linf",
                ReferenceEpsilon = 0.03f,
                Points =
                [
                    Point(0.01f, white: 0.6, black: 0.8, noise: 0.9),
                    Point(0.03f, white: 0.3, black: 0.7, noise: 0.85),
                ],
                PerClass =
                [
                    new ClassResult { ClassIndex = 0, Name = firstClass, Count = 5, CleanAccuracy = 1, RobustAccuracy = 0.2 },
                    new ClassResult { ClassIndex = 1, Name = "Trouser", Count = 5, CleanAccuracy = 0.8, RobustAccuracy = 0.4 },
                ],
            },
        ],
        Checks =
        [
            new CheckResult { Id = "gradients_usable", Name = "Input gradients are finite and non-zero", Threat = null, Passed = true, Detail = "0 of 9 zero" },
            new CheckResult { Id = "noise_not_stronger", Name = "Random noise does not beat gradient attacks", Threat = "linf", Passed = false, Detail = "3 samples broken by noise only" },
        ],
        Findings =
        [
            Finding("GA-EVASION-WB-LINF", Severity.Low, "White-box L∞ evasion at ε = 0.01", firstClass),
            Finding("GA-MASKING", Severity.High, "Possible gradient masking", firstClass),
        ],
        Examples =
        [
            new AdversarialExample
            {
                Threat = "linf", Epsilon = 0.03f, Attack = "pgd-linf", Index = 3, Label = firstClass, CleanPrediction = firstClass, AdversarialPrediction = "Trouser",
                AdversarialConfidence = 0.71, CleanPng = TinyPng, AdversarialPng = TinyPng, PerturbationPng = TinyPng,
            },
        ],
        Gates = [],
        Reproducibility = new Reproducibility
        {
            ToolVersion = "0.1.0",
            Seed = 7,
            ModelSha256 = new string('a', 64),
            DataSha256 = new string('b', 64),
            Plan = AuditPlan.Default with { Samples = 10, Seed = 7 },
            Machine = new MachineInfo { Os = "TestOS", Runtime = ".NET 10", Architecture = "x64", ProcessorCount = 2, Simd = "avx2" },
            StartedAt = "2026-01-02T03:04:05Z",
            Seconds = 1.5,
        },
    };

    /// <summary><see cref="Small"/> with a class name full of HTML, XML and Markdown metacharacters, in class lists, findings and examples.</summary>
    public static AuditReport Hostile() => Small(HostileClass, "models/<evil>&co.onnx");

    /// <summary><see cref="Small"/> cut short by the time budget.</summary>
    public static AuditReport Partial() => Small() with { Status = "partial", PartialReason = "time budget of 5 s spent during linf ε=0.03" };

    /// <summary>
    /// <see cref="Small"/> with plan thresholds linf@0.03 ≥ 0.5 (white-box is 0.3, so it fails; noise and black-box pass)
    /// and linf@0.01 ≥ 0.5 (white-box 0.6 passes), and gates overall_score ≥ 50 (fails) and linf@0.03 (fails).
    /// </summary>
    public static AuditReport WithFailingThreshold()
    {
        var report = Small();
        var plan = report.Reproducibility.Plan with
        {
            Thresholds = new AuditThresholds
            {
                MinScore = 50,
                MinRobustAccuracy =
                [
                    new RobustAccuracyThreshold { Threat = "linf", Epsilon = 0.03f, Value = 0.5 },
                    new RobustAccuracyThreshold { Threat = "linf", Epsilon = 0.01f, Value = 0.5 },
                ],
            },
        };
        return report with
        {
            Gates =
            [
                new GateResult { Name = "overall_score", Threshold = 50, Actual = 42.5 },
                new GateResult { Name = "linf@0.03 robust_accuracy", Threshold = 0.5, Actual = 0.3 },
                new GateResult { Name = "linf@0.01 robust_accuracy", Threshold = 0.5, Actual = 0.6 },
            ],
            Reproducibility = report.Reproducibility with { Plan = plan },
        };
    }

    /// <summary>Three attacks per point: noise, black-box, white-box, each ending at the category's accuracy.</summary>
    private static EpsilonResult Point(float epsilon, double white, double black, double noise) => new()
    {
        Epsilon = epsilon,
        RobustAccuracy = new CategoryAccuracy(white, black, noise),
        WhiteBoxAtThisBudget = white,
        Attacks =
        [
            Attack("gaussian-noise-linf", "noise", noise, 0.25),
            Attack("square-linf", "black_box", black, 1.5),
            Attack("pgd-linf", "white_box", white, 0.75),
        ],
    };

    private static AttackOutcome Attack(string name, string category, double robustAfter, double seconds) => new()
    {
        Attack = name, Category = category, Attacked = 9, Broken = 2, RobustAfter = robustAfter, MedianL2 = 0.5, MedianLinf = 0.03, QueriesPerSample = 10, Seconds = seconds,
    };

    private static AuditFinding Finding(string id, Severity severity, string title, string affected) => new()
    {
        Id = id,
        Title = title,
        Severity = severity,
        Category = "white_box_evasion",
        Threat = "linf",
        Description = "Observed on " + affected + ".",
        Evidence = new Dictionary<string, double> { ["epsilon"] = 0.01, ["robust_accuracy"] = 0.6 },
        AffectedClasses = [affected],
        Remediation = "Train adversarially.",
        OwaspMl = ["ML01:2023"],
        MitreAtlas = ["AML.T0043.000"],
    };
}
