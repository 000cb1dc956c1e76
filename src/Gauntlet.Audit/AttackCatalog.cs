using Gauntlet.Attacks;
using Gauntlet.Attacks.BlackBox;
using Gauntlet.Attacks.Evasion;

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

/// <summary>The attacks an audit plan may name, their category, cost rank and how each is built.</summary>
public static class AttackCatalog
{
    /// <summary>The ensemble the default plan runs under every threat.</summary>
    public static IReadOnlyList<string> DefaultEnsemble { get; } = ["gaussian-noise", "uniform-noise", "square", "fgsm", "pgd", "apgd-ce", "apgd-t"];

    private static readonly (string Name, AttackerCategory Category, int Cost, string Description)[] Entries =
    [
        ("gaussian-noise", AttackerCategory.Noise, 0, "Gaussian noise rescaled to the budget; the floor any real attack must beat."),
        ("uniform-noise", AttackerCategory.Noise, 1, "Uniform noise rescaled to the budget."),
        ("square", AttackerCategory.BlackBox, 10, "Square Attack: score-based random search (Andriushchenko et al. 2020)."),
        ("hopskipjump", AttackerCategory.BlackBox, 11, "HopSkipJump: decision-based, labels only (Chen et al. 2020); slow."),
        ("fgsm", AttackerCategory.WhiteBox, 20, "FGSM / FGM: one gradient step (Goodfellow et al. 2015)."),
        ("pgd", AttackerCategory.WhiteBox, 21, "PGD with a random start (Madry et al. 2018)."),
        ("apgd-ce", AttackerCategory.WhiteBox, 22, "APGD on cross-entropy (Croce & Hein 2020)."),
        ("apgd-t", AttackerCategory.WhiteBox, 23, "APGD on targeted DLR over the top wrong classes (AutoAttack's second stage)."),
    ];

    /// <summary>Every attack name with its category and a one-line description.</summary>
    public static IEnumerable<(string Name, AttackerCategory Category, string Description)> All =>
        Entries.Select(e => (e.Name, e.Category, e.Description));

    /// <summary>True when <paramref name="name"/> is in the catalogue.</summary>
    public static bool Contains(string name) => Entries.Any(e => e.Name == name);

    /// <summary>The category of an attack.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static AttackerCategory CategoryOf(string name) => Find(name).Category;

    /// <summary>Orders names the way an audit runs them: noise, black-box, white-box, cheapest first in each.</summary>
    public static IReadOnlyList<string> InRunOrder(IEnumerable<string> names) => [.. names.Distinct().OrderBy(n => Find(n).Cost)];

    /// <summary>Builds the attack for a threat's norm and budget with the plan's strengths.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static EvasionAttack Create(string name, Norm norm, float epsilon, AuditPlan plan) => Find(name).Name switch
    {
        "gaussian-noise" => RandomNoise.Gaussian(epsilon, norm, plan.NoiseTrials),
        "uniform-noise" => RandomNoise.Uniform(epsilon, norm, plan.NoiseTrials),
        "square" => new SquareAttack(epsilon, plan.MaxQueries, norm),
        "hopskipjump" => new HopSkipJump(plan.MaxQueries, epsilon, norm),
        "fgsm" => new Fgsm(epsilon, norm),
        // Madry et al.'s step 2.5·ε/steps lets a walk from the start reach the far side of the ball.
        "pgd" => new Pgd(epsilon, 2.5f * epsilon / plan.PgdSteps, plan.PgdSteps, norm, randomStart: true),
        "apgd-ce" => new Apgd(epsilon, norm, plan.ApgdSteps, ApgdLoss.CrossEntropy),
        _ => new Apgd(epsilon, norm, plan.ApgdSteps, ApgdLoss.DlrTargeted, targetClasses: plan.ApgdTargetClasses),
    };

    /// <summary>The category's id in reports: <c>white_box</c>, <c>black_box</c> or <c>noise</c>.</summary>
    public static string Id(this AttackerCategory category) => category switch
    {
        AttackerCategory.WhiteBox => "white_box",
        AttackerCategory.BlackBox => "black_box",
        _ => "noise",
    };

    private static (string Name, AttackerCategory Category, int Cost, string Description) Find(string name)
    {
        foreach (var entry in Entries)
        {
            if (entry.Name == name)
            {
                return entry;
            }
        }

        throw new ArgumentException($"unknown attack '{name}'; expected one of {string.Join(", ", Entries.Select(e => e.Name))}.", nameof(name));
    }
}
