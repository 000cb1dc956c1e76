using System.Globalization;
using Gauntlet.Audit.Reporting;
using Gauntlet.Poisoning;
using Gauntlet.Poisoning.Reporting;

namespace Gauntlet.Audit.Assessments;

/// <summary>
/// Poisoning and backdoors: Neural Cleanse and STRIP on the audited samples
/// (<see cref="BackdoorScan"/>, Gauntlet.Poisoning), the model-only half of <c>gauntlet backdoor</c>.
/// Opt-in: it runs only when asked (<c>gauntlet audit --backdoor</c>, or <c>poisoning</c> in a
/// plan's <c>assessments:</c>), because reverse-engineering a trigger for every class costs more
/// than the rest of a default audit. It needs input gradients.
/// </summary>
/// <remarks>
/// Score: 100 when no class is flagged; when one is, <c>100 · (1 − ASR)</c>, ASR being the share of
/// clean images the recovered trigger sends to the flagged class (a working backdoor scores near 0).
/// Findings are <see cref="BackdoorFindings"/>' (OWASP ML02/ML10, MITRE ATLAS AML.T0018/AML.T0020).
/// </remarks>
public sealed class PoisoningAssessment : IAssessment
{
    /// <summary>The module's id in plans and reports.</summary>
    public const string ModuleId = "poisoning";

    /// <summary>Weight of the poisoning-and-backdoors category in the overall mean.</summary>
    public const double Weight = 0.2;

    private static readonly ScoreCategory Category = new("poisoning_backdoors", "Poisoning and backdoors", Weight);

    /// <inheritdoc/>
    public string Id => ModuleId;

    /// <inheritdoc/>
    public string Name => "Poisoning and backdoors (Neural Cleanse, STRIP)";

    /// <inheritdoc/>
    public IReadOnlyList<ScoreCategory> Categories { get; } = [Category];

    /// <inheritdoc/>
    public Applicability AppliesTo(AuditContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return !context.Subject.Classifier.HasGradients ? Applicability.No("Neural Cleanse needs input gradients and the model exposes none")
            : context.Data.Labels.Distinct().Count() < 2 ? Applicability.No("the audited samples hold fewer than 2 classes")
            : Applicability.Yes;
    }

    /// <inheritdoc/>
    public double EstimateWork(AuditContext context) => 1;

    /// <inheritdoc/>
    public AssessmentResult Run(AuditContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scan = BackdoorScan.Run(context.Subject.Classifier, context.Data, null, null, new BackdoorScanOptions { Seed = context.Plan.Seed, CleanSamples = context.Data.Count, StripSamples = context.Data.Count });
        context.Advance("poisoning: neural cleanse and STRIP", 1);
        var trigger = scan.RecoveredTrigger;
        var score = trigger is null ? 100 : 100 * (1 - trigger.AttackSuccessRate);
        var nc = scan.NeuralCleanse;
        var basis = string.Create(CultureInfo.InvariantCulture,
            $"Neural Cleanse on {context.Data.Count} audited samples: anomaly index {nc.Outliers.AnomalyIndex:0.00} (median L1 {nc.Outliers.Median:0.0}, MAD {nc.Outliers.Mad:0.0}), flagged {(scan.SuspectedTargets.Count == 0 ? "none" : string.Join(", ", scan.SuspectedTargets))}; STRIP FRR {scan.Strip.Frr:P1}{(scan.Strip.Far is { } far ? string.Create(CultureInfo.InvariantCulture, $", FAR {far:P1}") : "")}; score = 100 with no flagged class, else 100 · (1 − attack success of the recovered trigger).");
        var names = context.Data.ClassNames;
        var findings = BackdoorFindings.Of(scan).Select(f => new AuditFinding
        {
            Id = f.Id,
            Title = f.Title,
            Severity = f.Severity,
            Category = Category.Id,
            Threat = null,
            Description = f.Description,
            Evidence = f.Evidence,
            AffectedClasses = [.. f.AffectedClasses.Select(c => c < names.Count ? names[c] : c.ToString(CultureInfo.InvariantCulture))],
            Remediation = f.Remediation,
            OwaspMl = f.OwaspMl,
            MitreAtlas = f.MitreAtlas,
        }).ToList();
        return new AssessmentResult
        {
            Categories = [new CategoryScore { Id = Category.Id, Name = Category.Name, Status = "assessed", Score = score, Weight = Category.Weight, Basis = basis }],
            Findings = findings,
        };
    }
}
