using System.Text.Json;
using System.Text.Json.Nodes;
using Gauntlet.Core.Sarif;

namespace Gauntlet.Core.Tests.Sarif;

public sealed class SarifWriterTests
{
    private static List<string> Validate(JsonElement sarif) => new JsonSchemaValidator(RepoPaths.SchemaDirectory).Validate("sarif-schema-2.1.0.json", sarif);

    private static SarifLog Sample() => new()
    {
        Runs =
        [
            new SarifRun
            {
                Tool = new SarifTool
                {
                    Name = "gauntlet-test",
                    Version = "1.2.3",
                    SemanticVersion = "1.2.3",
                    InformationUri = "https://example.org/docs",
                    Rules =
                    [
                        new SarifRule { Id = "r.one", Name = "RuleOne", ShortDescription = "One", FullDescription = "The first rule.", Help = "Fix it.", DefaultLevel = SarifLevel.Error, Properties = new JsonObject { ["security-severity"] = "9.5", ["tags"] = SarifWriter.Strings(["security", "CWE-502"]) } },
                        new SarifRule { Id = "r.two" },
                    ],
                },
                Invocations = [new SarifInvocation { ExecutionSuccessful = false, StartTimeUtc = "2026-01-02T03:04:05Z" }],
                Artifacts = [new SarifArtifact { Uri = "models/a%20b.pt", Length = 10, Sha256 = new string('a', 64) }],
                Results =
                [
                    new SarifResult
                    {
                        RuleId = "r.one",
                        RuleIndex = 0,
                        Level = SarifLevel.Error,
                        Message = "ε-ball broken: <script>",
                        Locations = [new SarifLocation { Uri = "models/a%20b.pt", ArtifactIndex = 0, ByteOffset = 42, LogicalName = "a b.pt!data.pkl" }],
                        Properties = new JsonObject { ["severity"] = "critical", ["evidence"] = new JsonObject { ["nan"] = SarifWriter.Number(double.NaN), ["x"] = SarifWriter.Number(0.25) } },
                    },
                    new SarifResult { RuleId = "r.two", RuleIndex = 1, Level = SarifLevel.Note, Message = "plain" },
                ],
                Properties = new JsonObject { ["status"] = "partial" },
            },
        ],
    };

