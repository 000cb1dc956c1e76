using System.Collections.Concurrent;
using Gauntlet.Defenses.Detection;
using Gauntlet.Monitoring;
using Gauntlet.Monitoring.Decisions;
using Gauntlet.Monitoring.Drift;
using Gauntlet.Monitoring.Stateful;

namespace Gauntlet.Server;

/// <summary>Everything a running server holds: the model, its monitors, the log, recent alerts and latencies.</summary>
public sealed class ServerState
{
    private readonly ConcurrentQueue<Alert> _alerts = new();
    private readonly ConcurrentDictionary<string, long> _alertCounts = new();
    private readonly double[] _latencies = new double[4096];
    private long _latencyCount;

    internal ServerState(ServerOptions options, DecisionLog log, DriftMonitor drift, QueryMonitor queries, AccuracyTracker? accuracy, FeatureSqueezingDetector? squeezer, double squeezeThreshold)
    {
        Options = options;
        Log = log;
        Drift = drift;
        Queries = queries;
        Accuracy = accuracy;
        Squeezer = squeezer;
        SqueezeThreshold = squeezeThreshold;
        LatestDrift = new DriftReport(false, 0, [], []);
    }

    /// <summary>The options the server runs with.</summary>
    public ServerOptions Options { get; }

    /// <summary>The served model.</summary>
    public ServedModel Model => Options.Model;

    /// <summary>The decision log.</summary>
    public DecisionLog Log { get; }

    /// <summary>The drift monitor.</summary>
    public DriftMonitor Drift { get; }

    /// <summary>Per-key query monitoring (stateful detection and PRADA).</summary>
    public QueryMonitor Queries { get; }

    /// <summary>Accuracy from delayed labels, when reference data gave a baseline.</summary>
    public AccuracyTracker? Accuracy { get; }

    /// <summary>The feature-squeezing detector, or null when off.</summary>
    public FeatureSqueezingDetector? Squeezer { get; }

    /// <summary>The squeezing score above which a sample is flagged (the 99th percentile on clean reference samples).</summary>
    public double SqueezeThreshold { get; }

    /// <summary>The metrics.</summary>
    public ServerMetrics Metrics { get; } = new();

    /// <summary>The last drift evaluation.</summary>
    public DriftReport LatestDrift { get; internal set; }

    /// <summary>When the server started.</summary>
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    /// <summary>The most recent alerts (up to 1,000), oldest first.</summary>
    public IReadOnlyList<Alert> RecentAlerts => [.. _alerts];

    /// <summary>Alerts raised so far by kind.</summary>
    public IReadOnlyDictionary<string, long> AlertCounts => new SortedDictionary<string, long>(_alertCounts);

    /// <summary>Requests answered (latencies recorded).</summary>
    public long Requests => Interlocked.Read(ref _latencyCount);

    /// <summary>Records an alert.</summary>
    public void Raise(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        _alerts.Enqueue(alert);
        while (_alerts.Count > 1000 && _alerts.TryDequeue(out _))
        {
        }

        _alertCounts.AddOrUpdate(alert.Kind, 1, (_, n) => n + 1);
        Metrics.Alerts.WithLabels(alert.Kind).Inc();
    }

    internal void RecordLatency(double seconds)
    {
        var n = Interlocked.Increment(ref _latencyCount);
        _latencies[(n - 1) % _latencies.Length] = seconds;
    }

    /// <summary>The 50th and 99th percentile latency in milliseconds over the last 4,096 requests, or null before any.</summary>
    public (double P50, double P99)? LatencyPercentiles()
    {
        var n = (int)Math.Min(Interlocked.Read(ref _latencyCount), _latencies.Length);
        if (n == 0)
        {
            return null;
        }

        var copy = _latencies[..n];
        Array.Sort(copy);
        return (copy[(int)(0.5 * (n - 1))] * 1000, copy[(int)(0.99 * (n - 1))] * 1000);
    }
}
