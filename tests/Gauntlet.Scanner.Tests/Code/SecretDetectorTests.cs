using Gauntlet.Scanner.Code.Secrets;
using Gauntlet.Scanner.Corpus;
using static Gauntlet.Scanner.Tests.Code.SourceScanTestKit;

namespace Gauntlet.Scanner.Tests.Code;

public sealed class SecretDetectorTests
{
    private static readonly CodeCorpus.FakeSecrets Fake = new(7);

    public static TheoryData<string, string> ProviderTokens() => new()
    {
        { "secret.aws-access-key-id", "key = " + Fake.AwsKeyId() },
        { "secret.github-token", "t: " + Fake.GitHub() },
        { "secret.gitlab-token", "t: " + Fake.GitLab() },
        { "secret.slack-token", "t: " + Fake.Slack() },
        { "secret.stripe-key", "t: " + Fake.Stripe() },
        { "secret.openai-key", "t: " + Fake.OpenAi() },
        { "secret.huggingface-token", "t: " + Fake.HuggingFace() },
        { "secret.jwt", "t: " + Fake.Jwt() },
        { "secret.private-key", Fake.PemBody("EC PRIVATE KEY", escaped: false).Split('\n')[0] },
        { "secret.azure-storage-key", "AccountKey=" + Fake.AzureKey() + ";" },
        { "secret.database-url-password", "url = redis://default:" + Fake.Word() + "@cache:6379/0" },
    };

    [Theory]
    [MemberData(nameof(ProviderTokens))]
    public void ProviderPatternsMatchAndMask(string rule, string line)
    {
        var match = Assert.Single(SecretDetector.Scan(line, highEntropy: true));
        Assert.Equal(rule, match.RuleId);
        Assert.EndsWith("****", match.Masked, StringComparison.Ordinal);
        Assert.True(match.Masked.Length <= 8);
    }

    [Fact]
    public void EntropyFollowsDetectSecretsLimits()
    {
        Assert.Equal(0, SecretDetector.Entropy("aaaa"));
        Assert.Equal(2, SecretDetector.Entropy("abcd"), 6);
        Assert.True(SecretDetector.IsHighEntropy(Fake.Base64(40)));
        Assert.True(SecretDetector.IsHighEntropy(Fake.Hex(40)));
        Assert.False(SecretDetector.IsHighEntropy("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"));
        Assert.False(SecretDetector.IsHighEntropy("bert-base-uncased-finetuned"));
    }

    [Fact]
    public void JwtHeaderMustDecodeToJsonWithAlg()
    {
        Assert.Empty(SecretDetector.Scan("x = eyJhbGciOiJub3BlIn0x.eyJzdWIiOiIxMjM0In0.abcdefghijklmnopqrstu", highEntropy: false));
    }

    [Fact]
    public void PlaceholdersAreNotSecrets()
    {
        Assert.Empty(SecretDetector.Scan("DATABASE_URL=postgresql://app:${DB_PASSWORD}@db/app", highEntropy: true));
        Assert.Empty(SecretDetector.Scan("api_secret: <your secret here, at least twenty>", highEntropy: true));
    }

    [Fact]
    public void ValuesAreMaskedInEveryReportFormat()
    {
        var token = Fake.GitHub();
        var report = Scan($"github:\n  token: {token}\n", "ci.yaml");
        var finding = Assert.Single(report.Findings);
        Assert.Equal(("secret.github-token", 2, 10), (finding.RuleId, finding.Line!.Value, finding.Column!.Value));
        var scan = new ScanReport("ci.yaml", [report], DateTimeOffset.UnixEpoch, TimeSpan.Zero);
        foreach (var text in new[] { Reporting.JsonReportWriter.Write(scan), Reporting.SarifReportWriter.Write(scan), Reporting.CycloneDxWriter.Write(scan) })
        {
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
            Assert.DoesNotContain(token[4..], text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SarifRegionPointsAtTheLine()
    {
        var report = Scan("import torch\nsd = torch.load(p)\n", "src/train.py");
        var sarif = Reporting.SarifReportWriter.Write(new ScanReport(".", [report], DateTimeOffset.UnixEpoch, TimeSpan.Zero));
        using var json = System.Text.Json.JsonDocument.Parse(sarif);
        var region = json.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region");
        Assert.Equal(2, region.GetProperty("startLine").GetInt32());
        Assert.Equal(6, region.GetProperty("startColumn").GetInt32());
        Assert.Empty(new JsonSchemaValidator(Fixtures.SchemaDirectory).Validate("sarif-schema-2.1.0.json", json.RootElement));
    }
}
