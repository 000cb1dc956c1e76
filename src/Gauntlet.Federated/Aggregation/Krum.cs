namespace Gauntlet.Federated.Aggregation;

/// <summary>
/// Krum and Multi-Krum (Blanchard et al. 2017). Each update's score is the sum of squared
/// distances to its n − f − 2 nearest other updates; Krum returns the update with the lowest
/// score, Multi-Krum the unweighted mean of the m lowest-scoring ones (m = 1 is Krum).
/// </summary>
public sealed class Krum : IAggregator
{
    /// <summary>Creates the rule for up to <paramref name="byzantine"/> Byzantine clients, averaging <paramref name="selected"/> updates.</summary>
    /// <exception cref="ArgumentOutOfRangeException">f is negative or m is below 1.</exception>
    public Krum(int byzantine, int selected = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byzantine);
        ArgumentOutOfRangeException.ThrowIfLessThan(selected, 1);
        Byzantine = byzantine;
        Selected = selected;
    }

    /// <summary>f, the number of Byzantine clients the rule tolerates.</summary>
    public int Byzantine { get; }

    /// <summary>m, the number of updates averaged.</summary>
    public int Selected { get; }

    /// <inheritdoc />
    public string Name => Selected == 1 ? "krum" : "multi-krum";

    /// <summary>The ids of the updates the last <see cref="Aggregate"/> chose.</summary>
    public IReadOnlyList<int> LastSelection { get; private set; } = [];

    /// <summary>Krum's requirement on the number of updates: n &gt; 2f + 2.</summary>
    public static bool Admits(int clients, int byzantine) => clients > (2 * byzantine) + 2;

    /// <inheritdoc />
    public float[] Aggregate(IReadOnlyList<ClientUpdate> updates)
    {
        var length = AggregatorChecks.CommonLength(updates);
        var n = updates.Count;
        if (!Admits(n, Byzantine))
        {
            throw new ArgumentException($"{Name} with f = {Byzantine} needs n > 2f + 2 = {(2 * Byzantine) + 2} updates; got {n}.", nameof(updates));
        }

        if (Selected > n)
        {
            throw new ArgumentException($"{Name} selects m = {Selected} updates; only {n} arrived.", nameof(updates));
        }

        var distance = new double[n, n];
        for (var a = 0; a < n; a++)
        {
            for (var b = a + 1; b < n; b++)
            {
                double d = 0;
                for (var i = 0; i < length; i++)
                {
                    var diff = (double)updates[a].Delta[i] - updates[b].Delta[i];
                    d += diff * diff;
                }

                distance[a, b] = distance[b, a] = d;
            }
        }

        var neighbours = n - Byzantine - 2;
        var scores = new double[n];
        for (var a = 0; a < n; a++)
        {
            scores[a] = Enumerable.Range(0, n).Where(b => b != a).Select(b => distance[a, b]).Order().Take(neighbours).Sum();
        }

        // Ties break on the lower index, so the choice is deterministic.
        var chosen = Enumerable.Range(0, n).OrderBy(a => scores[a]).ThenBy(a => a).Take(Selected).ToList();
        LastSelection = [.. chosen.Select(a => updates[a].ClientId)];
        var result = new float[length];
        for (var i = 0; i < length; i++)
        {
            double sum = 0;
            foreach (var a in chosen)
            {
                sum += updates[a].Delta[i];
            }

            result[i] = (float)(sum / chosen.Count);
        }

        return result;
    }
}
