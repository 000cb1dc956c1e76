using System.Security.Cryptography;
using System.Text;

namespace Gauntlet.Governance.Registry;

/// <summary>Sends one POST; the CLI's implementation uses HttpClient (this layer knows no HTTP stack).</summary>
public interface IWebhookTransport
{
    /// <summary>POSTs <paramref name="body"/> (application/json) with <paramref name="headers"/>; returns the HTTP status, or 0 when no answer came.</summary>
    int Post(Uri url, string body, IReadOnlyDictionary<string, string> headers);
}

/// <summary>What happened to one delivery.</summary>
/// <param name="Url">The webhook.</param>
/// <param name="Attempts">How many POSTs were made.</param>
/// <param name="Status">The last HTTP status (0: no answer).</param>
public sealed record WebhookDelivery(string Url, int Attempts, int Status)
{
    /// <summary>Whether the receiver accepted it (2xx).</summary>
    public bool Delivered => Status is >= 200 and < 300;
}

/// <summary>
/// Delivers registry events to webhooks: each POST carries <c>X-Gauntlet-Signature: sha256=HEX</c>,
/// the HMAC-SHA256 of the exact body under the webhook's secret (as GitHub signs its webhooks), and
/// is retried with exponential backoff on no answer, 429 or 5xx.
/// </summary>
public sealed class WebhookDispatcher
{
    /// <summary>The signature header's name.</summary>
    public const string SignatureHeader = "X-Gauntlet-Signature";

    /// <summary>The transport; null sends nothing.</summary>
    public IWebhookTransport? Transport { get; init; }

    /// <summary>How many POSTs at most per event and webhook.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The wait before the first retry; doubled before each next one.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Every delivery made, for the caller to report.</summary>
    public List<WebhookDelivery> Deliveries { get; } = [];

    /// <summary>The signature header's value for <paramref name="body"/> under <paramref name="secret"/>.</summary>
    public static string Sign(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    /// <summary>POSTs <paramref name="body"/> to every hook, retrying each with backoff.</summary>
    public void Deliver(IEnumerable<(string Url, string Secret)> hooks, string body)
    {
        if (Transport is null)
        {
            return;
        }

        foreach (var (url, secret) in hooks)
        {
            var headers = new Dictionary<string, string> { [SignatureHeader] = Sign(secret, body) };
            var delay = FirstBackoff;
            var status = 0;
            var attempt = 0;
            while (attempt < MaxAttempts)
            {
                attempt++;
                status = Transport.Post(new Uri(url), body, headers);
                if (status is >= 200 and < 300 || (status is >= 400 and < 500 && status != 429))
                {
                    break; // delivered, or refused for good (a retry would be refused the same)
                }

                if (attempt < MaxAttempts)
                {
                    Thread.Sleep(delay);
                    delay *= 2;
                }
            }

            Deliveries.Add(new WebhookDelivery(url, attempt, status));
        }
    }
}
