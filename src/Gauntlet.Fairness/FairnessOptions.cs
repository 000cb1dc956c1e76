namespace Gauntlet.Fairness;

/// <summary>Settings for <see cref="FairnessAnalysis.Run"/> and <see cref="FairnessMetrics.Compute"/>.</summary>
/// <param name="ProtectedAttribute">The name of the protected attribute (a CSV column such as <c>sex</c>), for reports and findings.</param>
/// <param name="PositiveClass">The class index that is the favourable outcome (credit granted, benefit awarded); default 1.</param>
/// <param name="ParityTolerance">A demographic parity, equal opportunity or equalised odds difference above this is a finding (default 0.1, the common rule of thumb).</param>
/// <param name="FourFifths">The disparate impact ratio below which the four-fifths rule fails (default 0.8).</param>
/// <param name="CalibrationTolerance">A gap in expected calibration error between groups above this is a finding (default 0.05).</param>
/// <param name="RobustnessTolerance">A gap in attack success rate between groups above this is a finding (default 0.1).</param>
/// <param name="CalibrationBins">Equal-width probability bins for the expected calibration error (default 10).</param>
/// <param name="SmallGroup">Groups with fewer samples than this are flagged as too small to read much into (default 30).</param>
public sealed record FairnessOptions(
    string ProtectedAttribute = "group",
    int PositiveClass = 1,
    double ParityTolerance = 0.1,
    double FourFifths = 0.8,
    double CalibrationTolerance = 0.05,
    double RobustnessTolerance = 0.1,
    int CalibrationBins = 10,
    int SmallGroup = 30)
{
    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentException">A tolerance is not in [0, 1], the four-fifths threshold is not in (0, 1], the bin count is below 1, or the positive class is negative.</exception>
    public void Validate()
    {
        if (PositiveClass < 0)
        {
            throw new ArgumentException($"fairness: positive class {PositiveClass}; expected a class index ≥ 0.");
        }

        foreach (var (name, value) in new[] { ("parity tolerance", ParityTolerance), ("calibration tolerance", CalibrationTolerance), ("robustness tolerance", RobustnessTolerance) })
        {
            if (!(value >= 0 && value <= 1))
            {
                throw new ArgumentException($"fairness: {name} {value}; expected a value in [0, 1].");
            }
        }

        if (!(FourFifths > 0 && FourFifths <= 1))
        {
            throw new ArgumentException($"fairness: four-fifths threshold {FourFifths}; expected a ratio in (0, 1].");
        }

        if (CalibrationBins < 1)
        {
            throw new ArgumentException($"fairness: {CalibrationBins} calibration bins; expected at least 1.");
        }
    }
}
