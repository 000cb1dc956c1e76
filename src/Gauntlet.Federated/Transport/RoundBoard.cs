using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Gauntlet.Federated.Transport;

/// <summary>
/// The server's end of the wire: an HTTP server on loopback (.NET's own <see cref="HttpListener"/>,
/// so no web framework is pulled into the library) where clients post their messages for a
/// protocol phase and fetch what the server published for it. The federation logic above it
/// stays synchronous in shape: publish a phase, then collect the answers, with a deadline.
/// </summary>
/// <remarks>
/// Routes: <c>POST /post/{phase}/{client}</c> stores the body; <c>GET /get/{phase}/{client}</c>
/// returns the client's own message for the phase, else the broadcast one, else waits up to
/// <see cref="PollSeconds"/> and answers 204 so the client asks again. Phases are names such as
/// <c>r3/global</c>. There is no authentication: the server listens on 127.0.0.1 only.
/// </remarks>
public sealed class RoundBoard : IAsyncDisposable
{
    /// <summary>How long a GET waits for an unpublished phase before answering 204.</summary>
    public const int PollSeconds = 10;

    private HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, byte[]> _published = new();
    private readonly ConcurrentDictionary<(string Phase, int Client), byte[]> _posts = new();
    private readonly ConcurrentDictionary<int, bool> _gone = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bytesIn;
    private long _bytesOut;

    /// <summary>Starts listening on a free loopback port.</summary>
    public RoundBoard()
    {
        // Ask the kernel for a free port, then listen there; retried if another process (or a parallel
        // test) takes it in between. A listener whose Start failed keeps its failed registration, so
        // each attempt uses a fresh one.
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            if (attempt > 0)
            {
                _listener.Close();
                _listener = new HttpListener();
            }

            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                Address = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (attempt < 20)
            {
            }
        }

        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The base address clients connect to.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Request bytes received from clients so far (bodies only).</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesIn);

    /// <summary>Response bytes sent to clients so far (bodies only).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesOut);

    /// <summary>Raised when a client fetches a published phase (the demo's failure injection hooks in here).</summary>
    public event Action<string, int>? Fetched;

    /// <summary>Publishes <paramref name="data"/> for every client under <paramref name="phase"/>.</summary>
    public void Publish(string phase, byte[] data) => _published[phase] = data;

    /// <summary>Publishes <paramref name="data"/> for client <paramref name="client"/> only.</summary>
    public void Publish(string phase, int client, byte[] data) => _published[Key(phase, client)] = data;

    /// <summary>Records that <paramref name="client"/> is gone (its process exited, its task ended): no phase waits for it any more.</summary>
    public void MarkGone(int client)
    {
        _gone[client] = true;
        Signal();
    }

    /// <summary>Whether <paramref name="client"/> was marked gone.</summary>
    public bool IsGone(int client) => _gone.ContainsKey(client);

    /// <summary>
    /// The messages posted for <paramref name="phase"/> by the <paramref name="expected"/> clients,
    /// once each has posted or is gone, or when <paramref name="timeout"/> passes — whichever is
    /// first. Clients that did not post by then are left out; the caller decides if enough came.
    /// </summary>
    public async Task<Dictionary<int, byte[]>> CollectAsync(string phase, IReadOnlyCollection<int> expected, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var changed = _changed.Task;
            var done = expected.All(c => _posts.ContainsKey((phase, c)) || _gone.ContainsKey(c));
            var left = deadline - DateTime.UtcNow;
            if (done || left <= TimeSpan.Zero)
            {
                return expected.Where(c => _posts.ContainsKey((phase, c))).ToDictionary(c => c, c => _posts[(phase, c)]);
            }

            await Task.WhenAny(changed, Task.Delay(left, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private static string Key(string phase, int client) => $"{phase}#{client}";

    private void Signal() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var parts = context.Request.Url!.AbsolutePath.Trim('/').Split('/');
            // /{verb}/{phase...}/{client}: the phase itself may contain slashes.
            if (parts.Length < 3 || !int.TryParse(parts[^1], out var client) || client < 0)
            {
                response.StatusCode = 404;
                return;
            }

            var phase = string.Join('/', parts[1..^1]);
            if (parts[0] == "post" && context.Request.HttpMethod == "POST")
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body, _stop.Token).ConfigureAwait(false);
                Interlocked.Add(ref _bytesIn, body.Length);
                _posts[(phase, client)] = body.ToArray();
                Signal();
                response.StatusCode = 204;
            }
            else if (parts[0] == "get" && context.Request.HttpMethod == "GET")
            {
                var deadline = DateTime.UtcNow.AddSeconds(PollSeconds);
                byte[]? data;
                while (!_published.TryGetValue(Key(phase, client), out data) && !_published.TryGetValue(phase, out data) && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(5, _stop.Token).ConfigureAwait(false);
                }

                if (data is null)
                {
                    response.StatusCode = 204;
                    return;
                }

                Fetched?.Invoke(phase, client);
                response.StatusCode = 200;
                response.ContentType = "application/octet-stream";
                response.ContentLength64 = data.Length;
                await response.OutputStream.WriteAsync(data, _stop.Token).ConfigureAwait(false);
                Interlocked.Add(ref _bytesOut, data.Length);
            }
            else
            {
                response.StatusCode = 405;
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away mid-request (a killed process): nothing to answer.
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
    }
}
