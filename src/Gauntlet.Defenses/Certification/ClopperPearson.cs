using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Gauntlet.Defenses.Certification;

/// <summary>Clopper–Pearson ("exact") one-sided confidence bounds on a binomial proportion.</summary>
/// <remarks>
/// With k successes in n trials, the one-sided lower bound at level 1 − α is the α-quantile of
/// Beta(k, n − k + 1), and 0 when k = 0; the upper bound is the (1 − α)-quantile of
/// Beta(k + 1, n − k), and 1 when k = n. Cohen et al.'s certification takes the lower end of
/// statsmodels' two-sided interval at 2α (<c>proportion_confint(k, n, alpha=2α, method="beta")[0]</c>),
/// which is exactly <see cref="LowerBound"/> at α. The quantiles are MathNet.Numerics'
/// <c>Beta.InvCDF</c> polished by Newton steps on its regularized incomplete beta, checked against
/// SciPy's <c>beta.ppf</c> to one part in 10⁹ in the tests.
/// </remarks>
public static class ClopperPearson
{
    /// <summary>A p̲ with P(p ≥ p̲) ≥ 1 − <paramref name="alpha"/> over the draws: the one-sided lower bound.</summary>
    /// <param name="successes">k, in [0, n].</param>
    /// <param name="trials">n ≥ 1.</param>
    /// <param name="alpha">The error probability, in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range.</exception>
    public static double LowerBound(long successes, long trials, double alpha)
    {
        Check(successes, trials, alpha);
        return successes == 0 ? 0 : BetaQuantile(successes, trials - successes + 1, alpha);
    }

    /// <summary>A p̄ with P(p ≤ p̄) ≥ 1 − <paramref name="alpha"/> over the draws: the one-sided upper bound.</summary>
    /// <inheritdoc cref="LowerBound" path="/param"/>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range.</exception>
    public static double UpperBound(long successes, long trials, double alpha)
    {
        Check(successes, trials, alpha);
        return successes == trials ? 1 : BetaQuantile(successes + 1, trials - successes, 1 - alpha);
    }

    private static void Check(long successes, long trials, double alpha)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        if (successes < 0 || successes > trials)
        {
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"successes must lie in [0, {trials}].");
        }

        if (!(alpha > 0 && alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must lie in (0, 1).");
        }
    }

    /// <summary>
    /// The p-quantile of Beta(a, b): MathNet's root (absolute accuracy about 1e-12, which is a large
    /// relative error for the tiny quantiles of Beta(k, n − k + 1) at small k) refined by Newton steps
    /// <c>x ← x − (I_x(a, b) − p) / f(x)</c>, kept inside (0, 1).
    /// </summary>
    internal static double BetaQuantile(double a, double b, double p)
    {
        var x = Beta.InvCDF(a, b, p);
        for (var step = 0; step < 3 && x > 0 && x < 1; step++)
        {
            var density = Beta.PDF(a, b, x);
            if (!(density > 0) || double.IsInfinity(density))
            {
                break;
            }

            var next = x - ((SpecialFunctions.BetaRegularized(a, b, x) - p) / density);
            if (!(next > 0 && next < 1))
            {
                break;
            }

            x = next;
        }

        return x;
    }
}
