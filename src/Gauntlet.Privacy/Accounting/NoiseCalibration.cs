namespace Gauntlet.Privacy.Accounting;

/// <summary>Finds the noise multiplier that meets a target ε (Opacus's <c>get_noise_multiplier</c>).</summary>
public static class NoiseCalibration
{
    /// <summary>
    /// The smallest σ found by bisection whose ε after <paramref name="steps"/> steps at
    /// <paramref name="delta"/> is at most <paramref name="targetEpsilon"/> and within
    /// <paramref name="tolerance"/> of it.
    /// </summary>
    /// <remarks>
    /// σ_high starts at 10 and doubles until ε(σ_high) ≤ target (up to 2^20·10); then the interval
    /// [σ_low, σ_high] is halved, keeping ε(σ_high) ≤ target, until <c>target − ε(σ_high) ≤ tolerance</c>
    /// or the interval is narrower than 1e-9. The answer is σ_high, so the guarantee always holds.
    /// </remarks>
    /// <exception cref="ArgumentException">The target ε or tolerance is not positive, or the mechanism's parameters are invalid (<see cref="IPrivacyAccountant.Spent"/>).</exception>
    /// <exception cref="InvalidOperationException">No σ up to 10·2^20 reaches the target.</exception>
    public static double NoiseMultiplier(IPrivacyAccountant accountant, double targetEpsilon, double sampleRate, long steps, double delta, double tolerance = 0.01)
    {
        if (!(targetEpsilon > 0) || !(tolerance > 0))
        {
            throw new ArgumentException($"target ε {targetEpsilon} and tolerance {tolerance}; expected positive values.", nameof(targetEpsilon));
        }

        double low = 0, high = 10;
        var epsilonHigh = accountant.Spent(sampleRate, high, steps, delta).Epsilon;
        for (var doublings = 0; epsilonHigh > targetEpsilon; doublings++)
        {
            if (doublings == 20)
            {
                throw new InvalidOperationException($"no noise multiplier up to {high} reaches ε {targetEpsilon} (q {sampleRate}, {steps} steps, δ {delta}).");
            }

            high *= 2;
            epsilonHigh = accountant.Spent(sampleRate, high, steps, delta).Epsilon;
        }

        while (targetEpsilon - epsilonHigh > tolerance && high - low > 1e-9)
        {
            var mid = (low + high) / 2;
            var epsilon = accountant.Spent(sampleRate, mid, steps, delta).Epsilon;
            if (epsilon < targetEpsilon)
            {
                (high, epsilonHigh) = (mid, epsilon);
            }
            else
            {
                low = mid;
            }
        }

        return high;
    }
}
