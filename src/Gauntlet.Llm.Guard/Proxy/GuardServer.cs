using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gauntlet.Llm.Detectors;
using Gauntlet.Llm.Guard.Hosting;
using Gauntlet.Llm.Targets;
using Gauntlet.Llm.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace Gauntlet.Llm.Guard.Proxy;

/// <summary>
/// <c>gauntlet guard</c>: an OpenAI-compatible reverse proxy. <c>POST /v1/chat/completions</c> is
/// screened — the user and tool messages by the input scanner (block, flag), the reply by the output
/// validator (redact, block, flag; streamed replies through <see cref="StreamRedactor"/>) — and every
/// decision is logged. <c>GET /v1/models</c> is passed through, <c>/metrics</c> serves Prometheus
/// metrics and <c>/healthz</c> answers <c>ok</c>. An unreachable or slow upstream is a 502 or 504 with
/// an OpenAI-style error body.
/// </summary>
public sealed class GuardServer : IAsyncDisposable
{
    /// <summary>The reply to a blocked request when the policy answers with a refusal.</summary>
    public const string BlockedInputReply = "I can't help with that: the request was blocked by the gauntlet guard (prompt injection policy).";

    private readonly GuardPolicy _policy;
    private readonly Uri _upstream;
    private readonly IInputScanner _scanner;
    private readonly OutputValidator _validator;
    private readonly HttpClient _http;
    private readonly Counter _requests;
    private readonly Counter _decisions;
    private readonly Histogram _upstreamSeconds;
    private RunningHost? _host;

    private GuardServer(Uri upstream, GuardPolicy policy, IInputScanner? scanner, DecisionLog log, HttpMessageHandler? handler)
    {
        _upstream = new Uri(upstream.AbsoluteUri.TrimEnd('/') + "/");
        _policy = policy;
        _scanner = scanner ?? new HeuristicInputScanner(policy.InputThreshold);
        _validator = new OutputValidator(policy.Output);
        _http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        Log = log;
        Registry = Metrics.NewCustomRegistry();
        var metrics = Metrics.WithCustomRegistry(Registry);
        _requests = metrics.CreateCounter("gauntlet_guard_requests_total", "Chat-completion requests seen by the guard.", new CounterConfiguration { LabelNames = ["stream"] });
        _decisions = metrics.CreateCounter("gauntlet_guard_decisions_total", "Guard decisions by stage and outcome.", new CounterConfiguration { LabelNames = ["stage", "decision"] });
        _upstreamSeconds = metrics.CreateHistogram("gauntlet_guard_upstream_seconds", "Time to the upstream's response headers.");
    }

    /// <summary>The decision log.</summary>
    public DecisionLog Log { get; }

    /// <summary>The metrics registry served at <c>/metrics</c>.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>The address the guard listens on.</summary>
    public Uri BaseUrl => _host?.BaseUrl ?? throw new InvalidOperationException("not started");

    /// <summary>The OpenAI-style API base of the guard (<see cref="BaseUrl"/> + <c>v1</c>).</summary>
    public Uri ApiBase => _host?.ApiBase ?? throw new InvalidOperationException("not started");

    /// <summary>Starts a guard.</summary>
    /// <param name="listen">Where to listen.</param>
    /// <param name="upstream">The upstream API base, e.g. <c>http://127.0.0.1:8080/v1</c>.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="log">The decision log.</param>
    /// <param name="scanner">The input scanner; the heuristic one at the policy's threshold when null.</param>
    /// <param name="handler">The upstream HTTP handler, or null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running guard.</returns>
    public static async Task<GuardServer> StartAsync(IPEndPoint listen, Uri upstream, GuardPolicy policy, DecisionLog log, IInputScanner? scanner = null, HttpMessageHandler? handler = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(log);
        var guard = new GuardServer(upstream, policy, scanner, log, handler);
        guard._host = await LoopbackHost.StartAsync(listen, null, app =>
        {
            app.MapPost("/v1/chat/completions", guard.CompleteAsync);
            app.MapGet("/v1/models", guard.ModelsAsync);
            app.MapGet("/healthz", () => Results.Text("ok"));
            app.MapMetrics("/metrics", guard.Registry);
        }, cancellationToken).ConfigureAwait(false);
        return guard;
    }

