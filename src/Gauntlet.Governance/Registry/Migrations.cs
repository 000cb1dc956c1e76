using System.Data.Common;
using System.Globalization;

namespace Gauntlet.Governance.Registry;

/// <summary>
/// The registry's schema as numbered migrations, the same on SQLite and PostgreSQL (the identity
/// column is the dialect's). <c>schema_migrations</c> records which ran; each runs once, inside the
/// writer lock, so two processes opening a new registry at once do not both create it.
/// </summary>
internal static class Migrations
{
    /// <summary>The migrations in order; append, never edit one that shipped.</summary>
    private static readonly string[] All =
    [
        """
        CREATE TABLE models (id {id}, name TEXT NOT NULL UNIQUE, description TEXT, created_at TEXT NOT NULL);
        CREATE TABLE versions (
            id {id}, model_id BIGINT NOT NULL REFERENCES models(id), version BIGINT NOT NULL,
            format TEXT NOT NULL, framework TEXT NOT NULL, size_bytes BIGINT NOT NULL, sha256 TEXT NOT NULL,
            source_path TEXT NOT NULL, signature_json TEXT NOT NULL, lineage_json TEXT NOT NULL, created_at TEXT NOT NULL,
            UNIQUE (model_id, version));
        CREATE TABLE version_files (version_id BIGINT NOT NULL REFERENCES versions(id), path TEXT NOT NULL, sha256 TEXT NOT NULL, size_bytes BIGINT NOT NULL, PRIMARY KEY (version_id, path));
        CREATE TABLE aliases (model_id BIGINT NOT NULL REFERENCES models(id), alias TEXT NOT NULL, version_id BIGINT NOT NULL REFERENCES versions(id), PRIMARY KEY (model_id, alias));
        CREATE TABLE tags (version_id BIGINT NOT NULL REFERENCES versions(id), tag_key TEXT NOT NULL, tag_value TEXT NOT NULL, PRIMARY KEY (version_id, tag_key));
        CREATE TABLE results (
            id {id}, version_id BIGINT NOT NULL REFERENCES versions(id), kind TEXT NOT NULL, score DOUBLE PRECISION,
            report_sha256 TEXT NOT NULL, report_json TEXT NOT NULL, source_path TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE events (id {id}, kind TEXT NOT NULL, subject TEXT NOT NULL, payload_json TEXT NOT NULL, log_index BIGINT, created_at TEXT NOT NULL);
        CREATE TABLE webhooks (id {id}, url TEXT NOT NULL UNIQUE, secret TEXT NOT NULL, created_at TEXT NOT NULL);
        """,
    ];

    /// <summary>The schema version a fully migrated registry has.</summary>
    public static int Latest => All.Length;

    /// <summary>Brings the database up to <see cref="Latest"/>.</summary>
    public static void Apply(DbConnection connection, SqlDialect dialect)
    {
        using var transaction = dialect.BeginWrite(connection);
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)");
        using var query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        var current = Convert.ToInt32(query.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (current > Latest)
        {
            throw new RegistryException($"registry {dialect.Describe()}: schema version {current} is newer than this Gauntlet knows ({Latest}); upgrade Gauntlet");
        }

        for (var v = current; v < Latest; v++)
        {
            foreach (var statement in All[v].Replace("{id}", dialect.IdentityColumn, StringComparison.Ordinal).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                Execute(connection, transaction, statement);
            }

            Execute(connection, transaction, $"INSERT INTO schema_migrations (version, applied_at) VALUES ({v + 1}, '{DateTimeOffset.UtcNow:O}')");
        }

        transaction.Commit();
    }

    private static void Execute(DbConnection connection, DbTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
