using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Gauntlet.Federated;

namespace Gauntlet.Cli;

/// <summary>One <c>gauntlet federated-client</c> process per client: the demo's fleet, where killing a client kills a real process.</summary>
internal sealed class ProcessFleet(IReadOnlyList<string> dataArguments) : IClientFleet
{
    private readonly ConcurrentDictionary<int, Process> _processes = new();
    private readonly ConcurrentDictionary<int, string> _lastError = new();
    private readonly ConcurrentDictionary<int, bool> _killed = new();

    public string Kind => "processes";

    /// <summary>One line per client that exited with an error it was not killed for.</summary>
    public IEnumerable<string> FailureLines =>
        _processes.Where(p => p.Value.HasExited && p.Value.ExitCode != 0 && !_killed.ContainsKey(p.Key))
            .Select(p => $"client {p.Key} exited with code {p.Value.ExitCode}: {_lastError.GetValueOrDefault(p.Key, "(no message)")}");

    public Task StartAsync(Uri server, IReadOnlyList<int> clients, Action<int> gone, CancellationToken cancellationToken)
    {
        var (file, prefix) = Executable();
        foreach (var id in clients)
        {
            var info = new ProcessStartInfo(file)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in prefix.Concat(["federated-client", "--server", server.ToString(), "--id", id.ToString(CultureInfo.InvariantCulture)]).Concat(dataArguments))
            {
                info.ArgumentList.Add(a);
            }

            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            process.Exited += (_, _) => gone(id);
            process.ErrorDataReceived += (_, e) =>
            {
                if (!string.IsNullOrWhiteSpace(e.Data))
                {
                    _lastError[id] = e.Data;
                }
            };
            process.OutputDataReceived += (_, _) => { };
            process.Start();
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            _processes[id] = process;
        }

        return Task.CompletedTask;
    }

    public void Kill(int client)
    {
        if (_processes.TryGetValue(client, out var process))
        {
            _killed[client] = true;
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }
        }
    }

    public async Task StopAsync(TimeSpan timeout)
    {
        using var stop = new CancellationTokenSource(timeout);
        foreach (var (id, process) in _processes)
        {
            try
            {
                await process.WaitForExitAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(id);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var (id, process) in _processes)
        {
            if (!process.HasExited)
            {
                Kill(id);
            }

            process.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    // The running gauntlet apphost, or `dotnet gauntlet.dll` when the CLI is hosted by dotnet or a test runner.
    private static (string File, string[] Prefix) Executable()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "gauntlet")
        {
            return (self, []);
        }

        var dll = typeof(ProcessFleet).Assembly.Location;
        var dotnet = self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        return (dotnet, [dll]);
    }
}
