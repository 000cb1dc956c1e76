using System.Text.Json;
using Gauntlet.Scanner.Reporting;

namespace Gauntlet.Scanner.Tests;

public sealed class ReportFormatTests
{
    private static readonly Lazy<ScanReport> CorpusReport = new(() => ModelScanner.Scan(Fixtures.CorpusRoot));

    [Fact]
    public void Sarif_ValidatesAgainstTheOfficialSchema()
    {
        using var document = JsonDocument.Parse(SarifReportWriter.Write(CorpusReport.Value));
        var errors = new JsonSchemaValidator(Fixtures.SchemaDirectory).Validate("sarif-schema-2.1.0.json", document.RootElement);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Take(20)));
        Assert.True(document.RootElement.GetProperty("runs")[0].GetProperty("results").GetArrayLength() > 80);
    }

    [Fact]
    public void CycloneDx_ValidatesAgainstTheOfficialSchema()
    {
        using var document = JsonDocument.Parse(CycloneDxWriter.Write(CorpusReport.Value));
        var errors = new JsonSchemaValidator(Fixtures.SchemaDirectory).Validate("bom-1.6.schema.json", document.RootElement);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Take(20)));
        var models = document.RootElement.GetProperty("components").EnumerateArray().Where(c => c.GetProperty("type").GetString() == "machine-learning-model").ToList();
        Assert.True(models.Count > 100);
        Assert.All(models, m => Assert.Matches("^[0-9a-f]{64}$", m.GetProperty("hashes")[0].GetProperty("content").GetString()!));
    }

    [Fact]
    public void SchemaValidator_RejectsAnInvalidDocument()
    {
        using var document = JsonDocument.Parse("""{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"spaceship","name":"x"}]}""");
        var errors = new JsonSchemaValidator(Fixtures.SchemaDirectory).Validate("bom-1.6.schema.json", document.RootElement);
        Assert.NotEmpty(errors);
        using var sarif = JsonDocument.Parse("""{"version":"2.1.0","runs":[{"tool":{"driver":{}}}]}""");
        Assert.NotEmpty(new JsonSchemaValidator(Fixtures.SchemaDirectory).Validate("sarif-schema-2.1.0.json", sarif.RootElement));
    }

    [Fact]
    public void Json_HasSchemaVersionAndSnakeCaseKeys()
    {
        using var document = JsonDocument.Parse(JsonReportWriter.Write(CorpusReport.Value));
        var root = document.RootElement;
        Assert.Equal("1", root.GetProperty("schema_version").GetString());
        Assert.Equal("critical", root.GetProperty("max_severity").GetString());
        var artifact = root.GetProperty("artifacts")[0];
        Assert.True(artifact.TryGetProperty("sha256", out _));
        Assert.True(artifact.TryGetProperty("max_severity", out _));
    }

    [Fact]
    public void NotAnalysedEntries_AreNamedInEveryFormat()
    {
        // benign/zip: encrypted.zip (two encrypted entries) and text_like_pickle.zip (two text entries).
        var report = ModelScanner.Scan(Path.Combine(Fixtures.CorpusRoot, "benign", "zip"));
        Assert.Equal(4, report.NotAnalysedCount);
        string[] encrypted = ["encrypted.zip!notes.txt", "encrypted.zip!weights.bin"];

        using var json = JsonDocument.Parse(JsonReportWriter.Write(report));
        Assert.Equal(4, json.RootElement.GetProperty("not_analysed").GetInt32());
        var artifact = json.RootElement.GetProperty("artifacts").EnumerateArray().Single(a => a.GetProperty("path").GetString() == "encrypted.zip");
        Assert.Equal(encrypted, artifact.GetProperty("not_analysed").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal));
        Assert.All(artifact.GetProperty("findings").EnumerateArray(), f => Assert.True(f.GetProperty("not_analysed").GetBoolean()));

        using var sarif = JsonDocument.Parse(SarifReportWriter.Write(report));
        var run = sarif.RootElement.GetProperty("runs")[0];
        Assert.Equal(4, run.GetProperty("properties").GetProperty("notAnalysedCount").GetInt32());
        Assert.Equal(4, run.GetProperty("results").EnumerateArray().Count(r => r.GetProperty("properties").TryGetProperty("notAnalysed", out var flag) && flag.GetBoolean()));
        Assert.Subset(run.GetProperty("properties").GetProperty("notAnalysed").EnumerateArray().Select(e => e.GetString()!).ToHashSet(), encrypted.ToHashSet());

        using var bom = JsonDocument.Parse(CycloneDxWriter.Write(report));
        Assert.Equal("4", bom.RootElement.GetProperty("metadata").GetProperty("properties")[0].GetProperty("value").GetString());
        var component = bom.RootElement.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "encrypted.zip");
        var parts = component.GetProperty("properties").EnumerateArray().Where(p => p.GetProperty("name").GetString() == "gauntlet:not-analysed").Select(p => p.GetProperty("value").GetString()!).ToList();
        Assert.Equal(2, parts.Count);
        Assert.All(parts, p => Assert.Contains(": encrypted entry; not analysed", p, StringComparison.Ordinal));
    }
}
