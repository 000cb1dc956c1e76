using System.Net;
using Gauntlet.Data;
using Gauntlet.Monitoring.Drift;
using Gauntlet.Monitoring.Stateful;

namespace Gauntlet.Server;

/// <summary>How <see cref="GauntletServer"/> serves a model.</summary>
public sealed record ServerOptions
{
    /// <summary>The model to serve.</summary>
    public required ServedModel Model { get; init; }

    /// <summary>The address to listen on (loopback by default).</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>The port (0 picks a free one; <see cref="GauntletServer.Url"/> says which).</summary>
    public int Port { get; init; }

    /// <summary>The folder of the decision log (a Gauntlet Merkle log).</summary>
    public required string LogFolder { get; init; }

    /// <summary>The model registry shown on the dashboard (a SQLite file or PostgreSQL URL), or null.</summary>
    public string? Registry { get; init; }

    /// <summary>API keys; null serves without keys (every caller is <c>anonymous</c>).</summary>
    public ApiKeyStore? ApiKeys { get; init; }

    /// <summary>Samples per model call at most (1 turns batching off).</summary>
    public int MaxBatch { get; init; } = 32;

    /// <summary>How long the first request of a batch waits for others, in milliseconds.</summary>
    public double MaxWaitMs { get; init; } = 2;

    /// <summary>Largest request body in bytes (larger ones get 413).</summary>
    public long MaxBodyBytes { get; init; } = 4 << 20;

    /// <summary>Most samples in one request.</summary>
    public int MaxInstances { get; init; } = 256;

    /// <summary>Requests per second each key may send (a token bucket with one second of burst); 0 means unlimited.</summary>
    public double DefaultRatePerSecond { get; init; }

    /// <summary>Whether every request's samples are scored by the feature-squeezing detector (three model calls instead of one).</summary>
    public bool FeatureSqueezing { get; init; } = true;

    /// <summary>
    /// Clean samples from the model's distribution: the first <see cref="ReferenceCount"/> calibrate
    /// the stateful detector and the squeezing threshold and fill the drift reference window. Null:
    /// the drift reference is the first traffic and the stateful threshold stays as given.
    /// </summary>
    public LabeledImages? Reference { get; init; }

    /// <summary>Reference samples used for calibration.</summary>
    public int ReferenceCount { get; init; } = 500;

    /// <summary>Drift settings.</summary>
    public DriftOptions Drift { get; init; } = new();

    /// <summary>Stateful-detector settings (the threshold is replaced by calibration when reference data is given).</summary>
    public StatefulOptions Stateful { get; init; } = new();

    /// <summary>The false-positive rate the stateful threshold is calibrated for.</summary>
    public double StatefulFalsePositiveRate { get; init; } = 0.001;

    /// <summary>Whether PRADA watches each key for model extraction.</summary>
    public bool Prada { get; init; } = true;

    /// <summary>How often drift is evaluated in the background.</summary>
    public TimeSpan DriftInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Reports (JSON or HTML files) listed on the dashboard's reports page.</summary>
    public IReadOnlyList<string> Reports { get; init; } = [];
}
