using Prometheus;

namespace Gauntlet.Server;

/// <summary>The server's Prometheus metrics, in a registry of their own (so two servers in one process do not mix).</summary>
public sealed class ServerMetrics
{
    /// <summary>Creates the metrics.</summary>
    public ServerMetrics()
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        Requests = factory.CreateCounter("gauntlet_requests_total", "HTTP requests to the prediction API by endpoint and status code.", new CounterConfiguration { LabelNames = ["endpoint", "code"] });
        Latency = factory.CreateHistogram("gauntlet_request_duration_seconds", "Prediction request latency.", new HistogramConfiguration { LabelNames = ["endpoint"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });
        BatchSize = factory.CreateHistogram("gauntlet_batch_size", "Samples per model call.", new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        ModelSeconds = factory.CreateHistogram("gauntlet_model_seconds", "Model time per batch (inference and squeezing).", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });
        Alerts = factory.CreateCounter("gauntlet_alerts_total", "Alerts raised by kind.", new CounterConfiguration { LabelNames = ["kind"] });
        Drift = factory.CreateGauge("gauntlet_drift_statistic", "The latest drift statistics.", new GaugeConfiguration { LabelNames = ["name"] });
        DriftPValue = factory.CreateGauge("gauntlet_drift_pvalue", "The latest drift p-values.", new GaugeConfiguration { LabelNames = ["name"] });
        Decisions = factory.CreateCounter("gauntlet_decisions_logged_total", "Decisions appended durably to the log.");
        Flagged = factory.CreateCounter("gauntlet_squeezing_flagged_total", "Samples the feature-squeezing detector flagged.");
    }

    /// <summary>The registry <c>/metrics</c> exposes.</summary>
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    /// <summary>Requests by endpoint and code.</summary>
    public Counter Requests { get; }

    /// <summary>Request latency.</summary>
    public Histogram Latency { get; }

    /// <summary>Batch sizes.</summary>
    public Histogram BatchSize { get; }

    /// <summary>Model time per batch.</summary>
    public Histogram ModelSeconds { get; }

    /// <summary>Alerts by kind.</summary>
    public Counter Alerts { get; }

    /// <summary>Drift statistics.</summary>
    public Gauge Drift { get; }

    /// <summary>Drift p-values.</summary>
    public Gauge DriftPValue { get; }

    /// <summary>Decisions logged.</summary>
    public Counter Decisions { get; }

    /// <summary>Samples flagged by feature squeezing.</summary>
    public Counter Flagged { get; }
}
