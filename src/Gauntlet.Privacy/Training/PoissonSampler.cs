using Gauntlet.Tensors;

namespace Gauntlet.Privacy.Training;

/// <summary>
/// Poisson sampling, the sampling the subsampled-Gaussian accountants assume: every sample joins
/// each batch independently with probability q, so batch sizes vary (mean qN, possibly 0).
/// Fixed-size shuffled batches would not give the amplification the accountant counts.
/// </summary>
public static class PoissonSampler
{
    /// <summary>The indices of <paramref name="count"/> samples drawn, each with probability <paramref name="sampleRate"/>, in increasing order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative or the rate outside (0, 1].</exception>
    public static int[] Sample(int count, double sampleRate, Rng rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!(sampleRate > 0 && sampleRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "the sample rate must be in (0, 1].");
        }

        var chosen = new List<int>((int)Math.Ceiling(count * sampleRate * 1.2) + 8);
        for (var i = 0; i < count; i++)
        {
            if (rng.NextDouble() < sampleRate)
            {
                chosen.Add(i);
            }
        }

        return [.. chosen];
    }

    /// <summary>Steps in one epoch, as Opacus counts them: <c>⌊1/q⌋</c>, at least 1.</summary>
    public static int StepsPerEpoch(double sampleRate) => Math.Max(1, (int)(1 / sampleRate));
}
