using Gauntlet.Defenses.Adaptive;
using Gauntlet.Defenses.Training;

namespace Gauntlet.Defenses.Reporting;

/// <summary>
/// Everything <c>gauntlet defend</c> measured: the public contract of <c>defense_report.json</c>
/// (docs/defense_report.schema.json; keys are the snake_case property names).
/// </summary>
public sealed record DefenseReport
{
    /// <summary>Version of the JSON layout.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Always <c>gauntlet</c>.</summary>
    public string Tool { get; init; } = "gauntlet";

    /// <summary>The tool's version.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>The model under defense.</summary>
    public required ArtifactReference Model { get; init; }

    /// <summary>The evaluation data.</summary>
    public required DataReference Data { get; init; }

    /// <summary>Seed of every attack and every random defense.</summary>
    public required int Seed { get; init; }

    /// <summary>The attack settings shared by every evaluation.</summary>
    public required EvaluationSettings Evaluation { get; init; }

    /// <summary>Input defenses, each evaluated plainly and adaptively.</summary>
    public IReadOnlyList<InputDefenseEvaluation> InputDefenses { get; init; } = [];

    /// <summary>Robust-training defenses: the original model against its trained counterpart.</summary>
    public IReadOnlyList<TrainingDefenseResult> TrainingDefenses { get; init; } = [];

    /// <summary>The feature-squeezing detector, if it was asked for.</summary>
    public DetectorResult? Detector { get; init; }

    /// <summary>Certified figures (randomized smoothing); null until a certification is attached.</summary>
    public object? Certified { get; init; }

    /// <summary>Findings, most severe first.</summary>
    public IReadOnlyList<DefenseFinding> Findings { get; init; } = [];
}

/// <summary>A file the report is about.</summary>
/// <param name="Path">As given on the command line.</param>
/// <param name="Sha256">SHA-256 of its bytes, lower-case hex.</param>
public sealed record ArtifactReference(string Path, string Sha256);

/// <summary>The evaluation data.</summary>
/// <param name="Source">Where it came from.</param>
/// <param name="Samples">Samples evaluated.</param>
public sealed record DataReference(string Source, int Samples);

/// <summary>The attacks every evaluation ran.</summary>
/// <param name="Norm">The threat's norm.</param>
/// <param name="Epsilons">The budgets.</param>
/// <param name="Attacks">Registered attacks, in order.</param>
/// <param name="Steps">Iterations of each.</param>
/// <param name="EotSamples">Draws per gradient for randomised defenses.</param>
public sealed record EvaluationSettings(string Norm, IReadOnlyList<float> Epsilons, IReadOnlyList<string> Attacks, int Steps, int EotSamples);

/// <summary>One robust-training defense: the trained model and what it changed.</summary>
/// <param name="Defense">The method (pgd-at, trades, fast-at, gaussian).</param>
/// <param name="DefendedModel">The robustly trained model.</param>
/// <param name="TrainingSeconds">Training wall time from its log, or null if the log is absent.</param>
/// <param name="TrainingLog">The settings recorded in its training log (method, ε, σ, β, steps, seed), or null.</param>
/// <param name="CleanBefore">Clean accuracy of the original model.</param>
/// <param name="CleanAfter">Clean accuracy of the trained model.</param>
/// <param name="InferenceOverhead">Prediction time of the trained model over the original's.</param>
/// <param name="Threats">Robust accuracy before and after, per budget.</param>
public sealed record TrainingDefenseResult(
    string Defense,
    ArtifactReference DefendedModel,
    double? TrainingSeconds,
    IReadOnlyDictionary<string, object?>? TrainingLog,
    double CleanBefore,
    double CleanAfter,
    double InferenceOverhead,
    IReadOnlyList<TrainingThreatResult> Threats);

/// <summary>The feature-squeezing detector at one operating point.</summary>
/// <param name="Squeezers">The squeezers, in words.</param>
/// <param name="TargetFalsePositiveRate">The false-positive rate the threshold was chosen for on clean data.</param>
/// <param name="Threshold">The L1 threshold.</param>
/// <param name="CleanFalsePositiveRate">Share of clean samples flagged.</param>
/// <param name="DetectionRate">Share of successful adversarial examples flagged.</param>
/// <param name="Auc">ROC AUC of clean against successful adversarial examples.</param>
/// <param name="Attack">The attack that made the adversarial examples (plain, against the undefended model).</param>
/// <param name="Epsilon">Its budget.</param>
/// <param name="CleanSamples">Clean samples scored.</param>
/// <param name="AdversarialSamples">Successful adversarial examples scored.</param>
public sealed record DetectorResult(
    string Squeezers,
    double TargetFalsePositiveRate,
    double Threshold,
    double CleanFalsePositiveRate,
    double DetectionRate,
    double Auc,
    string Attack,
    float Epsilon,
    int CleanSamples,
    int AdversarialSamples);

/// <summary>One finding.</summary>
/// <param name="Id">Stable rule id, e.g. <c>defense.gradient-masking</c>.</param>
/// <param name="Severity">info, low, medium, high or critical.</param>
/// <param name="Defense">The defense it is about.</param>
/// <param name="Title">One line.</param>
/// <param name="Detail">The figures behind it.</param>
public sealed record DefenseFinding(string Id, string Severity, string Defense, string Title, string Detail);
