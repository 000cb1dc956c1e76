using System.Net.Http.Headers;
using Gauntlet.Governance.Registry;

namespace Gauntlet.Cli;

/// <summary>The CLI's webhook transport: one HttpClient POST with a 10-second timeout; no answer is status 0.</summary>
internal sealed class HttpWebhookTransport : IWebhookTransport
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <inheritdoc />
    public int Post(Uri url, string body, IReadOnlyDictionary<string, string> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = Client.Send(request);
            return (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }
}
