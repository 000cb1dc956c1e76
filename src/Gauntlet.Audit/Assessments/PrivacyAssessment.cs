using System.Globalization;
using Gauntlet.Audit.Reporting;
using Gauntlet.Core;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Privacy.Extraction;
using Gauntlet.Privacy.Membership;

namespace Gauntlet.Audit.Assessments;

/// <summary>
/// Privacy: with the known members and non-members the audit was given (<c>--members</c>,
/// <c>--nonmembers</c>), runs the loss-threshold membership-inference attack (Yeom et al. 2018)
/// and scores how well it separates them; otherwise runs a small label-only model extraction
/// (Knockoff Nets, Orekondy et al. 2019) on the audit data and scores how faithful the stolen copy
/// is. Both need only the model's outputs, so they also run on models without gradients.
/// </summary>
/// <remarks>
/// <para>Membership score: <c>100 · clamp(2 · (1 − AUC), 0, 1)</c> — 100 at chance (AUC ≤ 0.5), 0
/// when members are told apart perfectly. A finding is raised from AUC 0.55 (low), 0.6 (medium)
/// and 0.75 (high), or at medium when TPR at 1% FPR is at least 5% (a few members exposed with
/// confidence, whatever the average).</para>
/// <para>Extraction: the first <see cref="ExtractionImages"/> images given to the audit (not only the
/// plan's samples) are split into a first half the attacker draws up to
/// <see cref="ExtractionBudget"/> label-only queries from and a second half fidelity is measured on; the copy is an <c>mlp</c> trained
/// <see cref="ExtractionEpochs"/> epochs with the plan's seed (seconds on the demo). Score:
/// <c>100 · clamp((1 − fidelity) / (1 − 1/K), 0, 1)</c> — 100 when the copy agrees with the model
/// no more than chance (1/K), 0 when it agrees everywhere. A finding is raised from fidelity 0.5
/// (low), 0.75 (medium) and 0.9 (high).</para>
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

    /// <summary>OWASP ML Top 10 (2023): model theft.</summary>
    public const string OwaspModelTheft = "ML05:2023";

    /// <summary>MITRE ATLAS: Infer Training Data Membership.</summary>
    public const string AtlasMembership = "AML.T0024.000";

    /// <summary>MITRE ATLAS: Invert ML Model.</summary>
    public const string AtlasInversion = "AML.T0024.001";

    /// <summary>MITRE ATLAS: Extract ML Model.</summary>
    public const string AtlasExtraction = "AML.T0024.002";

    /// <summary>Label-only queries of the audit's extraction (fewer when the first half of the data is smaller).</summary>
    public const int ExtractionBudget = 500;

    /// <summary>Images the extraction uses at most: <see cref="ExtractionBudget"/> to query from and as many held out.</summary>
    public const int ExtractionImages = 2 * ExtractionBudget;

    /// <summary>Training epochs of the audit's stolen copy.</summary>
    public const int ExtractionEpochs = 10;

    private const string DisplayName = "Privacy (membership inference, model extraction)";

    private static readonly ScoreCategory Category = new(ModuleId, DisplayName, Weight);

    /// <inheritdoc/>
    public string Id => ModuleId;

    /// <inheritdoc/>
    public string Name => DisplayName;

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

    /// <summary>The extraction score for a fidelity over K classes: <c>100 · clamp((1 − fidelity) / (1 − 1/K), 0, 1)</c>.</summary>
    public static double ExtractionScoreOf(double fidelity, int classes) => 100 * Math.Clamp((1 - fidelity) / (1 - (1.0 / classes)), 0, 1);

    /// <summary>The extraction finding's severity for a fidelity, or null when none is raised.</summary>
    public static Severity? ExtractionSeverityOf(double fidelity) =>
        fidelity >= 0.9 ? Severity.High
        : fidelity >= 0.75 ? Severity.Medium
        : fidelity >= 0.5 ? Severity.Low
        : null;

    /// <inheritdoc/>
    public Applicability AppliesTo(AuditContext context) =>
        context.Membership is not null || context.AllData.Count >= 4
            ? Applicability.Yes
            : Applicability.No("no known members and non-members were given (--members, --nonmembers), and model extraction needs at least 4 images to split into queries and held-out data");

    /// <inheritdoc/>
    public double EstimateWork(AuditContext context) => 1;

    /// <inheritdoc/>
    public AssessmentResult Run(AuditContext context) => context.Membership is null ? RunExtraction(context) : RunMembership(context);

    private static AssessmentResult RunExtraction(AuditContext context)
    {
        var all = context.AllData.Take(ExtractionImages);
        var half = all.Count / 2;
        var pool = all.Take(half);
        var heldOut = all.Select([.. Enumerable.Range(half, all.Count - half)]);
        var budget = Math.Min(ExtractionBudget, pool.Count);
        var victim = context.Subject.Classifier;
        var options = new ExtractionOptions(budget, "mlp", ExtractionMode.Labels, new TrainingOptions(ExtractionEpochs, 64, 2e-3f), context.Plan.Seed);
        ExtractionResult result;
        try
        {
            result = KnockoffExtraction.Run(victim, pool, heldOut, options, cancellationToken: context.Cancellation);
        }
        catch (ArgumentException ex)
        {
            // A model that answers one class to every query cannot be copied by training; nothing to score.
            context.Advance("privacy: model extraction", 1);
            return new AssessmentResult
            {
                Categories = [new CategoryScore { Id = Category.Id, Name = Category.Name, Status = "not_applicable", Score = null, Weight = Category.Weight, Basis = $"Not applicable: model extraction could not run: {ex.Message}" }],
                Findings = [],
            };
        }

        context.Advance("privacy: model extraction", 1);
        var k = victim.ClassCount;
        var score = Math.Round(ExtractionScoreOf(result.Fidelity, k), 1);
        var figures = string.Create(CultureInfo.InvariantCulture,
            $"fidelity {result.Fidelity:0.000} (label agreement with the model on {result.HeldOut} held-out images), copy accuracy {result.CopyAccuracy:0.000} against the model's {result.VictimAccuracy:0.000}, {result.QueriesUsed} label-only queries");
        var basis = string.Create(CultureInfo.InvariantCulture,
            $"label-only model extraction (Knockoff Nets: an mlp copy trained {ExtractionEpochs} epochs on the model's labels for {result.QueriesUsed} of the first {pool.Count} audit images, seed {context.Plan.Seed}): {figures}; score = 100 · clamp((1 − fidelity) / (1 − 1/{k}), 0, 1). No --members/--nonmembers were given, so membership inference did not run.");
        var findings = new List<AuditFinding>();
        if (ExtractionSeverityOf(result.Fidelity) is { } severity)
        {
            findings.Add(new AuditFinding
            {
                Id = "GA-PRIVACY-EXTRACTION",
                Title = "A working copy of the model can be trained from its predicted labels",
                Severity = severity,
                Category = ModuleId,
                Threat = null,
                Description = $"An attacker who sends {result.QueriesUsed} of its own images to the model and trains a small network on the answered labels alone gets a copy that agrees with the model on most unseen images ({figures}). The copy is white-box: it gives the attacker gradients for transfer attacks and for inverting the model offline.",
                Evidence = new Dictionary<string, double>
                {
                    ["fidelity"] = result.Fidelity,
                    ["copy_accuracy"] = result.CopyAccuracy,
                    ["victim_accuracy"] = result.VictimAccuracy,
                    ["queries_used"] = result.QueriesUsed,
                },
                AffectedClasses = [],
                Remediation = "Rate-limit and monitor queries per client (a PRADA-style monitor, `gauntlet extract --monitor`), answer labels or rounded top-k scores rather than full probability vectors, and measure the stronger attack with `gauntlet extract --budget` at the query volumes a client can really reach.",
                OwaspMl = [OwaspModelTheft, OwaspModelInversion],
                MitreAtlas = [AtlasExtraction, AtlasInversion],
            });
        }

        return new AssessmentResult
        {
            Categories = [new CategoryScore { Id = Category.Id, Name = Category.Name, Status = "assessed", Score = score, Weight = Category.Weight, Basis = basis }],
            Findings = findings,
        };
    }

    private static AssessmentResult RunMembership(AuditContext context)
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
