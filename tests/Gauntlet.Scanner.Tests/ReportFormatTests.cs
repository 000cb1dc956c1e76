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
}
