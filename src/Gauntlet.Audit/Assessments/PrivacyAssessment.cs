using System.Globalization;
using Gauntlet.Audit.Reporting;
using Gauntlet.Core;
using Gauntlet.Privacy.Membership;

namespace Gauntlet.Audit.Assessments;

/// <summary>
/// Privacy: runs the loss-threshold membership-inference attack (Yeom et al. 2018) on the known
/// members and non-members the audit was given (<c>--members</c>, <c>--nonmembers</c>) and scores
/// how well it separates them. It needs only the model's outputs, so it also runs on models
/// without gradients; without members and non-members it does not apply.
/// </summary>
/// <remarks>
/// Score: <c>100 · clamp(2 · (1 − AUC), 0, 1)</c> — 100 at chance (AUC ≤ 0.5), 0 when members are
/// told apart perfectly. A finding is raised from AUC 0.55 (low), 0.6 (medium) and 0.75 (high), or
/// at medium when TPR at 1% FPR is at least 5% (a few members exposed with confidence, whatever
/// the average).
/// </remarks>
public sealed class PrivacyAssessment : IAssessment
{
    /// <summary>The module's id in plans and reports.</summary>
    public const string ModuleId = "privacy";

    /// <summary>Weight of the membership-inference category in the overall mean.</summary>
    public const double Weight = 0.3;

    /// <summary>OWASP ML Top 10 (2023): model inversion.</summary>
    public const string OwaspModelInversion = "ML03:2023";

    /// <summary>OWASP ML Top 10 (2023): membership inference.</summary>
    public const string OwaspMembershipInference = "ML04:2023";

    /// <summary>MITRE ATLAS: Infer Training Data Membership.</summary>
    public const string AtlasMembership = "AML.T0024.000";

    private static readonly ScoreCategory Category = new(ModuleId, "Privacy (membership inference)", Weight);

    /// <inheritdoc/>
    public string Id => ModuleId;

    /// <inheritdoc/>
    public string Name => "Privacy (membership inference)";

    /// <inheritdoc/>
    public IReadOnlyList<ScoreCategory> Categories { get; } = [Category];

    /// <summary>The category score for an attack AUC: <c>100 · clamp(2 · (1 − AUC), 0, 1)</c>.</summary>
    public static double ScoreOf(double auc) => 100 * Math.Clamp(2 * (1 - auc), 0, 1);

    /// <summary>The finding's severity for the attack's figures, or null when none is raised.</summary>
    public static Severity? SeverityOf(double auc, double tprAt1PctFpr) =>
        auc >= 0.75 ? Severity.High
        : auc >= 0.6 || tprAt1PctFpr >= 0.05 ? Severity.Medium
        : auc >= 0.55 ? Severity.Low
        : null;

    /// <inheritdoc/>
    public Applicability AppliesTo(AuditContext context) =>
        context.Membership is null
            ? Applicability.No("no known members and non-members were given (--members, --nonmembers): membership inference needs both")
            : Applicability.Yes;

    /// <inheritdoc/>
    public double EstimateWork(AuditContext context) => 1;

    /// <inheritdoc/>
    public AssessmentResult Run(AuditContext context)
    {
        var data = context.Membership!;
        var result = ThresholdAttacks.Loss(context.Subject.Classifier, data);
        context.Advance("privacy: loss-threshold membership inference", 1);
        var auc = result.Auc;
        var score = ScoreOf(auc);
        var figures = string.Create(CultureInfo.InvariantCulture,
            $"AUC {auc:0.000}, TPR {result.TprAt01PctFpr:0.000} at 0.1% FPR and {result.TprAt1PctFpr:0.000} at 1% FPR, balanced accuracy {result.BalancedAccuracy:0.000}");
        var basis = string.Create(CultureInfo.InvariantCulture,
            $"loss-threshold membership inference on {data.Members.Count} members and {data.NonMembers.Count} non-members: {figures}; score = 100 · clamp(2 · (1 − AUC), 0, 1).");
        var findings = new List<AuditFinding>();
        if (SeverityOf(auc, result.TprAt1PctFpr) is { } severity)
        {
            findings.Add(new AuditFinding
            {
                Id = "GA-PRIVACY-MEMBERSHIP-LOSS",
                Title = "Training-set membership can be inferred from the model's loss",
                Severity = severity,
                Category = ModuleId,
                Threat = null,
                Description = $"A loss-threshold attack tells the training images given by --members from the unseen ones given by --nonmembers better than chance ({figures}). The model's loss on an image reveals whether it was trained on it, a sign of overfitting.",
                Evidence = new Dictionary<string, double>
                {
                    ["auc"] = auc,
                    ["tpr_at_0.1pct_fpr"] = result.TprAt01PctFpr,
                    ["tpr_at_1pct_fpr"] = result.TprAt1PctFpr,
                    ["balanced_accuracy"] = result.BalancedAccuracy,
                },
                AffectedClasses = [],
                Remediation = "Reduce overfitting (early stopping, weight decay, data augmentation, more data), train with differential privacy (DP-SGD) where the training data is sensitive, and measure stronger attacks with `gauntlet membership --shadow-data` (LiRA).",
                OwaspMl = [OwaspMembershipInference, OwaspModelInversion],
                MitreAtlas = [AtlasMembership],
            });
        }

        return new AssessmentResult
        {
            Categories = [new CategoryScore { Id = Category.Id, Name = Category.Name, Status = "assessed", Score = score, Weight = Category.Weight, Basis = basis }],
            Findings = findings,
        };
    }
}