    /// <summary>Completes when the guard stops.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The task.</returns>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _host!.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }

        _http.Dispose();
    }

    private async Task ModelsAsync(HttpContext context)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(_policy.UpstreamTimeout);
            using var response = await _http.GetAsync(new Uri(_upstream, "models"), timeout.Token).ConfigureAwait(false);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !context.RequestAborted.IsCancellationRequested)
        {
            await WriteError(context, ex is HttpRequestException ? 502 : 504, "upstream unavailable: " + ex.Message, "upstream_error").ConfigureAwait(false);
        }
    }

    private async Task CompleteAsync(HttpContext context)
    {
        var id = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..16];
        context.Response.Headers["X-Gauntlet-Request"] = id;
        string raw;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            raw = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        var body = OpenAiWire.TryParse(raw);
        IReadOnlyList<ChatMessage> messages;
        try
        {
            messages = body is null ? throw new FormatException("request body is not JSON") : OpenAiWire.Messages(body);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            await WriteError(context, 400, ex.Message, "invalid_request_error").ConfigureAwait(false);
            return;
        }

        var stream = body!["stream"] is JsonValue s && s.TryGetValue<bool>(out var isStream) && isStream;
        var model = body["model"] is JsonValue m && m.TryGetValue<string>(out var name) ? name : "unknown";
        _requests.WithLabels(stream ? "true" : "false").Inc();

        // Input: user and tool messages are untrusted; system and assistant messages are the application's.
        if (_policy.InputAction != GuardAction.Off)
        {
            var results = messages.Where(x => x.Role is "user" or "tool").Select(x => _scanner.Scan(x.Content)).ToList();
            var worst = results.MaxBy(r => r.Score) ?? new InputScanResult(false, 0, []);
            var flagged = results.Any(r => r.Flagged);
            var decision = !flagged ? "pass" : _policy.InputAction == GuardAction.Block ? "block" : "flag";
            Record(id, "input", decision, stream, worst.Score, flagged ? [.. results.SelectMany(r => r.Reasons).Distinct()] : [], null);
            if (decision == "block")
            {
                await WriteBlockedInput(context, model, stream).ConfigureAwait(false);
                return;
            }

            if (decision == "flag")
            {
                context.Response.Headers["X-Gauntlet-Guard"] = "input-flagged";
            }
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_upstream, "chat/completions")) { Content = new StringContent(raw, Encoding.UTF8, "application/json") };
        if (context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth)
        {
            request.Headers.TryAddWithoutValidation("Authorization", auth);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(_policy.UpstreamTimeout);
        HttpResponseMessage upstream;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            upstream = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !context.RequestAborted.IsCancellationRequested)
        {
            var status = ex is HttpRequestException ? 502 : 504;
            Record(id, "output", "error", stream, null, [status == 502 ? "upstream unreachable" : "upstream timeout"], null);
            await WriteError(context, status, status == 502 ? "upstream unreachable: " + ex.Message : $"upstream sent no response within {_policy.UpstreamTimeout.TotalSeconds} s", "upstream_error").ConfigureAwait(false);
            return;
        }

        _upstreamSeconds.Observe(clock.Elapsed.TotalSeconds);
        using (upstream)
        {
            try
            {
                // Error statuses pass through; any success body is checked — an SSE body as a stream
                // (whatever the client asked for), anything else as a completion (or a 502).
                if (!upstream.IsSuccessStatusCode)
                {
                    await Relay(context, upstream, id, stream, timeout.Token).ConfigureAwait(false);
                }
                else if (upstream.Content.Headers.ContentType?.MediaType == "text/event-stream")
                {
                    await StreamAsync(context, upstream, id, timeout.Token).ConfigureAwait(false);
                }
                else
                {
                    await CompleteOnceAsync(context, upstream, id, timeout.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                Record(id, "output", "error", stream, null, ["upstream timeout while reading"], (int)upstream.StatusCode);
                if (!context.Response.HasStarted)
                {
                    await WriteError(context, 504, $"upstream did not finish within {_policy.UpstreamTimeout.TotalSeconds} s", "upstream_error").ConfigureAwait(false);
                }
            }
        }
    }

    private async Task Relay(HttpContext context, HttpResponseMessage upstream, string id, bool stream, CancellationToken cancellationToken)
    {
        // An upstream error is passed on with its status and body (it carries no completion to check).
        var text = await upstream.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        Record(id, "output", "error", stream, null, [$"upstream HTTP {(int)upstream.StatusCode}"], (int)upstream.StatusCode);
        context.Response.StatusCode = (int)upstream.StatusCode;
        context.Response.ContentType = upstream.Content.Headers.ContentType?.ToString() ?? "application/json";
        if (upstream.Headers.RetryAfter is { } retry)
        {
            context.Response.Headers.RetryAfter = retry.ToString();
        }

        await context.Response.WriteAsync(text, cancellationToken).ConfigureAwait(false);
    }

    private async Task CompleteOnceAsync(HttpContext context, HttpResponseMessage upstream, string id, CancellationToken cancellationToken)
    {
        var text = await upstream.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var root = OpenAiWire.TryParse(text);
        var message = root?["choices"]?[0]?["message"] as JsonObject;
        if (message is null)
        {
            Record(id, "output", "error", false, null, ["upstream reply is not a chat completion"], (int)upstream.StatusCode);
            await WriteError(context, 502, "upstream reply is not a chat completion: " + HttpSnippet(text), "upstream_error").ConfigureAwait(false);
            return;
        }

        var content = OpenAiWire.Content(message["content"]);
        var issues = _policy.OutputAction == GuardAction.Off ? [] : _validator.Validate(content);
        var decision = issues.Count == 0 ? "pass" : _policy.OutputAction switch
        {
            GuardAction.Block => "block",
            GuardAction.Redact when issues.Any(i => i.Span is not null) => "redact",
            GuardAction.Redact => "flag", // whole-reply rules cannot be redacted
            _ => "flag",
        };
        if (decision == "redact")
        {
            message["content"] = OutputValidator.Redact(content, _validator.RedactableSpans(content));
        }
        else if (decision == "block")
        {
            message["content"] = StreamRedactor.BlockedNotice;
            root!["choices"]![0]!["finish_reason"] = "content_filter";
        }
        else if (decision == "flag")
        {
            context.Response.Headers["X-Gauntlet-Guard"] = "output-flagged";
        }

        Record(id, "output", decision, false, null, [.. issues.Select(i => i.Rule).Distinct()], (int)upstream.StatusCode);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(root!.ToJsonString(), cancellationToken).ConfigureAwait(false);
    }

    private async Task StreamAsync(HttpContext context, HttpResponseMessage upstream, string id, CancellationToken cancellationToken)
    {
        var checking = _policy.OutputAction is GuardAction.Redact or GuardAction.Block;
        var redactor = new StreamRedactor(_validator, checking ? _policy.StreamWindow : 0, _policy.OutputAction == GuardAction.Block);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        JsonObject? template = null;
        var finished = false;

        async Task Send(string payload)
        {
            await context.Response.WriteAsync(OpenAiWire.Event(payload), cancellationToken).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        async Task SendContent(string piece, string? finishReason = null)
        {
            if (piece.Length == 0 && finishReason is null)
            {
                return;
            }

            var chunk = (JsonObject)(template?.DeepClone() ?? OpenAiWire.Chunk(OpenAiWire.NewId(), "unknown", []));
            chunk["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = piece.Length == 0 ? new JsonObject() : new JsonObject { ["content"] = piece }, ["logprobs"] = null, ["finish_reason"] = finishReason });
            await Send(chunk.ToJsonString()).ConfigureAwait(false);
        }

        var body = await upstream.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(body, Encoding.UTF8);
        string? line;
        while ((line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)) is not null)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            var payload = line[5..].Trim();
            if (payload == "[DONE]")
            {
                break;
            }

            var chunk = OpenAiWire.TryParse(payload) as JsonObject;
            var choice = chunk?["choices"]?[0];
            if (chunk is null || choice is null)
            {
                await Send(payload).ConfigureAwait(false); // usage-only or unknown events pass through
                continue;
            }

            template ??= (JsonObject)chunk.DeepClone();
            var delta = choice["delta"] as JsonObject;
            var content = OpenAiWire.Content(delta?["content"]);
            var finishReason = choice["finish_reason"] is JsonValue f && f.TryGetValue<string>(out var fr) ? fr : null;
            if (finishReason is not null)
            {
                await SendContent(checking ? redactor.Push(content) + redactor.Flush() : content).ConfigureAwait(false);
                await SendContent(string.Empty, redactor.Blocked ? "content_filter" : finishReason).ConfigureAwait(false);
                finished = true;
                continue;
            }

            if (delta is not null && delta.ContainsKey("role") && content.Length == 0)
            {
                await Send(payload).ConfigureAwait(false);
                continue;
            }

            if (checking)
            {
                await SendContent(redactor.Push(content)).ConfigureAwait(false);
                if (redactor.Blocked && !finished)
                {
                    await SendContent(string.Empty, "content_filter").ConfigureAwait(false);
                    finished = true;
                }
            }
            else
            {
                await SendContent(content).ConfigureAwait(false);
                _ = redactor.Push(content);
            }
        }

        if (!finished)
        {
            await SendContent(checking ? redactor.Flush() : string.Empty).ConfigureAwait(false);
        }

        await Send("[DONE]").ConfigureAwait(false);
        var issues = _policy.OutputAction == GuardAction.Off ? [] : _validator.Validate(redactor.Assembled);
        var decision = issues.Count == 0 ? "pass" : redactor.Blocked ? "block" : redactor.Redactions > 0 ? "redact" : "flag";
        Record(id, "output", decision, true, null, [.. issues.Select(i => i.Rule).Distinct()], (int)upstream.StatusCode);
    }

    private async Task WriteBlockedInput(HttpContext context, string model, bool stream)
    {
        if (_policy.InputRespondWithError)
        {
            await WriteError(context, 400, "blocked by the gauntlet guard: the request looks like a prompt injection", "gauntlet_guard", "prompt_injection").ConfigureAwait(false);
            return;
        }

        var id = OpenAiWire.NewId();
        context.Response.StatusCode = 200;
        if (!stream)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(OpenAiWire.Completion(id, model, BlockedInputReply, "content_filter").ToJsonString(), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync(OpenAiWire.Event(OpenAiWire.Chunk(id, model, new JsonObject { ["role"] = "assistant", ["content"] = BlockedInputReply }).ToJsonString()), context.RequestAborted).ConfigureAwait(false);
        await context.Response.WriteAsync(OpenAiWire.Event(OpenAiWire.Chunk(id, model, [], "content_filter").ToJsonString()), context.RequestAborted).ConfigureAwait(false);
        await context.Response.WriteAsync(OpenAiWire.Event("[DONE]"), context.RequestAborted).ConfigureAwait(false);
    }

    private void Record(string id, string stage, string decision, bool stream, double? score, IReadOnlyList<string> reasons, int? upstreamStatus)
    {
        _decisions.WithLabels(stage, decision).Inc();
        Log.Record(new GuardDecision
        {
            Time = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            Request = id,
            Stage = stage,
            Decision = decision,
            Stream = stream,
            Score = score,
            Reasons = reasons,
            UpstreamStatus = upstreamStatus,
        });
    }

    private static async Task WriteError(HttpContext context, int status, string message, string type, string? code = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(OpenAiWire.Error(message, type, code), context.RequestAborted).ConfigureAwait(false);
    }

    private static string HttpSnippet(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
