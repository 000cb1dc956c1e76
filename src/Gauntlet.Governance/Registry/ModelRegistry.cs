using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gauntlet.Governance.Log;

namespace Gauntlet.Governance.Registry;

/// <summary>
/// The model registry (docs/governance.md): models, numbered versions with the hash of every file
/// and the model's signature, aliases and tags (MLflow-style, no fixed stages), lineage, and every
/// Gauntlet report attached to a version. It lives in SQLite (a file, the default) or PostgreSQL
/// with the same migrations. Every change is an event, committed with the change and then appended
/// to the tamper-evident log, and POSTed to the registered webhooks.
/// </summary>
/// <remarks>
/// Writers serialise on the dialect's write lock (SQLite BEGIN IMMEDIATE, a PostgreSQL advisory
/// lock), so concurrent registrations get distinct consecutive version numbers, never the same one.
/// </remarks>
public sealed class ModelRegistry : IDisposable
{
    /// <summary>The result kinds the CLI offers (any word is stored; these are the Gauntlet reports).</summary>
    public static readonly IReadOnlyList<string> ResultKinds = ["scan", "audit", "defense", "backdoor", "privacy", "llm"];

    private const int KeptTextBytes = 64 * 1024;

    private readonly SqlDialect _dialect;
    private readonly DbConnection _connection;

    private ModelRegistry(SqlDialect dialect, DbConnection connection, string logFolder)
    {
        _dialect = dialect;
        _connection = connection;
        LogFolder = logFolder;
    }

    /// <summary>Where the registry is (file, or postgres://host:port/db).</summary>
    public string Location => _dialect.Describe();

    /// <summary>The database kind: sqlite or postgres.</summary>
    public string Dialect => _dialect.Name;

    /// <summary>The folder of the log the registry's events go to.</summary>
    public string LogFolder { get; }

    /// <summary>Webhook delivery (null: no webhooks are called, e.g. in bulk tests).</summary>
    public WebhookDispatcher? Webhooks { get; set; } = new();

