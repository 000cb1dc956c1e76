namespace Gauntlet.Tensors.Tests.Ops;

/// <summary>Input generators shared by the activation, normalisation and loss tests.</summary>
internal static class NnTestHelpers
{
    /// <summary>Moves every element within <paramref name="margin"/> of a kink to kink ± margin (keeping its side).</summary>
    public static Tensor AwayFrom(Tensor t, float margin, params float[] kinks)
    {
        var s = t.Span;
        for (var i = 0; i < s.Length; i++)
        {
            foreach (var k in kinks)
            {
                if (Math.Abs(s[i] - k) < margin)
                {
                    s[i] = s[i] >= k ? k + margin : k - margin;
                }
            }
        }

        return t;
    }

    /// <summary>
    /// Logits [n, k] whose entries in each row are a random permutation of 0, 0.5, ..., (k−1)/2
    /// plus noise below 0.05: every pair differs by at least 0.4, so margins and sort orders
    /// are stable under finite-difference steps.
    /// </summary>
    public static Tensor DistinctLogits(Rng rng, int n, int k, float shift = 0f)
    {
        var data = new float[n * k];
        for (var i = 0; i < n; i++)
        {
            var p = rng.Permutation(k);
            for (var j = 0; j < k; j++)
            {
                data[(i * k) + j] = (0.5f * p[j]) + (0.1f * ((float)rng.NextDouble() - 0.5f)) + shift;
            }
        }

        var t = Tensor.FromArray(data, n, k);
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>Random labels in [0, k).</summary>
    public static int[] Labels(Rng rng, int n, int k)
    {
        var labels = new int[n];
        for (var i = 0; i < n; i++)
        {
            labels[i] = rng.NextInt(k);
        }

        return labels;
    }

    /// <summary>erf in double by composite Simpson integration of 2/√π e^(−t²): an oracle independent of the engine.</summary>
    public static double ReferenceErf(double x)
    {
        const int intervals = 2000;
        var h = x / intervals;
        double sum = 1 + Math.Exp(-x * x);
        for (var i = 1; i < intervals; i++)
        {
            var t = i * h;
            sum += (i % 2 == 1 ? 4 : 2) * Math.Exp(-t * t);
        }

        return sum * h / 3 * 2 / Math.Sqrt(Math.PI);
    }
}
