namespace Gauntlet.Audit;

/// <summary>
/// What an audit runs: the threat models (a norm, its budgets and its attacks), how many samples.
/// the seed, attack strengths, a time budget and the CI thresholds. <see cref="Default"/> needs no
/// file; <see cref="AuditPlanReader"/> reads YAML or JSON with the same snake_case keys.
/// </summary>
public sealed record AuditPlan
{
    /// <summary>Samples audited (the first N of the data).</summary>
    public int Samples { get; init; } = 100;

    /// <summary>Seed for every random choice; recorded in the report.</summary>
    public int Seed { get; init; }

    /// <summary>Batch size for attacks.</summary>
    public int Batch { get; init; } = 100;

    /// <summary>Iterations for PGD.</summary>
    public int PgdSteps { get; init; } = 20;

    /// <summary>Iterations for APGD-CE and APGD-T.</summary>
    public int ApgdSteps { get; init; } = 25;

    /// <summary>Wrong classes APGD-T targets, highest-scoring first.</summary>
    public int ApgdTargetClasses { get; init; } = 3;

    /// <summary>Query budget per sample for black-box attacks.</summary>
    public int MaxQueries { get; init; } = 300;

    /// <summary>Random draws per sample for the noise baselines.</summary>
    public int NoiseTrials { get; init; } = 10;

    /// <summary>Stop and write a partial report after this many seconds (0 = no limit).</summary>
    public double TimeBudgetSeconds { get; init; }

    /// <summary>
    /// Lifts the documented limits on samples, batch and attack strengths
    /// (<see cref="Gauntlet.Core.RunLimits"/>; <c>allow_unbounded: true</c> in a plan, or
    /// <c>--no-limits</c>). Values must still be valid.
    /// </summary>
    public bool AllowUnbounded { get; init; }

    /// <summary>The threat models, in the order they run.</summary>
    public IReadOnlyList<ThreatModel> Threats { get; init; } = [];

    /// <summary>CI thresholds.</summary>
    public AuditThresholds Thresholds { get; init; } = new();

    /// <summary>
    /// The assessment modules to run, by id (<c>evasion</c>, <c>supply_chain</c>); null runs every
    /// built-in module that applies.
    /// </summary>
    public IReadOnlyList<string>? Assessments { get; init; }

    /// <summary>
    /// The built-in plan: L∞ at ε ∈ {0.01, 0.03, 0.05, 0.1} and L2 at ε ∈ {0.25, 0.5, 1, 2}
    /// (inputs in [0, 1]), each with noise baselines, Square (300 queries), FGSM, PGD-20, APGD-CE and APGD-T (25 steps), on 100
    /// samples.
    /// </summary>
    public static AuditPlan Default { get; } = new()
    {
        Threats =
        [
            new ThreatModel { Name = "linf", Norm = "linf", Epsilons = [0.01f, 0.03f, 0.05f, 0.1f], ReferenceEpsilon = 0.03f, Attacks = AttackCatalog.DefaultEnsemble },
            new ThreatModel { Name = "l2", Norm = "l2", Epsilons = [0.25f, 0.5f, 1f, 2f], ReferenceEpsilon = 1f, Attacks = AttackCatalog.DefaultEnsemble },
        ],
    };
}

/// <summary>One threat model: an attacker bounded by <see cref="Norm"/> at each of <see cref="Epsilons"/>.</summary>
public sealed record ThreatModel
{
    /// <summary>Name used in reports and thresholds.</summary>
    public required string Name { get; init; }

    /// <summary><c>linf</c> or <c>l2</c>.</summary>
    public required string Norm { get; init; }

    /// <summary>The budgets, ascending, in the input domain's units.</summary>
    public required IReadOnlyList<float> Epsilons { get; init; }

    /// <summary>The budget severity rules and per-class figures use; defaults to the middle budget.</summary>
    public float? ReferenceEpsilon { get; init; }

    /// <summary>Attack names (see <c>gauntlet audit --list-attacks</c>); run noise first, then black-box, then white-box, each cheapest first.</summary>
    public required IReadOnlyList<string> Attacks { get; init; }

    /// <summary>The reference budget, resolved.</summary>
    internal float Reference => ReferenceEpsilon ?? Epsilons[(Epsilons.Count - 1) / 2];
}

/// <summary>CI thresholds of a plan.</summary>
public sealed record AuditThresholds
{
    /// <summary>The overall score must reach this (0 = no gate); <c>--fail-under</c> overrides it.</summary>
    public double MinScore { get; init; }

    /// <summary>Per threat and budget, the white-box robust accuracy must reach a value.</summary>
    public IReadOnlyList<RobustAccuracyThreshold> MinRobustAccuracy { get; init; } = [];
}

/// <summary>A minimum robust accuracy for one threat at one budget.</summary>
public sealed record RobustAccuracyThreshold
{
    /// <summary>Threat name.</summary>
    public required string Threat { get; init; }

    /// <summary>A budget listed in that threat.</summary>
    public required float Epsilon { get; init; }

    /// <summary>Minimum white-box robust accuracy, 0–1.</summary>
    public required double Value { get; init; }
}