    /// <summary>
    /// Opens (creating and migrating when new) the registry at <paramref name="location"/>: a SQLite
    /// file path or a PostgreSQL connection string (<c>Host=…;Database=…</c>); null for the default
    /// file under the user's data folder.
    /// </summary>
    /// <param name="location">The database.</param>
    /// <param name="logFolder">The event log (default: beside a SQLite file, or the data folder's log).</param>
    /// <exception cref="RegistryException">The database cannot be opened or is not a registry.</exception>
    public static ModelRegistry Open(string? location = null, string? logFolder = null)
    {
        location ??= GovernancePaths.DefaultRegistry;
        var dialect = SqlDialect.For(location);
        var log = logFolder ?? (dialect.Name == "sqlite"
            ? (Path.GetFullPath(location) == Path.GetFullPath(GovernancePaths.DefaultRegistry) ? GovernancePaths.DefaultLog : Path.ChangeExtension(Path.GetFullPath(location), null) + ".log")
            : GovernancePaths.DefaultLog);
        if (dialect.Name == "sqlite" && Directory.Exists(location))
        {
            throw new RegistryException($"--registry {location}: is a folder; give a database file");
        }

        DbConnection? connection = null;
        try
        {
            connection = dialect.Open();
            Migrations.Apply(connection, dialect);
            return new ModelRegistry(dialect, connection, log);
        }
        catch (DbException ex)
        {
            connection?.Dispose();
            throw new RegistryException($"registry {dialect.Describe()}: cannot be used ({OneLine(ex.Message)})", ex);
        }
        catch (InvalidOperationException ex) when (connection is null)
        {
            throw new RegistryException($"registry {dialect.Describe()}: cannot connect ({OneLine(ex.Message)})", ex);
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    /// <summary>Registers a new version of <see cref="RegisterRequest.Name"/> (the model is created when new).</summary>
    /// <returns>The version as stored.</returns>
    /// <exception cref="FileNotFoundException">The artifact or a lineage file is missing.</exception>
    /// <exception cref="RegistryException">The parent does not exist.</exception>
    public RegisteredVersion Register(RegisterRequest request)
    {
        CheckName(request.Name);
        var artifact = ArtifactInspector.Inspect(request.ArtifactPath, request.Framework);
        var lineage = Lineage(request);
        var now = Now();
        long versionId, version;
        using (var tx = _dialect.BeginWrite(_connection))
        {
            Sql.Execute(_connection, tx, "INSERT INTO models (name, description, created_at) VALUES (@n, @d, @t) ON CONFLICT (name) DO NOTHING", ("@n", request.Name), ("@d", request.Description), ("@t", now));
            var modelId = Sql.Long(_connection, tx, "SELECT id FROM models WHERE name = @n", ("@n", request.Name))!.Value;
            if (request.Description is not null)
            {
                Sql.Execute(_connection, tx, "UPDATE models SET description = @d WHERE id = @m", ("@d", request.Description), ("@m", modelId));
            }

            if (request.Parent is not null)
            {
                var parent = ResolveId(ModelReference.Parse(request.Parent), tx);
                lineage["parent"] = $"{parent.Model}@{parent.Version}";
            }

            version = (Sql.Long(_connection, tx, "SELECT MAX(version) FROM versions WHERE model_id = @m", ("@m", modelId)) ?? 0) + 1;
            versionId = Sql.Long(
                _connection,
                tx,
                "INSERT INTO versions (model_id, version, format, framework, size_bytes, sha256, source_path, signature_json, lineage_json, created_at) VALUES (@m, @v, @f, @fw, @s, @h, @p, @sig, @lin, @t) RETURNING id",
                ("@m", modelId), ("@v", version), ("@f", artifact.Format), ("@fw", artifact.Framework), ("@s", artifact.SizeBytes), ("@h", artifact.Sha256),
                ("@p", Path.GetFullPath(request.ArtifactPath)), ("@sig", artifact.Signature.ToJsonString()), ("@lin", lineage.ToJsonString()), ("@t", now))!.Value;
            foreach (var file in artifact.Files)
            {
                Sql.Execute(_connection, tx, "INSERT INTO version_files (version_id, path, sha256, size_bytes) VALUES (@v, @p, @h, @s)", ("@v", versionId), ("@p", file.Path), ("@h", file.Sha256), ("@s", file.SizeBytes));
            }

            AddEvent(tx, "version.registered", $"{request.Name}@{version}", new JsonObject { ["sha256"] = artifact.Sha256, ["format"] = artifact.Format, ["size_bytes"] = artifact.SizeBytes });
            tx.Commit();
        }

        Publish();
        return Show($"{request.Name}@{version}");
    }

    /// <summary>Every model with its latest version and aliases.</summary>
    public IReadOnlyList<ModelSummary> List() => Sql.Rows(
        _connection,
        null,
        "SELECT m.id, m.name, m.description, COALESCE(MAX(v.version), 0), COUNT(v.id) FROM models m LEFT JOIN versions v ON v.model_id = m.id GROUP BY m.id, m.name, m.description ORDER BY m.name",
        r => (Id: r.Int64(0), Summary: new ModelSummary(r.GetString(1), r.NullableString(2), r.Int64(3), r.Int64(4), new Dictionary<string, long>())))
        .Select(m => m.Summary with
        {
            Aliases = Sql.Rows(_connection, null, "SELECT a.alias, v.version FROM aliases a JOIN versions v ON v.id = a.version_id WHERE a.model_id = @m ORDER BY a.alias", r => (r.GetString(0), r.Int64(1)), ("@m", m.Id))
                .ToDictionary(a => a.Item1, a => a.Item2),
        })
        .ToList();

    /// <summary>The version <paramref name="reference"/> names (NAME@VERSION, NAME@ALIAS or NAME for the latest), with everything attached.</summary>
    /// <exception cref="RegistryException">No such model, version or alias.</exception>
    public RegisteredVersion Show(string reference)
    {
        var (id, model, version) = ResolveId(ModelReference.Parse(reference), null);
        var row = Sql.Rows(
            _connection,
            null,
            "SELECT format, framework, size_bytes, sha256, source_path, signature_json, lineage_json, created_at FROM versions WHERE id = @id",
            r => (Format: r.GetString(0), Framework: r.GetString(1), Size: r.Int64(2), Sha: r.GetString(3), Source: r.GetString(4), Sig: r.GetString(5), Lineage: r.GetString(6), Created: r.GetString(7)),
            ("@id", id)).Single();
        var files = Sql.Rows(_connection, null, "SELECT path, sha256, size_bytes FROM version_files WHERE version_id = @id ORDER BY path", r => new ArtifactFile(r.GetString(0), r.GetString(1), r.Int64(2)), ("@id", id));
        var aliases = Sql.Rows(_connection, null, "SELECT alias FROM aliases WHERE version_id = @id ORDER BY alias", r => r.GetString(0), ("@id", id));
        var tags = Sql.Rows(_connection, null, "SELECT tag_key, tag_value FROM tags WHERE version_id = @id ORDER BY tag_key", r => (r.GetString(0), r.GetString(1)), ("@id", id))
            .ToDictionary(t => t.Item1, t => t.Item2, StringComparer.Ordinal);
        var results = Sql.Rows(
            _connection,
            null,
            "SELECT id, kind, score, report_sha256, report_json, source_path, created_at FROM results WHERE version_id = @id ORDER BY id",
            r => new AttachedResult(r.Int64(0), r.GetString(1), r.NullableDouble(2), r.GetString(3), JsonNode.Parse(r.GetString(4))!, r.GetString(5), r.GetString(6)),
            ("@id", id));
        return new RegisteredVersion(
            id, model, version, row.Format, row.Framework, row.Size, row.Sha, row.Source,
            JsonNode.Parse(row.Sig)!.AsObject(), JsonNode.Parse(row.Lineage)!.AsObject(), row.Created, files, aliases, tags, results);
    }

    /// <summary>Points <paramref name="alias"/> of the model at the version <paramref name="reference"/> names (moving it if it pointed elsewhere).</summary>
    public void SetAlias(string reference, string alias)
    {
        CheckName(alias);
        if (long.TryParse(alias, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new RegistryException($"alias '{alias}': a number would read as a version; choose a name");
        }

        using (var tx = _dialect.BeginWrite(_connection))
        {
            var target = ResolveId(ModelReference.Parse(reference), tx);
            var modelId = Sql.Long(_connection, tx, "SELECT model_id FROM versions WHERE id = @id", ("@id", target.Id))!.Value;
            Sql.Execute(_connection, tx, "INSERT INTO aliases (model_id, alias, version_id) VALUES (@m, @a, @v) ON CONFLICT (model_id, alias) DO UPDATE SET version_id = @v", ("@m", modelId), ("@a", alias), ("@v", target.Id));
            AddEvent(tx, "alias.set", $"{target.Model}@{target.Version}", new JsonObject { ["alias"] = alias });
            tx.Commit();
        }

        Publish();
    }

    /// <summary>Sets tag <paramref name="key"/> on a version (replacing its value), or removes it when <paramref name="value"/> is null.</summary>
    public void SetTag(string reference, string key, string? value)
    {
        CheckName(key);
        using (var tx = _dialect.BeginWrite(_connection))
        {
            var target = ResolveId(ModelReference.Parse(reference), tx);
            if (value is null)
            {
                if (Sql.Execute(_connection, tx, "DELETE FROM tags WHERE version_id = @v AND tag_key = @k", ("@v", target.Id), ("@k", key)) == 0)
                {
                    throw new RegistryException($"{target.Model}@{target.Version}: no tag '{key}'");
                }
            }
            else
            {
                Sql.Execute(_connection, tx, "INSERT INTO tags (version_id, tag_key, tag_value) VALUES (@v, @k, @x) ON CONFLICT (version_id, tag_key) DO UPDATE SET tag_value = @x", ("@v", target.Id), ("@k", key), ("@x", value));
            }

            AddEvent(tx, value is null ? "tag.removed" : "tag.set", $"{target.Model}@{target.Version}", new JsonObject { ["key"] = key, ["value"] = value });
            tx.Commit();
        }

        Publish();
    }

    /// <summary>Attaches the JSON report at <paramref name="reportPath"/> to a version, with its score.</summary>
    /// <exception cref="InvalidDataException">The file is not JSON.</exception>
    public AttachedResult Attach(string reference, string kind, string reportPath)
    {
        CheckName(kind);
        if (!File.Exists(reportPath))
        {
            throw new FileNotFoundException($"{reportPath}: report not found", reportPath);
        }

        var bytes = File.ReadAllBytes(reportPath);
        JsonNode report;
        try
        {
            report = JsonNode.Parse(bytes) ?? throw new InvalidDataException($"{reportPath}: empty JSON");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{reportPath}: not a JSON report ({OneLine(ex.Message)})", ex);
        }

        var score = ResultScores.Of(report);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var now = Now();
        long id;
        (long Id, string Model, long Version) target;
        using (var tx = _dialect.BeginWrite(_connection))
        {
            target = ResolveId(ModelReference.Parse(reference), tx);
            id = Sql.Long(
                _connection,
                tx,
                "INSERT INTO results (version_id, kind, score, report_sha256, report_json, source_path, created_at) VALUES (@v, @k, @s, @h, @j, @p, @t) RETURNING id",
                ("@v", target.Id), ("@k", kind), ("@s", score), ("@h", sha), ("@j", report.ToJsonString()), ("@p", Path.GetFullPath(reportPath)), ("@t", now))!.Value;
            AddEvent(tx, "result.attached", $"{target.Model}@{target.Version}", new JsonObject { ["kind"] = kind, ["score"] = score, ["report_sha256"] = sha });
            tx.Commit();
        }

        Publish();
        return new AttachedResult(id, kind, score, sha, report, Path.GetFullPath(reportPath), now);
    }

    /// <summary>The registry's events, oldest first.</summary>
    public IReadOnlyList<RegistryEvent> Events() => Sql.Rows(
        _connection,
        null,
        "SELECT id, kind, subject, payload_json, log_index, created_at FROM events ORDER BY id",
        r => new RegistryEvent(r.Int64(0), r.GetString(1), r.GetString(2), JsonNode.Parse(r.GetString(3))!.AsObject(), r.IsDBNull(4) ? null : r.Int64(4), r.GetString(5)));

    /// <summary>Registers a webhook: every event is POSTed to <paramref name="url"/>, signed with HMAC-SHA256 under <paramref name="secret"/>.</summary>
    public void AddWebhook(string url, string secret)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw new RegistryException($"webhook '{url}': not an http(s) URL");
        }

        using var tx = _dialect.BeginWrite(_connection);
        Sql.Execute(_connection, tx, "INSERT INTO webhooks (url, secret, created_at) VALUES (@u, @s, @t) ON CONFLICT (url) DO UPDATE SET secret = @s", ("@u", url), ("@s", secret), ("@t", Now()));
        tx.Commit();
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200 || name.Contains('@', StringComparison.Ordinal) || name.Any(char.IsControl))
        {
            throw new RegistryException($"'{name}': a name is 1–200 characters without '@' or control characters");
        }
    }

