using Gauntlet.Attacks;
using Gauntlet.Attacks.Registry;

namespace Gauntlet.Audit;

/// <summary>What an attacker needs to run an attack; a stronger attacker can run every weaker one's attacks.</summary>
public enum AttackerCategory
{
    /// <summary>Random noise at the budget: no model access beyond labels.</summary>
    Noise,

    /// <summary>Queries scores or labels only.</summary>
    BlackBox,

    /// <summary>Has gradients.</summary>
    WhiteBox,
}

/// <summary>
/// The audit's view of <see cref="AttackRegistry"/>: which registered attacks a plan may name (evasion
/// attacks bounded by an ε-ball in L∞ or L2 whose kind maps to an attacker category), their category,
/// run order, and how a plan's strengths become registry settings. It holds no list of its own.
/// </summary>
public static class AttackCatalog
{
    /// <summary>The ensemble the default plan runs under every threat.</summary>
    public static IReadOnlyList<string> DefaultEnsemble { get; } = ["gaussian-noise", "uniform-noise", "square", "fgsm", "pgd", "apgd-ce", "apgd-t"];

    /// <summary>Every attack an audit may run, in run order, with its category and description.</summary>
    public static IEnumerable<(string Name, AttackerCategory Category, string Description)> All =>
        Auditable.Select(d => (d.Name, CategoryOf(d)!.Value, d.Description));

    /// <summary>True when <paramref name="name"/> (a registered name or alias) can run in an audit.</summary>
    public static bool Contains(string name) => AttackRegistry.TryFind(name) is { } d && IsAuditable(d);

    /// <summary>True when the attack can run under a threat of <paramref name="norm"/>.</summary>
    /// <exception cref="ArgumentException">The name is not auditable.</exception>
    public static bool Supports(string name, Norm norm) => Find(name).Norms.Contains(norm);

    /// <summary>The category of an attack.</summary>
    /// <exception cref="ArgumentException">Unknown or not auditable name.</exception>
    public static AttackerCategory CategoryOf(string name) => CategoryOf(Find(name))!.Value;

    /// <summary>
    /// Orders names the way an audit runs them: by the registry's cost rank, so noise, then
    /// black-box, then white-box, cheapest first in each. Aliases become canonical names.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown or not auditable name.</exception>
    public static IReadOnlyList<string> InRunOrder(IEnumerable<string> names) =>
        [.. names.Select(Find).Distinct().OrderBy(d => d.CostRank).Select(d => d.Name)];

    /// <summary>
    /// Builds the attack for a threat's norm and budget with the plan's strengths: fixed-step
    /// iterative attacks (those with a step size: PGD, BIM, MI-FGSM) take <see cref="AuditPlan.PgdSteps"/>
    /// steps of Madry et al.'s 2.5·ε/steps, which lets a walk from a random start reach the far side
    /// of the ball; adaptive-step ones (APGD) take <see cref="AuditPlan.ApgdSteps"/>; black-box
    /// attacks <see cref="AuditPlan.MaxQueries"/>; noise <see cref="AuditPlan.NoiseTrials"/>; APGD-T
    /// <see cref="AuditPlan.ApgdTargetClasses"/>. Every other setting keeps the registry's default.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown or not auditable name, or an unsupported norm.</exception>
    public static EvasionAttack Create(string name, Norm norm, float epsilon, AuditPlan plan)
    {
        var descriptor = Find(name);
        var fixedStep = descriptor.Uses(AttackSetting.StepSize);
        var steps = fixedStep ? plan.PgdSteps : plan.ApgdSteps;
        return descriptor.Create(new AttackSettings
        {
            Norm = norm,
            Epsilon = epsilon,
            Steps = steps,
            StepSize = fixedStep ? 2.5f * epsilon / steps : null,
            MaxQueries = plan.MaxQueries,
            Trials = plan.NoiseTrials,
            TargetClasses = plan.ApgdTargetClasses,
        });
    }

    /// <summary>
    /// False for attacks whose loss needs more classes than the model has: the DLR losses rank the
    /// third-largest logit (APGD-DLR needs 3 classes) and targeted DLR a fourth (APGD-T needs 4), so
    /// a binary tabular classifier runs the rest of the ensemble without them.
    /// </summary>
    /// <param name="name">A canonical attack name.</param>
    /// <param name="classCount">The model's class count.</param>
    /// <returns>Whether the attack can run.</returns>
    public static bool AppliesTo(string name, int classCount) => name switch
    {
        "apgd-t" => classCount >= 4,
        "apgd-dlr" => classCount >= 3,
        _ => true,
    };

    /// <summary>The category's id in reports: <c>white_box</c>, <c>black_box</c> or <c>noise</c>.</summary>
    public static string Id(this AttackerCategory category) => category switch
    {
        AttackerCategory.WhiteBox => "white_box",
        AttackerCategory.BlackBox => "black_box",
        AttackerCategory.Noise => "noise",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "not an AttackerCategory."),
    };

    private static IEnumerable<AttackDescriptor> Auditable => AttackRegistry.All.Where(IsAuditable).OrderBy(d => d.CostRank);

    // A threat is an ε-ball in L∞ or L2, and every result is filed under an attacker category.
    private static bool IsAuditable(AttackDescriptor d) => d.IsEvasion && d.IsNormBounded && CategoryOf(d) is not null;

    private static AttackerCategory? CategoryOf(AttackDescriptor d) => d.Kind switch
    {
        AttackKind.Noise => AttackerCategory.Noise,
        AttackKind.ScoreBased or AttackKind.DecisionBased => AttackerCategory.BlackBox,
        AttackKind.WhiteBox => AttackerCategory.WhiteBox,
        AttackKind.Spatial or AttackKind.Universal => null,
        _ => throw new ArgumentOutOfRangeException(nameof(d), d.Kind, "not an AttackKind."),
    };

    private static AttackDescriptor Find(string name)
    {
        var descriptor = AttackRegistry.Find(name);
        return IsAuditable(descriptor)
            ? descriptor
            : throw new ArgumentException($"attack '{name}' cannot run in an audit (an audit needs an evasion attack bounded by an ε-ball in linf or l2); expected one of {string.Join(", ", Auditable.Select(d => d.Name))}.", nameof(name));
    }
}
