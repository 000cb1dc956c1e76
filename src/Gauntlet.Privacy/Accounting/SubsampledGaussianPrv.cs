using MathNet.Numerics;
using MathNet.Numerics.Integration;

namespace Gauntlet.Privacy.Accounting;

/// <summary>
/// The privacy loss random variable (PRV) of one step of the Poisson-subsampled Gaussian mechanism,
/// truncated to [<see cref="Min"/>, <see cref="Max"/>] (Gopi, Lee and Wutschitz 2021, "Numerical
/// composition of differential privacy", propositions B1 and B4).
/// </summary>
internal sealed class SubsampledGaussianPrv
{
    private readonly double q;
    private readonly double sigma;
    private readonly double cdfAtMin;
    private readonly double remainingMass;

    public SubsampledGaussianPrv(double sampleRate, double noiseMultiplier, double min, double max)
    {
        (q, sigma, Min, Max) = (sampleRate, noiseMultiplier, min, max);
        cdfAtMin = UntruncatedCdf(min);
        remainingMass = UntruncatedCdf(max) - cdfAtMin;
    }

    /// <summary>The truncation's lower end.</summary>
    public double Min { get; }

    /// <summary>The truncation's upper end.</summary>
    public double Max { get; }

    /// <summary>The CDF of the untruncated PRV.</summary>
    /// <remarks>
    /// 0 for <c>t ≤ log(1 − q)</c>; above, with <c>z = log((eᵗ + q − 1)/q)</c>:
    /// <c>1 − q/2·erfc((2zσ² − 1)/(2√2σ)) − (1 − q)/2·erfc((2zσ² + 1)/(2√2σ))</c>.
    /// </remarks>
    public double UntruncatedCdf(double t)
    {
        if (!(t > Math.Log(1 - q)))
        {
            return 0;
        }

        var z = Math.Log((Math.Exp(t) + q - 1) / q);
        var s2 = sigma * sigma;
        var scale = 2 * Math.Sqrt(2) * sigma;
        return (-q * SpecialFunctions.Erfc(((2 * z * s2) - 1) / scale) / 2) - ((1 - q) * SpecialFunctions.Erfc(((2 * z * s2) + 1) / scale) / 2) + 1.0;
    }

    /// <summary>The CDF of the truncated PRV: 0 below <see cref="Min"/>, 1 from <see cref="Max"/> on, renormalised between.</summary>
    public double Cdf(double t) => t < Min ? 0 : t < Max ? (UntruncatedCdf(t) - cdfAtMin) / remainingMass : 1;

    /// <summary>The truncated PRV's mean, <c>E[T] = [t·F(t)] − ∫F</c> integrated piecewise as Opacus does.</summary>
    /// <remarks>
    /// The pieces are split at −10^k … −1e-5, 0, 1e-5 … 10^k (10 log-spaced points each side), so
    /// the integrator sees the steep part near 0 at its scale; each piece is integrated by adaptive
    /// Gauss–Kronrod to 1e-12 relative error (Opacus uses scipy's quad, 1.5e-8).
    /// </remarks>
    public double Mean()
    {
        var lower = (int)Math.Log10(Math.Abs(Min));
        var upper = (int)Math.Log10(Max);
        var points = new List<double> { Min };
        points.AddRange(LogSpace(lower, -5, 10).Select(x => -x));
        points.Add(0);
        points.AddRange(LogSpace(-5, upper, 10));
        points.Add(Max);
        var mean = 0.0;
        for (var i = 0; i + 1 < points.Count; i++)
        {
            double left = points[i], right = points[i + 1];
            var integral = GaussKronrodRule.Integrate(Cdf, left, right, out _, out _, 1e-12, 30, 21);
            mean += (right * Cdf(right)) - (left * Cdf(left)) - integral;
        }

        return mean;
    }

    // numpy.logspace(start, stop, num): 10^(start + k·(stop − start)/(num − 1)).
    private static IEnumerable<double> LogSpace(double start, double stop, int count) =>
        Enumerable.Range(0, count).Select(k => Math.Pow(10, start + (k * (stop - start) / (count - 1))));
}
