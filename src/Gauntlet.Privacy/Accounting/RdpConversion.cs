namespace Gauntlet.Privacy.Accounting;

/// <summary>How an RDP curve ε(α) becomes an (ε, δ) guarantee.</summary>
public enum RdpConversion
{
    /// <summary>
    /// Balle et al. 2020 ("Hypothesis testing interpretations and Rényi differential privacy",
    /// theorem 21): <c>ε = ε(α) + log((α − 1)/α) − (log δ + log α)/(α − 1)</c>. What Opacus,
    /// dp_accounting and TF-Privacy (since 2021) use.
    /// </summary>
    Balle2020,

    /// <summary>Mironov 2017, proposition 3: <c>ε = ε(α) + log(1/δ)/(α − 1)</c>; looser, what TF-Privacy used before 2021.</summary>
    Mironov2017,
}

/// <summary>The best (ε, δ) over a grid of RDP orders.</summary>
/// <param name="Epsilon">The smallest ε over the orders.</param>
/// <param name="Order">The order α that gave it.</param>
public readonly record struct RdpEpsilon(double Epsilon, double Order);

/// <summary>Converts an RDP curve to (ε, δ)-DP.</summary>
public static class RdpToDp
{
    /// <summary>The smallest ε over <paramref name="orders"/> for which the curve <paramref name="rdp"/> implies (ε, δ)-DP.</summary>
    /// <remarks>
    /// With <see cref="RdpConversion.Balle2020"/>, as dp_accounting's <c>compute_epsilon</c>: an order
    /// whose ε(α) satisfies <c>δ² + expm1(−ε(α)) ≥ 0</c> gives ε = 0 (the KL bound already implies δ),
    /// an order at or below 1.01 gives +∞ (the bound is unstable there), and the result is at least 0.
    /// Ties go to the first order, as numpy's argmin.
    /// </remarks>
    /// <exception cref="ArgumentException">The lists differ in length or are empty, δ is not in (0, 1), an order is ≤ 1 or an RDP value is negative.</exception>
    public static RdpEpsilon Convert(IReadOnlyList<double> orders, IReadOnlyList<double> rdp, double delta, RdpConversion conversion = RdpConversion.Balle2020)
    {
        if (orders.Count != rdp.Count || orders.Count == 0)
        {
            throw new ArgumentException($"{orders.Count} orders and {rdp.Count} RDP values; expected the same non-zero number.", nameof(rdp));
        }

        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentException($"δ {delta}; expected a value in (0, 1).", nameof(delta));
        }

        var best = new RdpEpsilon(double.PositiveInfinity, orders[0]);
        for (var i = 0; i < orders.Count; i++)
        {
            double a = orders[i], r = rdp[i];
            if (!(a > 1) || !(r >= 0))
            {
                throw new ArgumentException($"order {a} with RDP {r}; expected orders above 1 and non-negative RDP.", nameof(rdp));
            }

            var epsilon = conversion switch
            {
                RdpConversion.Mironov2017 => r - (Math.Log(delta) / (a - 1)),
                _ when (delta * delta) + MathNet.Numerics.SpecialFunctions.Expm1(-r) >= 0 => 0,
                _ when a > 1.01 => r + Math.Log(1 - (1 / a)) - (Math.Log(delta * a) / (a - 1)),
                _ => double.PositiveInfinity,
            };
            if (epsilon < best.Epsilon)
            {
                best = new RdpEpsilon(epsilon, a);
            }
        }

        return best with { Epsilon = Math.Max(0, best.Epsilon) };
    }
}
