using System.Text.Json.Nodes;
using Gauntlet.Governance.Log;
using Gauntlet.Governance.Registry;

namespace Gauntlet.Governance.Tests.Registry;

/// <summary>
/// The registry's behaviour, written once and run on each database (SqliteRegistryTests,
/// PostgresRegistryTests): the same tests must pass on SQLite and on a real PostgreSQL server.
/// </summary>
public abstract class RegistryContract : IDisposable
{
    private static readonly string Model = Path.Combine(AppContext.BaseDirectory, "Fixtures", "models", "mlp.onnx");

    protected TempFolder Dir { get; } = new();

    /// <summary>A fresh, empty registry location (skips when the database is unavailable).</summary>
    protected abstract string NewLocation();

    protected ModelRegistry OpenRegistry(string location) => ModelRegistry.Open(location, Path.Combine(Dir.Path, "log-" + Math.Abs(location.GetHashCode(StringComparison.Ordinal))));

    public void Dispose()
    {
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }

    [SkippableFact]
    public void Register_RecordsFileHashes_OnnxSignature_AndLineage()
    {
        using var registry = OpenRegistry(NewLocation());
        var data = Dir.File("train.csv");
        File.WriteAllText(data, "x,y\n1,2\n");
        var config = Dir.File("config.yaml");
        File.WriteAllText(config, "epochs: 1\n");
        var v1 = registry.Register(new RegisterRequest { Name = "fashion-mlp", ArtifactPath = Model, DataFiles = [data], TrainingConfig = config, DpEpsilon = 3.5, Description = "demo" });
        Assert.Equal(1, v1.Version);
        Assert.Equal("onnx", v1.Format);
        Assert.Equal(ArtifactInspector.Hash(Model, "mlp.onnx").Sha256, v1.Sha256);
        Assert.Equal(new FileInfo(Model).Length, v1.SizeBytes);
        Assert.Single(v1.Files);
        Assert.NotEmpty(v1.Signature["inputs"]!.AsArray());
        Assert.NotEmpty(v1.Signature["outputs"]!.AsArray());
        Assert.Equal(3.5, (double)v1.Lineage["dp_epsilon"]!);
        Assert.Equal(ArtifactInspector.Hash(data, "d").Sha256, (string?)v1.Lineage["data"]![0]!["sha256"]);
        Assert.Equal("epochs: 1\n", (string?)v1.Lineage["training_config"]!["text"]);

        var v2 = registry.Register(new RegisterRequest { Name = "fashion-mlp", ArtifactPath = Model, Parent = "fashion-mlp@1" });
        Assert.Equal(2, v2.Version);
        Assert.Equal("fashion-mlp@1", (string?)v2.Lineage["parent"]);
        var listed = Assert.Single(registry.List());
        Assert.Equal(2, listed.LatestVersion);
        Assert.Equal("demo", listed.Description);
    }

    [SkippableFact]
    public void AliasesAndTags_ResolveMoveAndRemove()
    {
        using var registry = OpenRegistry(NewLocation());
        registry.Register(new RegisterRequest { Name = "m", ArtifactPath = Model });
        registry.Register(new RegisterRequest { Name = "m", ArtifactPath = Model });
        registry.SetAlias("m@1", "champion");
        Assert.Equal(1, registry.Show("m@champion").Version);
        registry.SetAlias("m@2", "champion"); // moves
        Assert.Equal(2, registry.Show("m@champion").Version);
        Assert.Equal(2, registry.Show("m").Version);
        Assert.Equal(2, registry.List()[0].Aliases["champion"]);
        registry.SetTag("m@1", "owner", "alice");
        registry.SetTag("m@1", "owner", "bob");
        Assert.Equal("bob", registry.Show("m@1").Tags["owner"]);
        registry.SetTag("m@1", "owner", null);
        Assert.Empty(registry.Show("m@1").Tags);
        Assert.Throws<RegistryException>(() => registry.SetTag("m@1", "owner", null));
        Assert.Throws<RegistryException>(() => registry.SetAlias("m@1", "7"));
    }

