using System.Numerics;

namespace Gauntlet.Privacy.Monitoring;

/// <summary>Settings of <see cref="PradaMonitor"/>.</summary>
/// <param name="Delta">δ: an alarm is raised when Shapiro–Wilk's W on a client's distances falls below it (Juuti et al. tune it per model; 0.9 by default here).</param>
/// <param name="MinDistances">Distances a client must have produced before W is tested (the test needs a sample; PRADA starts after about 100 queries).</param>
/// <param name="Window">W is computed on the most recent distances, at most this many (Shapiro–Wilk's approximation holds up to 5000).</param>
public sealed record PradaOptions(double Delta = 0.9, int MinDistances = 100, int Window = 1000);

/// <summary>What the monitor concluded about one query.</summary>
/// <param name="Distance">The query's minimum L2 distance to the client's earlier queries of the same predicted class, or null for its class's first query.</param>
/// <param name="W">Shapiro–Wilk W of the client's distance window after this query, or null before <see cref="PradaOptions.MinDistances"/>.</param>
/// <param name="Alarm">Whether the client is flagged as running an extraction attack (W &lt; δ); it stays flagged.</param>
public readonly record struct PradaVerdict(double? Distance, double? W, bool Alarm);

/// <summary>
/// PRADA (Juuti et al. 2019, "PRADA: Protecting against DNN Model Stealing Attacks"): benign
/// clients' queries are natural samples whose distances to each other look normally distributed,
/// while extraction attacks (synthetic, perturbed or systematically chosen queries) skew that
/// distribution. For each client the monitor keeps the queries seen so far, grouped by the class
/// the model predicted; each new query's minimum L2 distance to the earlier queries of its class
/// joins the client's distance sample, and a Shapiro–Wilk W below δ raises the alarm.
/// </summary>
/// <remarks>
/// Simplification of the paper: every query joins its class's set (PRADA adds only those farther
/// than the class's running mean − std, to bound memory); the distance test is the same. Natural
/// images drawn from the model's own distribution (Knockoff's surrogate sets) are exactly what
/// PRADA is not built to catch — docs/privacy.md reports what it does on them.
/// </remarks>
public sealed class PradaMonitor
{
    private readonly PradaOptions _options;
    private readonly Dictionary<string, ClientState> _clients = [];

    /// <summary>Creates a monitor.</summary>
    /// <exception cref="ArgumentException">δ outside (0, 1), fewer than 3 distances before the test, or a window below that minimum or above 5000.</exception>
    public PradaMonitor(PradaOptions? options = null)
    {
        _options = options ?? new PradaOptions();
        if (!(_options.Delta > 0 && _options.Delta < 1) || _options.MinDistances < 3 || _options.Window < _options.MinDistances || _options.Window > ShapiroWilk.MaxCount)
        {
            throw new ArgumentException($"PRADA: δ {_options.Delta} must lie in (0, 1), at least 3 distances must precede the test (got {_options.MinDistances}), and the window must lie between that and {ShapiroWilk.MaxCount} (got {_options.Window}).", nameof(options));
        }
    }

    /// <summary>Whether <paramref name="client"/> has been flagged.</summary>
    public bool IsFlagged(string client) => _clients.TryGetValue(client, out var s) && s.Flagged;

    /// <summary>The query index (0-based, per client) at which <paramref name="client"/> was first flagged, or null.</summary>
    public int? AlarmAt(string client) => _clients.TryGetValue(client, out var s) ? s.AlarmAt : null;

    /// <summary>Records one query of <paramref name="client"/> and returns the verdict after it.</summary>
    /// <param name="client">Who sent it (an API key, an address).</param>
    /// <param name="query">The query's values, flattened.</param>
    /// <param name="predictedClass">The class the model answered.</param>
    public PradaVerdict Observe(string client, ReadOnlySpan<float> query, int predictedClass)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!_clients.TryGetValue(client, out var state))
        {
            state = new ClientState();
            _clients[client] = state;
        }

        if (!state.ByClass.TryGetValue(predictedClass, out var seen))
        {
            seen = [];
            state.ByClass[predictedClass] = seen;
        }

        double? distance = null;
        if (seen.Count > 0)
        {
            var min = double.PositiveInfinity;
            foreach (var earlier in seen)
            {
                min = Math.Min(min, SquaredDistance(query, earlier));
            }

            distance = Math.Sqrt(min);
            state.Distances.Add(distance.Value);
        }

        seen.Add(query.ToArray());
        double? w = null;
        if (state.Distances.Count >= _options.MinDistances)
        {
            var window = state.Distances.Count <= _options.Window ? state.Distances : state.Distances.GetRange(state.Distances.Count - _options.Window, _options.Window);
            // All-equal distances (the same query repeated) are as far from normal as it gets.
            w = window.Max() - window.Min() <= 0 ? 0 : ShapiroWilk.Test(window).W;
            if (w < _options.Delta && !state.Flagged)
            {
                state.Flagged = true;
                state.AlarmAt = state.Queries;
            }
        }

        state.Queries++;
        return new PradaVerdict(distance, w, state.Flagged);
    }

    private static double SquaredDistance(ReadOnlySpan<float> a, float[] b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"PRADA: a query of {a.Length} values after queries of {b.Length}; one client's queries must share a shape.", nameof(a));
        }

        var sum = Vector<float>.Zero;
        var i = 0;
        var w = Vector<float>.Count;
        for (; i <= a.Length - w; i += w)
        {
            var d = new Vector<float>(a[i..]) - new Vector<float>(b, i);
            sum += d * d;
        }

        double total = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            total += d * d;
        }

        return total;
    }

    private sealed class ClientState
    {
        public Dictionary<int, List<float[]>> ByClass { get; } = [];

        public List<double> Distances { get; } = [];

        public bool Flagged { get; set; }

        public int? AlarmAt { get; set; }

        public int Queries { get; set; }
    }
}
