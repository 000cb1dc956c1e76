using Gauntlet.Data;

namespace Gauntlet.Federated;

/// <summary>Clients as tasks in this process, each with its own HTTP connection to the server: real sockets, no process start-up cost (what the tests use).</summary>
public sealed class InProcessFleet : IClientFleet
{
    private readonly LabeledImages _train;
    private readonly Dictionary<int, CancellationTokenSource> _stops = [];
    private readonly List<Task> _tasks = [];

    /// <summary>Creates a fleet whose clients all hold <paramref name="train"/>.</summary>
    public InProcessFleet(LabeledImages train) => _train = train;

    /// <inheritdoc />
    public string Kind => "in-process";

    /// <summary>Failures of clients that ended with an error other than being killed.</summary>
    public IReadOnlyList<Exception> Failures => [.. _tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!)];

    /// <inheritdoc />
    public Task StartAsync(Uri server, IReadOnlyList<int> clients, Action<int> gone, CancellationToken cancellationToken)
    {
        foreach (var id in clients)
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _stops[id] = stop;
            _tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await FederatedClient.RunAsync(server, id, _train, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Killed: its connections were closed by the cancellation.
                }
                finally
                {
                    gone(id);
                }
            }, CancellationToken.None));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Kill(int client)
    {
        if (_stops.TryGetValue(client, out var stop))
        {
            stop.Cancel();
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(TimeSpan timeout)
    {
        var all = Task.WhenAll(_tasks);
        if (await Task.WhenAny(all, Task.Delay(timeout)).ConfigureAwait(false) != all)
        {
            foreach (var stop in _stops.Values)
            {
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }

        try
        {
            await all.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Collected in Failures.
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        foreach (var stop in _stops.Values)
        {
            stop.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