    [SkippableFact]
    public void Attach_KeepsTheReportAndScore_AndEveryEventIsInTheLog()
    {
        using var registry = OpenRegistry(NewLocation());
        registry.Register(new RegisterRequest { Name = "m", ArtifactPath = Model });
        var report = Dir.File("audit.json");
        File.WriteAllText(report, """{"schema_version":1,"scorecard":{"overall_score":71.5,"grade":"C"}}""");
        var attached = registry.Attach("m@1", "audit", report);
        Assert.Equal(71.5, attached.Score);
        var shown = registry.Show("m@1");
        var result = Assert.Single(shown.Results);
        Assert.Equal("audit", result.Kind);
        Assert.Equal(71.5, (double)ResultScores.Find(result.Report, "scorecard.overall_score")!);

        var events = registry.Events();
        Assert.Equal(["version.registered", "result.attached"], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.NotNull(e.LogIndex));
        using (var log = MerkleLog.Open(registry.LogFolder))
        {
            Assert.Equal(2, log.Size);
            var entry = JsonNode.Parse(log.ReadEntry(events[1].LogIndex!.Value))!;
            Assert.Equal("result.attached", (string?)entry["kind"]);
            Assert.Equal("m@1", (string?)entry["subject"]);
        }

        Assert.True(LogVerifier.Verify(registry.LogFolder, null).Ok);
    }

    [SkippableFact]
    public void MissingThings_AreOneLineErrors()
    {
        using var registry = OpenRegistry(NewLocation());
        registry.Register(new RegisterRequest { Name = "m", ArtifactPath = Model });
        var missingVersion = Assert.Throws<RegistryException>(() => registry.Show("m@9"));
        Assert.Equal("m@9: no such version (model 'm' has versions 1 to 1)", missingVersion.Message);
        Assert.Contains("model 'nope' is not in the registry", Assert.Throws<RegistryException>(() => registry.Show("nope@1")).Message, StringComparison.Ordinal);
        Assert.Contains("no alias 'prod'", Assert.Throws<RegistryException>(() => registry.Show("m@prod")).Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => registry.Register(new RegisterRequest { Name = "m", ArtifactPath = Dir.File("none.onnx") }));
        Assert.Throws<RegistryException>(() => registry.Register(new RegisterRequest { Name = "m", ArtifactPath = Model, Parent = "m@5" }));
        Assert.Equal(1, registry.Show("m").Version); // nothing half-registered
    }

    [SkippableFact]
    public void ConcurrentWriters_LoseNothing_DuplicateNothing()
    {
        var location = NewLocation();
        using (OpenRegistry(location))
        {
            // migrated once up front; the writers below race on versions, not on the schema
        }

        const int Writers = 4, Each = 5;
        Parallel.For(0, Writers, new ParallelOptions { MaxDegreeOfParallelism = Writers }, w =>
        {
            using var registry = OpenRegistry(location);
            for (var i = 0; i < Each; i++)
            {
                var v = registry.Register(new RegisterRequest { Name = "shared", ArtifactPath = Model });
                registry.SetTag(v.Reference, "writer", w.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        });

        using var check = OpenRegistry(location);
        Assert.Equal(Writers * Each, check.List().Single().Versions);
        var versions = Enumerable.Range(1, Writers * Each).Select(v => check.Show($"shared@{v}")).ToList();
        Assert.Equal(Writers * Each, versions.Select(v => v.Version).Distinct().Count());
        Assert.All(versions, v => Assert.True(v.Tags.ContainsKey("writer")));
        var events = check.Events();
        Assert.Equal(2 * Writers * Each, events.Count);
        Assert.Equal(events.Count, events.Select(e => e.LogIndex).Distinct().Count());
        using var log = MerkleLog.Open(check.LogFolder);
        Assert.Equal(events.Count, log.Size);
    }
}
