using MathNet.Numerics.Distributions;

namespace Gauntlet.Monitoring.Drift;

/// <summary>A test's result: the statistic, and its p-value where the test has one.</summary>
/// <param name="Statistic">The statistic (PSI, KS D, MMD², χ²).</param>
/// <param name="PValue">The p-value, or null for PSI (a rule-of-thumb index, not a test).</param>
public readonly record struct TestResult(double Statistic, double? PValue);

/// <summary>
/// Two-sample drift statistics between a reference sample and a current one: the population
/// stability index, the Kolmogorov–Smirnov test, the maximum mean discrepancy with an RBF kernel
/// (permutation p-value) and Pearson's χ² test of class proportions.
/// </summary>
public static class DriftStatistics
{
    /// <summary>
    /// Population stability index <c>Σ (c − r) ln(c / r)</c> over <paramref name="bins"/> bins cut
    /// at the reference's quantiles (proportions floored at 1e-4 so empty bins stay finite).
    /// Rule of thumb: below 0.1 stable, 0.1–0.25 moderate, above 0.25 a shift.
    /// </summary>
    public static double Psi(IReadOnlyList<double> reference, IReadOnlyList<double> current, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        if (reference.Count == 0 || current.Count == 0)
        {
            throw new ArgumentException("both samples need at least one value.");
        }

        var sorted = reference.Order().ToArray();
        var edges = new double[bins - 1];
        for (var i = 1; i < bins; i++)
        {
            edges[i - 1] = sorted[Math.Min(sorted.Length - 1, i * sorted.Length / bins)];
        }

        var r = Histogram(reference, edges);
        var c = Histogram(current, edges);
        double psi = 0;
        for (var i = 0; i < bins; i++)
        {
            var p = Math.Max(1e-4, r[i] / reference.Count);
            var q = Math.Max(1e-4, c[i] / current.Count);
            psi += (q - p) * Math.Log(q / p);
        }

        return psi;
    }

    private static double[] Histogram(IReadOnlyList<double> values, double[] edges)
    {
        var counts = new double[edges.Length + 1];
        foreach (var v in values)
        {
            var index = Array.BinarySearch(edges, v);
            index = index >= 0 ? index + 1 : ~index;

            // Values equal to an edge go right of it, so a constant sample fills one bin.
            while (index < edges.Length && edges[index] == v)
            {
                index++;
            }

            counts[index]++;
        }

        return counts;
    }