    [Fact]
    public void FullLog_ValidatesAgainstTheOfficialSchema_AndKeepsEveryValue()
    {
        using var document = JsonDocument.Parse(SarifWriter.Write(Sample()));
        var root = document.RootElement;

        Assert.Empty(Validate(root));
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Equal(SarifWriter.SchemaUri, root.GetProperty("$schema").GetString());
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.Equal("gauntlet-test", driver.GetProperty("name").GetString());
        Assert.Equal("1.2.3", driver.GetProperty("semanticVersion").GetString());
        var rule = driver.GetProperty("rules")[0];
        Assert.Equal("The first rule.", rule.GetProperty("fullDescription").GetProperty("text").GetString());
        Assert.Equal("Fix it.", rule.GetProperty("help").GetProperty("text").GetString());
        Assert.Equal("error", rule.GetProperty("defaultConfiguration").GetProperty("level").GetString());
        Assert.Equal(["security", "CWE-502"], rule.GetProperty("properties").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.False(driver.GetProperty("rules")[1].TryGetProperty("shortDescription", out _));

        Assert.False(run.GetProperty("invocations")[0].GetProperty("executionSuccessful").GetBoolean());
        Assert.Equal(new string('a', 64), run.GetProperty("artifacts")[0].GetProperty("hashes").GetProperty("sha-256").GetString());

        var result = run.GetProperty("results")[0];
        Assert.Equal("ε-ball broken: <script>", result.GetProperty("message").GetProperty("text").GetString());
        var location = result.GetProperty("locations")[0];
        Assert.Equal(42, location.GetProperty("physicalLocation").GetProperty("region").GetProperty("byteOffset").GetInt64());
        Assert.Equal(0, location.GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("index").GetInt32());
        Assert.Equal("a b.pt!data.pkl", location.GetProperty("logicalLocations")[0].GetProperty("fullyQualifiedName").GetString());
        Assert.Equal("NaN", result.GetProperty("properties").GetProperty("evidence").GetProperty("nan").GetString());
        Assert.Equal(0.25, result.GetProperty("properties").GetProperty("evidence").GetProperty("x").GetDouble());
        Assert.False(run.GetProperty("results")[1].TryGetProperty("locations", out _));
        Assert.Equal("partial", run.GetProperty("properties").GetProperty("status").GetString());
    }

    [Fact]
    public void MinimalRun_WritesEmptyResultsAndRules_AndValidates()
    {
        var text = SarifWriter.Write(new SarifLog { Runs = [new SarifRun { Tool = new SarifTool { Name = "t" } }] });
        using var document = JsonDocument.Parse(text);
        var run = document.RootElement.GetProperty("runs")[0];

        Assert.Empty(Validate(document.RootElement));
        Assert.Equal(0, run.GetProperty("results").GetArrayLength());
        Assert.Equal(0, run.GetProperty("tool").GetProperty("driver").GetProperty("rules").GetArrayLength());
        Assert.False(run.TryGetProperty("invocations", out _));
        Assert.False(run.TryGetProperty("artifacts", out _));
    }

    [Fact]
    public void Output_IsReadableUtf8_WithoutHtmlEscapes()
    {
        var text = SarifWriter.Write(Sample());

        Assert.Contains("\"ε-ball broken: <script>\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateRuleIds_AndWrongRuleIndexes_AreRefused()
    {
        var duplicate = new SarifLog { Runs = [new SarifRun { Tool = new SarifTool { Name = "t", Rules = [new SarifRule { Id = "a" }, new SarifRule { Id = "a" }] } }] };
        Assert.Contains("appears twice", Assert.Throws<ArgumentException>(() => SarifWriter.Write(duplicate)).Message, StringComparison.Ordinal);

        var wrongIndex = new SarifLog
        {
            Runs = [new SarifRun { Tool = new SarifTool { Name = "t", Rules = [new SarifRule { Id = "a" }, new SarifRule { Id = "b" }] }, Results = [new SarifResult { RuleId = "a", RuleIndex = 1, Level = SarifLevel.Note, Message = "m" }] }],
        };
        Assert.Contains("does not name that rule", Assert.Throws<ArgumentException>(() => SarifWriter.Write(wrongIndex)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Severity.Critical, SarifLevel.Error, "9.5")]
    [InlineData(Severity.High, SarifLevel.Error, "8.0")]
    [InlineData(Severity.Medium, SarifLevel.Warning, "5.5")]
    [InlineData(Severity.Low, SarifLevel.Note, "3.0")]
    [InlineData(Severity.Info, SarifLevel.Note, "0.0")]
    public void Severity_MapsToLevelAndSecuritySeverity(Severity severity, SarifLevel level, string securitySeverity)
    {
        Assert.Equal(level, SarifSeverity.Level(severity));
        Assert.Equal(securitySeverity, SarifSeverity.SecuritySeverity(severity));
    }

    [Theory]
    [InlineData(SarifLevel.None, "none")]
    [InlineData(SarifLevel.Note, "note")]
    [InlineData(SarifLevel.Warning, "warning")]
    [InlineData(SarifLevel.Error, "error")]
    public void LevelName_IsTheSarifSpelling(SarifLevel level, string name) => Assert.Equal(name, SarifWriter.LevelName(level));

    [Theory]
    [InlineData("a/b c.pt", "a/b%20c.pt")]
    [InlineData("x/<evil>&.onnx", "x/%3Cevil%3E%26.onnx")]
    [InlineData("back\\slash", "back%5Cslash")]
    public void RelativeUri_EscapesEachSegment(string path, string uri) => Assert.Equal(uri, SarifSeverity.RelativeUri(path));
}
