namespace Gauntlet.Explain;

/// <summary>KernelSHAP values of one row.</summary>
/// <param name="Values">φⱼ per feature.</param>
/// <param name="BaseValue">E_b[f(b)] over the background set (φ₀).</param>
/// <param name="Prediction">f(x).</param>
/// <param name="Coalitions">Coalitions evaluated (excluding the empty and full ones).</param>
/// <param name="Exact">Whether every coalition was enumerated (then the values are the exact Shapley values of the interventional value function).</param>
public sealed record ShapResult(double[] Values, double BaseValue, double Prediction, int Coalitions, bool Exact);

/// <summary>
/// KernelSHAP (Lundberg &amp; Lee 2017): the Shapley values of v(S) = E_b[f(x_S, b_S̄)] (features
/// outside S taken from each background row b) as the solution of a weighted least-squares
/// problem over coalitions z ∈ {0,1}^M with the Shapley kernel
/// π(z) = (M − 1) / (C(M, |z|) · |z| · (M − |z|)), under the efficiency constraint
/// Σφⱼ = f(x) − E_b[f(b)], which is eliminated exactly (φ_M = Δ − Σ_{j&lt;M} φⱼ) rather than
/// approximated by a large weight. With a budget of at least 2^M − 2 coalitions every coalition is
/// enumerated and the result equals the exact Shapley values; otherwise coalitions are drawn
/// (size from the kernel's mass per size, then a uniform subset of that size) with a seed, and
/// each drawn coalition gets weight 1 (the kernel is already the sampling distribution).
/// </summary>
public static class KernelShap
{
    /// <summary>Explains <paramref name="x"/>.</summary>
    /// <param name="f">The model as a function of rows (for example <see cref="TabularModel.Probability"/>).</param>
    /// <param name="x">The row to explain.</param>
    /// <param name="background">Background rows (a sample of the training data; 20–100 rows is usual).</param>
    /// <param name="budget">Largest number of coalitions to evaluate (default 2048).</param>
    /// <param name="seed">Seed for the coalition draw when the budget is below 2^M − 2.</param>
    /// <returns>The values.</returns>
    /// <exception cref="ArgumentException">No background, a row length differs, or fewer than two features.</exception>
    public static ShapResult Explain(Func<float[][], double[]> f, float[] x, IReadOnlyList<float[]> background, int budget = 2048, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(background);
        var m = x.Length;
        if (m < 2)
        {
            throw new ArgumentException($"KernelSHAP needs at least 2 features; the row has {m}.", nameof(x));
        }

        if (background.Count == 0 || background.Any(b => b.Length != m))
        {
            throw new ArgumentException($"KernelSHAP needs at least one background row of {m} values.", nameof(background));
        }

        var baseValue = f([.. background]).Average();
        var fx = f([x])[0];
        var delta = fx - baseValue;
        List<(bool[] Z, double W)> coalitions;
        var exact = m < 31 && (1L << m) - 2 <= budget;
        if (exact)
        {
            coalitions = [];
            for (var mask = 1L; mask < (1L << m) - 1; mask++)
            {
                var z = new bool[m];
                var size = 0;
                for (var j = 0; j < m; j++)
                {
                    z[j] = (mask & (1L << j)) != 0;
                    size += z[j] ? 1 : 0;
                }

                coalitions.Add((z, Kernel(m, size)));
            }
        }
        else
        {
            coalitions = Sample(m, budget, seed);
        }

        // v(z) for every coalition: one batch of |coalitions| × |background| rows.
        var rows = new float[coalitions.Count * background.Count][];
        for (var c = 0; c < coalitions.Count; c++)
        {
            for (var b = 0; b < background.Count; b++)
            {
                var row = (float[])background[b].Clone();
                for (var j = 0; j < m; j++)
                {
                    if (coalitions[c].Z[j])
                    {
                        row[j] = x[j];
                    }
                }

                rows[(c * background.Count) + b] = row;
            }
        }

        var values = f(rows);
        // Eliminate φ_M: y − z_M·Δ = Σ_{j<M} φⱼ (zⱼ − z_M), with y = v(z) − base.
        var p = m - 1;
        var ata = new double[p, p];
        var atb = new double[p];
        for (var c = 0; c < coalitions.Count; c++)
        {
            var (z, w) = coalitions[c];
            double v = 0;
            for (var b = 0; b < background.Count; b++)
            {
                v += values[(c * background.Count) + b];
            }

            v /= background.Count;
            var zm = z[m - 1] ? 1.0 : 0.0;
            var y = v - baseValue - (zm * delta);
            for (var i = 0; i < p; i++)
            {
                var xi = (z[i] ? 1.0 : 0.0) - zm;
                if (xi == 0)
                {
                    continue;
                }

                atb[i] += w * xi * y;
                for (var j = 0; j < p; j++)
                {
                    ata[i, j] += w * xi * ((z[j] ? 1.0 : 0.0) - zm);
                }
            }
        }

        var phi = Solve(ata, atb);
        var result = new double[m];
        Array.Copy(phi, result, p);
        result[m - 1] = delta - phi.Sum();
        return new ShapResult(result, baseValue, fx, coalitions.Count, exact);
    }

