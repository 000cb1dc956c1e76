namespace Gauntlet.Fairness;

/// <summary>The figures of one group of the protected attribute.</summary>
/// <param name="Group">The group's value of the protected attribute.</param>
/// <param name="Count">Samples in the group.</param>
/// <param name="BaseRate">Share of the group whose true label is the positive class.</param>
/// <param name="SelectionRate">Share of the group predicted positive, P(ŷ = 1 | g).</param>
/// <param name="TruePositiveRate">P(ŷ = 1 | y = 1, g); NaN when the group has no positive labels.</param>
/// <param name="FalsePositiveRate">P(ŷ = 1 | y = 0, g); NaN when the group has no negative labels.</param>
/// <param name="Accuracy">Share of the group predicted correctly.</param>
/// <param name="ExpectedCalibrationError">Expected calibration error of the positive-class scores in the group, or null without scores.</param>
public sealed record GroupMetrics(
    string Group,
    int Count,
    double BaseRate,
    double SelectionRate,
    double TruePositiveRate,
    double FalsePositiveRate,
    double Accuracy,
    double? ExpectedCalibrationError);

/// <summary>Group fairness of one set of predictions.</summary>
/// <param name="ProtectedAttribute">The protected attribute's name.</param>
/// <param name="Groups">Per-group figures, in the order the groups first appear.</param>
/// <param name="Accuracy">Overall accuracy.</param>
/// <param name="DemographicParityDifference">Largest minus smallest selection rate across groups.</param>
/// <param name="EqualOpportunityDifference">Largest minus smallest true positive rate (groups with positive labels).</param>
/// <param name="EqualizedOddsDifference">The larger of the true-positive-rate and false-positive-rate differences (as fairlearn defines it).</param>
/// <param name="DisparateImpactRatio">Smallest over largest selection rate (1 when no group is ever selected).</param>
/// <param name="PassesFourFifthsRule">Whether the ratio is at least the four-fifths threshold.</param>
/// <param name="LeastSelectedGroup">The group with the smallest selection rate.</param>
/// <param name="MostSelectedGroup">The group with the largest selection rate.</param>
/// <param name="CalibrationGap">Largest minus smallest per-group expected calibration error, or null without scores.</param>
public sealed record FairnessMetricsResult(
    string ProtectedAttribute,
    IReadOnlyList<GroupMetrics> Groups,
    double Accuracy,
    double DemographicParityDifference,
    double EqualOpportunityDifference,
    double EqualizedOddsDifference,
    double DisparateImpactRatio,
    bool PassesFourFifthsRule,
    string LeastSelectedGroup,
    string MostSelectedGroup,
    double? CalibrationGap);
