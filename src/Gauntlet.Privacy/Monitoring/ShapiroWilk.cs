using MathNet.Numerics.Distributions;

namespace Gauntlet.Privacy.Monitoring;

/// <summary>The Shapiro–Wilk W statistic and its p-value.</summary>
/// <param name="W">W in (0, 1]; close to 1 for normal samples.</param>
/// <param name="PValue">Probability of a W this small or smaller under normality.</param>
public readonly record struct ShapiroWilkResult(double W, double PValue);

/// <summary>
/// The Shapiro–Wilk test of normality with Royston's (1995, algorithm AS R94) approximations of
/// the coefficients and of W's null distribution, valid for 3 ≤ n ≤ 5000 — the algorithm behind R's
/// <c>shapiro.test</c> and SciPy's <c>scipy.stats.shapiro</c>.
/// </summary>
/// <remarks>
/// <para>Written here because no served .NET package implements it (Math.NET Numerics supplies the
/// normal CDF and quantile it needs). Coefficients: <c>mᵢ = Φ⁻¹((i − 3/8)/(n + 1/4))</c>; the two
/// outermost weights come from Royston's polynomials in <c>1/√n</c> and the rest are <c>mᵢ</c>
/// rescaled so that <c>Σ aᵢ² = 1</c>. <c>W = (Σ aᵢ x₍ᵢ₎)² / Σ (xᵢ − x̄)²</c>.</para>
/// <para>p-value: exact for n = 3 (<c>6/π · (asin √W − asin √¾)</c>); for n ≤ 11,
/// <c>−log(γ − log(1 − W))</c> is normal with Royston's mean and deviation polynomials in n; for
/// n ≥ 12, <c>log(1 − W)</c> is normal with polynomials in <c>log n</c>. The upper tail is returned.</para>
/// </remarks>
public static class ShapiroWilk
{
    /// <summary>The largest sample Royston's approximation covers.</summary>
    public const int MaxCount = 5000;

    private static readonly double[] C1 = [0.0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056];
    private static readonly double[] C2 = [0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633];
    private static readonly double[] C3 = [0.544, -0.39978, 0.025054, -6.714e-4];
    private static readonly double[] C4 = [1.3822, -0.77857, 0.062767, -0.0020322];
    private static readonly double[] C5 = [-1.5861, -0.31082, -0.083751, 0.0038915];
    private static readonly double[] C6 = [-0.4803, -0.082676, 0.0030302];
    private static readonly double[] G = [-2.273, 0.459];

    /// <summary>Tests <paramref name="sample"/> for normality.</summary>
    /// <exception cref="ArgumentException">Fewer than 3 or more than 5000 values, a value not finite, or all values equal (W undefined).</exception>
    public static ShapiroWilkResult Test(IReadOnlyList<double> sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var n = sample.Count;
        if (n is < 3 or > MaxCount)
        {
            throw new ArgumentException($"Shapiro–Wilk needs between 3 and {MaxCount} values; got {n}.", nameof(sample));
        }

        var x = sample.ToArray();
        if (x.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException("Shapiro–Wilk: every value must be finite.", nameof(sample));
        }

        Array.Sort(x);
        if (x[^1] - x[0] <= 0)
        {
            throw new ArgumentException("Shapiro–Wilk: all values are equal, so W is undefined.", nameof(sample));
        }

        var a = Coefficients(n);
        var mean = x.Average();
        double numerator = 0;
        double ss = 0;
        for (var i = 0; i < n / 2; i++)
        {
            numerator += a[i] * (x[n - 1 - i] - x[i]);
        }

        foreach (var v in x)
        {
            ss += (v - mean) * (v - mean);
        }

        var w = Math.Min(1.0, numerator * numerator / ss);
        return new ShapiroWilkResult(w, PValue(w, n));
    }

    /// <summary>The weights aᵢ of the pairs <c>x₍ₙ₋ᵢ₎ − x₍ᵢ₊₁₎</c>, i = 0 … ⌊n/2⌋ − 1, all positive.</summary>
    internal static double[] Coefficients(int n)
    {
        var half = n / 2;
        var a = new double[half];
        if (n == 3)
        {
            a[0] = Math.Sqrt(0.5);
            return a;
        }

        // m[i] = −Φ⁻¹((i + 1 − 3/8)/(n + 1/4)): the expected normal order statistics, largest first.
        var m = new double[half];
        double summ2 = 0;
        for (var i = 0; i < half; i++)
        {
            m[i] = -Normal.InvCDF(0, 1, (i + 1 - 0.375) / (n + 0.25));
            summ2 += m[i] * m[i];
        }

        summ2 *= 2;
        var ssumm2 = Math.Sqrt(summ2);
        var rsn = 1 / Math.Sqrt(n);
        var a1 = Poly(C1, rsn) + (m[0] / ssumm2);
        int first;
        double fac;
        if (n > 5)
        {
            first = 2;
            var a2 = (m[1] / ssumm2) + Poly(C2, rsn);
            fac = Math.Sqrt((summ2 - (2 * m[0] * m[0]) - (2 * m[1] * m[1])) / (1 - (2 * a1 * a1) - (2 * a2 * a2)));
            a[1] = a2;
        }
        else
        {
            first = 1;
            fac = Math.Sqrt((summ2 - (2 * m[0] * m[0])) / (1 - (2 * a1 * a1)));
        }

        a[0] = a1;
        for (var i = first; i < half; i++)
        {
            a[i] = m[i] / fac;
        }

        return a;
    }

    /// <summary>The p-value of W for a sample of n (the second half of <see cref="Test"/>).</summary>
    internal static double PValue(double w, int n)
    {
        if (n == 3)
        {
            return Math.Max(0, 6 / Math.PI * (Math.Asin(Math.Sqrt(w)) - (Math.PI / 3)));
        }

        var y = Math.Log(1 - w);
        double mu;
        double sigma;
        if (n <= 11)
        {
            var gamma = Poly(G, n);
            if (y >= gamma)
            {
                // Beyond the approximation's support: W is as far from normal as it can be.
                return 1e-99;
            }

            y = -Math.Log(gamma - y);
            mu = Poly(C3, n);
            sigma = Math.Exp(Poly(C4, n));
        }
        else
        {
            var ln = Math.Log(n);
            mu = Poly(C5, ln);
            sigma = Math.Exp(Poly(C6, ln));
        }

        // The upper tail, computed as the lower tail of the mirrored value so it keeps its digits.
        return Normal.CDF(0, 1, -(y - mu) / sigma);
    }

    private static double Poly(double[] c, double x)
    {
        var sum = c[^1];
        for (var i = c.Length - 2; i >= 0; i--)
        {
            sum = (sum * x) + c[i];
        }

        return sum;
    }
}
