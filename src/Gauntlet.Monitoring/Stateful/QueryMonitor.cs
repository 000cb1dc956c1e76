using Gauntlet.Privacy.Monitoring;

namespace Gauntlet.Monitoring.Stateful;

/// <summary>
/// Per-API-key monitoring of query streams: the stateful detector (black-box evasion attacks) and
/// PRADA (model extraction) side by side, turning their verdicts into <see cref="Alert"/>s. PRADA
/// sees the pooled encodings and starts a fresh sample every <c>pradaHorizon</c> queries of a key,
/// so its cost per query stays bounded under sustained traffic. Thread-safe.
/// </summary>
public sealed class QueryMonitor
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (PradaMonitor Monitor, int Queries)> _prada = [];
    private readonly PradaOptions _pradaOptions;
    private readonly int _pradaHorizon;

    /// <summary>Creates the monitor around a (calibrated) stateful detector.</summary>
    /// <param name="stateful">The stateful detector.</param>
    /// <param name="pradaOptions">PRADA's settings, or null to leave PRADA off.</param>
    /// <param name="pradaHorizon">Queries per PRADA sample before it restarts.</param>
    public QueryMonitor(StatefulDetector stateful, PradaOptions? pradaOptions = null, int pradaHorizon = 2000)
    {
        ArgumentNullException.ThrowIfNull(stateful);
        Stateful = stateful;
        _pradaOptions = pradaOptions ?? new PradaOptions();
        PradaEnabled = pradaOptions is not null;
        _pradaHorizon = pradaHorizon;
    }

    /// <summary>The stateful detector.</summary>
    public StatefulDetector Stateful { get; }

    /// <summary>Whether PRADA runs.</summary>
    public bool PradaEnabled { get; }

    /// <summary>Observes one query of <paramref name="key"/>; returns the alerts it raised (usually none).</summary>
    public IReadOnlyList<Alert> Observe(string key, float[] encoding, int predictedClass, DateTimeOffset now)
    {
        var alerts = new List<Alert>();
        var verdict = Stateful.Observe(key, encoding);
        if (verdict.Alarm)
        {
            alerts.Add(new Alert("stateful", key, verdict.MeanKnnDistance!.Value, Stateful.Options.Threshold, now,
                $"mean distance to the {Stateful.Options.K} nearest earlier queries of this key fell below the benign threshold (detection {verdict.Detections})"));
        }

        if (PradaEnabled)
        {
            lock (_gate)
            {
                if (!_prada.TryGetValue(key, out var entry) || entry.Queries >= _pradaHorizon)
                {
                    entry = (new PradaMonitor(_pradaOptions), 0);
                }

                var wasFlagged = entry.Monitor.IsFlagged(key);
                var prada = entry.Monitor.Observe(key, encoding, predictedClass);
                _prada[key] = (entry.Monitor, entry.Queries + 1);
                if (prada.Alarm && !wasFlagged)
                {
                    alerts.Add(new Alert("prada", key, prada.W ?? 0, _pradaOptions.Delta, now, "Shapiro–Wilk W of the key's query distances fell below δ (model-extraction pattern)"));
                }
            }
        }

        return alerts;
    }
}