    /// <summary>Exact Shapley values of v(S) = E_b[f(x_S, b_S̄)] by enumerating all 2^M coalitions (for tests and small M).</summary>
    /// <param name="f">The model as a function of rows.</param>
    /// <param name="x">The row.</param>
    /// <param name="background">Background rows.</param>
    /// <returns>φⱼ per feature.</returns>
    public static double[] ExactShapley(Func<float[][], double[]> f, float[] x, IReadOnlyList<float[]> background)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(background);
        var m = x.Length;
        var v = new double[1 << m];
        for (var mask = 0; mask < 1 << m; mask++)
        {
            var rows = background.Select(b =>
            {
                var r = (float[])b.Clone();
                for (var j = 0; j < m; j++)
                {
                    if ((mask & (1 << j)) != 0)
                    {
                        r[j] = x[j];
                    }
                }

                return r;
            }).ToArray();
            v[mask] = f(rows).Average();
        }

        var phi = new double[m];
        for (var j = 0; j < m; j++)
        {
            for (var mask = 0; mask < 1 << m; mask++)
            {
                if ((mask & (1 << j)) != 0)
                {
                    continue;
                }

                var s = System.Numerics.BitOperations.PopCount((uint)mask);
                phi[j] += Factorial(s) * Factorial(m - s - 1) / Factorial(m) * (v[mask | (1 << j)] - v[mask]);
            }
        }

        return phi;
    }

    /// <summary>The Shapley kernel weight of a coalition of <paramref name="size"/> among <paramref name="m"/> features.</summary>
    internal static double Kernel(int m, int size) => (m - 1) / (Binomial(m, size) * size * (m - size));

    private static List<(bool[] Z, double W)> Sample(int m, int budget, int seed)
    {
        var rng = new Random(seed);
        var sizeMass = Enumerable.Range(1, m - 1).Select(s => Kernel(m, s) * Binomial(m, s)).ToArray();
        var total = sizeMass.Sum();
        var list = new List<(bool[], double)>(budget);
        var order = Enumerable.Range(0, m).ToArray();
        for (var k = 0; k < budget; k++)
        {
            var u = rng.NextDouble() * total;
            var size = 1;
            while (size < m - 1 && u > sizeMass[size - 1])
            {
                u -= sizeMass[size - 1];
                size++;
            }

            rng.Shuffle(order);
            var z = new bool[m];
            for (var j = 0; j < size; j++)
            {
                z[order[j]] = true;
            }

            list.Add((z, 1.0));
        }

        return list;
    }

    private static double Binomial(int n, int k)
    {
        double r = 1;
        for (var i = 1; i <= k; i++)
        {
            r = r * (n - k + i) / i;
        }

        return r;
    }

    private static double Factorial(int n)
    {
        double r = 1;
        for (var i = 2; i <= n; i++)
        {
            r *= i;
        }

        return r;
    }

    /// <summary>Solves A·x = b by Gaussian elimination with partial pivoting; a singular direction (a feature no coalition separated) gets 0.</summary>
    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var r = (double[])b.Clone();
        var x = new double[n];
        var pivotRow = new int[n];
        var row = 0;
        var cols = new List<int>();
        for (var col = 0; col < n && row < n; col++)
        {
            var best = row;
            for (var i = row + 1; i < n; i++)
            {
                if (Math.Abs(m[i, col]) > Math.Abs(m[best, col]))
                {
                    best = i;
                }
            }

            if (Math.Abs(m[best, col]) < 1e-12)
            {
                continue;
            }

            for (var j = 0; j < n; j++)
            {
                (m[row, j], m[best, j]) = (m[best, j], m[row, j]);
            }

            (r[row], r[best]) = (r[best], r[row]);
            for (var i = 0; i < n; i++)
            {
                if (i == row)
                {
                    continue;
                }

                var factor = m[i, col] / m[row, col];
                if (factor == 0)
                {
                    continue;
                }

                for (var j = col; j < n; j++)
                {
                    m[i, j] -= factor * m[row, j];
                }

                r[i] -= factor * r[row];
            }

            pivotRow[col] = row;
            cols.Add(col);
            row++;
        }

        foreach (var col in cols)
        {
            x[col] = r[pivotRow[col]] / m[pivotRow[col], col];
        }

        return x;
    }
}
