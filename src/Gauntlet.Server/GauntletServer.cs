using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Gauntlet.Defenses.Detection;
using Gauntlet.Monitoring;
using Gauntlet.Monitoring.Decisions;
using Gauntlet.Monitoring.Drift;
using Gauntlet.Monitoring.Stateful;
using Gauntlet.Privacy.Monitoring;
using Gauntlet.Server.Dashboard;
using Gauntlet.Tensors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Gauntlet.Server;

/// <summary>
/// The model server (<c>gauntlet serve</c>): Kestrel on a loopback port with the prediction API,
/// health, readiness and metrics endpoints and the dashboard. Every decision is appended to the
/// Merkle log before its response is sent.
/// </summary>
public sealed class GauntletServer : IAsyncDisposable
{
    private const string AnonymousKey = "anonymous";
    private readonly WebApplication _app;
    private readonly InferenceBatcher _batcher;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _limiters = new();
    private readonly Dictionary<string, bool> _drifted = [];
    private Task? _driftLoop;

    private GauntletServer(WebApplication app, ServerState state, InferenceBatcher batcher)
    {
        _app = app;
        State = state;
        _batcher = batcher;
    }

    /// <summary>The server's state: model, monitors, log, alerts.</summary>
    public ServerState State { get; }

    /// <summary>The base URL it listens on, for example <c>http://127.0.0.1:5080</c>.</summary>
    public string Url { get; private set; } = string.Empty;

    /// <summary>Calibrates the monitors on the reference data, opens the log and starts listening.</summary>
    /// <param name="options">What to serve and how.</param>
    /// <param name="progress">Receives one line per startup step.</param>
    /// <param name="cancellationToken">Cancels startup.</param>
    /// <exception cref="IOException">The address cannot be bound (for example, the port is in use), or another process holds the log.</exception>
    public static async Task<GauntletServer> StartAsync(ServerOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = Calibrate(options, progress);
        var batcher = new InferenceBatcher(options.Model, options.MaxBatch, options.MaxWaitMs, state.Squeezer, (n, seconds) =>
        {
            state.Metrics.BatchSize.Observe(n);
            state.Metrics.ModelSeconds.Observe(seconds);
        });

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Gauntlet.Server", Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(options.Address, options.Port);
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            k.AddServerHeader = false;
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var server = new GauntletServer(app, state, batcher);
        server.Map();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A port in use: release the log's lock and the worker before reporting it.
            batcher.Dispose();
            await state.Log.DisposeAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        server._driftLoop = Task.Run(() => server.DriftLoop(server._stopping.Token), CancellationToken.None);
        progress?.Report($"serving {options.Model.Name}@{options.Model.Version} at {server.Url} (decisions logged to {state.Log.Folder})");
        return server;
    }

    private static ServerState Calibrate(ServerOptions options, IProgress<string>? progress)
    {
        var model = options.Model;
        var squeezer = options.FeatureSqueezing ? new FeatureSqueezingDetector(model.Classifier) : null;
        var stateful = new StatefulDetector(options.Stateful);
        var drift = new DriftMonitor(model.Classifier.ClassCount, options.Drift);
        AccuracyTracker? accuracy = null;
        var squeezeThreshold = double.PositiveInfinity;
        var reference = options.Reference;
        if (reference is not null && reference.Images.Shape.Dims[1..].SequenceEqual(model.SampleShape))
        {
            var data = reference.Take(options.ReferenceCount);
            var images = data.Images;
            var n = data.Count;
            var size = model.SampleSize;
            var encodings = new float[n][];
            var span = images.ReadOnlySpan;
            for (var i = 0; i < n; i++)
            {
                encodings[i] = SampleEncoding.Pool(span.Slice(i * size, size), model.SampleShape);
            }

            var threshold = stateful.Calibrate(encodings, options.StatefulFalsePositiveRate);
            progress?.Report($"stateful detector: threshold {threshold:G4} (mean distance to {options.Stateful.K} nearest neighbours) from {n} reference samples at a {options.StatefulFalsePositiveRate:P1} false-positive rate");
            var probabilities = Ops.Softmax(model.Classifier.Predict(images), 1);
            var k = probabilities.Dim(1);
            var p = probabilities.ReadOnlySpan;
            var correct = 0;
            for (var i = 0; i < n; i++)
            {
                var row = p.Slice(i * k, k);
                var best = 0;
                for (var j = 1; j < k; j++)
                {
                    best = row[j] > row[best] ? j : best;
                }

                correct += best == data.Labels[i] ? 1 : 0;
                if (i < options.Drift.ReferenceSize)
                {
                    drift.Observe(encodings[i], Mean(span.Slice(i * size, size)), row[best], best);
                }
            }

            accuracy = new AccuracyTracker((double)correct / n);
            if (squeezer is not null)
            {
                var scores = squeezer.Scores(images);
                Array.Sort(scores);
                squeezeThreshold = scores[(int)(0.99 * (scores.Length - 1))];
                progress?.Report($"feature squeezing: threshold {squeezeThreshold:G4} (99th percentile of {n} clean reference samples)");
            }
        }

        var queries = new QueryMonitor(stateful, options.Prada ? new PradaOptions() : null);
        var log = DecisionLog.Open(options.LogFolder);
        return new ServerState(options, log, drift, queries, accuracy, squeezer, squeezeThreshold);
    }

