using System.Globalization;
using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit;

/// <summary>
/// The scorecard formula (docs/scoring.md). A category's score is 100 × the mean, over the threats
/// that ran an attack of that category and over their budgets, of the worst-case robust accuracy
/// at that budget. The overall score is the weighted mean of the assessed categories. Each term
/// only grows with robust accuracy, so a model at least as robust at every threat and budget never
/// scores lower.
/// </summary>
public static class Scoring
{
    /// <summary>Weight of white-box evasion in the overall score.</summary>
    public const double WhiteBoxWeight = 0.5;

    /// <summary>Weight of black-box evasion in the overall score.</summary>
    public const double BlackBoxWeight = 0.3;

    /// <summary>Weight of noise robustness in the overall score.</summary>
    public const double NoiseWeight = 0.2;

    private static readonly (string Id, string Name, string Reason)[] NotAssessed =
    [
        ("poisoning_backdoors", "Poisoning and backdoors", "Backdoor and data-poisoning tests are not part of this release."),
        ("privacy", "Privacy (membership inference, inversion)", "Privacy attacks are not part of this release."),
        ("supply_chain", "Supply chain (model file)", "Not folded into the score; run `gauntlet scan` on the model file."),
    ];

    /// <summary>The letter grade of a score: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else F.</summary>
    public static string Grade(double score) => score switch
    {
        >= 90 => "A",
        >= 75 => "B",
        >= 60 => "C",
        >= 40 => "D",
        _ => "F",
    };

    internal static Scorecard Build(IReadOnlyList<ThreatEvidence> threats)
    {
        var categories = new List<CategoryScore>
        {
            Category("white_box_evasion", "White-box evasion", AttackerCategory.WhiteBox, WhiteBoxWeight, threats),
            Category("black_box_evasion", "Black-box evasion", AttackerCategory.BlackBox, BlackBoxWeight, threats),
            Category("noise_and_corruptions", "Noise and corruptions", AttackerCategory.Noise, NoiseWeight, threats),
        };
        categories.AddRange(NotAssessed.Select(n => new CategoryScore { Id = n.Id, Name = n.Name, Status = "not_assessed", Score = null, Weight = 0, Basis = n.Reason }));
        var assessed = categories.Where(c => c.Score is not null).ToList();
        var weight = assessed.Sum(c => c.Weight);
        var overall = weight == 0 ? 0 : Math.Round(assessed.Sum(c => c.Weight * c.Score!.Value) / weight, 1);
        return new Scorecard { OverallScore = overall, Grade = Grade(overall), Categories = categories };
    }

    /// <summary>100 × mean over threats of the mean over budgets of robust accuracy.</summary>
    internal static double CategoryScore(IEnumerable<double[]> curves) =>
        Math.Round(100 * curves.Select(c => c.Average()).Average(), 1);

    private static CategoryScore Category(string id, string name, AttackerCategory category, double weight, IReadOnlyList<ThreatEvidence> threats)
    {
        var used = threats.Where(t => t.Assessed.Contains(category) && t.Result.Points.Count > 0).ToList();
        if (used.Count == 0)
        {
            return new CategoryScore { Id = id, Name = name, Status = "not_assessed", Score = null, Weight = weight, Basis = $"No threat in the plan ran a {category.Id().Replace('_', '-')} attack." };
        }

        var score = CategoryScore(used.Select(t => t.Curve(category)));
        var basis = string.Join("; ", used.Select(t => string.Create(CultureInfo.InvariantCulture,
            $"{t.Threat.Name}: mean robust accuracy {100 * t.Curve(category).Average():0.0}% over ε ∈ {{{string.Join(", ", t.Result.Points.Select(p => p.Epsilon))}}}")));
        return new CategoryScore { Id = id, Name = name, Status = "assessed", Score = score, Weight = weight, Basis = basis };
    }
}
