using Gauntlet.Tensors;

namespace Gauntlet.Federated.Privacy;

/// <summary>
/// Client-level differential privacy in the DP-FedAvg style (McMahan et al. 2018): each client
/// clips its update to L2 norm C, the server sums the clipped updates, adds Gaussian noise
/// N(0, σ²C²) to every coordinate of the sum and divides by the number of updates. The ε this
/// spends depends on the client sampling rate and the rounds and is computed by Gauntlet.Privacy's
/// accountants; this type records σ and C.
/// </summary>
/// <param name="Clip">C, the L2 bound on each client's update.</param>
/// <param name="NoiseMultiplier">σ: the noise's standard deviation is σ·C on the sum.</param>
public sealed record ClientLevelDp(float Clip, float NoiseMultiplier)
{
    /// <summary>Scales <paramref name="delta"/> in place to L2 norm at most C: Δ · min(1, C/‖Δ‖₂). Returns the norm before clipping.</summary>
    public double ClipInPlace(float[] delta)
    {
        double sq = 0;
        foreach (var d in delta)
        {
            sq += (double)d * d;
        }

        var norm = Math.Sqrt(sq);
        if (norm > Clip)
        {
            var factor = (float)(Clip / norm);
            for (var i = 0; i < delta.Length; i++)
            {
                delta[i] *= factor;
            }
        }

        return norm;
    }

    /// <summary>Adds N(0, (σC)²) to each coordinate of <paramref name="sum"/>, in place, from <paramref name="rng"/>.</summary>
    public void AddNoise(float[] sum, Rng rng)
    {
        var std = (double)NoiseMultiplier * Clip;
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] += (float)(std * rng.NextGaussian());
        }
    }
}