    /// <summary>
    /// Two-sample Kolmogorov–Smirnov test: D = sup |F_ref − F_cur| and the asymptotic p-value
    /// (Stephens' correction, as in Numerical Recipes' <c>kstwo</c>).
    /// </summary>
    public static TestResult KolmogorovSmirnov(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        var a = reference.Order().ToArray();
        var b = current.Order().ToArray();
        if (a.Length == 0 || b.Length == 0)
        {
            throw new ArgumentException("both samples need at least one value.");
        }

        int i = 0, j = 0;
        double d = 0;
        while (i < a.Length && j < b.Length)
        {
            var x = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= x)
            {
                i++;
            }

            while (j < b.Length && b[j] <= x)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(((double)i / a.Length) - ((double)j / b.Length)));
        }

        var ne = (double)a.Length * b.Length / (a.Length + b.Length);
        var sqrt = Math.Sqrt(ne);
        return new TestResult(d, KolmogorovQ((sqrt + 0.12 + (0.11 / sqrt)) * d));
    }

    // Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2 j² λ²}.
    private static double KolmogorovQ(double lambda)
    {
        if (lambda < 1e-3)
        {
            return 1;
        }

        double sum = 0, sign = 1;
        for (var j = 1; j <= 100; j++)
        {
            var term = sign * 2 * Math.Exp(-2 * j * j * lambda * lambda);
            sum += term;
            if (Math.Abs(term) < 1e-10)
            {
                return Math.Clamp(sum, 0, 1);
            }

            sign = -sign;
        }

        return 1;
    }

    /// <summary>
    /// Pearson's χ² test that the current class counts follow the reference's class proportions
    /// (classes the reference never saw get a floor of half a count, so the test stays defined).
    /// </summary>
    public static TestResult ChiSquare(IReadOnlyList<long> referenceCounts, IReadOnlyList<long> currentCounts)
    {
        ArgumentNullException.ThrowIfNull(referenceCounts);
        ArgumentNullException.ThrowIfNull(currentCounts);
        if (referenceCounts.Count != currentCounts.Count || referenceCounts.Count < 2)
        {
            throw new ArgumentException("the two count vectors need the same length, at least 2.");
        }

        var refTotal = referenceCounts.Sum(c => Math.Max(0.5, c));
        var curTotal = (double)currentCounts.Sum();
        if (curTotal == 0)
        {
            return new TestResult(0, 1);
        }

        double chi = 0;
        for (var k = 0; k < referenceCounts.Count; k++)
        {
            var expected = curTotal * Math.Max(0.5, referenceCounts[k]) / refTotal;
            var diff = currentCounts[k] - expected;
            chi += diff * diff / expected;
        }

        var df = referenceCounts.Count - 1;
        return new TestResult(chi, 1 - ChiSquared.CDF(df, chi));
    }

    /// <summary>The RBF bandwidth by the median heuristic: γ = 1 / median(‖x − y‖²) over pairs of <paramref name="sample"/>.</summary>
    public static double MedianHeuristicGamma(IReadOnlyList<float[]> sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var distances = new List<double>();
        for (var i = 0; i < sample.Count; i++)
        {
            for (var j = i + 1; j < sample.Count; j++)
            {
                var d = SampleEncoding.Distance(sample[i], sample[j]);
                distances.Add(d * d);
            }
        }

        if (distances.Count == 0)
        {
            return 1;
        }

        distances.Sort();
        var median = distances[distances.Count / 2];
        return median > 0 ? 1 / median : 1;
    }

    /// <summary>
    /// The unbiased MMD² between two samples of vectors with the kernel <c>exp(−γ‖x − y‖²)</c>, and
    /// a p-value from <paramref name="permutations"/> reshuffles of the pooled sample (seeded by
    /// <paramref name="seed"/>, so the result is reproducible): the upper tail of a normal fitted to
    /// the permutation statistics when no permutation reaches the observed value, else the empirical share.
    /// </summary>
    public static TestResult Mmd(IReadOnlyList<float[]> reference, IReadOnlyList<float[]> current, double gamma, int permutations = 100, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        int n = reference.Count, m = current.Count;
        if (n < 2 || m < 2)
        {
            throw new ArgumentException("MMD needs at least two vectors in each sample.");
        }

        var pooled = reference.Concat(current).ToArray();
        var total = n + m;
        var kernel = new double[total * total];
        for (var i = 0; i < total; i++)
        {
            kernel[(i * total) + i] = 1;
            for (var j = i + 1; j < total; j++)
            {
                var d = SampleEncoding.Distance(pooled[i], pooled[j]);
                kernel[(i * total) + j] = kernel[(j * total) + i] = Math.Exp(-gamma * d * d);
            }
        }

        var order = Enumerable.Range(0, total).ToArray();
        var observed = MmdFromKernel(kernel, total, order, n);
        var rng = new Random(seed);
        var nulls = new double[permutations];
        for (var p = 0; p < permutations; p++)
        {
            rng.Shuffle(order);
            nulls[p] = MmdFromKernel(kernel, total, order, n);
        }

        // The permutation null, summarised by a normal fit, gives p-values below 1/(permutations + 1),
        // which small α (tests repeated every few seconds) needs; the empirical share bounds it above.
        var mean = nulls.Average();
        var sd = Math.Sqrt(nulls.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, permutations - 1));
        var atLeast = nulls.Count(v => v >= observed);
        var empirical = (atLeast + 1.0) / (permutations + 1.0);
        if (atLeast > 0)
        {
            return new TestResult(observed, empirical);
        }

        var normal = sd > 0 ? 1 - Normal.CDF(mean, sd, observed) : 0;
        return new TestResult(observed, Math.Min(empirical, normal));
    }

    private static double MmdFromKernel(double[] kernel, int total, int[] order, int n)
    {
        var m = total - n;
        double xx = 0, yy = 0, xy = 0;
        for (var a = 0; a < total; a++)
        {
            var row = order[a] * total;
            for (var b = 0; b < total; b++)
            {
                if (a == b)
                {
                    continue;
                }

                var k = kernel[row + order[b]];
                if (a < n && b < n)
                {
                    xx += k;
                }
                else if (a >= n && b >= n)
                {
                    yy += k;
                }
                else if (a < n)
                {
                    xy += k;
                }
            }
        }

        return (xx / ((double)n * (n - 1))) + (yy / ((double)m * (m - 1))) - (2 * xy / ((double)n * m));
    }
}
