using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gauntlet.Llm.Targets;

namespace Gauntlet.Llm.Tests.Targets;

public sealed class HttpTargetTests
{
    private static readonly TargetOptions Fast = new() { Timeout = TimeSpan.FromSeconds(2), MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50), Seed = 1 };

    private static string Completion(string text) => "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + System.Text.Json.JsonSerializer.Serialize(text) + "}}]}";

    [Fact]
    public async Task Completion_IsParsed_AndLogged()
    {
        var log = new RunLog();
        var handler = new StubHandler(_ => Json(HttpStatusCode.OK, Completion("hello")));
        using var target = new OpenAiChatTarget("http://llm.test/v1", "m", "secret-key", options: Fast, handler: handler, log: log);
        var response = await target.SendAsync([ChatMessage.User("hi")]);
        Assert.True(response.Ok);
        Assert.Equal("hello", response.Text);
        Assert.Equal(1, response.Attempts);
        Assert.Equal("http://llm.test/v1/chat/completions", handler.Requests[0].Uri);
        Assert.Equal("Bearer secret-key", handler.Requests[0].Authorization);
        Assert.Contains("\"model\":\"m\"", handler.Requests[0].Body, StringComparison.Ordinal);
        var entry = Assert.Single(log.Entries);
        Assert.Equal(200, entry.Status);
        Assert.DoesNotContain("secret-key", log.ToJsonLines(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_IsAssembledFromServerSentEvents()
    {
        var sse = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n: comment\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\ndata: [DONE]\n\n";
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(sse, Encoding.UTF8, "text/event-stream") });
        using var target = new OpenAiChatTarget("http://llm.test/v1", "m", stream: true, options: Fast, handler: handler);
        var response = await target.SendAsync([ChatMessage.User("hi")]);
        Assert.Equal("Hello", response.Text);
        Assert.Contains("\"stream\":true", handler.Requests[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http500_IsRetriedWithBackoff_ThenSucceeds()
    {
        var calls = 0;
        var handler = new StubHandler(_ => ++calls < 3 ? Json(HttpStatusCode.InternalServerError, "{}") : Json(HttpStatusCode.OK, Completion("finally")));
        using var target = new OpenAiChatTarget("http://llm.test/v1", "m", options: Fast, handler: handler);
        var response = await target.SendAsync([ChatMessage.User("hi")]);
        Assert.True(response.Ok);
        Assert.Equal(3, response.Attempts);
        Assert.Equal("finally", response.Text);
    }

    [Fact]
    public async Task Http500_Persisting_IsAnErrorRecord()
    {
        var handler = new StubHandler(_ => Json(HttpStatusCode.InternalServerError, "{\"error\":\"boom\"}"));
        using var target = new OpenAiChatTarget("http://llm.test/v1", "m", options: Fast, handler: handler);
        var response = await target.SendAsync([ChatMessage.User("hi")]);
        Assert.False(response.Ok);
        Assert.Equal(TargetErrorKind.HttpStatus, response.ErrorKind);
        Assert.Equal(500, response.StatusCode);
        Assert.Equal(3, response.Attempts);
        Assert.StartsWith("HTTP 500", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http400_IsNotRetried()
    {
        var handler = new StubHandler(_ => Json(HttpStatusCode.BadRequest, "{\"error\":{\"message\":\"bad model\"}}"));
        using var target = new OpenAiChatTarget("http://llm.test/v1", "m", options: Fast, handler: handler);
        var response = await target.SendAsync([ChatMessage.User("hi")]);
        Assert.Equal(1, response.Attempts);
        Assert.Contains("bad model", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonJson_IsABadResponse_NotRetried()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>login</html>", Encoding.UTF8, "text/html") });
        using var target = new OpenAiChatTarget("http://llm.test/v1", "m", options: Fast, handler: handler);
        var response = await target.SendAsync([ChatMessage.User("hi")]);
        Assert.Equal(TargetErrorKind.BadResponse, response.ErrorKind);
        Assert.Equal("reply is not JSON (text/html): <html>login</html>", response.Error);
        Assert.Equal(1, response.Attempts);
    }

    [Fact]
    public async Task SlowTarget_TimesOut_WithRetries_NeverHangs()
    {
        var handler = new StubHandler(async (_, token) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), token);
            return Json(HttpStatusCode.OK, Completion("late"));
        });
        using var target = new OpenAiChatTarget("http://llm.test/v1", "m", options: Fast with { Timeout = TimeSpan.FromMilliseconds(150), MaxRetries = 1 }, handler: handler);
        var clock = Stopwatch.StartNew();
        var response = await target.SendAsync([ChatMessage.User("hi")]);
        Assert.Equal(TargetErrorKind.Timeout, response.ErrorKind);
        Assert.Equal(2, response.Attempts);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task TargetDown_IsUnreachable_AfterRetries()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        using var target = new OpenAiChatTarget($"http://127.0.0.1:{port}/v1", "m", options: Fast);
        var response = await target.SendAsync([ChatMessage.User("hi")]);
        Assert.Equal(TargetErrorKind.Unreachable, response.ErrorKind);
        Assert.Equal(3, response.Attempts);
        Assert.StartsWith("connection failed", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimit429_HonoursRetryAfter_WithinTheCap()
    {
        var calls = 0;
        var handler = new StubHandler(_ =>
        {
            if (++calls == 1)
            {
                var limited = Json(HttpStatusCode.TooManyRequests, "{}");
                limited.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(30));
                return limited;
            }

            return Json(HttpStatusCode.OK, Completion("ok"));
        });
        using var target = new OpenAiChatTarget("http://llm.test/v1", "m", options: Fast, handler: handler);
        var clock = Stopwatch.StartNew();
        var response = await target.SendAsync([ChatMessage.User("hi")]);
        Assert.True(response.Ok);
        Assert.Equal(2, response.Attempts);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), "Retry-After of 30 s must be capped by MaxDelay");
    }

    [Fact]
    public void Backoff_GrowsExponentially_WithJitterInTheUpperHalf()
    {
        using var target = new OpenAiChatTarget("http://llm.test/v1", "m", options: new TargetOptions { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(10), Seed = 3 });
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var full = 100 * Math.Pow(2, attempt - 1);
            var delay = target.Backoff(attempt, null).TotalMilliseconds;
            Assert.InRange(delay, full / 2, full);
        }

        Assert.Equal(10_000, target.Backoff(30, TimeSpan.FromHours(1)).TotalMilliseconds);
    }

    [Fact]
    public async Task ConcurrencyLimit_IsRespected()
    {
        var inFlight = 0;
        var peak = 0;
        var handler = new StubHandler(async (_, token) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref peak, now);
            await Task.Delay(30, token);
            Interlocked.Decrement(ref inFlight);
            return Json(HttpStatusCode.OK, Completion("x"));
        });
        using var target = new OpenAiChatTarget("http://llm.test/v1", "m", options: Fast with { Concurrency = 2 }, handler: handler);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => target.SendAsync([ChatMessage.User("hi")])));
        Assert.Equal(2, peak);
    }

    [Fact]
    public async Task TokenBucket_PacesRequests()
    {
        var bucket = new TokenBucket(rate: 20, burst: 1);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 5; i++)
        {
            await bucket.TakeAsync();
        }

        // One token at once, then four more at 20/s: at least ~200 ms.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(180), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task RestTarget_FillsTheTemplate_AndFollowsTheReplyPath()
    {
        var handler = new StubHandler(_ => Json(HttpStatusCode.OK, "{\"data\":{\"outputs\":[{\"text\":\"pong\"}]}}"));
        using var target = new RestTarget("http://rest.test/run", "{\"input\": \"{{prompt}}\", \"mode\": \"chat\"}", "$.data.outputs[0].text", options: Fast, handler: handler);
        var response = await target.SendAsync([ChatMessage.User("say \"ping\"\nnow")]);
        Assert.Equal("pong", response.Text);
        Assert.Equal("{\"input\": \"say \\u0022ping\\u0022\\nnow\", \"mode\": \"chat\"}", handler.Requests[0].Body);

        var missing = new StubHandler(_ => Json(HttpStatusCode.OK, "{\"data\":{}}"));
        using var target2 = new RestTarget("http://rest.test/run", "{\"q\":\"{{prompt}}\"}", "$.data.outputs[0].text", options: Fast, handler: missing);
        var bad = await target2.SendAsync([ChatMessage.User("x")]);
        Assert.Equal(TargetErrorKind.BadResponse, bad.ErrorKind);
        Assert.Contains("nothing at $.data.outputs[0].text", bad.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-placeholder")]
    public void RestTarget_WithoutPlaceholder_IsRefused(string template) =>
        Assert.Contains("{{prompt}}", Assert.Throws<ArgumentException>(() => new RestTarget("http://rest.test/", template, "$.a")).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("http://h/v1", "http://h/v1/chat/completions")]
    [InlineData("http://h/v1/", "http://h/v1/chat/completions")]
    [InlineData("http://h/v1/chat/completions", "http://h/v1/chat/completions")]
    public void Endpoint_IsTheChatCompletionsPath(string baseUrl, string expected) => Assert.Equal(expected, OpenAiChatTarget.Endpoint(baseUrl).ToString());

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) => new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private sealed class StubHandler : HttpMessageHandler
    {
        private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _respond;

        public StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) => _respond = (r, _) => Task.FromResult(respond(r));

        public StubHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) => _respond = respond;

        public List<(string Uri, string? Authorization, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            lock (Requests)
            {
                Requests.Add((request.RequestUri!.ToString(), request.Headers.Authorization?.ToString(), body));
            }

            return await _respond(request, cancellationToken);
        }
    }
}
