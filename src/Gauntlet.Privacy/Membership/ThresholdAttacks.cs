using Gauntlet.Models;

namespace Gauntlet.Privacy.Membership;

/// <summary>
/// The threshold attacks of Yeom et al. (2018): training examples tend to have lower loss and
/// higher confidence than unseen ones, so a single global threshold on either separates them.
/// They need nothing but the target's outputs; the ROC sweeps every threshold.
/// </summary>
public static class ThresholdAttacks
{
    /// <summary>The loss-threshold attack's name.</summary>
    public const string LossName = "loss-threshold";

    /// <summary>The confidence-threshold attack's name.</summary>
    public const string ConfidenceName = "confidence-threshold";

    /// <summary>Score = −cross-entropy loss of the image under its label (<see cref="ExampleStatistics.Loss"/>).</summary>
    public static MembershipResult Loss(IClassifier target, MembershipData data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new MembershipResult(
            LossName,
            new Dictionary<string, object> { ["statistic"] = "-cross_entropy" },
            [.. ExampleStatistics.Loss(target, data.Members, batchSize).Select(l => -l)],
            [.. ExampleStatistics.Loss(target, data.NonMembers, batchSize).Select(l => -l)]);
    }

    /// <summary>Score = the largest softmax probability (<see cref="ExampleStatistics.MaxConfidence"/>); labels are not used.</summary>
    public static MembershipResult Confidence(IClassifier target, MembershipData data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new MembershipResult(
            ConfidenceName,
            new Dictionary<string, object> { ["statistic"] = "max_softmax" },
            ExampleStatistics.MaxConfidence(target, data.Members, batchSize),
            ExampleStatistics.MaxConfidence(target, data.NonMembers, batchSize));
    }
}
