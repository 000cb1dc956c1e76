using MathNet.Numerics.Distributions;

namespace Gauntlet.Defenses.Certification;

/// <summary>What CERTIFY concluded for one input: the smoothed prediction and the L2 radius it holds in, or an abstention.</summary>
/// <param name="Prediction">The certified class, or <see cref="SmoothedClassifier.Abstain"/> (−1).</param>
/// <param name="Radius">The certified L2 radius, σ Φ⁻¹(p̲A); 0 when abstaining.</param>
/// <param name="Guess">ĉA, the top class of the n0 selection draws (reported even when abstaining).</param>
/// <param name="CountA">nA, the estimation draws that fell in ĉA.</param>
/// <param name="Draws">n, the estimation draws.</param>
/// <param name="PALower">p̲A, the one-sided Clopper–Pearson lower bound on P(f(x + ε) = ĉA) at level 1 − α.</param>
public sealed record Certificate(int Prediction, double Radius, int Guess, long CountA, long Draws, double PALower)
{
    /// <summary>Whether CERTIFY abstained (p̲A &lt; ½).</summary>
    public bool Abstained => Prediction == SmoothedClassifier.Abstain;

    /// <summary>
    /// The decision of Cohen et al.'s CERTIFY from its counts: p̲A = Clopper–Pearson lower bound of
    /// nA of n at α; abstain (class −1, radius 0) if p̲A &lt; ½, else certify ĉA at radius σ Φ⁻¹(p̲A).
    /// </summary>
    /// <param name="guess">ĉA, the class the selection draws picked.</param>
    /// <param name="countA">nA, estimation draws classified as ĉA.</param>
    /// <param name="draws">n, the estimation draws.</param>
    /// <param name="alpha">α.</param>
    /// <param name="sigma">σ.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count, α or σ is out of range.</exception>
    public static Certificate FromCounts(int guess, long countA, long draws, double alpha, double sigma)
    {
        if (!(sigma > 0) || !double.IsFinite(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be positive and finite.");
        }

        var lower = ClopperPearson.LowerBound(countA, draws, alpha);
        return lower < 0.5
            ? new Certificate(SmoothedClassifier.Abstain, 0, guess, countA, draws, lower)
            : new Certificate(guess, sigma * Normal.InvCDF(0, 1, lower), guess, countA, draws, lower);
    }
}
