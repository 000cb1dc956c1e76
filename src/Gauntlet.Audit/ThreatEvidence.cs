using Gauntlet.Audit.Reporting;

namespace Gauntlet.Audit;

/// <summary>What one threat produced, with the raw counts the checks, findings and scorecard need.</summary>
internal sealed class ThreatEvidence
{
    public required ThreatModel Threat { get; init; }

    public required ThreatResult Result { get; init; }

    /// <summary>Attacker categories with at least one attack of their own in the threat.</summary>
    public required IReadOnlySet<AttackerCategory> Assessed { get; init; }

    /// <summary>Per budget: samples a black-box attack broke that white-box attacks at that budget did not.</summary>
    public required IReadOnlyList<int> BlackOnly { get; init; }

    /// <summary>Per budget: samples noise broke that white-box attacks at that budget did not.</summary>
    public required IReadOnlyList<int> NoiseOnly { get; init; }

    /// <summary>Per category at the reference budget: robust accuracy per class (NaN for classes without samples).</summary>
    public required IReadOnlyDictionary<AttackerCategory, double[]> PerClassRobust { get; init; }

    public required double[] PerClassClean { get; init; }

    public required int Correct { get; init; }

    public required int Samples { get; init; }

    public required IReadOnlyList<AdversarialExample> Examples { get; init; }

    /// <summary>Robust accuracy of a category at each finished budget.</summary>
    public double[] Curve(AttackerCategory category) =>
        [.. Result.Points.Select(p => category switch
        {
            AttackerCategory.WhiteBox => p.RobustAccuracy.WhiteBox,
            AttackerCategory.BlackBox => p.RobustAccuracy.BlackBox,
            _ => p.RobustAccuracy.Noise,
        })];

    public EpsilonResult? ReferencePoint => Result.Points.FirstOrDefault(p => p.Epsilon == Result.ReferenceEpsilon);
}
