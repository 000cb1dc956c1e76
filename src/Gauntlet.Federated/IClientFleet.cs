namespace Gauntlet.Federated;

/// <summary>Starts, watches and kills the clients of a run: tasks in this process for tests, one process per client in the demo.</summary>
public interface IClientFleet : IAsyncDisposable
{
    /// <summary>A short description for reports ("in-process", "processes").</summary>
    string Kind { get; }

    /// <summary>Starts <paramref name="clients"/> against <paramref name="server"/>; calls <paramref name="gone"/> with a client's id when it ends for any reason.</summary>
    Task StartAsync(Uri server, IReadOnlyList<int> clients, Action<int> gone, CancellationToken cancellationToken);

    /// <summary>Kills <paramref name="client"/> at once: its process is killed or its task cancelled, so its sockets close mid-round.</summary>
    void Kill(int client);

    /// <summary>Waits up to <paramref name="timeout"/> for every client to end; kills those still running after it.</summary>
    Task StopAsync(TimeSpan timeout);
}
