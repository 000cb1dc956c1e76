using System.Diagnostics;
using Npgsql;

namespace Gauntlet.Governance.Tests.Registry;

/// <summary>
/// A real PostgreSQL server for the registry tests, started by scripts/postgres-test-server.sh (a
/// throwaway cluster on a unix socket) or taken from GAUNTLET_TEST_POSTGRES. When neither works the
/// tests skip with the script's one-line reason — never a silent pass.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string? _ownedFolder;

    public PostgresServer()
    {
        if (Environment.GetEnvironmentVariable("GAUNTLET_TEST_POSTGRES") is { Length: > 0 } given)
        {
            ConnectionString = given;
            return;
        }

        var script = Path.Combine(RepoPaths.Root, "scripts", "postgres-test-server.sh");
        var start = new ProcessStartInfo("bash", [script, "start"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        var error = process.StandardError.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode != 0 || output.Length == 0)
        {
            Unavailable = error.Length > 0 ? error : $"postgres-test-server.sh exited {process.ExitCode}";
            return;
        }

        ConnectionString = output;
        _ownedFolder = new NpgsqlConnectionStringBuilder(output).Host;
    }

    /// <summary>The server's connection string (to its 'postgres' database), or null.</summary>
    public string? ConnectionString { get; }

    /// <summary>Why there is no server, or null.</summary>
    public string? Unavailable { get; }

    /// <summary>A connection string to a new, empty database of its own.</summary>
    public string NewDatabase()
    {
        var name = "gauntlet_" + Guid.NewGuid().ToString("N")[..12];
        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE {name}";
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ToString();
    }

    public void Dispose()
    {
        if (_ownedFolder is not null)
        {
            using var stop = Process.Start(new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "scripts", "postgres-test-server.sh"), "stop", _ownedFolder]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            stop.WaitForExit();
        }
    }
}
