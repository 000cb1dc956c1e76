using Gauntlet.Poisoning.Detection;

namespace Gauntlet.Poisoning;

/// <summary>What a <see cref="BackdoorScan"/> found, before it is written as <c>red_team_audit.json</c>.</summary>
public sealed record BackdoorScanResult
{
    /// <summary><c>backdoored</c> (Neural Cleanse flagged a class), <c>suspicious</c> (only a training-data detector flagged), or <c>no_backdoor_found</c>.</summary>
    public required string Verdict { get; init; }

    /// <summary>Classes Neural Cleanse flags as backdoor targets.</summary>
    public required IReadOnlyList<int> SuspectedTargets { get; init; }

    /// <summary>Neural Cleanse over every class.</summary>
    public required NeuralCleanseResult NeuralCleanse { get; init; }

    /// <summary>The recovered trigger of the most anomalous flagged class, or null when none is flagged.</summary>
    public ClassTrigger? RecoveredTrigger { get; init; }

    /// <summary>STRIP's figures; FAR uses the known trigger, else the recovered one, else is null.</summary>
    public required StripResult Strip { get; init; }

    /// <summary>Which trigger STRIP's FAR was measured with: <c>known</c>, <c>recovered</c> or <c>none</c>.</summary>
    public required string StripTrigger { get; init; }

    /// <summary>The known trigger's attack success rate on clean images of other classes, or null.</summary>
    public double? KnownTriggerSuccessRate { get; init; }

    /// <summary>Activation clustering on the training set, or null (no training set, or no activations).</summary>
    public ClusteringResult? ActivationClustering { get; init; }

    /// <summary>Spectral signatures on the training set, or null.</summary>
    public SpectralResult? SpectralSignatures { get; init; }

    /// <summary>Why the training-data detectors did not run, or null when they did.</summary>
    public string? TrainingDetectorsSkipped { get; init; }

    /// <summary>Wall time of the whole scan.</summary>
    public required double Seconds { get; init; }
}
