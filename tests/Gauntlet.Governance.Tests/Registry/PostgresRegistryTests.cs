namespace Gauntlet.Governance.Tests.Registry;

/// <summary>The registry contract on a real PostgreSQL server (scripts/postgres-test-server.sh); skipped, with the reason, when none can start.</summary>
public sealed class PostgresRegistryTests(PostgresServer server) : RegistryContract, IClassFixture<PostgresServer>
{
    protected override string NewLocation()
    {
        Skip.If(server.ConnectionString is null, "no PostgreSQL server: " + server.Unavailable);
        return server.NewDatabase();
    }
}
