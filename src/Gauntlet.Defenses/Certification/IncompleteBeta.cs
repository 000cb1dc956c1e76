namespace Gauntlet.Defenses.Certification;

/// <summary>
/// The regularized incomplete beta function <c>I_x(a, b)</c> (the CDF of a Beta(a, b) variable at x)
/// and its inverse in x, which give the Clopper–Pearson bounds and the binomial test.
/// </summary>
/// <remarks>
/// <para>
/// <c>I_x(a, b) = x^a (1 − x)^b / (a B(a, b)) · CF</c>, with CF the continued fraction of
/// Numerical Recipes §6.4 evaluated by the modified Lentz method to a relative 10⁻¹⁵. It converges
/// fast for x &lt; (a + 1)/(a + b + 2); above that the symmetry <c>I_x(a, b) = 1 − I_{1−x}(b, a)</c>
/// is used. ln B comes from <see cref="LogGamma"/>, so for a or b near 10⁶ the result carries a
/// relative error near 10⁻¹⁰ (the rounding of ln Γ at 10⁷), far below what a certificate needs.
/// </para>
/// <para>
/// The inverse is found by bisection on [0, 1] until the bracket is two adjacent doubles: slower
/// than Newton's method but it cannot leave the bracket or stall, and each call costs well under
/// a millisecond. Written here because .NET has no beta distribution and the project takes no
/// packages (tests/Gauntlet.Core.Tests/Architecture/LayeringTests.cs); tested against SciPy.
/// </para>
/// </remarks>
public static class IncompleteBeta
{
    private const double Epsilon = 1e-15;
    private const double Tiny = 1e-300;
    private const int MaxIterations = 1_000_000;

    /// <summary><c>I_x(a, b)</c>, the probability that a Beta(a, b) variable is at most <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">a or b is not positive and finite, or x is outside [0, 1].</exception>
    public static double Regularized(double x, double a, double b)
    {
        CheckShape(a, b);
        if (!(x >= 0 && x <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "x must lie in [0, 1].");
        }

        if (x == 0 || x == 1)
        {
            return x;
        }

        var logFront = (a * Math.Log(x)) + (b * Math.Log(1 - x)) - LogBeta(a, b);
        return x < (a + 1) / (a + b + 2)
            ? Math.Exp(logFront) * ContinuedFraction(x, a, b) / a
            : 1 - (Math.Exp(logFront) * ContinuedFraction(1 - x, b, a) / b);
    }

    /// <summary>The x in [0, 1] with <c>I_x(a, b) = p</c>: the <paramref name="p"/>-quantile of Beta(a, b) (SciPy's <c>beta.ppf(p, a, b)</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">a or b is not positive and finite, or p is outside [0, 1].</exception>
    public static double Inverse(double p, double a, double b)
    {
        CheckShape(a, b);
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "p must lie in [0, 1].");
        }

        if (p == 0 || p == 1)
        {
            return p;
        }

        double lo = 0, hi = 1;
        for (var i = 0; i < 4096; i++)
        {
            var mid = lo + ((hi - lo) / 2);
            if (mid <= lo || mid >= hi)
            {
                break;
            }

            if (Regularized(mid, a, b) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        // Of the two adjacent doubles, the one whose probability is nearer p.
        return Math.Abs(Regularized(lo, a, b) - p) < Math.Abs(Regularized(hi, a, b) - p) ? lo : hi;
    }

    /// <summary>ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).</summary>
    internal static double LogBeta(double a, double b) => LogGamma.Of(a) + LogGamma.Of(b) - LogGamma.Of(a + b);

    private static void CheckShape(double a, double b)
    {
        if (!(a > 0) || !double.IsFinite(a))
        {
            throw new ArgumentOutOfRangeException(nameof(a), a, "the shape a must be positive and finite.");
        }

        if (!(b > 0) || !double.IsFinite(b))
        {
            throw new ArgumentOutOfRangeException(nameof(b), b, "the shape b must be positive and finite.");
        }
    }

    // Numerical Recipes' betacf: the even and odd steps of the continued fraction, modified Lentz.
    private static double ContinuedFraction(double x, double a, double b)
    {
        var qab = a + b;
        var qap = a + 1;
        var qam = a - 1;
        var c = 1.0;
        var d = 1 - (qab * x / qap);
        d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
        var h = d;
        for (var m = 1; m <= MaxIterations; m++)
        {
            var m2 = 2.0 * m;
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + (aa * d);
            d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = 1 + (aa / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + (aa * d);
            d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = 1 + (aa / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < Epsilon)
            {
                return h;
            }
        }

        throw new ArithmeticException($"the incomplete beta continued fraction did not converge for x {x}, a {a}, b {b}.");
    }
}
