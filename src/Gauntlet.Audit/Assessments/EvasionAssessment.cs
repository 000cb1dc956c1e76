using System.Globalization;
using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit.Assessments;

/// <summary>
/// Evasion: per threat and budget the noise, black-box and white-box ensembles (each attack only on
/// points its ensemble has not broken yet), gradient-masking checks and retention-based findings.
/// Fills the white-box, black-box and noise categories; white-box is not applicable to a model
/// without gradients.
/// </summary>
public sealed class EvasionAssessment : IAssessment
{
    /// <summary>Weight of white-box evasion in the overall score.</summary>
    public const double WhiteBoxWeight = 0.5;

    /// <summary>Weight of black-box evasion in the overall score.</summary>
    public const double BlackBoxWeight = 0.3;

    /// <summary>Weight of noise robustness in the overall score.</summary>
    public const double NoiseWeight = 0.2;

    /// <summary>The module's id in plans and reports.</summary>
    public const string ModuleId = "evasion";

    private static readonly (ScoreCategory Category, AttackerCategory Attacker)[] Filled =
    [
        (new ScoreCategory("white_box_evasion", "White-box evasion", WhiteBoxWeight), AttackerCategory.WhiteBox),
        (new ScoreCategory("black_box_evasion", "Black-box evasion", BlackBoxWeight), AttackerCategory.BlackBox),
        (new ScoreCategory("noise_and_corruptions", "Noise and corruptions", NoiseWeight), AttackerCategory.Noise),
    ];

    /// <inheritdoc/>
    public string Id => ModuleId;

    /// <inheritdoc/>
    public string Name => "Evasion (adversarial examples)";

    /// <inheritdoc/>
    public IReadOnlyList<ScoreCategory> Categories { get; } = [.. Filled.Select(f => f.Category)];

    /// <inheritdoc/>
    public Applicability AppliesTo(AuditContext context) =>
        context.Data.Count == 0 ? Applicability.No("no labelled samples to attack") : Applicability.Yes;

    /// <inheritdoc/>
    public double EstimateWork(AuditContext context) => AuditRun.EstimateWork(context.Plan);

    /// <inheritdoc/>
    public AssessmentResult Run(AuditContext context)
    {
        var gradients = context.Subject.Classifier.HasGradients;
        var plan = gradients ? context.Plan : WithoutWhiteBox(context.Plan);
        var run = new AuditRun(context, plan);
        var threats = new List<ThreatResult>();
        var checks = gradients ? new List<CheckResult> { run.CheckGradients() } : [];
        var evidence = new List<ThreatEvidence>();
        foreach (var threat in plan.Threats)
        {
            if (run.Stopped is not null)
            {
                break;
            }

            var outcome = run.RunThreat(threat);
            if (outcome.Result.Points.Count > 0)
            {
                threats.Add(outcome.Result);
                evidence.Add(outcome);
                checks.AddRange(run.CheckThreat(threat, outcome));
            }
        }

        return new AssessmentResult
        {
            Categories = [.. Filled.Select(f => !gradients && f.Attacker == AttackerCategory.WhiteBox
                ? new CategoryScore { Id = f.Category.Id, Name = f.Category.Name, Status = "not_applicable", Score = null, Weight = f.Category.Weight, Basis = "Not applicable: the model exposes no gradients, so white-box attacks cannot run." }
                : Score(f.Category, f.Attacker, evidence))],
            Findings = FindingRules.Build(run.CleanAccuracy, context.Data.ClassNames, evidence, checks),
            Checks = checks,
            Threats = threats,
            Examples = [.. evidence.SelectMany(e => e.Examples)],
        };
    }

    // A model without gradients is attacked by the noise and black-box members of each ensemble only.
    private static AuditPlan WithoutWhiteBox(AuditPlan plan) => plan with
    {
        Threats = [.. plan.Threats.Select(t => t with { Attacks = [.. t.Attacks.Where(a => AttackCatalog.CategoryOf(a) != AttackerCategory.WhiteBox)] })],
    };

    /// <summary>100 × mean over threats of the mean over budgets of robust accuracy.</summary>
    internal static double CategoryScore(IEnumerable<double[]> curves) =>
        Math.Round(100 * curves.Select(c => c.Average()).Average(), 1);

    private static CategoryScore Score(ScoreCategory category, AttackerCategory attacker, IReadOnlyList<ThreatEvidence> threats)
    {
        var used = threats.Where(t => t.Assessed.Contains(attacker) && t.Result.Points.Count > 0).ToList();
        if (used.Count == 0)
        {
            return new CategoryScore { Id = category.Id, Name = category.Name, Status = "not_assessed", Score = null, Weight = category.Weight, Basis = $"No threat in the plan ran a {attacker.Id().Replace('_', '-')} attack." };
        }

        var score = CategoryScore(used.Select(t => t.Curve(attacker)));
        var basis = string.Join("; ", used.Select(t => string.Create(CultureInfo.InvariantCulture,
            $"{t.Threat.Name}: mean robust accuracy {100 * t.Curve(attacker).Average():0.0}% over ε ∈ {{{string.Join(", ", t.Result.Points.Select(p => p.Epsilon))}}}")));
        return new CategoryScore { Id = category.Id, Name = category.Name, Status = "assessed", Score = score, Weight = category.Weight, Basis = basis };
    }
}
