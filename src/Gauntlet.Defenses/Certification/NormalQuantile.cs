namespace Gauntlet.Defenses.Certification;

/// <summary>Φ⁻¹, the quantile function (inverse CDF) of the standard normal distribution.</summary>
/// <remarks>
/// Wichura's algorithm AS 241 (PPND16, Applied Statistics 37(3), 1988), rational approximations
/// accurate to about 1 part in 10¹⁶: one for |p − ½| ≤ 0.425 in <c>r = 0.180625 − (p − ½)²</c>, and
/// two in <c>r = √(−ln min(p, 1 − p))</c> for r ≤ 5 and r &gt; 5. The coefficients are the published
/// ones (the same as CPython's <c>statistics.NormalDist.inv_cdf</c>).
/// </remarks>
public static class NormalQuantile
{
    // Coefficients from the highest power down, as AS 241 prints them.
    private static readonly double[] CentralNumerator =
    [
        2.5090809287301226727e+3, 3.3430575583588128105e+4, 6.7265770927008700853e+4, 4.5921953931549871457e+4,
        1.3731693765509461125e+4, 1.9715909503065514427e+3, 1.3314166789178437745e+2, 3.3871328727963666080e+0,
    ];

    private static readonly double[] CentralDenominator =
    [
        5.2264952788528545610e+3, 2.8729085735721942674e+4, 3.9307895800092710610e+4, 2.1213794301586595867e+4,
        5.3941960214247511077e+3, 6.8718700749205790830e+2, 4.2313330701600911252e+1, 1.0,
    ];

    private static readonly double[] NearNumerator =
    [
        7.74545014278341407640e-4, 2.27238449892691845833e-2, 2.41780725177450611770e-1, 1.27045825245236838258e+0,
        3.64784832476320460504e+0, 5.76949722146069140550e+0, 4.63033784615654529590e+0, 1.42343711074968357734e+0,
    ];

    private static readonly double[] NearDenominator =
    [
        1.05075007164441684324e-9, 5.47593808499534494600e-4, 1.51986665636164571966e-2, 1.48103976427480074590e-1,
        6.89767334985100004550e-1, 1.67638483018380384940e+0, 2.05319162663775882187e+0, 1.0,
    ];

    private static readonly double[] FarNumerator =
    [
        2.01033439929228813265e-7, 2.71155556874348757815e-5, 1.24266094738807843860e-3, 2.65321895265761230930e-2,
        2.96560571828504891230e-1, 1.78482653991729133580e+0, 5.46378491116411436990e+0, 6.65790464350110377720e+0,
    ];

    private static readonly double[] FarDenominator =
    [
        2.04426310338993978564e-15, 1.42151175831644588870e-7, 1.84631831751005468180e-5, 7.86869131145613259100e-4,
        1.48753612908506148525e-2, 1.36929880922735805310e-1, 5.99832206555887937690e-1, 1.0,
    ];

    /// <summary>Φ⁻¹(<paramref name="p"/>): the x with P(Z ≤ x) = p for Z ~ N(0, 1).</summary>
    /// <returns>−∞ at p = 0, +∞ at p = 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is NaN or outside [0, 1].</exception>
    public static double Of(double p)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "a probability in [0, 1] is required.");
        }

        if (p == 0)
        {
            return double.NegativeInfinity;
        }

        if (p == 1)
        {
            return double.PositiveInfinity;
        }

        var q = p - 0.5;
        double x;
        if (Math.Abs(q) <= 0.425)
        {
            var s = 0.180625 - (q * q);
            x = q * Horner(s, CentralNumerator) / Horner(s, CentralDenominator);
            return x;
        }

        var r = Math.Sqrt(-Math.Log(q <= 0 ? p : 1.0 - p));
        x = r <= 5.0
            ? Horner(r - 1.6, NearNumerator) / Horner(r - 1.6, NearDenominator)
            : Horner(r - 5.0, FarNumerator) / Horner(r - 5.0, FarDenominator);
        return q < 0 ? -x : x;
    }

    private static double Horner(double t, double[] coefficients)
    {
        var value = 0.0;
        foreach (var c in coefficients)
        {
            value = (value * t) + c;
        }

        return value;
    }
}
