using Gauntlet.Tensors;

namespace Gauntlet.Federated.Splits;

/// <summary>How training samples are dealt to clients.</summary>
public enum SplitKind
{
    /// <summary>A seeded shuffle cut into near-equal shards: every client sees every class.</summary>
    Iid,

    /// <summary>For each class, client shares drawn from Dirichlet(α) (Hsu et al. 2019): small α, few classes per client.</summary>
    Dirichlet,
}

/// <summary>Deals sample indices to clients, seeded, so the same seed gives the same shards.</summary>
public static class ClientSplit
{
    /// <summary>The indices of each client's samples, for <paramref name="labels"/> and <paramref name="clients"/> clients.</summary>
    /// <remarks>
    /// Dirichlet: for each class c, proportions p ~ Dir(α·1) over the clients and the class's
    /// shuffled samples cut at the cumulative proportions. A client left with no samples is given
    /// one from the largest shard, so every client can train.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one client, more clients than samples, or α not positive and finite.</exception>
    public static int[][] Split(int[] labels, int classCount, int clients, SplitKind kind, double alpha, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clients, labels.Length);
        var rng = new Rng(seed);
        var shards = Enumerable.Range(0, clients).Select(_ => new List<int>()).ToArray();
        if (kind == SplitKind.Iid)
        {
            var order = rng.Permutation(labels.Length);
            for (var i = 0; i < order.Length; i++)
            {
                shards[i % clients].Add(order[i]);
            }
        }
        else
        {
            if (!(alpha > 0) || !double.IsFinite(alpha))
            {
                throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "the Dirichlet concentration α must be positive and finite.");
            }

            for (var c = 0; c < classCount; c++)
            {
                var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray();
                var order = rng.Permutation(members.Length);
                var proportions = Dirichlet(rng, clients, alpha);
                var start = 0;
                double cumulative = 0;
                for (var k = 0; k < clients; k++)
                {
                    cumulative += proportions[k];
                    var end = k == clients - 1 ? members.Length : Math.Min(members.Length, (int)Math.Round(cumulative * members.Length));
                    for (var j = start; j < end; j++)
                    {
                        shards[k].Add(members[order[j]]);
                    }

                    start = Math.Max(start, end);
                }
            }

            foreach (var empty in shards.Where(s => s.Count == 0))
            {
                var largest = shards.MaxBy(s => s.Count)!;
                empty.Add(largest[^1]);
                largest.RemoveAt(largest.Count - 1);
            }
        }

        return [.. shards.Select(s => s.Order().ToArray())];
    }

    /// <summary>One draw from the symmetric Dirichlet(α) over <paramref name="k"/> categories.</summary>
    internal static double[] Dirichlet(Rng rng, int k, double alpha)
    {
        var g = new double[k];
        for (var i = 0; i < k; i++)
        {
            g[i] = Gamma(rng, alpha);
        }

        var sum = g.Sum();
        if (!(sum > 0))
        {
            // Every gamma draw underflowed (tiny α): the mass goes to one category, the limit α → 0.
            g[rng.NextInt(k)] = 1;
            sum = 1;
        }

        for (var i = 0; i < k; i++)
        {
            g[i] /= sum;
        }

        return g;
    }

    /// <summary>Gamma(α, 1) by Marsaglia and Tsang (2000), with the U^{1/α} boost for α &lt; 1.</summary>
    internal static double Gamma(Rng rng, double alpha)
    {
        if (alpha < 1)
        {
            var u = rng.NextDouble();
            return Gamma(rng, alpha + 1) * Math.Pow(u, 1 / alpha);
        }

        var d = alpha - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = rng.NextGaussian();
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = rng.NextDouble();
            if (u < 1 - (0.0331 * x * x * x * x) || Math.Log(u) < (0.5 * x * x) + (d * (1 - v + Math.Log(v))))
            {
                return d * v;
            }
        }
    }
}
