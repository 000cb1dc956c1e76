namespace Gauntlet.Poisoning.Detection;

/// <summary>A training sample a detector suspects of being poisoned.</summary>
/// <param name="Index">Its index in the training set.</param>
/// <param name="Label">Its (possibly poisoned) label.</param>
/// <param name="Score">The detector's score; larger is more suspicious.</param>
public sealed record SuspectSample(int Index, int Label, double Score);

/// <summary>How well a list of suspects matches the truth.</summary>
/// <param name="Recall">Share of the poisoned samples that were suspected.</param>
/// <param name="Precision">Share of the suspects that were poisoned (0 when there are none).</param>
/// <param name="Suspected">Number of suspects.</param>
/// <param name="Poisoned">Number of poisoned samples.</param>
public sealed record DetectionScore(double Recall, double Precision, int Suspected, int Poisoned)
{
    /// <summary>Scores <paramref name="suspects"/> against the indices really poisoned.</summary>
    public static DetectionScore Of(IEnumerable<SuspectSample> suspects, IReadOnlyCollection<int> poisoned)
    {
        ArgumentNullException.ThrowIfNull(suspects);
        ArgumentNullException.ThrowIfNull(poisoned);
        var truth = poisoned.ToHashSet();
        var list = suspects.Select(s => s.Index).Distinct().ToList();
        var hits = list.Count(truth.Contains);
        return new DetectionScore(truth.Count == 0 ? 0 : hits / (double)truth.Count, list.Count == 0 ? 0 : hits / (double)list.Count, list.Count, truth.Count);
    }
}
