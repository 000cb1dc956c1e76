using System.Net;

namespace Gauntlet.Federated.Transport;

/// <summary>A client's end of the wire: posts to and fetches from a <see cref="RoundBoard"/> over HTTP.</summary>
public sealed class BoardClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Connects client <paramref name="clientId"/> to the server at <paramref name="server"/>.</summary>
    public BoardClient(Uri server, int clientId)
    {
        ClientId = clientId;
        _http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(RoundBoard.PollSeconds + 30) };
    }

    /// <summary>This client's id.</summary>
    public int ClientId { get; }

    /// <summary>Posts <paramref name="data"/> as this client's message for <paramref name="phase"/>.</summary>
    /// <exception cref="HttpRequestException">The server refused it or could not be reached.</exception>
    public async Task PostAsync(string phase, byte[] data, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(data);
        using var response = await _http.PostAsync(new Uri($"post/{phase}/{ClientId}", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>What the server published for <paramref name="phase"/>, waiting up to <paramref name="timeout"/> for it.</summary>
    /// <exception cref="TimeoutException">Nothing was published in time.</exception>
    public async Task<byte[]> GetAsync(string phase, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await _http.GetAsync(new Uri($"get/{phase}/{ClientId}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"client {ClientId}: the server published nothing for '{phase}' within {timeout.TotalSeconds:F0} s.");
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
