using Gauntlet.Scanner.Data;

namespace Gauntlet.Scanner.Tests.Data;

public sealed class PrivacyPolicyTests
{
    private static string People => Path.Combine(AppContext.BaseDirectory, "Fixtures", "data-corpus", "pii", "people.csv");

    [Fact]
    public void PolicyViolationsCiteGdprAndCcpa()
    {
        var policy = PrivacyPolicy.Parse("allowed_categories: [email, phone, ip-address, date-of-birth, person-name]\nretention_days: 30\nconsent_field: consent\npseudonymisation_required: true\n");
        var path = Path.Combine(Path.GetTempPath(), $"gauntlet-privacy-{Environment.ProcessId}.csv");
        File.Copy(People, path, overwrite: true);
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddDays(-90));
            var report = ModelScanner.ScanFile(path, "people.csv", new ScanOptions { PrivacyPolicy = policy });
            var notAllowed = report.Findings.Where(f => f.RuleId == "privacy.category-not-allowed").Select(f => f.Field).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["card_number", "iban", "nhs_number", "ssn"], notAllowed);
            Assert.All(report.Findings.Where(f => f.RuleId == "privacy.category-not-allowed"), f => Assert.Contains("GDPR Art. 5(1)(c)", f.Message, StringComparison.Ordinal));
            var retention = Assert.Single(report.Findings, f => f.RuleId == "privacy.retention");
            Assert.Contains("90 days old", retention.Message, StringComparison.Ordinal);
            Assert.Contains("5(1)(e)", retention.Message, StringComparison.Ordinal);
            Assert.Contains("Art. 6(1)(a) and 7", Assert.Single(report.Findings, f => f.RuleId == "privacy.consent-missing").Message, StringComparison.Ordinal);
            var pseudo = report.Findings.Where(f => f.RuleId == "privacy.pseudonymisation").Select(f => f.Field).ToHashSet();
            Assert.Contains("email", pseudo);
            Assert.DoesNotContain("client_ip", pseudo);
            Assert.Contains(report.Findings, f => f.RuleId == "privacy.special-category" && f.Field == "nhs_number" && f.Message.Contains("Art. 9", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ACompliantFileHasNoPolicyFindings()
    {
        var policy = PrivacyPolicy.Parse("allowed_categories: [email]\nretention_days: 3650\n");
        var csv = "consent,email\nyes,ada@example.com\n"u8.ToArray();
        var report = ModelScanner.ScanBytes(csv, "ok.csv", new ScanOptions { PrivacyPolicy = policy });
        Assert.Single(report.Findings, f => f.RuleId == "pii.email");
        Assert.DoesNotContain(report.Findings, f => f.RuleId.StartsWith("privacy.", StringComparison.Ordinal));
    }

    [Fact]
    public void ACsvWhoseHeaderReadsLikeATextPickle_IsData_ButARenamedPickleIsStillAPickle()
    {
        // "c" is protocol 0's GLOBAL opcode: "consent,email\n..." parses as the start of a text pickle.
        var data = ModelScanner.ScanBytes("consent,email\nyes,ada@example.com\n"u8.ToArray(), "people.csv");
        Assert.Equal(ArtifactFormat.Csv, data.Format);
        Assert.DoesNotContain(data.Findings, f => f.RuleId.StartsWith("pickle.", StringComparison.Ordinal));
        Assert.Contains(data.Findings, f => f.RuleId == "pii.email");

        // A protocol-0 pickle that calls os.system, renamed .csv, ends with STOP and is still analysed as one.
        var pickle = ModelScanner.ScanBytes("cos\nsystem\n(S'id'\ntR."u8.ToArray(), "people.csv");
        Assert.Equal(ArtifactFormat.Pickle, pickle.Format);
        Assert.Contains(pickle.Findings, f => f.Severity == Severity.Critical);
    }

    [Theory]
    [InlineData("allowed_categories: [emails]", "unknown category 'emails'")]
    [InlineData("retention_days: forever", "retention_days must be a whole number")]
    [InlineData("colour: blue", "unknown key 'colour'")]
    [InlineData("allowed_categories: [email", "invalid YAML")]
    public void InvalidPoliciesAreOneLineErrors(string yaml, string expected)
    {
        var error = Assert.Throws<FormatException>(() => PrivacyPolicy.Parse(yaml));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
