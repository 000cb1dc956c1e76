using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gauntlet.Llm.Guard.Hosting;

/// <summary>A running HTTP host (Kestrel, no console logging): its base URL, and how to stop it.</summary>
public sealed class RunningHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    internal RunningHost(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The address it listens on, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The OpenAI-style API base, <see cref="BaseUrl"/> + <c>v1</c>.</summary>
    public Uri ApiBase => new(BaseUrl, "v1");

    /// <summary>Completes when the host stops (Ctrl+C or <see cref="DisposeAsync"/>).</summary>
    /// <param name="cancellationToken">Stops waiting (and the host).</param>
    /// <returns>The task.</returns>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Builds and starts the hosts on an address such as <c>127.0.0.1:8080</c> (port 0: any free port).</summary>
public static class LoopbackHost
{
    /// <summary>Parses a listen address: <c>HOST:PORT</c> with an IP address as host.</summary>
    /// <param name="listen">The address.</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="FormatException">Not an IP address and port.</exception>
    public static IPEndPoint ParseListen(string listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var text = listen.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" + listen[9..] : listen;
        if (!IPEndPoint.TryParse(text, out var endpoint) || !text.Contains(':', StringComparison.Ordinal) || endpoint.Port is < 0 or > 65535)
        {
            throw new FormatException($"--listen: '{listen}' is not an IP address and port such as 127.0.0.1:8080");
        }

        return endpoint;
    }

    /// <summary>Starts a host with the routes <paramref name="map"/> adds.</summary>
    /// <param name="endpoint">Where to listen.</param>
    /// <param name="services">Adds services, or null.</param>
    /// <param name="map">Adds the routes.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running host.</returns>
    /// <exception cref="IOException">The address is in use or cannot be bound.</exception>
    public static async Task<RunningHost> StartAsync(IPEndPoint endpoint, Action<IServiceCollection>? services, Action<WebApplication> map, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(map);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(endpoint);
            o.Limits.MaxRequestBodySize = 4 << 20;
        });
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"cannot listen on {endpoint}: {ex.Message}", ex);
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningHost(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }
}
