namespace Gauntlet.Defenses.Certification;

/// <summary>The natural logarithm of the gamma function for positive arguments.</summary>
/// <remarks>
/// For x ≥ 15 the Stirling series
/// <c>ln Γ(x) = (x − ½) ln x − x + ½ ln 2π + 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷) + 1/(1188x⁹) − 691/(360360x¹¹)</c>,
/// whose first omitted term is below 2·10⁻¹⁶ there; smaller x are shifted up with
/// <c>ln Γ(x) = ln Γ(x + k) − ln(x (x + 1) ⋯ (x + k − 1))</c>. Written here because .NET has no
/// log-gamma and the certification needs only this and <see cref="IncompleteBeta"/>.
/// </remarks>
internal static class LogGamma
{
    private const double HalfLogTwoPi = 0.91893853320467274178;

    /// <summary>ln Γ(<paramref name="x"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="x"/> is not positive and finite.</exception>
    public static double Of(double x)
    {
        if (!(x > 0) || !double.IsFinite(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "log-gamma is defined here for positive finite arguments.");
        }

        var shift = 0.0;
        var product = 1.0;
        while (x < 15)
        {
            product *= x;
            x += 1;
            // Keep the product in range; its logarithm is accumulated instead.
            if (product > 1e250)
            {
                shift += Math.Log(product);
                product = 1.0;
            }
        }

        shift += Math.Log(product);
        var inverse = 1.0 / x;
        var inverse2 = inverse * inverse;
        var series = inverse * ((1.0 / 12) - (inverse2 * ((1.0 / 360) - (inverse2 * ((1.0 / 1260) - (inverse2 * ((1.0 / 1680) - (inverse2 * ((1.0 / 1188) - (inverse2 * (691.0 / 360360)))))))))));
        return ((x - 0.5) * Math.Log(x)) - x + HalfLogTwoPi + series - shift;
    }
}
