using System.Globalization;
using Gauntlet.Audit.Assessments;
using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit;

/// <summary>
/// The scorecard formula (docs/scoring.md). Each assessment module scores the categories it fills
/// (evasion: 100 × the mean over threats and budgets of worst-case robust accuracy; supply chain:
/// from the worst finding in the scanned files). The overall score is the weighted mean of the
/// assessed categories (the plain mean when only zero-weight ones were assessed), bounded by any
/// cap a module sets; categories not assessed carry no weight
/// and are listed as such, and <see cref="Scorecard.Covers"/> names the ones the score stands on.
/// Each term only grows as the model gets safer, so a model at least as robust everywhere never
/// scores lower.
/// </summary>
public static class Scoring
{
    /// <summary>Weight of white-box evasion in the overall score.</summary>
    public const double WhiteBoxWeight = EvasionAssessment.WhiteBoxWeight;

    /// <summary>Weight of black-box evasion in the overall score.</summary>
    public const double BlackBoxWeight = EvasionAssessment.BlackBoxWeight;

    /// <summary>Weight of noise robustness in the overall score.</summary>
    public const double NoiseWeight = EvasionAssessment.NoiseWeight;

    // Categories no module fills yet: listed so a reader sees what the score does not cover.
    private static readonly (string Id, string Name, string Reason)[] Planned =
    [
        ("poisoning_backdoors", "Poisoning and backdoors", "Backdoor and data-poisoning tests are not part of this release."),
    ];

    // The order categories appear in the scorecard; categories of other modules follow.
    private static readonly string[] Order = ["white_box_evasion", "black_box_evasion", "noise_and_corruptions", "poisoning_backdoors", "privacy", "supply_chain"];

    /// <summary>The letter grade of a score: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else F.</summary>
    public static string Grade(double score) => score switch
    {
        >= 90 => "A",
        >= 75 => "B",
        >= 60 => "C",
        >= 40 => "D",
        _ => "F",
    };

    /// <summary>100 × mean over threats of the mean over budgets of robust accuracy.</summary>
    internal static double CategoryScore(IEnumerable<double[]> curves) => EvasionAssessment.CategoryScore(curves);

    /// <summary>Builds the scorecard from every module's categories and caps.</summary>
    internal static Scorecard Build(IEnumerable<CategoryScore> filled, IEnumerable<ScoreCap> caps)
    {
        var categories = filled.ToList();
        categories.AddRange(Planned.Where(p => categories.All(c => c.Id != p.Id))
            .Select(p => new CategoryScore { Id = p.Id, Name = p.Name, Status = "not_assessed", Score = null, Weight = 0, Basis = p.Reason }));
        categories = [.. categories.OrderBy(c => Array.IndexOf(Order, c.Id) is var i && i >= 0 ? i : Order.Length)];
        var assessed = categories.Where(c => c.Score is not null).ToList();
        var weight = assessed.Sum(c => c.Weight);
        // Zero-weight categories (supply chain) bound the score through their caps; alone, their plain mean is the score.
        var overall = weight > 0 ? Math.Round(assessed.Sum(c => c.Weight * c.Score!.Value) / weight, 1)
            : assessed.Count > 0 ? Math.Round(assessed.Average(c => c.Score!.Value), 1)
            : 0;
        var cap = caps.OrderBy(c => c.Limit).FirstOrDefault();
        if (cap is not null && overall > cap.Limit)
        {
            overall = cap.Limit;
        }
        else
        {
            cap = null;
        }

        return new Scorecard
        {
            OverallScore = overall,
            Grade = Grade(overall),
            Categories = categories,
            Covers = [.. assessed.Select(c => c.Id)],
            Cap = cap is null ? null : new ScoreCapInfo { Limit = cap.Limit, Reason = cap.Reason },
        };
    }

    /// <summary>The categories of a module that did not run, with the reason and the status to report.</summary>
    internal static IEnumerable<CategoryScore> NotRun(IAssessment module, string status, string reason) =>
        module.Categories.Select(c => new CategoryScore { Id = c.Id, Name = c.Name, Status = status, Score = null, Weight = c.Weight, Basis = reason });

    /// <summary>One line naming what the overall score covers, e.g. "white-box evasion, black-box evasion (2 of 6 categories)".</summary>
    public static string Coverage(Scorecard scorecard)
    {
        ArgumentNullException.ThrowIfNull(scorecard);
        var names = scorecard.Categories.Where(c => c.Score is not null).Select(c => c.Name.ToLowerInvariant()).ToList();
        return names.Count == 0
            ? "no category was assessed"
            : string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", names)} ({names.Count} of {scorecard.Categories.Count} categories)");
    }
}
