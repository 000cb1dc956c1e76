namespace Gauntlet.Privacy.Accounting;

/// <summary>
/// Rényi differential privacy of the Poisson-subsampled Gaussian mechanism (Mironov, Talwar and
/// Zhang 2019, "Rényi Differential Privacy of the Sampled Gaussian Mechanism", section 3.3): the
/// computation Opacus and TF-Privacy call <c>_compute_rdp</c>.
/// </summary>
public static class SubsampledGaussianRdp
{
    // The fractional-order series converges within a few hundred terms for σ ≥ 0.1; this only stops a runaway loop.
    private const int MaxSeriesTerms = 1_000_000;

    /// <summary>The RDP ε(α) of one step: each record is sampled with probability <paramref name="sampleRate"/> and Gaussian noise of std <paramref name="noiseMultiplier"/> (in units of the L2 sensitivity) is added.</summary>
    /// <remarks>
    /// <c>ε(α) = log(A_α)/(α − 1)</c> with <c>A_α = E_{z∼μ0}[((1−q) + q·μ1(z)/μ0(z))^α]</c>, μ0 = N(0, σ²), μ1 = N(1, σ²).
    /// Integer α: <c>A_α = Σ_{i=0}^{α} C(α,i) q^i (1−q)^{α−i} exp((i² − i)/(2σ²))</c>. Fractional α: the
    /// two-sided series split at <c>z0 = σ² log(1/q − 1) + 1/2</c>, summed until both terms fall below
    /// e^−30. q = 0 gives 0, q = 1 gives α/(2σ²), σ = 0 gives +∞.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">q outside [0, 1], σ negative, or α ≤ 1.</exception>
    /// <exception cref="InvalidOperationException">The fractional-order series did not converge (a million terms).</exception>
    public static double Compute(double sampleRate, double noiseMultiplier, double order)
    {
        if (!(sampleRate >= 0 && sampleRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "the sample rate must be in [0, 1].");
        }

        if (!(noiseMultiplier >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(noiseMultiplier), noiseMultiplier, "the noise multiplier must be non-negative.");
        }

        if (!(order > 1))
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "RDP orders must be above 1.");
        }

        if (sampleRate == 0)
        {
            return 0;
        }

        // σ² underflowing to 0 is σ = 0 for the formula: no privacy.
        if (noiseMultiplier * noiseMultiplier == 0 || double.IsPositiveInfinity(order))
        {
            return double.PositiveInfinity;
        }

        if (sampleRate == 1)
        {
            return order / (2 * noiseMultiplier * noiseMultiplier);
        }

        var logA = order == Math.Floor(order) && order < int.MaxValue
            ? LogAForIntegerOrder(sampleRate, noiseMultiplier, (int)order)
            : LogAForFractionalOrder(sampleRate, noiseMultiplier, order);
        return logA / (order - 1);
    }

    /// <summary><see cref="Compute(double, double, double)"/> at every order, times <paramref name="steps"/> (RDP composes by addition).</summary>
    public static double[] Compute(double sampleRate, double noiseMultiplier, long steps, IReadOnlyList<double> orders)
    {
        var rdp = new double[orders.Count];
        for (var i = 0; i < rdp.Length; i++)
        {
            rdp[i] = Compute(sampleRate, noiseMultiplier, orders[i]) * steps;
        }

        return rdp;
    }

    private static double LogAForIntegerOrder(double q, double sigma, int alpha)
    {
        var logA = double.NegativeInfinity;
        var binomial = 1.0; // C(α, i), built by the multiplicative formula (exact integers up to 2^53).
        for (var i = 0; i <= alpha; i++)
        {
            if (i > 0)
            {
                binomial = binomial * (alpha - i + 1) / i;
            }

            var logCoefficient = Math.Log(binomial) + (i * Math.Log(q)) + ((alpha - i) * Math.Log(1 - q));
            logA = LogMath.Add(logA, logCoefficient + (((double)i * i) - i) / (2 * sigma * sigma));
        }

        return logA;
    }

    private static double LogAForFractionalOrder(double q, double sigma, double alpha)
    {
        double logA0 = double.NegativeInfinity, logA1 = double.NegativeInfinity;
        var z0 = (sigma * sigma * Math.Log((1 / q) - 1)) + 0.5;
        var sqrt2Sigma = Math.Sqrt(2) * sigma;

        // C(α, i) for real α: log of its magnitude and its sign, updated term by term.
        double logAbsCoefficient = 0, sign = 1;
        for (var i = 0; ; i++)
        {
            if (i > 0)
            {
                var factor = (alpha - i + 1) / i;
                logAbsCoefficient += Math.Log(Math.Abs(factor));
                sign *= Math.Sign(factor);
            }

            var j = alpha - i;
            var logT0 = logAbsCoefficient + (i * Math.Log(q)) + (j * Math.Log(1 - q));
            var logT1 = logAbsCoefficient + (j * Math.Log(q)) + (i * Math.Log(1 - q));
            var logE0 = Math.Log(0.5) + LogMath.Erfc((i - z0) / sqrt2Sigma);
            var logE1 = Math.Log(0.5) + LogMath.Erfc((z0 - j) / sqrt2Sigma);
            var logS0 = logT0 + ((((double)i * i) - i) / (2 * sigma * sigma)) + logE0;
            var logS1 = logT1 + (((j * j) - j) / (2 * sigma * sigma)) + logE1;
            if (double.IsNaN(logS0) || double.IsNaN(logS1) || double.IsPositiveInfinity(logS0) || double.IsPositiveInfinity(logS1))
            {
                // σ so small that (i² − i)/(2σ²) overflows: no finite RDP at this order (σ → 0 is no privacy).
                return double.PositiveInfinity;
            }

            if (i >= MaxSeriesTerms)
            {
                throw new InvalidOperationException($"the RDP series at order {alpha} for q {q}, σ {sigma} did not converge in {MaxSeriesTerms:N0} terms.");
            }
            if (sign > 0)
            {
                logA0 = LogMath.Add(logA0, logS0);
                logA1 = LogMath.Add(logA1, logS1);
            }
            else
            {
                logA0 = LogMath.Subtract(logA0, logS0);
                logA1 = LogMath.Subtract(logA1, logS1);
            }

            if (Math.Max(logS0, logS1) < -30)
            {
                break;
            }
        }

        return LogMath.Add(logA0, logA1);
    }
}