    private static JsonObject Lineage(RegisterRequest request)
    {
        var lineage = new JsonObject
        {
            ["data"] = new JsonArray([.. request.DataFiles.Select(f => (JsonNode)Describe(f, "--data", keepText: false))]),
        };
        if (request.TrainingConfig is not null)
        {
            lineage["training_config"] = Describe(request.TrainingConfig, "--training-config", keepText: true);
        }

        if (request.TrainingLog is not null)
        {
            lineage["training_log"] = Describe(request.TrainingLog, "--training-log", keepText: true);
        }

        if (request.DpEpsilon is { } epsilon)
        {
            lineage["dp_epsilon"] = epsilon;
        }

        return lineage;
    }

    private static JsonObject Describe(string path, string option, bool keepText)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{option} {path}: file not found", path);
        }

        var file = ArtifactInspector.Hash(path, Path.GetFileName(path));
        var node = new JsonObject { ["path"] = Path.GetFullPath(path), ["sha256"] = file.Sha256, ["size_bytes"] = file.SizeBytes };
        if (keepText && file.SizeBytes <= KeptTextBytes)
        {
            node["text"] = File.ReadAllText(path, Encoding.UTF8);
        }

        return node;
    }

    private (long Id, string Model, long Version) ResolveId(ModelReference reference, DbTransaction? tx)
    {
        var modelId = Sql.Long(_connection, tx, "SELECT id FROM models WHERE name = @n", ("@n", reference.Name))
            ?? throw new RegistryException($"model '{reference.Name}' is not in the registry ({Location})");
        var row = reference switch
        {
            { Version: { } v } => Sql.Rows(_connection, tx, "SELECT id, version FROM versions WHERE model_id = @m AND version = @v", r => (r.Int64(0), r.Int64(1)), ("@m", modelId), ("@v", v)),
            { Alias: { } a } => Sql.Rows(_connection, tx, "SELECT v.id, v.version FROM aliases a JOIN versions v ON v.id = a.version_id WHERE a.model_id = @m AND a.alias = @a", r => (r.Int64(0), r.Int64(1)), ("@m", modelId), ("@a", a)),
            _ => Sql.Rows(_connection, tx, "SELECT id, version FROM versions WHERE model_id = @m ORDER BY version DESC LIMIT 1", r => (r.Int64(0), r.Int64(1)), ("@m", modelId)),
        };
        if (row.Count == 0)
        {
            var latest = Sql.Long(_connection, tx, "SELECT MAX(version) FROM versions WHERE model_id = @m", ("@m", modelId));
            throw new RegistryException(reference.Alias is { } alias
                ? $"{reference}: model '{reference.Name}' has no alias '{alias}'"
                : $"{reference}: no such version (model '{reference.Name}' has versions 1 to {latest ?? 0})");
        }

        return (row[0].Item1, reference.Name, row[0].Item2);
    }

    private void AddEvent(DbTransaction tx, string kind, string subject, JsonObject payload) =>
        Sql.Execute(_connection, tx, "INSERT INTO events (kind, subject, payload_json, created_at) VALUES (@k, @s, @p, @t)", ("@k", kind), ("@s", subject), ("@p", payload.ToJsonString()), ("@t", Now()));

    // Appends every committed event not yet in the log (so an event a crash kept out of the log gets
    // there with the next change), records its index, and hands it to the webhooks.
    private void Publish()
    {
        var pending = Sql.Rows(
            _connection,
            null,
            "SELECT id, kind, subject, payload_json, created_at FROM events WHERE log_index IS NULL ORDER BY id",
            r => new RegistryEvent(r.Int64(0), r.GetString(1), r.GetString(2), JsonNode.Parse(r.GetString(3))!.AsObject(), null, r.GetString(4)));
        if (pending.Count == 0)
        {
            return;
        }

        using (var log = MerkleLog.Open(LogFolder, TimeSpan.FromSeconds(60)))
        {
            foreach (var e in pending)
            {
                // Under the log's lock: another process may have published this event meanwhile.
                if (Sql.Long(_connection, null, "SELECT log_index FROM events WHERE id = @id", ("@id", e.Id)) is not null)
                {
                    continue;
                }

                var index = log.Append(Encoding.UTF8.GetBytes(EventJson(e).ToJsonString()));
                Sql.Execute(_connection, null, "UPDATE events SET log_index = @i WHERE id = @id", ("@i", index), ("@id", e.Id));
            }
        }

        if (Webhooks is { } webhooks)
        {
            var hooks = Sql.Rows(_connection, null, "SELECT url, secret FROM webhooks ORDER BY id", r => (r.GetString(0), r.GetString(1)));
            foreach (var e in pending)
            {
                webhooks.Deliver(hooks, EventJson(e).ToJsonString());
            }
        }
    }

    private JsonObject EventJson(RegistryEvent e) => new()
    {
        ["registry"] = Location,
        ["event_id"] = e.Id,
        ["kind"] = e.Kind,
        ["subject"] = e.Subject,
        ["payload"] = e.Payload.DeepClone(),
        ["created_at"] = e.CreatedAt,
    };
}
