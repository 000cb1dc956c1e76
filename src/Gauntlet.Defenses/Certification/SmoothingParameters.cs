using MathNet.Numerics.Distributions;
using System.Globalization;

namespace Gauntlet.Defenses.Certification;

/// <summary>The settings of randomized smoothing's CERTIFY (Cohen et al. 2019, Algorithm 2).</summary>
/// <param name="Sigma">σ, the standard deviation of the Gaussian noise added to the input (in input units).</param>
/// <param name="N0">Noise draws used to guess the top class ĉA.</param>
/// <param name="N">Noise draws used to bound pA, the probability of ĉA under noise.</param>
/// <param name="Alpha">α: a certificate is wrong with probability at most α.</param>
/// <param name="BatchSize">Noisy copies of one input sent to the base classifier per forward pass.</param>
public sealed record SmoothingParameters(double Sigma, int N0, int N, double Alpha, int BatchSize)
{
    /// <summary>Checks every setting; the message names the first one out of range, as the command line spells it.</summary>
    /// <exception cref="ArgumentException">σ ≤ 0 or not finite, n0 &lt; 1, n &lt; n0, α outside (0, 1), or batch &lt; 1.</exception>
    public void Validate()
    {
        if (!(Sigma > 0) || !double.IsFinite(Sigma))
        {
            throw new ArgumentException($"--sigma must be positive and finite (got {F(Sigma)}): σ is the noise's standard deviation.", nameof(Sigma));
        }

        if (N0 < 1)
        {
            throw new ArgumentException($"--n0 must be at least 1 (got {N0}): the top class is guessed from n0 noise draws.", nameof(N0));
        }

        if (N < N0)
        {
            throw new ArgumentException($"--n ({N}) must be at least --n0 ({N0}): n draws bound the probability of the class n0 draws selected.", nameof(N));
        }

        if (!(Alpha > 0 && Alpha < 1))
        {
            throw new ArgumentException($"--alpha must lie in (0, 1) (got {F(Alpha)}): it is the probability that a certificate is wrong.", nameof(Alpha));
        }

        if (BatchSize < 1)
        {
            throw new ArgumentException($"--batch must be at least 1 (got {BatchSize}).", nameof(BatchSize));
        }
    }

    /// <summary>
    /// The largest radius any sample can be certified at with these settings: all n draws in the
    /// guessed class, <c>σ Φ⁻¹(α^(1/n))</c>; certified accuracy is 0 beyond it.
    /// </summary>
    public double MaxRadius => Sigma * Normal.InvCDF(0, 1, ClopperPearson.LowerBound(N, N, Alpha));

    private static string F(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
