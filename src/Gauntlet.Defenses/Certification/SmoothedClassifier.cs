using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Defenses.Certification;

/// <summary>
/// Randomized smoothing (Cohen, Rosenfeld and Kolter, ICML 2019): the smoothed classifier
/// <c>g(x) = argmax_c P(f(x + ε) = c)</c>, ε ~ N(0, σ²I), of a base classifier f, with its two
/// Monte-Carlo procedures PREDICT and CERTIFY.
/// </summary>
/// <remarks>
/// Noise is added in the classifier's input space and not clipped to its input range, as in the
/// paper. Each forward pass carries up to a batch of noisy copies of one input; f's class for a
/// copy is the argmax of its logits (the lowest index among equal logits). Every draw comes from
/// the <see cref="Rng"/> passed in, in a fixed order, so results depend on the seed and not on the
/// batch size.
/// </remarks>
public sealed class SmoothedClassifier
{
    /// <summary>The class PREDICT and CERTIFY return when they abstain (Cohen et al.'s <c>ABSTAIN</c>).</summary>
    public const int Abstain = -1;

    /// <summary>Smooths <paramref name="baseClassifier"/> with Gaussian noise of standard deviation <paramref name="sigma"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">σ is not positive and finite.</exception>
    public SmoothedClassifier(IClassifier baseClassifier, double sigma)
    {
        if (!(sigma > 0) || !double.IsFinite(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be positive and finite.");
        }

        Base = baseClassifier;
        Sigma = sigma;
    }

    /// <summary>The base classifier f.</summary>
    public IClassifier Base { get; }

    /// <summary>σ.</summary>
    public double Sigma { get; }

    /// <summary>
    /// Cohen et al.'s CERTIFY: ĉA = top class of <paramref name="n0"/> noisy copies; nA = copies of
    /// <paramref name="n"/> fresh ones classified ĉA; then <see cref="Certificate.FromCounts"/>.
    /// </summary>
    /// <param name="x">One input's values, row-major, as many as <see cref="IClassifier.SampleShape"/> holds.</param>
    /// <param name="n0">Selection draws.</param>
    /// <param name="n">Estimation draws.</param>
    /// <param name="alpha">α.</param>
    /// <param name="batchSize">Noisy copies per forward pass.</param>
    /// <param name="rng">Source of the noise.</param>
    public Certificate Certify(ReadOnlySpan<float> x, int n0, int n, double alpha, int batchSize, Rng rng)
    {
        var selection = SampleCounts(x, n0, batchSize, rng);
        var guess = ArgMax(selection);
        var estimation = SampleCounts(x, n, batchSize, rng);
        return Certificate.FromCounts(guess, estimation[guess], n, alpha, Sigma);
    }

    /// <summary>Cohen et al.'s PREDICT: class counts of <paramref name="n"/> noisy copies, then <see cref="SmoothedPrediction.FromCounts"/>.</summary>
    /// <inheritdoc cref="Certify" path="/param"/>
    public SmoothedPrediction Predict(ReadOnlySpan<float> x, int n, double alpha, int batchSize, Rng rng) =>
        SmoothedPrediction.FromCounts(SampleCounts(x, n, batchSize, rng), alpha);

    /// <summary>How many of <paramref name="count"/> noisy copies <c>x + ε</c> the base classifier puts in each class.</summary>
    /// <exception cref="ArgumentException"><paramref name="x"/> does not hold one sample, or a count is not positive.</exception>
    public long[] SampleCounts(ReadOnlySpan<float> x, int count, int batchSize, Rng rng)
    {
        var size = Base.SampleShape.Size;
        if (x.Length != size)
        {
            throw new ArgumentException($"the input holds {x.Length} values; the base classifier's samples hold {size} ({Base.SampleShape}).", nameof(x));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var counts = new long[Base.ClassCount];
        var dims = new int[Base.SampleShape.Rank + 1];
        Base.SampleShape.ToArray().CopyTo(dims, 1);
        for (var done = 0; done < count;)
        {
            var m = Math.Min(batchSize, count - done);
            var data = new float[m * size];
            for (var i = 0; i < m; i++)
            {
                var copy = data.AsSpan(i * size, size);
                for (var j = 0; j < size; j++)
                {
                    copy[j] = x[j] + (float)(Sigma * rng.NextGaussian());
                }
            }

            dims[0] = m;
            var logits = Base.Predict(Tensor.FromArray(data, dims)).ReadOnlySpan;
            var k = Base.ClassCount;
            for (var i = 0; i < m; i++)
            {
                counts[ArgMax(logits.Slice(i * k, k))]++;
            }

            done += m;
        }

        return counts;
    }

    /// <summary>The index of the largest value, the lowest among equals (NumPy's <c>argmax</c>); NaN never wins.</summary>
    internal static int ArgMax(ReadOnlySpan<long> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best] || float.IsNaN(values[best]))
            {
                best = i;
            }
        }

        return best;
    }
}
