using MathNet.Numerics;

namespace Gauntlet.Defenses.Certification;

/// <summary>The exact two-sided binomial test of p = ½, as SciPy's <c>binom_test(k, n, p=0.5)</c> computes it.</summary>
/// <remarks>
/// Binomial(n, ½) is symmetric, so the outcomes at least as unlikely as k are those at least as far
/// from n/2: the p-value is <c>min(1, 2 P(X ≥ max(k, n − k)))</c>, and exactly 1 when k = n/2.
/// <c>P(X ≥ m) = I_{1/2}(m, n − m + 1)</c> (MathNet.Numerics' <c>SpecialFunctions.BetaRegularized</c>).
/// </remarks>
public static class BinomialTest
{
    /// <summary>The two-sided p-value of <paramref name="successes"/> in <paramref name="trials"/> under p = ½.</summary>
    /// <exception cref="ArgumentOutOfRangeException">trials &lt; 1 or successes outside [0, trials].</exception>
    public static double TwoSidedHalf(long successes, long trials)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        if (successes < 0 || successes > trials)
        {
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"successes must lie in [0, {trials}].");
        }

        if (2 * successes == trials)
        {
            return 1;
        }

        var far = Math.Max(successes, trials - successes);
        return Math.Min(1, 2 * SpecialFunctions.BetaRegularized(far, trials - far + 1, 0.5));
    }
}