    private static double Mean(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }

        return values.Length == 0 ? 0 : sum / values.Length;
    }

    private void Map()
    {
        var app = _app;
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (ApiError e)
            {
                await WriteError(context, e.Status, e.Message).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e)
            {
                await WriteError(context, e.StatusCode, e.StatusCode == 413 ? $"the request body is larger than {State.Options.MaxBodyBytes} bytes." : e.Message).ConfigureAwait(false);
            }
        });

        app.MapGet("/healthz", () => Results.Json(new { status = "ok" }));
        app.MapGet("/readyz", () => _stopping.IsCancellationRequested
            ? Results.Json(new { status = "stopping" }, statusCode: 503)
            : Results.Json(new { status = "ready", model = State.Model.Name, version = State.Model.Version }));
        app.MapMetrics("/metrics", State.Metrics.Registry);
        app.MapPost("/v1/predict", Predict);
        app.MapPost("/v1/models/{name}/predict", (HttpContext c, string name) =>
            name == State.Model.Name ? Predict(c) : throw new ApiError(404, $"no model '{name}' is served here; this server serves '{State.Model.Name}'."));
        app.MapPost("/v1/labels", (Delegate)Labels);
        app.MapGet("/v1/decisions/{index}", (HttpContext c, string index) => Decision(c, index));
        app.MapGet("/v1/monitoring", (HttpContext c) =>
        {
            Authenticate(c);
            return Results.Json(MonitoringJson());
        });
        DashboardPages.Map(app, State);
        app.MapFallback((HttpContext c) => WriteError(c, 404, $"no endpoint {c.Request.Method} {c.Request.Path}."));
    }

    private static Task WriteError(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.Clear();
        context.Response.StatusCode = status;
        if (status == 429)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        return context.Response.WriteAsJsonAsync(new { error = message, status });
    }

    private string Authenticate(HttpContext context)
    {
        var keys = State.Options.ApiKeys;
        if (keys is null)
        {
            return AnonymousKey;
        }

        string? key = context.Request.Headers["X-Api-Key"];
        var authorization = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(key) && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = authorization["Bearer ".Length..].Trim();
        }

        if (string.IsNullOrEmpty(key))
        {
            throw new ApiError(401, "missing API key: send it in the X-Api-Key header or as 'Authorization: Bearer KEY'.");
        }

        var holder = keys.Find(key) ?? throw new ApiError(401, "unknown API key.");
        var rate = holder.RatePerSecond > 0 ? holder.RatePerSecond : State.Options.DefaultRatePerSecond;
        if (rate > 0)
        {
            var limiter = _limiters.GetOrAdd(holder.Name, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, (int)Math.Ceiling(rate)),
                TokensPerPeriod = Math.Max(1, (int)Math.Ceiling(rate / 10)),
                ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, (int)Math.Ceiling(rate / 10)) / rate),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
            using var lease = limiter.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                throw new ApiError(429, $"rate limit of {rate} requests per second exceeded for key '{holder.Name}'.");
            }
        }

        return holder.Name;
    }

    private static async Task<byte[]> ReadBody(HttpContext context, long limit)
    {
        if (context.Request.ContentLength > limit)
        {
            throw new ApiError(413, $"the request body is {context.Request.ContentLength} bytes; at most {limit} are accepted.");
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return buffer.Length > limit ? throw new ApiError(413, $"the request body is larger than {limit} bytes.") : buffer.ToArray();
    }

    private async Task Predict(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        var code = 200;
        try
        {
            await PredictCore(context).ConfigureAwait(false);
        }
        catch (ApiError e)
        {
            code = e.Status;
            throw;
        }
        catch (BadHttpRequestException e)
        {
            code = e.StatusCode;
            throw;
        }
        finally
        {
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            State.Metrics.Requests.WithLabels("predict", code.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
            if (code == 200)
            {
                State.Metrics.Latency.WithLabels("predict").Observe(seconds);
                State.RecordLatency(seconds);
            }
        }
    }

    private async Task PredictCore(HttpContext context)
    {
        var key = Authenticate(context);
        var body = await ReadBody(context, State.Options.MaxBodyBytes).ConfigureAwait(false);
        var model = State.Model;
        var (samples, version) = RequestDecoder.Decode(body, context.Request.ContentType, model, State.Options.MaxInstances);
        version = context.Request.Query["version"].FirstOrDefault() ?? version;
        if (version is not null && version != model.Version && version != "latest")
        {
            throw new ApiError(404, $"model version '{version}' is not served; this server serves {model.Name} version {model.Version}.");
        }

        var predictions = await Task.WhenAll(samples.Select(_batcher.PredictAsync)).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        var results = new JsonArray();
        var alerts = new List<Alert>();
        var logged = new Task<LoggedDecision>[samples.Length];
        for (var i = 0; i < samples.Length; i++)
        {
            var prediction = predictions[i];
            var encoding = SampleEncoding.Pool(samples[i], model.SampleShape);
            alerts.AddRange(State.Queries.Observe(key, encoding, prediction.Class, now));
            State.Drift.Observe(encoding, Mean(samples[i]), prediction.Probabilities[prediction.Class], prediction.Class);
            var flagged = prediction.SqueezeScore > State.SqueezeThreshold;
            if (flagged)
            {
                State.Metrics.Flagged.Inc();
                alerts.Add(new Alert("squeezing", key, prediction.SqueezeScore!.Value, State.SqueezeThreshold, now, "feature-squeezing score above the clean 99th percentile (possible adversarial input)"));
            }

            var record = new DecisionRecord(Guid.CreateVersion7().ToString("N"), now, key, model.Name, model.Version, DecisionRecord.HashInput(samples[i]), prediction.Class, prediction.Probabilities);
            State.Accuracy?.Record(record.Id, prediction.Class);
            logged[i] = State.Log.AppendAsync(record);
        }

        // Acknowledge only what is durable in the log.
        var decisions = await Task.WhenAll(logged).ConfigureAwait(false);
        State.Metrics.Decisions.Inc(decisions.Length);
        foreach (var alert in alerts)
        {
            State.Raise(alert);
        }

        for (var i = 0; i < samples.Length; i++)
        {
            var prediction = predictions[i];
            results.Add(new JsonObject
            {
                ["class"] = prediction.Class,
                ["label"] = model.ClassNames[prediction.Class],
                ["probabilities"] = new JsonArray([.. prediction.Probabilities.Select(p => (JsonNode)p)]),
                ["squeeze_score"] = prediction.SqueezeScore,
                ["flagged"] = prediction.SqueezeScore > State.SqueezeThreshold,
                ["decision"] = new JsonObject { ["id"] = decisions[i].Id, ["log_index"] = decisions[i].Index },
            });
        }

        var response = new JsonObject
        {
            ["model"] = model.Name,
            ["version"] = model.Version,
            ["predictions"] = results,
            ["alerts"] = new JsonArray([.. alerts.Select(a => (JsonNode)AlertJson(a))]),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    private static JsonObject AlertJson(Alert a) => new()
    {
        ["kind"] = a.Kind,
        ["key"] = a.Key,
        ["statistic"] = a.Statistic,
        ["threshold"] = a.Threshold,
        ["time"] = a.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["detail"] = a.Detail,
    };

    private async Task<IResult> Labels(HttpContext context)
    {
        Authenticate(context);
        var body = await ReadBody(context, State.Options.MaxBodyBytes).ConfigureAwait(false);
        if (State.Accuracy is null)
        {
            throw new ApiError(409, "accuracy tracking needs reference data (a baseline); this server has none.");
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw new ApiError($"the body is not valid JSON: {e.Message}");
        }

        if (root?["labels"] is not JsonArray labels)
        {
            throw new ApiError("expected {\"labels\": [{\"id\": DECISION_ID, \"label\": CLASS}, ...]}.");
        }

        int accepted = 0, unknown = 0;
        foreach (var item in labels)
        {
            if (item?["id"] is not JsonValue id || !id.TryGetValue<string>(out var decision) || item["label"] is not JsonValue l || !l.TryGetValue<int>(out var label)
                || label < 0 || label >= State.Model.Classifier.ClassCount)
            {
                throw new ApiError($"each label needs a string \"id\" and an integer \"label\" in [0, {State.Model.Classifier.ClassCount}).");
            }

            if (State.Accuracy.Label(decision, label))
            {
                accepted++;
            }
            else
            {
                unknown++;
            }
        }

        return Results.Json(new { accepted, unknown, accuracy = State.Accuracy.Accuracy });
    }

    private IResult Decision(HttpContext context, string text)
    {
        Authenticate(context);
        if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
        {
            throw new ApiError($"'{text}' is not a log index (a non-negative integer).");
        }

        if (index >= State.Log.Size)
        {
            throw new ApiError(404, $"the log has {State.Log.Size} entries; {index} is not one of them.");
        }

        var proof = State.Log.Prove(index);
        return Results.Json(new JsonObject
        {
            ["index"] = index,
            ["verified"] = proof.Verified,
            ["decision"] = proof.Record is null ? null : JsonSerializer.SerializeToNode(proof.Record),
            ["proof"] = JsonSerializer.SerializeToNode(proof.Proof.ToJson()),
        });
    }

    /// <summary>The monitoring state as JSON (drift statistics, alert counts, latency, log size).</summary>
    public JsonObject MonitoringJson()
    {
        var drift = State.LatestDrift;
        var latency = State.LatencyPercentiles();
        return new JsonObject
        {
            ["model"] = State.Model.Name,
            ["version"] = State.Model.Version,
            ["requests"] = State.Requests,
            ["latency_ms"] = latency is { } l ? new JsonObject { ["p50"] = l.P50, ["p99"] = l.P99 } : null,
            ["log_size"] = State.Log.Size,
            ["drift"] = new JsonObject
            {
                ["ready"] = drift.Ready,
                ["drifted"] = drift.Drifted,
                ["statistics"] = new JsonArray([.. drift.Statistics.Select(s => (JsonNode)new JsonObject
                {
                    ["name"] = s.Name,
                    ["statistic"] = s.Statistic,
                    ["p_value"] = s.PValue,
                    ["threshold"] = s.Threshold,
                    ["drifted"] = s.Drifted,
                })]),
            },
            ["accuracy"] = State.Accuracy?.Accuracy,
            ["alert_counts"] = new JsonObject([.. State.AlertCounts.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))]),
            ["alerts"] = new JsonArray([.. State.RecentAlerts.TakeLast(50).Select(a => (JsonNode)AlertJson(a))]),
        };
    }

    /// <summary>Evaluates drift now (the background loop does this every <see cref="ServerOptions.DriftInterval"/>), records alerts for statistics that newly tripped, and returns the report.</summary>
    public DriftReport EvaluateDrift()
    {
        var now = DateTimeOffset.UtcNow;
        var report = State.Drift.Evaluate(now);
        lock (_drifted)
        {
            foreach (var s in report.Statistics)
            {
                State.Metrics.Drift.WithLabels(s.Name).Set(s.Statistic);
                State.Metrics.DriftPValue.WithLabels(s.Name).Set(s.PValue ?? double.NaN);
                var was = _drifted.GetValueOrDefault(s.Name);
                _drifted[s.Name] = s.Drifted;
                if (s.Drifted && !was)
                {
                    State.Raise(report.Alerts.First(a => a.Kind == "drift." + s.Name));
                }
            }

            if (State.Accuracy?.Check(now) is { } accuracyAlert && !_drifted.GetValueOrDefault("accuracy"))
            {
                State.Raise(accuracyAlert);
                _drifted["accuracy"] = true;
            }
        }

        State.LatestDrift = report;
        return report;
    }

    private async Task DriftLoop(CancellationToken token)
    {
        using var timer = new PeriodicTimer(State.Options.DriftInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                EvaluateDrift();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Waits until the host stops (Ctrl+C, SIGTERM) or <paramref name="cancellationToken"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        if (_driftLoop is not null)
        {
            await _driftLoop.ConfigureAwait(false);
        }

        _batcher.Dispose();
        await State.Log.DisposeAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }

        _stopping.Dispose();
    }
}
