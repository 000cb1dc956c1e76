using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Gauntlet.Llm.Targets;

/// <summary>
/// The resilient HTTP part every HTTP target shares: a concurrency limit, a token-bucket rate limit,
/// a timeout per request, retries with exponential backoff and jitter on 429, 5xx, timeouts and
/// failed connections, and a run log entry per request. A target that is down, slow, answers 500 or
/// non-JSON gives a <see cref="TargetResponse"/> with the error, never an exception or a hang.
/// </summary>
public abstract class HttpTarget : ILlmTarget, IDisposable
{
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _slots;
    private readonly TokenBucket _bucket;
    private readonly Random _jitter;
    private readonly Lock _jitterGate = new();
    private readonly RunLog? _log;

    /// <summary>Creates the target.</summary>
    /// <param name="options">Limits and retries.</param>
    /// <param name="handler">The HTTP handler (a stub in tests), or null for a new socket handler.</param>
    /// <param name="log">Where exchanges are recorded, or null.</param>
    protected HttpTarget(TargetOptions options, HttpMessageHandler? handler, RunLog? log)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { ConnectTimeout = options.Timeout }, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _slots = new SemaphoreSlim(options.Concurrency, options.Concurrency);
        _bucket = new TokenBucket(options.RequestsPerSecond, options.Burst);
        _jitter = new Random(options.Seed);
        _log = log;
    }

    /// <summary>The options.</summary>
    public TargetOptions Options { get; }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public async Task<TargetResponse> SendAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var clock = Stopwatch.StartNew();
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            TargetResponse last = new() { ErrorKind = TargetErrorKind.Unreachable, Error = "no attempt made" };
            for (var attempt = 1; attempt <= Options.MaxRetries + 1; attempt++)
            {
                await _bucket.TakeAsync(cancellationToken).ConfigureAwait(false);
                var (response, retryable, retryAfter) = await AttemptAsync(messages, attempt, cancellationToken).ConfigureAwait(false);
                last = response with { Attempts = attempt };
                if (!retryable || attempt > Options.MaxRetries)
                {
                    break;
                }

                await Task.Delay(Backoff(attempt, retryAfter), cancellationToken).ConfigureAwait(false);
            }

            return last with { Seconds = clock.Elapsed.TotalSeconds };
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>The delay before retry number <paramref name="attempt"/>: base·2^(attempt−1) capped, then "equal jitter" (half fixed, half random); a server's Retry-After wins when longer, within the cap.</summary>
    /// <param name="attempt">The attempt that failed (1 for the first).</param>
    /// <param name="retryAfter">The server's Retry-After, or null.</param>
    /// <returns>The delay.</returns>
    public TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var cap = Options.MaxDelay.TotalMilliseconds;
        var exponential = Math.Min(cap, Options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(30, attempt - 1)));
        double random;
        lock (_jitterGate)
        {
            random = _jitter.NextDouble();
        }

        var delay = (exponential / 2) + (random * exponential / 2);
        if (retryAfter is { } after)
        {
            delay = Math.Max(delay, Math.Min(cap, after.TotalMilliseconds));
        }

        return TimeSpan.FromMilliseconds(delay);
    }

    /// <summary>Builds the HTTP request for a conversation.</summary>
    /// <param name="messages">The conversation.</param>
    /// <returns>The request and its body as text (for the log).</returns>
    protected abstract (HttpRequestMessage Request, string Body) BuildRequest(IReadOnlyList<ChatMessage> messages);

    /// <summary>Reads the reply text out of a successful response body.</summary>
    /// <param name="body">The body.</param>
    /// <param name="mediaType">The response's media type, or null.</param>
    /// <returns>The reply, or an error message when the body is not what was expected.</returns>
    protected abstract (string? Text, string? Error) ParseReply(string body, string? mediaType);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the HTTP client.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _http.Dispose();
            _slots.Dispose();
        }
    }

    private async Task<(TargetResponse Response, bool Retryable, TimeSpan? RetryAfter)> AttemptAsync(IReadOnlyList<ChatMessage> messages, int attempt, CancellationToken cancellationToken)
    {
        var (request, requestBody) = BuildRequest(messages);
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        int? status = null;
        string? body = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.Timeout);
        (TargetResponse, bool, TimeSpan?) result;
        try
        {
            using (request)
            using (var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false))
            {
                status = (int)response.StatusCode;
                body = await ReadBodyAsync(response, timeout.Token).ConfigureAwait(false);
                if (body is null)
                {
                    result = (Error(TargetErrorKind.BadResponse, $"reply larger than {Options.MaxResponseBytes} bytes", status), false, null);
                }
                else if (response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500)
                {
                    result = (Error(TargetErrorKind.HttpStatus, $"HTTP {status} {response.ReasonPhrase}".TrimEnd(), status), true, RetryAfter(response));
                }
                else if (!response.IsSuccessStatusCode)
                {
                    result = (Error(TargetErrorKind.HttpStatus, $"HTTP {status} {response.ReasonPhrase}: {Snippet(body)}".TrimEnd(' ', ':'), status), false, null);
                }
                else
                {
                    var (text, error) = ParseReply(body, response.Content.Headers.ContentType?.MediaType);
                    result = error is null
                        ? (new TargetResponse { Text = text ?? string.Empty, StatusCode = status }, false, null)
                        : (Error(TargetErrorKind.BadResponse, error, status), false, null);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = (Error(TargetErrorKind.Timeout, $"no complete reply within {Options.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s", status), true, null);
        }
        catch (HttpRequestException ex)
        {
            result = (Error(TargetErrorKind.Unreachable, "connection failed: " + OneLine(ex.Message), status), true, null);
        }
        catch (IOException ex)
        {
            result = (Error(TargetErrorKind.Unreachable, "connection broken: " + OneLine(ex.Message), status), true, null);
        }

        _log?.Record(new RunLogEntry
        {
            Time = started.ToString("O", CultureInfo.InvariantCulture),
            Target = Name,
            Attempt = attempt,
            Request = requestBody,
            Status = status,
            Response = body,
            Error = result.Item1.Error,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 4),
        });
        return result;
    }

    private async Task<string?> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16384];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > Options.MaxResponseBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    private static TargetResponse Error(TargetErrorKind kind, string message, int? status) => new() { ErrorKind = kind, Error = message, StatusCode = status };

    /// <summary>The start of a body, on one line, for an error message.</summary>
    internal static string Snippet(string body)
    {
        var line = OneLine(body);
        return line.Length <= 80 ? line : line[..80] + "…";
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
