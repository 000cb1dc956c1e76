namespace Gauntlet.Defenses.Certification;

/// <summary>Certified accuracy against L2 radius, as Cohen et al.'s <c>analyze.py</c> computes it from certified samples.</summary>
/// <remarks>
/// Certified accuracy at radius r is the fraction of all samples (abstentions included, counted
/// wrong) whose certified class is correct and whose radius is at least r:
/// <c>mean(correct ∧ radius ≥ r)</c>. At r = 0 it is the smoothed classifier's accuracy.
/// </remarks>
public static class CertifiedAccuracy
{
    /// <summary>The spacing of the standard radii: 0, 0.25, 0.5, …</summary>
    public const double Step = 0.25;

    /// <summary>Certified accuracy at <paramref name="radius"/> over samples given as (correct, radius).</summary>
    /// <returns>0 for no samples.</returns>
    public static double At(IReadOnlyList<(bool Correct, double Radius)> samples, double radius) =>
        samples.Count == 0 ? 0 : samples.Count(s => s.Correct && s.Radius >= radius) / (double)samples.Count;

    /// <summary>Certified accuracy at <paramref name="radius"/> over certified samples.</summary>
    public static double At(IReadOnlyList<CertifiedSample> samples, double radius) =>
        At([.. samples.Select(s => (s.Correct, s.Radius))], radius);

    /// <summary>
    /// The radii a table reports: 0, 0.25, 0.5, … up to at least 1.0 and on to the first multiple of
    /// 0.25 at or past <paramref name="maxRadius"/> (where the accuracy must be 0).
    /// </summary>
    public static IReadOnlyList<double> StandardRadii(double maxRadius)
    {
        var last = Math.Max(4, (int)Math.Ceiling(Math.Max(0, maxRadius) / Step));
        return [.. Enumerable.Range(0, last + 1).Select(i => i * Step)];
    }

    /// <summary>The share of samples on which CERTIFY abstained.</summary>
    public static double AbstainRate(IReadOnlyList<CertifiedSample> samples) =>
        samples.Count == 0 ? 0 : samples.Count(s => s.Certificate.Abstained) / (double)samples.Count;
}
