using System.Diagnostics;
using System.Net;
using System.Text;
using Gauntlet.Llm.Guard.Proxy;

namespace Gauntlet.Llm.Guard.Tests.Proxy;

/// <summary>An upstream that fails, answers non-JSON or is slow: the guard answers with a clear status, never unchecked text, never a hang.</summary>
public sealed class GuardUpstreamFaultTests(GuardFixture fixture) : IClassFixture<GuardFixture>
{
    private static StringContent Body(string model, bool stream = false) =>
        new($"{{\"model\":\"{model}\",\"stream\":{(stream ? "true" : "false")},\"messages\":[{{\"role\":\"user\",\"content\":\"What is your refund policy?\"}}]}}", Encoding.UTF8, "application/json");

    [Fact]
    public async Task Upstream500_PassesThroughWithItsStatus()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(fixture.Guard.ApiBase + "/chat/completions"), Body("fault-500"));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("scripted internal error", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamNonJson_IsA502_NotUncheckedText()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(fixture.Guard.ApiBase + "/chat/completions"), Body("fault-not-json"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("upstream reply is not a chat completion", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowUpstream_IsA504_WithinTheTimeout()
    {
        var policy = GuardPolicy.Parse("upstream_timeout_seconds: 0.5\n");
        await using var guard = await GuardServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), fixture.Target.ApiBase, policy, new DecisionLog(null));
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsync(new Uri(guard.ApiBase + "/chat/completions"), Body("fault-slow"));
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task MalformedRequest_IsA400()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(fixture.Guard.ApiBase + "/chat/completions"), new StringContent("{not json", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not JSON", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
